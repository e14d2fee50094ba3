/*
 * ratelimit.h - at most a burst of log lines of one kind per interval, so
 * that no error path, however often it runs, can flood the log (Linux's
 * __ratelimit).
 *
 *   static struct ratelimit rl = RATELIMIT_INIT("kswiod");
 *   if (ratelimit_ok(&rl))
 *       pr_err("kswiod: ...\n");
 *
 * ratelimit_ok() says whether this line may be printed: RATELIMIT_BURST
 * lines per RATELIMIT_INTERVAL_MS.  The first line allowed after some were
 * refused is preceded by "NAME: N similar lines suppressed", so the count
 * is never lost.  Any context: it takes no lock (interrupts are turned off
 * around its counters).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define RATELIMIT_INTERVAL_MS   5000
#define RATELIMIT_BURST         10

struct ratelimit {
    const char *name;           /* the subsystem, for the "suppressed" line */
    uint64_t begin_ms;          /* uptime when the current interval began */
    uint32_t printed;           /* lines allowed in this interval */
    uint32_t missed;            /* lines refused since the last one allowed */
};

#define RATELIMIT_INIT(subsystem) { .name = (subsystem) }

bool ratelimit_ok(struct ratelimit *rl);
