/*
 * test_nbd_dead.c - a file's dirty pages when its NBD device dies for
 * good.  Needs the harness (tests/harness/nbd_dead_tests.py): an ext2
 * image served as nbd0 by a host server that the harness kills when
 * this test says "the server may go now" -- so it is KTEST_MANUAL.
 *
 *   nbd_dead_device_keeps_dirty_pages
 *       A task writes a shared mapping of a file on nbd0 and fsyncs it,
 *       pass after pass, until nbd0 is dead (the server killed while
 *       kswiod writes the file back).  Then the whole file is written
 *       once more, and reclaim is asked for every page of RAM: it must
 *       pass the dirty pages over (they can go nowhere) rather than hand
 *       them to kswiod again and again -- before the fix that loop never
 *       ended and flooded the log -- and come back.  Meanwhile a task at
 *       the monitor's priority must keep being scheduled.  fsync then
 *       gives -EIO, twice (the pages are still dirty), and every page
 *       still reads as last written, from memory.
 *
 * The file stays open and mapped at the end: its pages have nowhere to
 * go, and the last iput would drop them (the VFS says so).
 */
#include "blkdev.h"
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
#define PATH            MNT "/dead-device"
#define MAP_VA          0x20000000u
#define FILE_PAGES      2048        /* 8 MiB: stays cached in the 64 MiB the harness gives */
#define DEATH_WAIT_MS   30000       /* the harness kills the server well before */
#define LATE_LIMIT_MS   1000        /* a sleep of PINGER_SLEEP_MS may end this late, at most */

struct dead_run {
    struct block_device *dev;
    struct inode *inode;
    struct vm_space *space;
    uint32_t passes;            /* writer passes begun */
    int fsync_err;              /* the writer's first failed fsync */
    struct pinger ping;         /* a task at the monitor's priority */
};

static uint32_t word(uint32_t pass, uint32_t off)
{
    return (off * 2654435761u) ^ (pass * 0x9E3779B9u);
}

/* Write every page of the mapping with pass's pattern; the caller's vm. */
static void write_pass(uint32_t pass)
{
    uint32_t *w = (uint32_t *)MAP_VA;
    for (uint32_t i = 0; i < FILE_PAGES * PAGE_SIZE / 4; i++)
        w[i] = word(pass, i * 4);
}

/* The number of words that do not hold pass's pattern. */
static uint32_t count_bad(uint32_t pass)
{
    const uint32_t *w = (const uint32_t *)MAP_VA;
    uint32_t bad = 0;
    for (uint32_t i = 0; i < FILE_PAGES * PAGE_SIZE / 4; i++)
        bad += w[i] != word(pass, i * 4);
    return bad;
}

/* Write and fsync until an fsync fails (or DEATH_WAIT_MS passes).  Not
 * until nbd0 is dead: the server may die between two fsyncs, with
 * nothing in flight, and the writer must still see its fsync fail. */
static void writer(void *arg)
{
    struct dead_run *r = arg;
    task_set_vm(r->space);
    uint64_t end = timer_uptime_ms() + DEATH_WAIT_MS;
    while (!r->fsync_err && timer_uptime_ms() < end) {
        write_pass(++r->passes);
        r->fsync_err = vfs_fsync(r->inode);
    }
    task_set_vm(NULL);
}

KTEST_MANUAL(nbd_dead_device_keeps_dirty_pages)
{
    static struct dead_run r;
    r = (struct dead_run){ .dev = blkdev_find("nbd0") };
    if (!r.dev)
        ktest_fail(__FILE__, __LINE__, "no nbd0 (boot with nbd=A.B.C.D:PORT, as the harness "
                   "does)");
    KASSERT_EQ(vfs_mount("nbd0", MNT, "ext2"), 0);
    KASSERT_EQ(vfs_create(PATH), 0);
    KASSERT_EQ(vfs_lookup(PATH, &r.inode), 0);
    KASSERT_EQ(vfs_truncate(r.inode, (uint64_t)FILE_PAGES * PAGE_SIZE), 0);
    r.space = vm_space_create();
    KASSERT(r.space != NULL);
    KASSERT_EQ(vm_map_file(r.space, MAP_VA, FILE_PAGES * PAGE_SIZE, r.inode, 0,
                           PTE_WRITE | PTE_SHARED), 0);

    pr_info("nbd_dead: writing %u pages through a shared mapping and fsync, pass after pass; "
            "the server may go now\n", FILE_PAGES);
    struct task *w = task_create("dead-writer", writer, &r, PRIO_NORMAL);
    KASSERT(w != NULL);
    KASSERT_EQ(task_join(w), 0);
    KASSERT(blkdev_dead(r.dev));
    pr_info("nbd_dead: nbd0 dead after %u passes; the writer's fsync gave %d\n", r.passes,
            r.fsync_err);
    KASSERT_EQ(r.fsync_err, -EIO);

    /* Every page dirty now, none of them writable: reclaim for all of RAM. */
    uint32_t final = r.passes + 1;
    task_set_vm(r.space);
    write_pass(final);
    struct task *p = task_create("dead-pinger", pinger_task, &r.ping, PRIO_NORMAL);
    KASSERT(p != NULL);
    uint64_t t0 = timer_uptime_ms();
    uint32_t freed = reclaim_some(nr_managed_pages());
    uint32_t reclaim_ms = (uint32_t)(timer_uptime_ms() - t0);
    r.ping.stop = true;
    KASSERT_EQ(task_join(p), 0);
    pr_info("nbd_dead: reclaim freed %u pages in %u ms and came back; the pinger ran %u times, "
            "at worst %u ms late\n", freed, reclaim_ms, r.ping.pings, r.ping.worst_late_ms);
    KASSERT(r.ping.worst_late_ms < LATE_LIMIT_MS);

    int e1 = vfs_fsync(r.inode), e2 = vfs_fsync(r.inode);
    uint32_t dirty = r.inode->mapping.nrdirty, bad = count_bad(final);
    task_set_vm(NULL);
    pr_info("nbd_dead: fsync gave %d, then %d; %u pages dirty in memory, %u words differ from "
            "the last pass\n", e1, e2, dirty, bad);
    ktest_note("fsync %d, %u pages kept dirty, reclaim %u ms", e1, dirty, reclaim_ms);
    KASSERT_EQ(e1, -EIO);
    KASSERT_EQ(e2, -EIO);
    KASSERT_EQ(dirty, FILE_PAGES);
    KASSERT_EQ(bad, 0);
}
