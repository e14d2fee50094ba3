/*
 * test_torture.c - reclaim_torture_loses_no_byte (reclaim_torture for
 * short, KTEST_MANUAL_ALIAS): random work that reclaim must get
 * right together, for a while, on 32 MiB with swap on hda and ext2 on
 * hdb (tests/harness/mmap_tests.py boots it and runs e2fsck -fn after).
 *
 * Task 0 keeps an anonymous hog larger than RAM going (write, verify, over
 * and over), so that kswapd, direct reclaim and kswiod never rest.  The
 * others pick, at random, one of:
 *   anon    map 64..1024 pages, write, verify, unmap
 *   mmap    a file of 16..768 pages written through a shared mapping,
 *           unmapped, read back with vfs_read, removed
 *   write   a file written with vfs_write, maybe fsync'd, read back, removed
 *   shrink  a file written, truncated to a random size, read back, removed
 * Every byte read is checked against the pattern it was written with.
 * Seeded: seed=N repeats the choices (not the timing).
 */
#include "cmdline.h"
#include "hog.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "timer.h"
#include "vfs.h"
#include "vm.h"
#include "vsprintf.h"

KERNEL_PARAM(torture_s, "8", "seconds reclaim_torture runs");

#define WORKERS     4
#define MNT         "/mnt"
#define AREA_VA     0x30000000u
#define BUF_PAGES   16

struct worker {
    int id;
    uint32_t seed;
    uint64_t until_ms;
    uint32_t ops[4], bad, errors;
    volatile bool done;
};

static const char *const op_names[4] = { "anon", "mmap", "write", "shrink" };

static uint32_t word_of(uint32_t seed, uint32_t off) { return (off * 2654435761u) ^ seed; }

static void fill(uint32_t *w, uint32_t words, uint32_t seed, uint32_t off)
{
    for (uint32_t k = 0; k < words; k++)
        w[k] = word_of(seed, off + 4 * k);
}

static uint32_t check(const uint32_t *w, uint32_t words, uint32_t seed, uint32_t off)
{
    uint32_t bad = 0;
    for (uint32_t k = 0; k < words; k++)
        bad += w[k] != word_of(seed, off + 4 * k);
    return bad;
}

/* Read bytes [0, size) of inode and check them, BUF_PAGES at a time. */
static uint32_t check_file(struct inode *inode, uint32_t size, uint32_t seed, uint32_t *buf)
{
    uint32_t bad = 0;
    for (uint32_t off = 0; off < size; off += BUF_PAGES * PAGE_SIZE) {
        uint32_t n = size - off < BUF_PAGES * PAGE_SIZE ? size - off : BUF_PAGES * PAGE_SIZE;
        if (vfs_read(inode, off, buf, n) != (int)n)
            return 1;
        bad += check(buf, n / 4, seed, off) != 0;
    }
    return bad;
}

static uint32_t op_anon(struct worker *w, struct rng *r)
{
    uint32_t pages = 64 + rng_below(r, 961), seed = rng_next(r), bad = 0;
    struct vm_space *s = vm_space_create();
    if (!s || vm_map_anon(s, AREA_VA, pages * PAGE_SIZE, PTE_WRITE)) {
        if (s)
            vm_space_destroy(s);
        w->errors++;
        return 0;
    }
    task_set_vm(s);
    for (uint32_t p = 0; p < pages; p++)
        fill((uint32_t *)(AREA_VA + p * PAGE_SIZE), PAGE_SIZE / 4, seed, p * PAGE_SIZE);
    for (uint32_t p = 0; p < pages; p++)
        bad += check((uint32_t *)(AREA_VA + p * PAGE_SIZE), PAGE_SIZE / 4, seed,
                     p * PAGE_SIZE) != 0;
    task_set_vm(NULL);
    vm_space_destroy(s);
    return bad;
}

/* A file of pages pages written through a mapping (mapped) or vfs_write;
 * for shrink, cut to a random size afterwards.  Checked, then removed. */
static uint32_t op_file(struct worker *w, struct rng *r, int op, uint32_t *buf)
{
    char path[32];
    ksnprintf(path, sizeof(path), MNT "/w%d", w->id);
    uint32_t pages = 16 + rng_below(r, 753), seed = rng_next(r), size = pages * PAGE_SIZE;
    struct inode *inode;
    if (vfs_create(path) || vfs_lookup(path, &inode)) {
        w->errors++;
        return 0;
    }
    int err = 0;
    if (op == 1) {
        struct vm_space *s = vm_space_create();
        err = !s ? -ENOMEM : vfs_truncate(inode, size);
        if (!err)
            err = vm_map_file(s, AREA_VA, size, inode, 0, PTE_WRITE | PTE_SHARED);
        if (!err) {
            task_set_vm(s);
            for (uint32_t p = 0; p < pages; p++)
                fill((uint32_t *)(AREA_VA + p * PAGE_SIZE), PAGE_SIZE / 4, seed, p * PAGE_SIZE);
            task_set_vm(NULL);
        }
        if (s)
            vm_space_destroy(s);
    } else {
        for (uint32_t off = 0; !err && off < size; off += BUF_PAGES * PAGE_SIZE) {
            uint32_t n = size - off < BUF_PAGES * PAGE_SIZE ? size - off : BUF_PAGES * PAGE_SIZE;
            fill(buf, n / 4, seed, off);
            err = vfs_write(inode, off, buf, n) == (int)n ? 0 : -EIO;
        }
        if (!err && rng_below(r, 2))
            err = vfs_fsync(inode);
        if (!err && op == 3) {
            size = rng_below(r, size / 4 + 1) * 4;
            err = vfs_truncate(inode, size);
        }
    }
    uint32_t bad = 0;
    if (err) {
        pr_err("torture: worker %d: %s of %s failed: %d\n", w->id, op_names[op], path, err);
        w->errors++;
    } else {
        bad = inode->size != size ? 1 : check_file(inode, size, seed, buf);
    }
    iput(inode);
    if (vfs_unlink(path))
        w->errors++;
    return bad;
}

static void worker_task(void *arg)
{
    struct worker *w = arg;
    struct rng r;
    rng_seed(&r, w->seed);
    uint32_t *buf = kmalloc(BUF_PAGES * PAGE_SIZE, GFP_KERNEL);
    while (buf && timer_uptime_ms() < w->until_ms) {
        int op = (int)rng_below(&r, 4);
        uint32_t bad = op == 0 ? op_anon(w, &r) : op_file(w, &r, op, buf);
        if (bad)
            pr_err("torture: worker %d: %s: %u bad pages\n", w->id, op_names[op], bad);
        w->bad += bad;
        w->ops[op]++;
    }
    w->errors += !buf;
    kfree(buf);
    w->done = true;
}

static void hog_task(void *arg)
{
    struct worker *w = arg;
    static struct hog h;
    h = (struct hog){ .name = "torture hog", .seed = w->seed, .tasks = 1,
                      .pages = nr_managed_pages() * 3 / 2 };
    if (hog_map(&h)) {
        w->errors++;
        return;
    }
    while (timer_uptime_ms() < w->until_ms) {
        hog_pass(&h, true);
        hog_pass(&h, false);
        w->ops[0]++;
    }
    w->bad += h.bad_pages + h.ended;
    hog_unmap(&h);
    w->done = true;
}

KTEST_MANUAL_ALIAS(reclaim_torture_loses_no_byte, reclaim_torture)
{
    static struct worker workers[WORKERS];
    uint32_t seed = ktest_seed(), secs = cmdline_get_u32("torture_s", 8);
    uint32_t out0 = vm_events.pswpout, kswiod0 = vm_events.kswiod_completed;
    pr_info("torture: seed=%u (boot with seed=%u to repeat): %d tasks for %u s, %u MiB of "
            "RAM\n", seed, seed, WORKERS, secs, nr_managed_pages() / 256);
    KASSERT_EQ(swapon("hda", 0), 0);
    KASSERT_EQ(vfs_mount("hdb", MNT, "ext2"), 0);
    struct task *t[WORKERS];
    uint64_t until = timer_uptime_ms() + secs * 1000;
    for (int i = 0; i < WORKERS; i++) {
        workers[i] = (struct worker){ .id = i, .seed = seed + (uint32_t)i, .until_ms = until };
        t[i] = task_create("torture", i ? worker_task : hog_task, &workers[i], PRIO_NORMAL);
        KASSERT(t[i] != NULL);
    }
    /* A progress line a second until every worker is done. */
    for (bool all_done = false; !all_done;) {
        sleep_ms(1000);
        uint32_t n = 0, active, inactive, queued, in_flight;
        for (int i = 0; i < WORKERS; i++)
            n += workers[i].ops[0] + workers[i].ops[1] + workers[i].ops[2] + workers[i].ops[3];
        lru_counts(&active, &inactive);
        kswiod_counts(&queued, &in_flight);
        pr_info("torture: %u ops; free %u, lru %u/%u, swap-outs %u, swap-ins %u, kswiod %u "
                "queued %u in flight\n", n, nr_free_pages(), active, inactive,
                vm_events.pswpout, vm_events.pswpin, queued, in_flight);
        all_done = true;
        for (int i = 0; i < WORKERS; i++)
            all_done = all_done && workers[i].done;
    }
    uint32_t bad = 0, errors = 0, ops[4] = { 0 };
    for (int i = 0; i < WORKERS; i++) {
        KASSERT_EQ(task_join(t[i]), 0);
        bad += workers[i].bad;
        errors += workers[i].errors;
        for (int k = 0; k < 4; k++)
            ops[k] += workers[i].ops[k];
    }
    pr_info("torture: progress: hog passes %u, other ops: anon %u mmap %u write %u shrink "
            "%u\n", workers[0].ops[0], ops[0] - workers[0].ops[0], ops[1], ops[2], ops[3]);
    KASSERT_EQ(vfs_umount(MNT), 0);
    KASSERT_EQ(swapoff("hda"), 0);
    pr_info("torture: summary: %u bad, %u errors; %u swap-outs, %u kswiod writes\n", bad,
            errors, vm_events.pswpout - out0, vm_events.kswiod_completed - kswiod0);
    ktest_note("%u bad, %u errors, %u swap-outs", bad, errors, vm_events.pswpout - out0);
    KASSERT_EQ(bad, 0);
    KASSERT_EQ(errors, 0);
}
