/*
 * test_timer.c - the clock moves: timer interrupts arrive and advance the
 * tick count and uptime together, and the PIT counts down between them.
 */
#include "ktest.h"
#include "pit.h"
#include "timer.h"
#include "x86.h"

#define WAIT_TICKS      10
#define MAX_WAKEUPS     10000   /* bound the wait: a dead timer fails, not hangs */

KTEST(timer_ticks_advance)
{
    KASSERT(irqs_enabled());
    uint64_t t0 = timer_ticks();
    int wakeups = 0;
    while (timer_ticks() < t0 + WAIT_TICKS && wakeups < MAX_WAKEUPS) {
        hlt();                  /* until the next interrupt */
        wakeups++;
    }
    uint64_t t1 = timer_ticks();
    KASSERT(t1 >= t0 + WAIT_TICKS);

    /* Uptime is the tick count in milliseconds: read both between two
     * ticks (interrupts off), or a tick in between would tell them apart. */
    uint32_t flags = irq_save();
    uint64_t ticks = timer_ticks(), ms = timer_uptime_ms();
    irq_restore(flags);
    KASSERT_EQ(ms, ticks * 1000 / HZ);
    KASSERT(ms >= WAIT_TICKS * 1000 / HZ);

    /* Between two ticks the PIT's counter runs down from its reload value. */
    uint16_t reload = PIT_INPUT_HZ / HZ;
    uint16_t c = pit_read_count();
    KASSERT(c <= reload);
    int changed = 0;
    for (int i = 0; i < 1000 && !changed; i++)
        changed = pit_read_count() != c;
    KASSERT(changed);
}
