/*
 * file.h - open files: an inode and a position, as a program sees a file.
 *
 *   file_open(path, flags, &err)  O_RDONLY/O_WRONLY/O_RDWR, with O_CREAT
 *                                 (make it if missing), O_TRUNC (cut to 0),
 *                                 O_APPEND (every write goes to the end)
 *   file_read / file_write        from the position, moving it
 *   file_lseek(f, off, whence)    SEEK_SET / SEEK_CUR / SEEK_END; past the
 *                                 end is allowed (a write there leaves a hole)
 *   file_stat, file_close         (close writes nothing back: sync does)
 *
 * Errors are negative errnos: -EBADF for a read on a write-only file (and
 * the reverse), -EISDIR to write a directory, -EINVAL for a bad whence or
 * a negative position.  One task at a time per struct file.
 */
#pragma once
#include <stdint.h>
#include "vfs.h"

#define O_RDONLY    0x0
#define O_WRONLY    0x1
#define O_RDWR      0x2
#define O_ACCMODE   0x3
#define O_CREAT     0x40
#define O_TRUNC     0x200
#define O_APPEND    0x400

#define SEEK_SET    0
#define SEEK_CUR    1
#define SEEK_END    2

struct file {
    struct inode *inode;        /* held while open */
    uint64_t pos;
    int flags;
};

struct file *file_open(const char *path, int flags, int *err);
void file_close(struct file *f);
int file_read(struct file *f, void *buf, uint32_t len);
int file_write(struct file *f, const void *buf, uint32_t len);
int64_t file_lseek(struct file *f, int64_t off, int whence);
void file_stat(const struct file *f, struct kstat *st);
