/*
 * kbench.c - the built-in benchmark runner (see include/kbench.h).
 */
#include "kbench.h"
#include "profile.h"
#include "cmdline.h"
#include "console.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"
#include "timer.h"
#include "x86.h"

KERNEL_PARAM(icount, "0", "set by qemu-boot --icount: the TSC advances 2^N per instruction");

extern const struct kbench kbenches_start[], kbenches_end[];

uint64_t bench_instructions(uint64_t tsc_delta)
{
    return tsc_delta >> cmdline_get_u32("icount", 0);
}

void bench_report(const char *bench, const char *params, const char *metric, uint64_t value,
                  const char *unit)
{
    if (!cmdline_has("icount") && strcmp(unit, "instructions") == 0)
        unit = "tsc_cycles (not under -icount: not instructions)";
    pr_info("BENCH %s%s%s %s=%llu %s\n", bench, params ? " " : "", params ? params : "",
            metric, (unsigned long long)value, unit);
}

void bench_report_seconds(const char *bench, const char *metric, uint64_t us)
{
    const char *note = cmdline_has("icount") ? " (virtual time under -icount)" : "";
    pr_info("BENCH %s %s=%llu.%04llu s%s\n", bench, metric, (unsigned long long)(us / 1000000),
            (unsigned long long)(us % 1000000 / 100), note);
}

uint32_t bench_median(uint32_t *v, int n)
{
    for (int i = 1; i < n; i++) {          /* insertion sort: n is small */
        uint32_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return v[n / 2];
}

uint32_t bench_overhead(void)
{
    enum { SAMPLES = 101 };
    uint32_t v[SAMPLES];
    for (int i = 0; i < SAMPLES; i++) {
        uint64_t t0 = rdtsc();
        __asm__ volatile("" ::: "memory");
        v[i] = (uint32_t)bench_instructions(rdtsc() - t0);
    }
    return bench_median(v, SAMPLES);
}

int kbench_run(const char *name)
{
    for (const struct kbench *b = kbenches_start; b < kbenches_end; b++) {
        if (strcmp(b->name, name) == 0) {
            pr_info("bench %s: begin\n", name);
            profile_reset();            /* profile=: the bench's own ticks */
            b->fn();
            profile_report(name, PROFILE_BENCH_TOP);
            pr_info("bench %s: done\n", name);
            return 0;
        }
    }
    pr_err("bench: no benchmark named \"%s\"\n", name);
    return -ENOENT;
}

void kbench_list(void)
{
    for (const struct kbench *b = kbenches_start; b < kbenches_end; b++)
        console_printf("  %s\n", b->name);
}

#define CALIBRATE_TICKS 20

/* Once: on a busy host one calibration could differ from the next by
 * half (the PIT's ticks come late when QEMU waits for a CPU), and
 * bench=nbd_swap put a CPU time measured with one beside a pass time
 * measured with another -- the CPU busy for longer than the pass. */
uint64_t bench_tsc_hz(void)
{
    static uint64_t hz;
    if (hz)
        return hz;
    uint64_t t = timer_ticks();
    while (timer_ticks() == t)          /* start on a tick edge */
        ;
    uint64_t c0 = rdtsc(), t0 = timer_ticks();
    while (timer_ticks() < t0 + CALIBRATE_TICKS)
        ;
    hz = (rdtsc() - c0) * HZ / CALIBRATE_TICKS;
    return hz;
}
