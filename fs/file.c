/*
 * file.c - open files (see include/file.h): the reference count, the
 * position, and the VFS's files (regular files and directories) as one
 * kind among the others.
 */
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "slab.h"
#include "x86.h"

struct file *file_alloc(const struct file_operations *ops, int flags, void *private_data)
{
    struct file *f = kmalloc(sizeof(*f), GFP_KERNEL | __GFP_ZERO);
    if (!f)
        return NULL;
    f->ops = ops;
    f->flags = flags;
    f->private_data = private_data;
    f->refcount = 1;
    mutex_init(&f->pos_lock, "file->pos_lock");
    return f;
}

void file_get(struct file *f)
{
    uint32_t flags = irq_save();
    f->refcount++;
    irq_restore(flags);
}

void file_put(struct file *f)
{
    uint32_t flags = irq_save();
    int left = --f->refcount;
    irq_restore(flags);
    if (left)
        return;
    if (f->ops->release)
        f->ops->release(f);
    kfree(f);
}

/* ---- the VFS's files ------------------------------------------------------ */

static int inode_file_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    if (s_isdir(f->inode->mode))
        return -EISDIR;                 /* getdents64 reads directories */
    return vfs_read(f->inode, pos, buf, len);
}

static int inode_file_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    return vfs_write(f->inode, pos, buf, len);
}

static uint64_t inode_file_size(struct file *f)
{
    return f->inode->size;
}

static int inode_file_fsync(struct file *f)
{
    return vfs_fsync(f->inode);
}

static void inode_file_stat(struct file *f, struct kstat *st)
{
    const struct inode *i = f->inode;
    *st = (struct kstat){ i->ino, i->mode, i->nlink, i->mtime, i->size };
}

static int inode_file_readdir(struct file *f, filldir_t fn, void *arg)
{
    return s_isdir(f->inode->mode) ? vfs_readdir(f->inode, fn, arg) : -ENOTDIR;
}

static void inode_file_release(struct file *f)
{
    iput(f->inode);
}

static const struct file_operations inode_file_ops = {
    .read = inode_file_read,
    .write = inode_file_write,
    .size = inode_file_size,
    .fsync = inode_file_fsync,
    .stat = inode_file_stat,
    .readdir = inode_file_readdir,
    .release = inode_file_release,
};

#define DEV_PREFIX      "/dev/"

struct file *file_open(const char *path, int flags, int *err)
{
    if (!strcmp(path, "/dev"))
        return blkdev_dir_open(flags, err);
    if (!strncmp(path, DEV_PREFIX, strlen(DEV_PREFIX))) {
        struct file *f = blkdev_file_open(path + strlen(DEV_PREFIX), flags, err);
        if (f || *err != -ENOENT)
            return f;                   /* not a device's name: the VFS may have it */
    }
    struct inode *inode;
    *err = vfs_lookup(path, &inode);
    if (*err == -ENOENT && (flags & O_CREAT)) {
        *err = vfs_create(path);
        if (!*err)
            *err = vfs_lookup(path, &inode);
    } else if (!*err && (flags & O_CREAT) && (flags & O_EXCL)) {
        iput(inode);
        *err = -EEXIST;
    }
    if (*err)
        return NULL;
    bool writes = (flags & O_ACCMODE) != O_RDONLY;
    if (writes && s_isdir(inode->mode))
        *err = -EISDIR;
    else if ((flags & O_DIRECTORY) && !s_isdir(inode->mode))
        *err = -ENOTDIR;
    else if (writes && (flags & O_TRUNC))
        *err = vfs_truncate(inode, 0);
    struct file *f = *err ? NULL : file_alloc(&inode_file_ops, flags, NULL);
    if (!f) {
        *err = *err ? *err : -ENOMEM;
        iput(inode);
        return NULL;
    }
    f->inode = inode;
    return f;
}

/* ---- reading and writing -------------------------------------------------- */

static bool seekable(const struct file *f)
{
    return f->ops->size != NULL;
}

int file_pread(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    if (!file_readable(f))
        return -EBADF;
    if (!seekable(f))
        return -ESPIPE;
    return f->ops->read(f, buf, len, pos);
}

int file_pwrite(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    if (!file_writable(f))
        return -EBADF;
    if (!seekable(f))
        return -ESPIPE;
    return f->ops->write(f, buf, len, pos);
}

int file_read(struct file *f, void *buf, uint32_t len)
{
    if (!file_readable(f))
        return -EBADF;
    if (!seekable(f))
        return f->ops->read(f, buf, len, 0);
    mutex_lock(&f->pos_lock);
    int n = f->ops->read(f, buf, len, f->pos);
    if (n > 0)
        f->pos += (uint32_t)n;
    mutex_unlock(&f->pos_lock);
    return n;
}

int file_write(struct file *f, const void *buf, uint32_t len)
{
    if (!file_writable(f))
        return -EBADF;
    if (!seekable(f))
        return f->ops->write(f, buf, len, 0);
    mutex_lock(&f->pos_lock);
    if (f->flags & O_APPEND)
        f->pos = f->ops->size(f);
    int n = f->ops->write(f, buf, len, f->pos);
    if (n > 0)
        f->pos += (uint32_t)n;
    mutex_unlock(&f->pos_lock);
    return n;
}

int64_t file_lseek(struct file *f, int64_t off, int whence)
{
    if (!seekable(f))
        return -ESPIPE;
    mutex_lock(&f->pos_lock);
    int64_t base = whence == SEEK_SET ? 0
                 : whence == SEEK_CUR ? (int64_t)f->pos
                 : whence == SEEK_END ? (int64_t)f->ops->size(f) : -1;
    int64_t err = base < 0 || base + off < 0 ? -EINVAL : 0;
    if (!err)
        f->pos = (uint64_t)(base + off);
    int64_t ret = err ? err : (int64_t)f->pos;
    mutex_unlock(&f->pos_lock);
    return ret;
}

void file_stat(struct file *f, struct kstat *st)
{
    f->ops->stat(f, st);
}

int file_fsync(struct file *f)
{
    return f->ops->fsync ? f->ops->fsync(f) : 0;
}
