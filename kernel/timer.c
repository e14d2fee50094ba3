/*
 * timer.c - timer ticks and uptime (see include/timer.h).
 */
#include "timer.h"
#include "interrupts.h"
#include "pit.h"
#include "profile.h"
#include "sched.h"
#include "x86.h"

#define PIT_IRQ 0

static volatile uint64_t ticks;    /* written only by the timer interrupt */
static struct list_head armed = LIST_HEAD_INIT(armed);     /* by expiry, soonest first */

static void run_expired_timers(void)
{
    while (!list_empty(&armed)) {
        struct ktimer *t = list_first_entry(&armed, struct ktimer, link);
        if (t->expires > ticks)
            break;
        list_del(&t->link);
        t->armed = false;
        t->fn(t);
    }
}

static void timer_irq(struct int_frame *frame)
{
    ticks++;
    profile_tick(frame);
    run_expired_timers();
    sched_tick();
}

void ktimer_add(struct ktimer *t, uint32_t ms, void (*fn)(struct ktimer *t))
{
    uint32_t flags = irq_save();
    if (t->armed)
        list_del(&t->link);
    t->fn = fn;
    t->expires = ticks + ms_to_ticks(ms ? ms : 1);   /* never "already past" */
    t->armed = true;
    struct list_head *pos = &armed;
    list_for_each(link, &armed) {
        if (list_entry(link, struct ktimer, link)->expires > t->expires) {
            pos = link;
            break;
        }
    }
    list_add_tail(&t->link, pos);       /* before the first later timer */
    irq_restore(flags);
}

void ktimer_cancel(struct ktimer *t)
{
    uint32_t flags = irq_save();
    if (t->armed) {
        list_del(&t->link);
        t->armed = false;
    }
    irq_restore(flags);
}

void timer_init(void)
{
    pit_start_periodic(HZ);
    irq_register(PIT_IRQ, timer_irq);
}

uint64_t timer_ticks(void)
{
    /* A 64-bit read is two loads: keep the interrupt from splitting them. */
    uint32_t flags = irq_save();
    uint64_t t = ticks;
    irq_restore(flags);
    return t;
}

uint64_t timer_uptime_ms(void)
{
    return timer_ticks() * (1000 / HZ);
}
