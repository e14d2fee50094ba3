/*
 * file.c - open files (see include/file.h): a position on top of the
 * VFS's inode calls.
 */
#include "file.h"
#include "kerrno.h"
#include "slab.h"

struct file *file_open(const char *path, int flags, int *err)
{
    struct inode *inode;
    *err = vfs_lookup(path, &inode);
    if (*err == -ENOENT && (flags & O_CREAT)) {
        *err = vfs_create(path);
        if (!*err)
            *err = vfs_lookup(path, &inode);
    }
    if (*err)
        return NULL;
    bool writes = (flags & O_ACCMODE) != O_RDONLY;
    if (writes && s_isdir(inode->mode)) {
        iput(inode);
        *err = -EISDIR;
        return NULL;
    }
    if (writes && (flags & O_TRUNC) && (*err = vfs_truncate(inode, 0)) < 0) {
        iput(inode);
        return NULL;
    }
    struct file *f = kmalloc(sizeof(*f), GFP_KERNEL);
    if (!f) {
        iput(inode);
        *err = -ENOMEM;
        return NULL;
    }
    *f = (struct file){ inode, 0, flags };
    return f;
}

void file_close(struct file *f)
{
    iput(f->inode);
    kfree(f);
}

int file_read(struct file *f, void *buf, uint32_t len)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    int n = vfs_read(f->inode, f->pos, buf, len);
    if (n > 0)
        f->pos += n;
    return n;
}

int file_write(struct file *f, const void *buf, uint32_t len)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    if (f->flags & O_APPEND)
        f->pos = f->inode->size;
    int n = vfs_write(f->inode, f->pos, buf, len);
    if (n > 0)
        f->pos += n;
    return n;
}

int64_t file_lseek(struct file *f, int64_t off, int whence)
{
    int64_t base = whence == SEEK_SET ? 0
                 : whence == SEEK_CUR ? (int64_t)f->pos
                 : whence == SEEK_END ? (int64_t)f->inode->size : -1;
    if (base < 0 || base + off < 0)
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (int64_t)f->pos;
}

void file_stat(const struct file *f, struct kstat *st)
{
    const struct inode *i = f->inode;
    *st = (struct kstat){ i->ino, i->mode, i->nlink, i->mtime, i->size };
}
