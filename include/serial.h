/*
 * serial.h - the 16550 UART at COM1.  Output is polled so that it works in
 * any context, panics included.  Input is interrupt driven (IRQ 4) into a
 * small ring (the UART holds the sender back while the ring is full);
 * serial_getc() returns -1 when the ring is empty, and serial_input_wait is
 * woken when something arrives.  serial_getc() runs with interrupts off;
 * serial_input_pending() says whether it would return a character (a
 * plain look, from any context).
 */
#pragma once
#include "wait.h"

extern struct wait_queue serial_input_wait;

void serial_init(void);
void serial_enable_rx_irq(void);
void serial_putc(char c);
int serial_getc(void);
bool serial_input_pending(void);
