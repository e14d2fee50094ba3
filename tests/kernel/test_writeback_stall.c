/*
 * test_writeback_stall.c - a stall stays with the device that caused it
 * (invariant 3, the IO path progresses; mm/kswiod.c, one kswiod per
 * device).  KTEST_MANUAL: the harness gives a swap area and an ext2
 * file system on two devices (tests/harness/stall_tests.py), named by
 * swap_dev= and ext2_dev=.
 *
 *   writeback_stall_ext2_stalled_swap_goes_on
 *       A file's writeback is stuck on the stalled ext2 device
 *       (stalled_file.h: its kswiod blocked in ext2_writepages).  Then a hog of 4x RAM is written
 *       and read back through swap on the other device: it must complete
 *       with 0 bad pages while the file's writes stay blocked.  Once the
 *       device answers again, fsync writes the file and it reads back.
 *   writeback_stall_swap_stalled_file_goes_on
 *       The reverse: anonymous pages dirtied, the swap device stalled,
 *       and reclaim hands them to the swap device's kswiod, whose bios
 *       are held.  A file on the ext2 device is then written and fsync'd:
 *       it must be done within FSYNC_LIMIT_MS.  Then the swap device
 *       answers and every anonymous page reads back as written.
 * With one kswiod for all devices, the first hog found no page write
 * going anywhere (swap-out stopped behind the blocked file write), and
 * the second fsync waited for ever behind the held swap bios.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "hog.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "stalled_file.h"
#include "swap.h"
#include "timer.h"
#include "vfs.h"
#include "vm.h"

#define MNT             "/mnt"
#define PATH            MNT "/stalled"
#define WRITE_BYTES     (4u << 20)      /* the second test's file */
#define FSYNC_LIMIT_MS  5000            /* a healthy disk writes 4 MiB in well under this */
#define POLL_MS         10

static struct block_device *device(const char *key, const char *dflt)
{
    const char *name = cmdline_get(key) ? cmdline_get(key) : dflt;
    struct block_device *bdev = blkdev_find(name);
    if (!bdev)
        ktest_fail(__FILE__, __LINE__, "no device %s (%s=)", name, key);
    return bdev;
}

static uint32_t word(uint32_t seed, uint32_t off) { return (off * 2654435761u) ^ seed; }

KTEST_MANUAL(writeback_stall_ext2_stalled_swap_goes_on)
{
    static struct stalled_file f;
    static struct hog h;
    struct block_device *fs_dev = device("ext2_dev", "nbd0");
    struct block_device *swap_dev = device("swap_dev", "hda");
    KASSERT_EQ(swapon(swap_dev->name, 0), 0);
    KASSERT_EQ(stalled_file_start(&f, fs_dev, ktest_seed()), 0);
    pr_info("writeback_stall: %s stalled with %u pages of the file handed to kswiod/%s\n",
            fs_dev->name, stalled_file_waiting(&f), fs_dev->name);

    h = (struct hog){ .name = "writeback_stall", .seed = ktest_seed(),
                      .pages = 4 * nr_managed_pages(), .tasks = 4 };
    KASSERT_EQ(hog_run(&h), 0);
    hog_unmap(&h);
    uint32_t still = stalled_file_waiting(&f);
    pr_info("writeback_stall: the hog on %s: %u MiB, %u swap-outs, %u bad pages, %d tasks "
            "ended, in %llu ms; %u file pages still waiting on %s\n", swap_dev->name,
            h.pages / 256, h.swapouts, h.bad_pages, h.ended,
            (unsigned long long)((h.write_us + h.verify_us) / 1000), still, fs_dev->name);
    KASSERT_EQ(h.bad_pages, 0);
    KASSERT_EQ(h.ended, 0);
    KASSERT(h.swapouts > 0);
    KASSERT(still > 0);                         /* the stall held all along */

    KASSERT_EQ(stalled_file_finish(&f), 0);
    KASSERT_EQ(f.bad, 0);
    KASSERT_EQ(swapoff(swap_dev->name), 0);
}

struct file_write {
    struct inode *inode;
    int err;
    volatile bool done;
};

/* Write WRITE_BYTES of a pattern and fsync. */
static void write_and_fsync(void *arg)
{
    static uint32_t buf[PAGE_SIZE / 4];
    struct file_write *w = arg;
    for (uint32_t off = 0; off < WRITE_BYTES && !w->err; off += PAGE_SIZE) {
        for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
            buf[i] = word(off, i);
        long n = vfs_write(w->inode, off, buf, PAGE_SIZE);
        if (n != PAGE_SIZE)
            w->err = n < 0 ? (int)n : -EIO;
    }
    if (!w->err)
        w->err = vfs_fsync(w->inode);
    w->done = true;
}

KTEST_MANUAL(writeback_stall_swap_stalled_file_goes_on)
{
    static struct hog h;
    static struct file_write w;
    struct block_device *swap_dev = device("swap_dev", "nbd0");
    struct block_device *fs_dev = device("ext2_dev", "hdb");
    KASSERT_EQ(swapon(swap_dev->name, 0), 0);
    KASSERT_EQ(vfs_mount(fs_dev->name, MNT, "ext2"), 0);
    h = (struct hog){ .name = "writeback_stall", .seed = ktest_seed(),
                      .pages = nr_managed_pages() / 4, .tasks = 1 };
    KASSERT_EQ(hog_map(&h), 0);
    hog_pass(&h, true);

    blkdev_stall(swap_dev, true);
    reclaim_some(h.pages);
    uint32_t queued, in_flight;
    kswiod_counts(&queued, &in_flight);
    pr_info("writeback_stall: %s stalled with %u swap pages queued, %u in flight\n",
            swap_dev->name, queued, in_flight);
    KASSERT(in_flight > 0);

    w = (struct file_write){ 0 };
    KASSERT_EQ(vfs_create(PATH), 0);
    KASSERT_EQ(vfs_lookup(PATH, &w.inode), 0);
    uint64_t t0 = timer_uptime_ms();
    struct task *t = task_create("stall-writer", write_and_fsync, &w, PRIO_NORMAL);
    KASSERT(t != NULL);
    while (!w.done && timer_uptime_ms() - t0 < FSYNC_LIMIT_MS)
        sleep_ms(POLL_MS);
    uint32_t ms = (uint32_t)(timer_uptime_ms() - t0);
    bool done = w.done;
    blkdev_stall(swap_dev, false);              /* in any case: let the writer end */
    KASSERT_EQ(task_join(t), 0);
    pr_info("writeback_stall: %u KiB written to %s and fsync'd in %u ms (%s) while %s "
            "stalled\n", WRITE_BYTES / 1024, fs_dev->name, ms, done ? "done" : "NOT done",
            swap_dev->name);
    KASSERT(done);
    KASSERT_EQ(w.err, 0);

    hog_pass(&h, false);
    KASSERT_EQ(h.bad_pages, 0);
    KASSERT_EQ(h.ended, 0);
    hog_unmap(&h);
    iput(w.inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
    KASSERT_EQ(swapoff(swap_dev->name), 0);
}
