/*
 * blkdev_file.c - block devices as files: "/dev/hda", "/dev/nbd0", ...
 * (see include/file.h).
 *
 * There is no devfs: file_open() looks a path "/dev/NAME" up in the block
 * layer's registry (blkdev_find()) before the VFS, so every registered
 * device has its file and nothing else is under /dev (a directory /dev on
 * the root file system, if there is one, is reached only for names that no
 * device has).  stat64 answers for them too; getdents64 of /dev does not
 * list them.
 *
 * Reads and writes go to the block layer directly (blkdev_rw(), one
 * page-sized span of whole sectors at a time, read first when a write
 * covers part of a sector), not through the buffer cache: a write is on
 * the device when write() returns, so fsync has nothing left to do.  A
 * device a file system or swap has used since boot (it has a kswiod,
 * which never goes) may have buffers and pages this path would not see:
 * opening one for writing fails with -EBUSY and a log line; reading one
 * gives what its disk holds.  Reads
 * end at the device's end (0 there); a write past it gives -ENOSPC.
 */
#include "blkdev.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"

static uint64_t blkdev_file_size(struct file *f)
{
    struct block_device *dev = f->private_data;
    return dev->nr_sectors << SECTOR_SHIFT;
}

/* Copy len bytes at pos between buf and the device, through a page. */
static int blkdev_file_io(struct file *f, uint8_t *buf, uint32_t len, uint64_t pos, bool write)
{
    struct block_device *dev = f->private_data;
    uint64_t size = blkdev_file_size(f);
    if (pos >= size || !len)
        return write && len ? -ENOSPC : 0;
    if (len > size - pos)
        len = (uint32_t)(size - pos);
    uint8_t *page = get_zeroed_page(GFP_KERNEL);
    if (!page)
        return -ENOMEM;
    uint32_t done = 0;
    int err = 0;
    while (!err && done < len) {
        uint64_t at = pos + done;
        uint32_t off = (uint32_t)(at % SECTOR_SIZE);
        uint32_t n = len - done < PAGE_SIZE - off ? len - done : PAGE_SIZE - off;
        uint32_t span = (off + n + SECTOR_SIZE - 1) & ~(SECTOR_SIZE - 1);
        uint64_t sector = at >> SECTOR_SHIFT;
        bool whole = off == 0 && n == span;
        if (!write || !whole)
            err = blkdev_rw(dev, sector, page, span, BIO_READ);
        if (!err && write) {
            memcpy(page + off, buf + done, n);
            err = blkdev_rw(dev, sector, page, span, BIO_WRITE);
        } else if (!err) {
            memcpy(buf + done, page + off, n);
        }
        if (!err)
            done += n;
    }
    free_page_address(page);
    return done ? (int)done : err;
}

static int blkdev_file_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, buf, len, pos, false);
}

static int blkdev_file_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, (uint8_t *)buf, len, pos, true);
}

static void blkdev_file_stat(struct file *f, struct kstat *st)
{
    *st = (struct kstat){ .mode = S_IFBLK | 0660, .nlink = 1, .size = blkdev_file_size(f) };
}

static const struct file_operations blkdev_file_ops = {
    .read = blkdev_file_read,
    .write = blkdev_file_write,
    .size = blkdev_file_size,
    .stat = blkdev_file_stat,
};

struct file *blkdev_file_open(const char *name, int flags, int *err)
{
    struct block_device *dev = blkdev_find(name);
    if (!dev) {
        *err = -ENOENT;
        return NULL;
    }
    if ((flags & O_DIRECTORY) || ((flags & O_CREAT) && (flags & O_EXCL))) {
        *err = flags & O_DIRECTORY ? -ENOTDIR : -EEXIST;
        return NULL;
    }
    if ((flags & O_ACCMODE) != O_RDONLY && dev->kswiod) {
        pr_warn("blkdev: %s has been mounted or swapped on: not opened for writing "
                "(-EBUSY)\n",
                name);
        *err = -EBUSY;
        return NULL;
    }
    struct file *f = file_alloc(&blkdev_file_ops, flags, dev);
    *err = f ? 0 : -ENOMEM;
    return f;
}
