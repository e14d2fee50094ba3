/*
 * test_profile.c - the tick profile (kernel/profile.c) finds where the
 * time went.  KTEST_MANUAL: it needs profile= on the command line, which
 * the harness gives (tests/harness/specs.py), and judges the report.
 */
#include "ktest.h"
#include "printk.h"
#include "profile.h"
#include "spinlock.h"
#include "timer.h"
#include "x86.h"

#define SPIN_MS 1000                    /* 100 ticks at HZ 100 */

/* Somewhere the profile can only find by sampling: it loops with
 * interrupts on, and looks at the clock (which turns them off for a
 * moment) only once in a long while, so nearly every tick lands here. */
__attribute__((noinline)) static void profile_spin_target(uint32_t ms)
{
    uint64_t until = timer_uptime_ms() + ms;
    while (timer_uptime_ms() < until)
        for (volatile uint32_t i = 0; i < 100000; i++)
            ;
}

/* The same with a spinlock held, interrupts off: each tick waits for
 * the unlock, and must be counted here, where the time went, not in the
 * unlock (profile.c's sample_pc). */
__attribute__((noinline)) static void profile_irqs_off_target(uint32_t rounds)
{
    static struct spinlock lock;
    spin_lock_init(&lock, "profile test");
    for (uint32_t r = 0; r < rounds; r++) {
        uint32_t flags = spin_lock_irqsave(&lock);
        uint64_t t0 = rdtsc();
        while (rdtsc() - t0 < 20000000)     /* longer than a tick, at any TSC rate here */
            ;
        spin_unlock_irqrestore(&lock, flags);
    }
}

KTEST_MANUAL(profile_finds_the_function_that_spins)
{
    KASSERT(profile_enabled());
    profile_reset();
    profile_spin_target(SPIN_MS);
    profile_report("test", 3);          /* the harness wants it first, with most ticks */
    profile_reset();
    profile_irqs_off_target(50);
    profile_report("irqs off", 3);
}
