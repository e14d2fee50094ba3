/*
 * bench_sched.c - bench=sched: what a task switch costs, and how long a
 * woken IO task waits before it runs.
 *
 * context_switch: kmain and a partner at the same priority yield to each
 * other; one round trip is two switches.  wakeup_latency: a PRIO_IO task
 * waits on a completion; from complete() to the task running again.
 * Medians, the cost of reading the clock subtracted.
 */
#include "completion.h"
#include "kbench.h"
#include "sched.h"
#include "x86.h"

#define ROUNDS  501

static uint32_t samples[ROUNDS];

static void yield_until_stopped(void *arg)
{
    (void)arg;
    while (!task_should_stop())
        yield();
}

struct wakeup_probe {
    struct completion go;
    volatile uint64_t woke_at;
};

static void wake_and_stamp(void *arg)
{
    struct wakeup_probe *p = arg;
    while (!task_should_stop()) {
        wait_for_completion(&p->go);
        p->woke_at = rdtsc();
    }
}

KBENCH(sched)
{
    uint32_t overhead = bench_overhead();
    struct task *partner = task_create("bench-partner", yield_until_stopped, NULL, PRIO_NORMAL);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = rdtsc();
        yield();                        /* to the partner and back */
        samples[i] = ((uint32_t)bench_instructions(rdtsc() - t0) - overhead) / 2;
    }
    task_stop(partner);
    task_join(partner);
    bench_report("sched", "context_switch", "instructions", bench_median(samples, ROUNDS),
                 "instructions");

    static struct wakeup_probe p;
    init_completion(&p.go, "bench-go");
    struct task *io = task_create("bench-io", wake_and_stamp, &p, PRIO_IO);
    for (int i = 0; i < ROUNDS; i++) {
        uint64_t t0 = rdtsc();
        complete(&p.go);                /* the IO task preempts us here */
        samples[i] = (uint32_t)bench_instructions(p.woke_at - t0) - overhead;
    }
    task_stop(io);
    complete(&p.go);
    task_join(io);
    bench_report("sched", "wakeup_latency", "instructions", bench_median(samples, ROUNDS),
                 "instructions");
}
