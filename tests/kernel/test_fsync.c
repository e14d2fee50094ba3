/*
 * test_fsync.c - fsync waits for its own pages, not for other writers'.
 *
 * KTEST_MANUAL: needs a fresh, empty ext2 file system on hda, on a slow
 * disk (tests/harness/mmap_tests.py throttles it), so that pages handed
 * to kswiod are still being written whenever anyone looks.
 *
 *   fsync_ignores_pages_handed_over_meanwhile  file a has FSYNC_PAGES
 *       dirty pages; two writer tasks keep dirtying file b and file a
 *       past them, handing pages to kswiod all the time (vfs_write past
 *       VFS_DIRTY_PAGES_MAX), for up to WRITER_MS.  fsync of a must end
 *       within FSYNC_MAX_MS while they still go on: waiting until the
 *       file has no page under writeback (the old way) lasts as long as
 *       they do, since a's writer hands over more while kswiod is busy
 *       with b's.  Then a reads back whole.
 *   fsync_and_writer_under_pressure_no_enomem  (any disk speed)
 *       Free memory is taken down to a little above the min watermark
 *       (ballast that reclaim cannot free); then one task rewrites a file
 *       twice that size with vfs_write while another fsyncs it, over and
 *       over, for PRESSURE_MS.  No call may fail and none may take longer
 *       than STALL_MAX_MS.  vfs_write used to hold the file's lock across
 *       its page allocation, whose reclaim could free none of the file's
 *       pages (their lock was taken) and kswiod, taking that lock for the
 *       fsync, could not write them: -ENOMEM after 5-20 s.
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "lockdep.h"
#include "mm.h"
#include "mutex.h"
#include "pagemap.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "timer.h"
#include "vfs.h"

#define MNT             "/mnt"
#define FSYNC_PAGES     32          /* under VFS_DIRTY_PAGES_MAX: kept dirty until fsync */
#define WRAP_PAGES      512         /* the writer's region in each file: 2 MiB */
#define WRITER_MS       15000
#define HEAD_START      512         /* the writer's pages before fsync starts */
#define FSYNC_MAX_MS    6000

struct writer {
    struct inode *inode;
    uint32_t first;                 /* its first page index in the file */
    uint32_t tag;                   /* in every word it writes */
    volatile uint32_t pages;        /* written so far */
    volatile bool gave_up;          /* WRITER_MS passed before it was stopped */
    int err;                        /* vfs_write's, when one failed */
};

static volatile bool stop_writers;
static uint8_t page_buf[PAGE_SIZE];

static void fill(uint8_t *buf, uint32_t tag, uint32_t page)
{
    for (uint32_t i = 0; i < PAGE_SIZE; i += 4)
        *(uint32_t *)(buf + i) = tag << 24 ^ page << 12 ^ i;
}

/* Rewrite WRAP_PAGES pages from w->first, one after another, until told
 * to stop or WRITER_MS have passed. */
static void writer_task(void *arg)
{
    struct writer *w = arg;
    uint8_t *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
    if (!buf) {
        w->err = -ENOMEM;
        return;
    }
    uint64_t end = timer_uptime_ms() + WRITER_MS;
    for (uint32_t n = 0; !stop_writers && !w->err; n++) {
        if (timer_uptime_ms() > end) {
            w->gave_up = true;
            break;
        }
        uint32_t index = w->first + n % WRAP_PAGES;
        fill(buf, w->tag, index);
        int r = vfs_write(w->inode, (uint64_t)index * PAGE_SIZE, buf, PAGE_SIZE);
        if (r != PAGE_SIZE)
            w->err = r < 0 ? r : -EIO;
        w->pages = n + 1;
    }
    kfree(buf);
}

static struct inode *new_file(const char *path)
{
    struct inode *inode;
    KASSERT_EQ(vfs_create(path), 0);
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    return inode;
}

KTEST_MANUAL(fsync_ignores_pages_handed_over_meanwhile)
{
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    struct inode *a = new_file(MNT "/a");
    static struct writer w[2];
    w[0] = (struct writer){ .inode = new_file(MNT "/b"), .first = 0, .tag = 2 };
    w[1] = (struct writer){ .inode = a, .first = FSYNC_PAGES, .tag = 1 };
    for (uint32_t p = 0; p < FSYNC_PAGES; p++) {
        fill(page_buf, 1, p);
        KASSERT_EQ(vfs_write(a, (uint64_t)p * PAGE_SIZE, page_buf, PAGE_SIZE), PAGE_SIZE);
    }
    KASSERT_EQ(a->mapping.nrdirty, FSYNC_PAGES);

    stop_writers = false;
    struct task *tasks[2];
    for (int i = 0; i < 2; i++) {
        tasks[i] = task_create(i ? "writer-a" : "writer-b", writer_task, &w[i], PRIO_NORMAL);
        KASSERT(tasks[i] != NULL);
    }
    while (w[0].pages + w[1].pages < HEAD_START && !w[0].gave_up)
        sleep_ms(1);
    uint32_t before = w[0].pages + w[1].pages, completed = vm_events.kswiod_completed;
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(vfs_fsync(a), 0);
    uint32_t ms = (uint32_t)(timer_uptime_ms() - t0);
    uint32_t meanwhile = w[0].pages + w[1].pages - before;
    bool still_writing = !w[0].gave_up && !w[1].gave_up;
    stop_writers = true;
    for (int i = 0; i < 2; i++) {
        KASSERT_EQ(task_join(tasks[i]), 0);
        KASSERT_EQ(w[i].err, 0);
    }
    pr_info("fsync: %u ms while the writers wrote %u pages; kswiod finished %u pages; "
            "the writers %s\n", ms, meanwhile, vm_events.kswiod_completed - completed,
            still_writing ? "were still writing" : "had given up");
    KASSERT(meanwhile > 0);                 /* they did write while fsync waited */
    KASSERT(still_writing);
    KASSERT(ms <= FSYNC_MAX_MS);

    for (uint32_t p = 0; p < FSYNC_PAGES; p++) {
        static uint8_t got[PAGE_SIZE];
        fill(page_buf, 1, p);
        KASSERT_EQ(vfs_read(a, (uint64_t)p * PAGE_SIZE, got, PAGE_SIZE), PAGE_SIZE);
        KASSERT(memcmp(got, page_buf, PAGE_SIZE) == 0);
    }
    KASSERT_EQ(vfs_fsync(a), 0);
    iput(a);
    iput(w[0].inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

#define PRESSURE_MS     3000
#define STALL_MAX_MS    1000
#define LEFT_FREE_PAGES 256         /* above min, after the ballast: 1 MiB */
#define PRESSURE_PAGES  512         /* the file: 2 MiB, twice what is left */
#define MAX_BALLAST     32768

struct pressure {
    struct inode *inode;
    int err;                        /* the first failure */
    uint32_t calls, worst_ms;
};

static void note_call(struct pressure *p, int err, uint64_t t0)
{
    uint32_t ms = (uint32_t)(timer_uptime_ms() - t0);
    if (ms > p->worst_ms)
        p->worst_ms = ms;
    if (err && !p->err)
        p->err = err;
    p->calls++;
}

static void pressure_writer(void *arg)
{
    struct pressure *p = arg;
    uint64_t end = timer_uptime_ms() + PRESSURE_MS;
    for (uint32_t n = 0; timer_uptime_ms() < end && !p->err; n++) {
        uint32_t index = n % PRESSURE_PAGES;
        fill(page_buf, 3, index);
        uint64_t t0 = timer_uptime_ms();
        int r = vfs_write(p->inode, (uint64_t)index * PAGE_SIZE, page_buf, PAGE_SIZE);
        note_call(p, r == PAGE_SIZE ? 0 : r < 0 ? r : -EIO, t0);
    }
}

static void pressure_fsync(void *arg)
{
    struct pressure *p = arg;
    uint64_t end = timer_uptime_ms() + PRESSURE_MS;
    while (timer_uptime_ms() < end && !p->err) {
        uint64_t t0 = timer_uptime_ms();
        note_call(p, vfs_fsync(p->inode), t0);
    }
}

KTEST_MANUAL(fsync_and_writer_under_pressure_no_enomem)
{
    static struct page *ballast[MAX_BALLAST];
    static struct pressure w, f;
    uint32_t nr = 0;
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    w = (struct pressure){ .inode = new_file(MNT "/pressure") };
    f = (struct pressure){ .inode = w.inode };
    uint32_t keep = mm_watermarks()->min + LEFT_FREE_PAGES;
    for (struct page *pg; nr < MAX_BALLAST && nr_free_pages() > keep &&
                          (pg = alloc_page(0)) != NULL;)        /* 0: never reclaims */
        ballast[nr++] = pg;
    pr_info("pressure: %u pages taken, %u free; a %u-page file rewritten and fsync'd for "
            "%u ms\n", nr, nr_free_pages(), PRESSURE_PAGES, PRESSURE_MS);
    struct task *tw = task_create("pressure-write", pressure_writer, &w, PRIO_NORMAL);
    struct task *tf = task_create("pressure-fsync", pressure_fsync, &f, PRIO_NORMAL);
    KASSERT(tw != NULL && tf != NULL);
    KASSERT_EQ(task_join(tw), 0);
    KASSERT_EQ(task_join(tf), 0);
    while (nr)
        free_page(ballast[--nr]);
    pr_info("pressure: %u writes (worst %u ms, error %d), %u fsyncs (worst %u ms, error %d)\n",
            w.calls, w.worst_ms, w.err, f.calls, f.worst_ms, f.err);
    KASSERT_EQ(w.err, 0);
    KASSERT_EQ(f.err, 0);
    KASSERT(w.calls > PRESSURE_PAGES);      /* the file went round at least once */
    KASSERT(w.worst_ms <= STALL_MAX_MS);
    KASSERT(f.worst_ms <= STALL_MAX_MS);
    iput(w.inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

/*
 * lockdep_lock_held_across_writeback_wait_reported  (ext2 on hda)
 *     A kswiod writing a file for an fsync takes the file's lock outright,
 *     under the "writeback" pseudo-lock; a task that then holds a file's
 *     lock (the same class) while it waits for writeback -- here a
 *     kswiod_drain with nothing queued, so nothing actually hangs -- closes
 *     the cycle "mapping -> writeback -> mapping", and the lock validator
 *     reports it: that task could wait for a kswiod that waits for it.
 *     This is the writer cycle vfs_write once had, through reclaim.
 */
KTEST_MANUAL(lockdep_lock_held_across_writeback_wait_reported)
{
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    struct inode *a = new_file(MNT "/a"), *b = new_file(MNT "/b");
    for (uint32_t p = 0; p < FSYNC_PAGES; p++) {
        fill(page_buf, 1, p);
        KASSERT_EQ(vfs_write(a, (uint64_t)p * PAGE_SIZE, page_buf, PAGE_SIZE), PAGE_SIZE);
    }
    uint32_t mark = log_mark(), reports = lockdep_reports;
    KASSERT_EQ(vfs_fsync(a), 0);                /* a kswiod: writeback -> mapping */
    KASSERT_EQ(lockdep_reports, reports);       /* one order alone is fine */
    mutex_lock(&b->mapping.lock);
    kswiod_drain(NULL);                         /* mapping -> writeback */
    mutex_unlock(&b->mapping.lock);
    KASSERT_EQ(lockdep_reports, reports + 1);
    ktest_expect_reports(1);
    KASSERT(log_contains(mark, "writeback"));
    KASSERT(log_contains(mark, "mapping"));
    iput(a);
    iput(b);
    KASSERT_EQ(vfs_umount(MNT), 0);
}
