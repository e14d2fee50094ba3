/*
 * timer.h - the kernel's clock: the PIT's channel 0 interrupts HZ times a
 * second and each interrupt advances timer_ticks.  Before timer_init() the
 * clock reads zero.
 */
#pragma once
#include <stdint.h>

#define HZ 100

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_uptime_ms(void);
