/*
 * bench=swap: a 256 MiB hog (four tasks) on 128 MiB of RAM with hda a
 * swap area -- the same workload the reference figures were taken with
 * on Linux 6.1 in the same QEMU: write every page, then read every page
 * back and check it.  Wall-clock seconds from the TSC; make bench runs it
 * without -icount on a fresh 512 MiB mkswap area.
 */
#include "../kernel/hog.h"
#include "cmdline.h"
#include "kbench.h"
#include "printk.h"
#include "swap.h"

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
}
