/*
 * timer.c - timer ticks and uptime (see include/timer.h).
 */
#include "timer.h"
#include "interrupts.h"
#include "pit.h"
#include "x86.h"

#define PIT_IRQ 0

static volatile uint64_t ticks;    /* written only by the timer interrupt */

static void timer_irq(struct int_frame *frame)
{
    (void)frame;
    ticks++;
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
