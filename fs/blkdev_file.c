/*
 * blkdev_file.c - block devices as files: "/dev/hda", "/dev/nbd0", ...
 * (see include/file.h).
 *
 * There is no devfs: file_open() looks a path "/dev/NAME" up in the block
 * layer's registry (blkdev_find()) before the VFS, so every registered
 * device has its file (a directory /dev on the root file system, if there
 * is one, is reached only for names that no device has).  stat64 answers
 * for them too (S_IFBLK).  /dev itself is a directory made here, whatever
 * the root file system has there, as Linux's devtmpfs is mounted over it:
 * getdents64 gives ".", ".." and each registered device (DT_BLK) in the
 * order they registered -- so `ls /dev` lists hda, nbd0, ... -- and
 * chdir may go there.
 *
 * Reads and writes go to the block layer directly, not through the buffer
 * cache: one bio of up to BIO_MAX_VECS pages (128 KiB) of whole sectors
 * at a time, through kernel pages of this file's own (a program's buffer
 * is copied into or out of them a page at a time by read_user/write_user,
 * never pinned; the sectors a write covers only in part are read first).
 * So /bin/nbd-server's 128 KiB request is one disk request, as nbdsrv's
 * is.  A failed bio ends the call: the bytes of the bios before it count,
 * with none it gives -EIO; a bad user pointer the same with -EFAULT.
 * A write is on
 * the device when write() returns, so fsync has nothing left to do.  A
 * device a file system or swap has used since boot (it has a kswiod,
 * which never goes) may have buffers and pages this path would not see:
 * opening one for writing fails with -EBUSY and a log line; reading one
 * gives what its disk holds.  A read-only device (an NBD export that
 * says so) is not opened for writing either: -EROFS, and a log line.  Reads
 * end at the device's end (0 there); a write past it gives -ENOSPC.
 */
#include "blkdev.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "uaccess.h"

static uint64_t blkdev_file_size(struct file *f)
{
    struct block_device *dev = f->private_data;
    return dev->nr_sectors << SECTOR_SHIFT;
}

/* The kernel pages one transfer goes through: byte i of the span of
 * whole sectors it covers is at pages[i / PAGE_SIZE] + i % PAGE_SIZE. */
struct span_pages {
    struct page *pages[BIO_MAX_VECS];
    int nr;
};

/* One bio for the first len bytes (whole sectors) of the pages, at sector. */
static int span_rw(struct block_device *dev, uint64_t sector, const struct span_pages *sp,
                   uint32_t len, enum bio_op op)
{
    struct bio *bio = bio_alloc(GFP_NOIO);
    bio->bdev = dev;
    bio->sector = sector;
    bio->op = op;
    for (int i = 0; len; i++) {
        uint32_t n = len < PAGE_SIZE ? len : PAGE_SIZE;
        bio_add_page(bio, sp->pages[i], n, 0);
        len -= n;
    }
    int err = submit_bio_wait(bio);
    bio_put(bio);
    return err;
}

/* Read the sector holding span byte at into the pages (a write's partly
 * covered first or last sector keeps its other bytes). */
static int span_read_sector(struct block_device *dev, uint64_t sector, const struct span_pages *sp,
                            uint32_t at)
{
    uint8_t *p = page_address(sp->pages[at / PAGE_SIZE]);
    return blkdev_rw(dev, sector + at / SECTOR_SIZE, p + at % PAGE_SIZE / SECTOR_SIZE * SECTOR_SIZE,
                     SECTOR_SIZE, BIO_READ);
}

/* Copy n bytes between buf and the span from byte off on, one piece per
 * page of the span (so a copy stopped by a bad user pointer ends at a page
 * boundary of the span: whole sectors).  The bytes copied before a piece
 * failed. */
static uint32_t span_copy(const struct span_pages *sp, uint32_t off, uint8_t *buf, uint32_t n,
                          bool to_span, bool user)
{
    uint32_t done = 0;
    while (done < n) {
        uint32_t at = off + done;
        uint8_t *p = (uint8_t *)page_address(sp->pages[at / PAGE_SIZE]) + at % PAGE_SIZE;
        uint32_t piece = PAGE_SIZE - at % PAGE_SIZE < n - done ? PAGE_SIZE - at % PAGE_SIZE
                                                               : n - done;
        int err = 0;
        if (!user)
            memcpy(to_span ? p : buf + done, to_span ? buf + done : p, piece);
        else if (to_span)
            err = copy_from_user(p, buf + done, piece);
        else
            err = copy_to_user(buf + done, p, piece);
        if (err)
            break;
        done += piece;
    }
    return done;
}

/*
 * Move len bytes at pos between buf (a program's when user) and the
 * device: up to BIO_MAX_VECS pages of whole sectors per bio, one bio at a
 * time.  A write reads first the sectors it covers only in part.  The
 * bytes done before a bio failed or a copy stopped count; with none, the
 * error (-EIO, -EFAULT).
 */
static int blkdev_file_io(struct file *f, uint8_t *buf, uint32_t len, uint64_t pos, bool write,
                          bool user)
{
    struct block_device *dev = f->private_data;
    uint64_t size = blkdev_file_size(f);
    if (pos >= size || !len)
        return write && len ? -ENOSPC : 0;
    if (len > size - pos)
        len = (uint32_t)(size - pos);
    /* As many pages as the first bio wants, or as memory gives (one at least). */
    uint32_t want = (uint32_t)(pos % SECTOR_SIZE) + len;
    want = want / PAGE_SIZE >= BIO_MAX_VECS ? BIO_MAX_VECS : (want + PAGE_SIZE - 1) / PAGE_SIZE;
    struct span_pages sp = { .nr = 0 };
    while (sp.nr < (int)want && (sp.pages[sp.nr] = alloc_page(GFP_KERNEL)))
        sp.nr++;
    if (!sp.nr)
        return -ENOMEM;
    uint32_t done = 0;
    int err = 0;
    while (!err && done < len) {
        uint64_t at = pos + done;
        uint32_t off = (uint32_t)(at % SECTOR_SIZE);
        uint32_t room = (uint32_t)sp.nr * PAGE_SIZE - off;
        uint32_t n = len - done < room ? len - done : room;
        uint32_t span = (off + n + SECTOR_SIZE - 1) & ~(SECTOR_SIZE - 1);
        uint64_t sector = at >> SECTOR_SHIFT;
        uint32_t copied = 0;
        if (write) {
            if (off)
                err = span_read_sector(dev, sector, &sp, 0);
            if (!err && (off + n) % SECTOR_SIZE && (!off || span > SECTOR_SIZE))
                err = span_read_sector(dev, sector, &sp, span - SECTOR_SIZE);
            if (!err)
                copied = span_copy(&sp, off, buf + done, n, true, user);
            if (copied < n) {
                err = -EFAULT;
                span = (off + copied + SECTOR_SIZE - 1) & ~(SECTOR_SIZE - 1);
            }
            int io = copied ? span_rw(dev, sector, &sp, span, BIO_WRITE) : 0;
            if (io) {
                err = io;
                copied = 0;
            }
        } else {
            err = span_rw(dev, sector, &sp, span, BIO_READ);
            copied = err ? 0 : span_copy(&sp, off, buf + done, n, false, user);
            if (!err && copied < n)
                err = -EFAULT;
        }
        done += copied;
    }
    for (int i = 0; i < sp.nr; i++)
        free_page(sp.pages[i]);
    return done ? (int)done : err;
}

static int blkdev_file_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, buf, len, pos, false, false);
}

static int blkdev_file_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, (uint8_t *)buf, len, pos, true, false);
}

static int blkdev_file_read_user(struct file *f, void *ubuf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, ubuf, len, pos, false, true);
}

static int blkdev_file_write_user(struct file *f, const void *ubuf, uint32_t len, uint64_t pos)
{
    return blkdev_file_io(f, (uint8_t *)ubuf, len, pos, true, true);
}

static void blkdev_file_stat(struct file *f, struct kstat *st)
{
    *st = (struct kstat){ .mode = S_IFBLK | 0660, .nlink = 1, .size = blkdev_file_size(f) };
}

static const struct file_operations blkdev_file_ops = {
    .read = blkdev_file_read,
    .write = blkdev_file_write,
    .read_user = blkdev_file_read_user,
    .write_user = blkdev_file_write_user,
    .size = blkdev_file_size,
    .stat = blkdev_file_stat,
};

/* ---- /dev: the devices' directory ----------------------------------------- */

static int devdir_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    (void)f, (void)buf, (void)len, (void)pos;
    return -EISDIR;                     /* getdents64 reads it */
}

/* Devices only come (blkdev_register()), never go, so the registry is
 * walked without a lock and the positions getdents64 counts stay put.
 * The inode numbers only tell entries apart: these files have no inode. */
static int devdir_readdir(struct file *f, filldir_t fn, void *arg)
{
    (void)f;
    uint32_t ino = 1;
    if (fn(arg, ".", 1, ino++, DT_DIR) || fn(arg, "..", 2, ino++, DT_DIR))
        return 0;
    for (struct block_device *dev = blkdev_next(NULL); dev; dev = blkdev_next(dev))
        if (fn(arg, dev->name, strlen(dev->name), ino++, DT_BLK))
            return 0;
    return 0;
}

static void devdir_stat(struct file *f, struct kstat *st)
{
    (void)f;
    *st = (struct kstat){ .ino = 1, .mode = S_IFDIR | 0755, .nlink = 2 };
}

static const struct file_operations devdir_ops = {
    .read = devdir_read,
    .stat = devdir_stat,
    .readdir = devdir_readdir,
};

struct file *blkdev_dir_open(int flags, int *err)
{
    if ((flags & O_ACCMODE) != O_RDONLY || ((flags & O_CREAT) && (flags & O_EXCL))) {
        *err = (flags & O_ACCMODE) != O_RDONLY ? -EISDIR : -EEXIST;
        return NULL;
    }
    struct file *f = file_alloc(&devdir_ops, flags, NULL);
    *err = f ? 0 : -ENOMEM;
    return f;
}

/* ---- /dev/NAME: a device ---------------------------------------------------- */

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
    if ((flags & O_ACCMODE) != O_RDONLY && dev->read_only) {
        pr_warn("blkdev: %s is read-only: not opened for writing (-EROFS)\n", name);
        *err = -EROFS;
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
