/*
 * pit.h - the 8253/8254 programmable interval timer.  Channel 0 drives
 * IRQ 0 at a chosen rate; pit_read_count() latches and reads its counter.
 */
#pragma once
#include <stdint.h>

#define PIT_INPUT_HZ 1193182

void pit_start_periodic(uint32_t hz);
uint16_t pit_read_count(void);
