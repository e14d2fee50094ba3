/*
 * test_mmap.c - dirty file pages under memory pressure: the stress tests
 * of the boot suite that need an ext2 disk (tests/harness/mmap_tests.py
 * gives a fresh, empty one and boots with --mem 32; ext2_dev= names it
 * when it is not hda).
 *
 *   mmap_writes_of_1_5x_ram_reach_the_files (mmap_dirty)
 *               tasks write through shared mappings of ext2 files that
 *               are together larger than RAM; reclaim hands the dirty
 *               pages to kswiod, which writes them through ext2 (taking
 *               lock_super to allocate blocks -- the 1999 path)
 *   swap_mmap_and_write_at_once_lose_nothing (mixed)
 *               the same, with an anonymous hog swapping to hda and a
 *               writer using write() on hdb's ext2, all at once
 *
 * Each file's expected CRC-32 is computed from the pattern, not read back,
 * and printed ("FILE /PATH SIZE CRC"): the harness compares it with what
 * debugfs reads from the image after unmount, and runs e2fsck -fn.
 */
#include "buffer.h"
#include "cmdline.h"
#include "crc32.h"
#include "hog.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "test_helpers.h"
#include "vfs.h"
#include "vm.h"
#include "vsprintf.h"

KERNEL_PARAM(file_mb, "3/4 of RAM", "size of mmap_dirty's file in MiB");
KERNEL_PARAM(ext2_dev, "per test", "the ext2 device of the file and stall tests");

#define MNT         "/mnt"
#define MAP_VA      0x20000000u
#define MAX_FILES   4
#define CHUNK       (64u << 10)

struct file_job {
    char path[32];
    uint32_t file_no;
    uint32_t seed;
    uint32_t pages;
    bool through_mapping;       /* else with vfs_write */
    struct vm_space *space;
    struct inode *inode;
    int err;
};

static uint32_t file_word(const struct file_job *j, uint32_t off)
{
    return (off * 2654435761u) ^ j->seed ^ (j->file_no * 0x9E3779B9u);
}

static void fill_page(const struct file_job *j, uint32_t *words, uint32_t page)
{
    for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
        words[k] = file_word(j, page * PAGE_SIZE + k * 4);
}

/* The file's CRC-32 as it should be, from the pattern alone. */
static uint32_t expected_crc(const struct file_job *j, uint32_t *buf)
{
    uint32_t crc = crc32_begin();
    for (uint32_t p = 0; p < j->pages; p++) {
        fill_page(j, buf, p);
        crc = crc32_update(crc, buf, PAGE_SIZE);
    }
    return crc32_end(crc);
}

static void write_through_mapping(struct file_job *j)
{
    task_set_vm(j->space);
    for (uint32_t p = 0; p < j->pages; p++)
        fill_page(j, (uint32_t *)(MAP_VA + p * PAGE_SIZE), p);
    task_set_vm(NULL);
}

static void write_with_vfs(struct file_job *j)
{
    uint32_t *buf = kmalloc(CHUNK, GFP_KERNEL);
    if (!buf) {
        j->err = -ENOMEM;
        return;
    }
    uint32_t per_chunk = CHUNK / PAGE_SIZE;
    for (uint32_t p = 0; p < j->pages && !j->err; p += per_chunk) {
        for (uint32_t i = 0; i < per_chunk; i++)
            fill_page(j, buf + i * PAGE_SIZE / 4, p + i);
        int n = vfs_write(j->inode, (uint64_t)p * PAGE_SIZE, buf, CHUNK);
        j->err = n < 0 ? n : 0;
    }
    kfree(buf);
}

static void file_job_task(void *arg)
{
    struct file_job *j = arg;
    if (j->through_mapping)
        write_through_mapping(j);
    else
        write_with_vfs(j);
}

/* Create the file; a mapped one gets its size first (a sparse file) and a
 * space that maps all of it. */
static int file_job_setup(struct file_job *j)
{
    int err = vfs_create(j->path);
    if (!err)
        err = vfs_lookup(j->path, &j->inode);
    if (err || !j->through_mapping)
        return err;
    err = vfs_truncate(j->inode, (uint64_t)j->pages * PAGE_SIZE);
    j->space = err ? NULL : vm_space_create();
    if (!err && !j->space)
        err = -ENOMEM;
    if (!err)
        err = vm_map_file(j->space, MAP_VA, j->pages * PAGE_SIZE, j->inode, 0,
                          PTE_WRITE | PTE_SHARED);
    return err;
}

/* Unmap (the PTEs' dirty bits become PG_dirty), let go of the file, and
 * print what it must hold. */
static void file_job_finish(struct file_job *j, uint32_t *buf)
{
    if (j->space)
        vm_space_destroy(j->space);
    iput(j->inode);
    pr_info("FILE %s %u %08x\n", j->path + strlen(MNT), j->pages * PAGE_SIZE,
            expected_crc(j, buf));
}

static struct file_job jobs[MAX_FILES];

static void run_jobs(int n)
{
    struct task *t[MAX_FILES];
    for (int i = 0; i < n; i++)
        t[i] = task_create("file-job", file_job_task, &jobs[i], PRIO_NORMAL);
    for (int i = 0; i < n; i++)
        KASSERT_EQ(t[i] ? task_join(t[i]) : -ENOMEM, 0);
}

static void new_job(int i, const char *test, uint32_t mib, bool mapped)
{
    jobs[i] = (struct file_job){ .file_no = (uint32_t)i, .seed = ktest_seed(),
                                 .pages = mib * 256, .through_mapping = mapped };
    ksnprintf(jobs[i].path, sizeof(jobs[i].path), MNT "/%s-%d", test, i);
    KASSERT_EQ(file_job_setup(&jobs[i]), 0);
}

static void finish_jobs(int n)
{
    uint32_t *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
    KASSERT(buf != NULL);
    for (int i = 0; i < n; i++) {
        KASSERT_EQ(jobs[i].err, 0);
        file_job_finish(&jobs[i], buf);
    }
    kfree(buf);
}

static uint32_t ram_mib(void) { return nr_managed_pages() / 256; }

/* Two tasks, each writing through a shared mapping of a file 3/4 the size
 * of RAM. */
KTEST_MANUAL_ALIAS(mmap_writes_of_1_5x_ram_reach_the_files, mmap_dirty)
{
    uint32_t mib = cmdline_get_u32("file_mb", ram_mib() * 3 / 4);
    uint32_t files0 = vm_events.kswiod_completed;
    struct report_counts reports0 = report_counts_now();
    pr_info("mmap_dirty: seed=%u (boot with seed=%u to repeat): 2 files of %u MiB, %u MiB of "
            "RAM\n", ktest_seed(), ktest_seed(), mib, ram_mib());
    const char *dev = cmdline_get("ext2_dev");
    KASSERT_EQ(vfs_mount(dev ? dev : "hda", MNT, "ext2"), 0);
    for (int i = 0; i < 2; i++)
        new_job(i, "mmap_dirty", mib, true);
    run_jobs(2);
    uint32_t by_kswiod = vm_events.kswiod_completed - files0;
    pr_info("mmap_dirty: written through the mappings; kswiod wrote %u pages meanwhile\n",
            by_kswiod);
    finish_jobs(2);
    KASSERT_EQ(vfs_umount(MNT), 0);
    pr_info("mmap_dirty: unmounted; %u file pages written by kswiod, %u reclaim waits "
            "reported\n", by_kswiod, reclaim_violations - reports0.reclaim);
    ktest_note("%u file pages written by kswiod", by_kswiod);
    KASSERT(by_kswiod > 0);
    expect_reclaim_sync_reports(reports0);
}

/* An anonymous hog (2x RAM) swapping to hda, a task dirtying a mapping of
 * a file on hdb, and one writing another file there with write() -- at
 * once, so that kswapd, kswiod and the buffer flush task are all busy. */
KTEST_MANUAL_ALIAS(swap_mmap_and_write_at_once_lose_nothing, mixed)
{
    uint32_t queued0 = vm_events.kswiod_queued, wakeups0 = vm_events.kswapd_wakeups;
    struct buffer_stats buffers0, buffers;
    buffer_stats(&buffers0);
    KASSERT_EQ(swapon("hda", 0), 0);
    KASSERT_EQ(vfs_mount("hdb", MNT, "ext2"), 0);
    static struct hog h;
    h = (struct hog){ .name = "mixed", .seed = ktest_seed(), .tasks = 2,
                      .pages = cmdline_get_u32("hog_mb", 2 * ram_mib()) * 256 };
    KASSERT_EQ(hog_map(&h), 0);
    new_job(0, "mixed", ram_mib(), true);
    new_job(1, "mixed", ram_mib() / 2, false);
    struct task *writer[2];
    for (int i = 0; i < 2; i++)
        writer[i] = task_create("file-job", file_job_task, &jobs[i], PRIO_NORMAL);
    hog_pass(&h, true);
    for (int i = 0; i < 2; i++)
        KASSERT_EQ(writer[i] ? task_join(writer[i]) : -ENOMEM, 0);
    buffer_stats(&buffers);
    pr_info("mixed: all writers done: %u swap-outs, %u page writes queued to kswiod, "
            "%u kswapd wakeups, %u buffers written by the flush task\n", vm_events.pswpout,
            vm_events.kswiod_queued - queued0, vm_events.kswapd_wakeups - wakeups0,
            buffers.flushed - buffers0.flushed);
    hog_pass(&h, false);
    hog_unmap(&h);
    finish_jobs(2);
    KASSERT_EQ(vfs_umount(MNT), 0);
    pr_info("mixed: summary: %u bad anonymous pages, %d tasks ended\n", h.bad_pages, h.ended);
    ktest_note("%u bad anonymous pages, %d tasks ended", h.bad_pages, h.ended);
    KASSERT_EQ(h.bad_pages, 0);
    KASSERT_EQ(h.ended, 0);
    KASSERT(vm_events.kswapd_wakeups > wakeups0);
    KASSERT_EQ(swapoff("hda"), 0);
}
