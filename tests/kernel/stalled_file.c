/*
 * stalled_file.c - a file whose writeback is stuck (see stalled_file.h).
 */
#include "stalled_file.h"
#include "blkdev.h"
#include "kerrno.h"
#include "mm.h"
#include "pagemap.h"
#include "reclaim.h"
#include "sched.h"
#include "vfs.h"
#include "vm.h"

#define MNT             "/mnt"
#define PATH            MNT "/stalled"
#define MAP_VA          0x20000000u
#define FILE_PAGES      256             /* 1 MiB of holes, dirtied through the mapping */
#define HANDOVER_MS     1000            /* kswiod takes the pages well before */
#define POLL_MS         10

static uint32_t word(uint32_t seed, uint32_t off) { return (off * 2654435761u) ^ seed; }

static void fill(void *arg)
{
    struct stalled_file *f = arg;
    task_set_vm(f->space);
    for (uint32_t off = 0; off < FILE_PAGES * PAGE_SIZE; off += 4)
        *(volatile uint32_t *)(MAP_VA + off) = word(f->seed, off);
    task_set_vm(NULL);
}

static void check(void *arg)
{
    struct stalled_file *f = arg;
    task_set_vm(f->space);
    for (uint32_t off = 0; off < FILE_PAGES * PAGE_SIZE; off += 4)
        f->bad += *(volatile uint32_t *)(MAP_VA + off) != word(f->seed, off);
    task_set_vm(NULL);
}

static int run(const char *name, void (*fn)(void *), struct stalled_file *f)
{
    struct task *t = task_create(name, fn, f, PRIO_NORMAL);
    return t ? task_join(t) : -ENOMEM;
}

int stalled_file_start(struct stalled_file *f, struct block_device *dev, uint32_t seed)
{
    *f = (struct stalled_file){ .dev = dev, .seed = seed };
    int err = vfs_mount(dev->name, MNT, "ext2");
    if (!err)
        err = vfs_create(PATH);
    if (!err)
        err = vfs_lookup(PATH, &f->inode);
    if (!err)
        err = vfs_truncate(f->inode, FILE_PAGES * PAGE_SIZE);
    if (!err && !(f->space = vm_space_create()))
        err = -ENOMEM;
    if (!err)
        err = vm_map_file(f->space, MAP_VA, FILE_PAGES * PAGE_SIZE, f->inode, 0,
                          PTE_WRITE | PTE_SHARED);
    if (!err)
        err = run("stall-fill", fill, f);
    if (err)
        return err;
    blkdev_stall(dev, true);
    reclaim_some(nr_managed_pages() / 4);
    for (int ms = 0; !stalled_file_waiting(f) && ms < HANDOVER_MS; ms += POLL_MS)
        sleep_ms(POLL_MS);
    return stalled_file_waiting(f) ? 0 : -EAGAIN;
}

uint32_t stalled_file_waiting(const struct stalled_file *f)
{
    return f->inode->mapping.nr_writeback;
}

int stalled_file_finish(struct stalled_file *f)
{
    blkdev_stall(f->dev, false);
    int err = vfs_fsync(f->inode);
    int check_err = run("stall-check", check, f);
    vm_space_destroy(f->space);
    iput(f->inode);
    int umount_err = vfs_umount(MNT);
    return err ? err : check_err ? check_err : umount_err;
}
