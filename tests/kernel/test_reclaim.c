/*
 * test_reclaim.c - reclaim under load: the stress tests of the boot suite
 * that need a swap disk (the harness gives hda, made by mkswap, and boots
 * with --mem 32; see tests/harness/swap_tests.py).
 *
 *   swap_4x_ram_reads_back_every_page (swap_hog)
 *       4x RAM of anonymous memory written and read back
 *   swap_full_ends_the_hog_and_the_rest_goes_on (swap_full)
 *       more than RAM + swap: the hog is ended, the rest goes on
 *   swap_write_errors_lose_no_page (swap_eio)
 *       the swap disk fails some writes: no page is lost
 *   reclaim_never_waits_for_a_stalled_swap_disk (reclaim_never_waits)
 *       the swap disk stalls: allocations go on from clean pages
 *   swapoff_brings_pages_back
 *       too little memory: refused; enough: every page back
 *
 * The short names in parentheses, which make run's list uses, pick the
 * tests too (KTEST_MANUAL_ALIAS); the hogs and their log lines keep them.
 *
 * Each prints its seed, progress and a summary.  hog_mb=, hog_tasks= and
 * seed= on the command line change the defaults.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "hog.h"
#include "kbench.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "test_helpers.h"
#include "vm.h"
#include "x86.h"

KERNEL_PARAM(hog_mb, "per test", "MiB of anonymous memory the stress tests' hogs touch");
KERNEL_PARAM(hog_tasks, "4", "tasks sharing swap_hog's hog");
KERNEL_PARAM(swap_dev, "per test", "the swap area of the swap and stall tests");

static struct hog the_hog;

/* A hog of mib MiB (hog_mb= overrides) in hog_tasks= tasks (default 4). */
static struct hog *new_hog(const char *name, uint32_t mib)
{
    the_hog = (struct hog){
        .name = name, .seed = ktest_seed(),
        .pages = cmdline_get_u32("hog_mb", mib) * 256,
        .tasks = (int)cmdline_get_u32("hog_tasks", 4),
    };
    if (the_hog.tasks < 1 || the_hog.tasks > HOG_MAX_TASKS)
        the_hog.tasks = 4;
    return &the_hog;
}

static uint32_t ram_mib(void) { return nr_managed_pages() / 256; }


/* 4x RAM in four tasks: every page written, swapped out, read back; on
 * hda, or on swap_dev= (nbd0, for the NBD tests). */
KTEST_MANUAL_ALIAS(swap_4x_ram_reads_back_every_page, swap_hog)
{
    struct report_counts reports0 = report_counts_now();
    const char *dev = cmdline_get("swap_dev") ? cmdline_get("swap_dev") : "hda";
    KASSERT_EQ(swapon(dev, 0), 0);
    struct hog *h = new_hog("swap_hog", 4 * ram_mib());
    KASSERT_EQ(hog_run(h), 0);
    hog_unmap(h);
    ktest_note("%u MiB: %u bad pages, %u swap-outs", h->pages / 256, h->bad_pages,
               h->swapouts);
    KASSERT_EQ(h->bad_pages, 0);
    KASSERT_EQ(h->ended, 0);
    KASSERT(h->swapouts > 0 && h->swapins > 0);
    KASSERT_EQ(swapoff(dev), 0);
    expect_reclaim_sync_reports(reports0);    /* the data came back whole all the same */
}

KTEST_MANUAL_ALIAS(swap_write_errors_lose_no_page, swap_eio)
{
    KASSERT_EQ(swapon("hda", 0), 0);
    uint32_t errors0 = vm_events.kswiod_errors;
    struct hog *h = new_hog("swap_eio", 2 * ram_mib());
    KASSERT_EQ(hog_run(h), 0);
    hog_unmap(h);
    uint32_t errors = vm_events.kswiod_errors - errors0;
    pr_info("swap_eio: %u page writes failed; every page came back intact\n", errors);
    KASSERT_EQ(h->bad_pages, 0);
    KASSERT_EQ(h->ended, 0);
    KASSERT(errors > 0);
    KASSERT_EQ(swapoff("hda"), 0);
}

/*
 * More anonymous memory than RAM and swap together.  The hog's task is
 * ended when even reclaim cannot find it a page -- soon after swap is
 * full, since anonymous pages then have nowhere to go (it once took 20 s
 * of waiting on 160 MiB of swap); afterwards the system is whole: a
 * smaller hog runs clean and swap empties again.
 */
#define OOM_DECISION_MAX_MS 1000    /* bench=swap measures it: tens of ms */

KTEST_MANUAL_ALIAS(swap_full_ends_the_hog_and_the_rest_goes_on, swap_full)
{
    KASSERT_EQ(swapon("hda", 0), 0);
    uint32_t used, total;
    swap_usage(&used, &total);
    struct hog *h = new_hog("swap_full", ram_mib() + total / 256 + 16);
    h->tasks = 1;
    KASSERT_EQ(hog_map(h), 0);
    pr_info("swap_full: %u MiB of swap\n", total / 256);
    int decision_ms = hog_ms_from_swap_full_to_oom(h);
    pr_info("swap_full: the hog was %s, %d ms after swap was full\n",
            h->ended ? "ended" : "NOT ended", decision_ms);
    ktest_note("hog %s %d ms after swap was full", h->ended ? "ended" : "NOT ended",
               decision_ms);
    KASSERT_EQ(h->ended, 1);
    KASSERT(decision_ms >= 0 && decision_ms < OOM_DECISION_MAX_MS);
    KASSERT(vm_events.oom_kills > 0);
    hog_unmap(h);
    kswiod_drain(NULL);
    swap_usage(&used, &total);
    KASSERT_EQ(used, 0);

    struct hog *after = new_hog("swap_full-after", ram_mib());
    KASSERT_EQ(hog_run(after), 0);
    hog_unmap(after);
    pr_info("swap_full: afterwards a %u MiB hog: %u bad pages; the system goes on\n",
            after->pages / 256, after->bad_pages);
    KASSERT_EQ(after->bad_pages, 0);
    KASSERT_EQ(after->ended, 0);
    KASSERT_EQ(swapoff("hda"), 0);
}

/*
 * swapoff needs room for every page it brings back.  With 1.5x RAM out
 * there is none: it fails, and leaves everything as it was.  With one of
 * the hog's tasks gone there is: every page comes back, bit-identical.
 */
KTEST_MANUAL(swapoff_brings_pages_back)
{
    KASSERT_EQ(swapon("hda", 0), 0);
    struct hog *h = new_hog("swapoff", 3 * ram_mib() / 2);
    h->tasks = 2;
    KASSERT_EQ(hog_map(h), 0);
    hog_pass(h, true);
    KASSERT_EQ(swapoff("hda"), -ENOMEM);
    pr_info("swapoff: refused with 1.5x RAM swapped out\n");
    KASSERT_EQ(hog_pass(h, false) > 0, 1);
    KASSERT_EQ(h->bad_pages, 0);

    vm_space_destroy(h->space[1]);      /* half of it goes */
    h->space[1] = NULL;
    KASSERT_EQ(swapoff("hda"), 0);
    uint32_t in_memory = 0, swapped = 0;
    for (uint32_t va = HOG_VA; va < HOG_VA + h->pages / 2 * PAGE_SIZE; va += PAGE_SIZE) {
        uint32_t pte = vm_get_pte(h->space[0], va);
        in_memory += (pte & PTE_PRESENT) != 0;
        swapped += is_swap_pte(pte);
    }
    pr_info("swapoff: done: %u pages in memory, %u still swapped\n", in_memory, swapped);
    KASSERT_EQ(swapped, 0);
    KASSERT_EQ(in_memory, h->pages / 2);
    hog_pass(h, false);
    KASSERT_EQ(h->bad_pages, 0);
    hog_unmap(h);
}

/* ---- reclaim_never_waits ------------------------------------------------ */

/* Dirty (write back what they hold) up to want of the hog's pages that
 * are in memory now, and no other: touching a swapped-out page would read
 * from the stalled disk.  Interrupts off between the look at the PTE and
 * the write, so reclaim cannot take the page in between.  Every task's
 * space is looked in: whose pages are still in memory after the hog's
 * passes depends on how the scheduler interleaved its tasks. */
struct resident {
    struct hog *hog;                    /* whose pages: any of its tasks' */
    uint32_t want, dirtied;
};

static void dirty_resident_pages(void *arg)
{
    struct resident *r = arg;
    struct hog *h = r->hog;
    uint32_t pages = h->pages / h->tasks;
    for (int t = 0; t < h->tasks && r->dirtied < r->want; t++) {
        task_set_vm(h->space[t]);
        for (uint32_t i = 0; i < pages && r->dirtied < r->want; i++) {
            volatile uint32_t *w = (volatile uint32_t *)(HOG_VA + i * PAGE_SIZE);
            uint32_t flags = irq_save();
            uint32_t pte = vm_get_pte(h->space[t], (uint32_t)w);
            if (pte & PTE_PRESENT) {
                w[0] = w[0];
                /* Dirty, but not used lately: reclaim must write it
                 * rather than give it a second chance. */
                vm_set_pte(h->space[t], (uint32_t)w,
                           vm_get_pte(h->space[t], (uint32_t)w) & ~PTE_ACCESSED);
                r->dirtied++;
            }
            irq_restore(flags);
        }
        task_set_vm(NULL);
    }
}

struct dirtier {
    struct vm_space *space;
    uint32_t pages;
    uint64_t max_cycles;        /* the slowest page: its fault and write */
};

static void dirty_fresh_pages(void *arg)
{
    struct dirtier *d = arg;
    task_set_vm(d->space);
    for (uint32_t i = 0; i < d->pages; i++) {
        volatile uint32_t *w = (volatile uint32_t *)(HOG_VA + i * PAGE_SIZE);
        uint64_t t0 = rdtsc();
        w[0] = i;
        uint64_t dt = rdtsc() - t0;
        d->max_cycles = dt > d->max_cycles ? dt : d->max_cycles;
    }
    task_set_vm(NULL);
}

/*
 * The swap disk stops answering while a task keeps allocating.  Reclaim
 * must not wait for the writes it gave kswiod (they never finish while
 * the disk is stalled): it frees clean pages -- here, the hog's pages
 * read back from swap, clean copies of their slots -- and every
 * allocation succeeds.  Some of the hog's pages are dirtied first, more
 * than kswiod takes, so that its queue fills up behind the stalled disk;
 * their accessed bits are cleared, so that reclaim meets them as pages
 * to write and not to give a second chance (else, when it finds enough
 * clean pages first, nothing goes to the disk and the test proves
 * nothing: that happened once in a full run).
 * No reclaim wait is reported.
 */
KTEST_MANUAL_ALIAS(reclaim_never_waits_for_a_stalled_swap_disk, reclaim_never_waits)
{
    uint32_t v0 = reclaim_violations;
    struct block_device *disk = blkdev_find("hda");
    KASSERT(disk != NULL);
    KASSERT_EQ(swapon("hda", 0), 0);
    struct hog *h = new_hog("reclaim_never_waits", 3 * ram_mib() / 2);
    KASSERT_EQ(hog_run(h), 0);              /* the second half is now clean copies */
    KASSERT_EQ(h->bad_pages, 0);

    static struct dirtier d;
    d = (struct dirtier){ .space = vm_space_create(), .pages = nr_managed_pages() / 2 };
    KASSERT(d.space != NULL);
    KASSERT_EQ(vm_map_anon(d.space, HOG_VA, d.pages * PAGE_SIZE, PTE_WRITE), 0);
    blkdev_stall(disk, true);
    static struct resident r;
    r = (struct resident){ .hog = h, .want = 1024 };
    KASSERT_EQ(task_join(task_create("dirty-resident", dirty_resident_pages, &r, PRIO_NORMAL)),
               0);
    pr_info("reclaim_never_waits: %s stalled; %u resident pages dirtied; a task dirties %u "
            "new pages\n", disk->name, r.dirtied, d.pages);
    uint32_t failures0 = vm_events.reclaim_failures;
    KASSERT_EQ(task_join(task_create("dirtier", dirty_fresh_pages, &d, PRIO_NORMAL)), 0);
    uint32_t queued, in_flight;
    kswiod_counts(&queued, &in_flight);
    uint64_t max_us = d.max_cycles * 1000000 / bench_tsc_hz();
    pr_info("reclaim_never_waits: all %u pages allocated with the disk stalled; kswiod holds "
            "%u queued and %u in flight; slowest page %llu us\n", d.pages, queued, in_flight,
            (unsigned long long)max_us);
    ktest_note("%u pages, disk stalled: slowest %llu ms", d.pages,
               (unsigned long long)(max_us / 1000));
    KASSERT_EQ(vm_events.reclaim_failures, failures0);
    KASSERT(queued + in_flight > 0);        /* the dirty pages really went to the stalled disk */
    blkdev_stall(disk, false);

    vm_space_destroy(d.space);
    hog_pass(h, false);
    hog_unmap(h);
    KASSERT_EQ(h->bad_pages, 0);
    KASSERT_EQ(reclaim_violations, v0);
    KASSERT_EQ(swapoff("hda"), 0);
}

/* The check behind invariant 2, only kswiod writes pages: a page write
 * from any task but kswiod is reported and counted (every test that
 * writes a file or swaps shows that kswiod's own writes are not). */
KTEST(page_write_outside_kswiod_reported)
{
    uint32_t v0 = reclaim_violations;
    kswiod_check_writer("a test pretending to write a page");
    KASSERT_EQ(reclaim_violations, v0 + 1);
    ktest_expect_reports(1);
}
