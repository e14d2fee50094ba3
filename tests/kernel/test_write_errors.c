/*
 * test_write_errors.c - a page write that keeps failing never livelocks
 * reclaim (mm/filemap.c's backoff, mm/vmscan.c's bounded loop).
 * KTEST_MANUAL: needs a small fresh ext2 as hda, no swap
 * (tests/harness/mmap_tests.py).
 *
 *   write_errors_never_livelock
 *       A sparse file is mapped shared, the file system is then filled
 *       (a second file written until -ENOSPC), and HOLE_PAGES holes of
 *       the first are dirtied through the mapping: none of them can ever
 *       be written.  Free memory is taken below kswapd's low watermark,
 *       and reclaim is asked for all of RAM, for PRESSURE_MS.  Meanwhile
 *       a task of normal priority must keep getting the CPU (a sleep of
 *       PINGER_SLEEP_MS ends at most LATE_LIMIT_MS late), kswiod's failed writes
 *       stay bounded (the file is left alone for a while after each
 *       failure), and fsync gives -ENOSPC, twice: the pages are still
 *       dirty and every word as written.  More hole pages than a kswiod's
 *       queue holds: fsync, waiting for room, used to hand the failed ones
 *       over again from the start, for ever.  Before, each failure woke
 *       reclaim, which handed the pages straight back: kswapd and kswiod
 *       at PRIO_IO took the CPU between them.
 */
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "test_helpers.h"
#include "timer.h"
#include "vfs.h"
#include "vm.h"

#define MNT             "/mnt"
#define MAP_VA          0x20000000u
#define HOLE_PAGES      600         /* more than a kswiod's queue holds (512) */
#define PRESSURE_MS     3000
#define LATE_LIMIT_MS   1000
#define MAX_BALLAST     32768
/* Failed page writes allowed: a try of every hole page per backoff
 * period (1 s), and a margin. */
#define ERRORS_LIMIT    (HOLE_PAGES * (PRESSURE_MS / 1000 + 3))

struct run {
    struct vm_space *space;
    struct pinger ping;         /* a task of normal priority */
    uint32_t bad;
};

static uint32_t word(uint32_t off) { return off * 2654435761u ^ 0xE770u; }

static void dirty_holes(void *arg)
{
    struct run *r = arg;
    task_set_vm(r->space);
    for (uint32_t off = 0; off < HOLE_PAGES * PAGE_SIZE; off += 4)
        *(volatile uint32_t *)(MAP_VA + off) = word(off);
    task_set_vm(NULL);
}

static void check_holes(void *arg)
{
    struct run *r = arg;
    task_set_vm(r->space);
    for (uint32_t off = 0; off < HOLE_PAGES * PAGE_SIZE; off += 4)
        r->bad += *(volatile uint32_t *)(MAP_VA + off) != word(off);
    task_set_vm(NULL);
}

/* Write a file until the file system is full; its size. */
static uint32_t fill_fs(void)
{
    static uint8_t block[PAGE_SIZE];
    struct inode *inode;
    KASSERT_EQ(vfs_create(MNT "/filler"), 0);
    KASSERT_EQ(vfs_lookup(MNT "/filler", &inode), 0);
    uint32_t size = 0;
    for (int n; (n = vfs_write(inode, size, block, PAGE_SIZE)) > 0;)
        size += n;
    KASSERT_EQ(vfs_fsync(inode), 0);
    iput(inode);
    return size;
}

static int run_task(const char *name, void (*fn)(void *), struct run *r)
{
    struct task *t = task_create(name, fn, r, PRIO_NORMAL);
    return t ? task_join(t) : -ENOMEM;
}

KTEST_MANUAL(write_errors_never_livelock)
{
    static struct page *ballast[MAX_BALLAST];
    static struct run r;
    struct inode *inode;
    r = (struct run){ 0 };
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    KASSERT_EQ(vfs_create(MNT "/sparse"), 0);
    KASSERT_EQ(vfs_lookup(MNT "/sparse", &inode), 0);
    KASSERT_EQ(vfs_truncate(inode, HOLE_PAGES * PAGE_SIZE), 0);
    KASSERT((r.space = vm_space_create()) != NULL);
    KASSERT_EQ(vm_map_file(r.space, MAP_VA, HOLE_PAGES * PAGE_SIZE, inode, 0,
                           PTE_WRITE | PTE_SHARED), 0);
    uint32_t filled = fill_fs();
    KASSERT_EQ(run_task("dirty-holes", dirty_holes, &r), 0);
    pr_info("write errors: the file system is full (%u KiB filler); %u hole pages dirty in a "
            "mapping\n", filled / 1024, HOLE_PAGES);

    uint32_t errors0 = vm_events.kswiod_errors, nr = 0;
    struct task *p = task_create("errors-pinger", pinger_task, &r.ping, PRIO_NORMAL);
    KASSERT(p != NULL);
    uint32_t low = mm_watermarks()->low;
    for (struct page *pg; nr < MAX_BALLAST && nr_free_pages() >= low &&
                          (pg = alloc_page(0)) != NULL;)            /* 0: never reclaims */
        ballast[nr++] = pg;
    uint64_t t0 = timer_uptime_ms();
    uint32_t rounds = 0;
    while (timer_uptime_ms() - t0 < PRESSURE_MS) {
        reclaim_some(nr_managed_pages());   /* kswapd is awake meanwhile: below low */
        rounds++;
    }
    r.ping.stop = true;
    KASSERT_EQ(task_join(p), 0);
    while (nr)
        free_page(ballast[--nr]);
    uint32_t errors = vm_events.kswiod_errors - errors0;
    int err1 = vfs_fsync(inode), err2 = vfs_fsync(inode);
    KASSERT_EQ(run_task("check-holes", check_holes, &r), 0);
    pr_info("write errors: %u ms of reclaim (%u runs): %u failed page writes; the pinger ran "
            "%u times, at worst %u ms late; fsync gave %d, then %d; %u words differ\n",
            PRESSURE_MS, rounds, errors, r.ping.pings, r.ping.worst_late_ms, err1, err2, r.bad);
    KASSERT(r.ping.pings > 0);
    KASSERT(r.ping.worst_late_ms <= LATE_LIMIT_MS);
    KASSERT(errors <= ERRORS_LIMIT);
    KASSERT_EQ(err1, -ENOSPC);
    KASSERT_EQ(err2, -ENOSPC);
    KASSERT_EQ(r.bad, 0);
    /* The file stays open and mapped: its pages can go nowhere, and the
     * last iput would drop them. */
}
