/*
 * bench=swap: a 256 MiB hog (four tasks) on 128 MiB of RAM with hda a
 * swap area -- the same workload the reference figures were taken with
 * on Linux 6.1 in the same QEMU: write every page, then read every page
 * back and check it.  Wall-clock seconds from the TSC; make bench runs it
 * without -icount on a fresh 512 MiB mkswap area.
 *
 * Then the out-of-memory decision: on hdb, a 160 MiB area (make run's
 * size), one task writes more than RAM and swap hold; oom_decision_ms is
 * the time from swap running out of slots to the task being ended, to a
 * timer tick (10 ms).  Reclaim should know at once that anonymous pages
 * have nowhere to go; it once waited 20 s.
 */
#include "../kernel/hog.h"
#include "cmdline.h"
#include "kbench.h"
#include "mm.h"
#include "printk.h"
#include "swap.h"

static void bench_oom_decision(void)
{
    static struct hog h;
    uint32_t used, total;
    int err = swapon("hdb", 0);
    if (err) {
        pr_err("bench swap: no swap area on hdb (%d): no oom_decision_ms\n", err);
        return;
    }
    swap_usage(&used, &total);
    h = (struct hog){ .name = "bench swap oom", .seed = 1999, .tasks = 1,
                      .pages = nr_managed_pages() + total + 16 * 256 };
    int ms = hog_map(&h) ? -1 : hog_ms_from_swap_full_to_oom(&h);
    hog_unmap(&h);
    swapoff("hdb");
    if (ms < 0) {
        pr_err("bench swap: the %u MiB hog was not ended after swap filled\n", h.pages / 256);
        return;
    }
    pr_info("BENCH swap swap_mb=%u oom_decision_ms=%d ms\n", total / 256, ms);
}

KBENCH(swap)
{
    static struct hog h;
    h = (struct hog){ .name = "bench swap", .seed = 1999, .tasks = 4,
                      .pages = cmdline_get_u32("hog_mb", 256) * 256 };
    int err = swapon("hda", 0);
    if (!err)
        err = hog_run(&h);
    if (err) {
        pr_err("bench swap: no swap area on hda or no memory (%d)\n", err);
        return;
    }
    hog_unmap(&h);
    swapoff("hda");
    uint32_t write_ms = (uint32_t)(h.write_us / 1000), verify_ms = (uint32_t)(h.verify_us / 1000);
    pr_info("BENCH swap hog_mb=%u write_s=%u.%03u verify_s=%u.%03u bad_pages=%u swapouts=%u "
            "swapins=%u\n", h.pages / 256, write_ms / 1000, write_ms % 1000, verify_ms / 1000,
            verify_ms % 1000, h.bad_pages, h.swapouts, h.swapins);
    bench_oom_decision();
}
