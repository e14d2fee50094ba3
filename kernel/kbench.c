/*
 * kbench.c - the built-in benchmark runner (see include/kbench.h).
 */
#include "kbench.h"
#include "cmdline.h"
#include "console.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"

extern const struct kbench kbenches_start[], kbenches_end[];

uint64_t bench_instructions(uint64_t tsc_delta)
{
    return tsc_delta >> cmdline_get_u32("icount", 0);
}

void bench_report(const char *bench, const char *metric, uint64_t value, const char *unit)
{
    if (!cmdline_has("icount") && strcmp(unit, "instructions") == 0)
        unit = "tsc_cycles (not under -icount: not instructions)";
    pr_info("BENCH %s %s=%llu %s\n", bench, metric, (unsigned long long)value, unit);
}

int kbench_run(const char *name)
{
    for (const struct kbench *b = kbenches_start; b < kbenches_end; b++) {
        if (strcmp(b->name, name) == 0) {
            pr_info("bench %s: begin\n", name);
            b->fn();
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
