/*
 * timer.h - the kernel's clock and timers.
 *
 * The PIT's channel 0 interrupts HZ times a second and each interrupt
 * advances timer_ticks.  Before timer_init() the clock reads zero.
 *
 * A ktimer calls fn(timer) from the timer interrupt once its tick has come:
 * fn runs with interrupts off and must not sleep.  A timer is armed at most
 * once at a time; ktimer_cancel() on an unarmed timer does nothing.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"

#define HZ 100

void timer_init(void);
uint64_t timer_ticks(void);
uint64_t timer_uptime_ms(void);
static inline uint64_t ms_to_ticks(uint32_t ms) { return ((uint64_t)ms * HZ + 999) / 1000; }

struct ktimer {
    struct list_head link;      /* on the armed list, by expiry */
    uint64_t expires;           /* tick */
    bool armed;
    void (*fn)(struct ktimer *t);
};

void ktimer_add(struct ktimer *t, uint32_t ms, void (*fn)(struct ktimer *t));
void ktimer_cancel(struct ktimer *t);
