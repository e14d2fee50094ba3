/*
 * serial.h - the 16550 UART at COM1.  Output is polled so that it works in
 * any context, panics included.  Input is interrupt driven (IRQ 4) into a
 * small ring; serial_getc() returns -1 when the ring is empty.
 */
#pragma once

void serial_init(void);
void serial_enable_rx_irq(void);
void serial_putc(char c);
int serial_getc(void);
