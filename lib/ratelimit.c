/*
 * ratelimit.c - a burst of log lines per interval (see include/ratelimit.h).
 */
#include "ratelimit.h"
#include "printk.h"
#include "timer.h"
#include "x86.h"

bool ratelimit_ok(struct ratelimit *rl)
{
    uint64_t now = timer_uptime_ms();
    uint32_t flags = irq_save();
    if (rl->printed == 0 || now - rl->begin_ms >= RATELIMIT_INTERVAL_MS) {
        rl->begin_ms = now;
        rl->printed = 0;
    }
    bool ok = rl->printed < RATELIMIT_BURST;
    uint32_t missed = 0;
    if (ok) {
        rl->printed++;
        missed = rl->missed;
        rl->missed = 0;
    } else {
        rl->missed++;
    }
    irq_restore(flags);
    if (missed)
        pr_warn("%s: %u similar lines suppressed\n", rl->name, missed);
    return ok;
}
