/*
 * kbench.h - built-in benchmarks.
 *
 * KBENCH(name) registers bench_NAME() into the .kbenches section; the
 * command line bench=NAME runs it and powers off.  A benchmark prints its
 * results as lines the bench runner collects:
 *
 *     BENCH name [param=value ...] metric=value unit
 *
 * Under QEMU's -icount shift=N the TSC advances exactly 2^N per guest
 * instruction, so a TSC difference shifted right by N is an instruction
 * count: the repeatable figure.  tools/qemu-boot --icount passes icount=N
 * on the command line; without it bench_instructions() returns raw TSC
 * cycles and bench_report says so.
 */
#pragma once
#include <stdint.h>

struct kbench {
    const char *name;
    void (*fn)(void);
};

#define KBENCH(name)                                                        \
    static void bench_##name(void);                                         \
    static const struct kbench kbench_desc_##name                           \
        __attribute__((used, section(".kbenches"), aligned(4))) =           \
        { #name, bench_##name };                                            \
    static void bench_##name(void)

/* TSC cycles turned into guest instructions (see above). */
uint64_t bench_instructions(uint64_t tsc_delta);
/* params ("order=3") may be NULL. */
void bench_report(const char *bench, const char *params, const char *metric, uint64_t value,
                  const char *unit);
/* A wall-clock figure: "BENCH bench metric=S.SSSS s" from microseconds. */
void bench_report_seconds(const char *bench, const char *metric, uint64_t us);
/* Median of n samples (sorts them). */
uint32_t bench_median(uint32_t *samples, int n);
/* What an empty timed region costs in instructions: subtract it. */
uint32_t bench_overhead(void);
/* TSC ticks per second, measured against the PIT over a fifth of a second
 * the first time and remembered: for wall-clock figures finer than the
 * 10 ms timer tick, all of a boot's figures on the same scale. */
uint64_t bench_tsc_hz(void);
/* Run the named benchmark; -ENOENT when there is none by that name. */
int kbench_run(const char *name);
void kbench_list(void);
