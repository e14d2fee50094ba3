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
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
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
