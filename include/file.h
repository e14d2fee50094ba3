/*
 * file.h - open files: what a file descriptor refers to.
 *
 * A struct file is one open of something: a VFS inode (a regular file or
 * a directory), the console, an end of a pipe, a block device or a
 * socket.  It holds the open flags, a position and its operations, and a
 * reference count: dup(), dup2() and fork() share one open file -- and so
 * its position -- among several descriptors, as Linux does (fdtable.h).
 *
 * For kernel code (the system calls are in fs/read_write.c, fs/open.c):
 *   file_open(path, flags, &err)  an absolute path: /dev/NAME is the block
 *       device NAME and /dev itself the directory of the block devices
 *       (fs/blkdev_file.c), anything else the VFS's.  Flags
 *       as open()'s (file_abi.h): O_RDONLY/O_WRONLY/O_RDWR, O_CREAT (make
 *       it if missing), O_EXCL, O_TRUNC (cut to 0), O_APPEND (every write
 *       goes to the end), O_DIRECTORY.
 *   file_alloc(ops, flags, private)  a new open file of another kind, one
 *       reference; NULL when memory is short
 *   file_get / file_put     take and drop a reference; the last put calls
 *       ops->release (which closes a pipe end, a socket; an inode's iput)
 *   file_read / file_write  kernel buffers, from the position, moving it
 *   file_pread / file_pwrite  at a given position, which stays
 *   file_lseek(f, off, whence)  SEEK_SET / SEEK_CUR / SEEK_END; past the
 *       end is allowed (a write there leaves a hole)
 *   file_stat, file_fsync
 *
 * Seekable files (VFS files, block devices: ops->size set) move their
 * position under pos_lock, so two processes sharing one file each read
 * or write once per call, never at the same position.  Streams (console,
 * pipe (fs/pipe.c), socket: ops->size NULL) have no position: lseek, pread and
 * pwrite give -ESPIPE.  A read of a stream returns what is there (waiting
 * only while nothing is); a write of any file writes all of it or fails.
 *
 * O_NONBLOCK (pipe2's, socket's SOCK_NONBLOCK, or fcntl(F_SETFL) later):
 * a read or write of a stream that would wait -- a pipe, a socket, the
 * console -- says -EAGAIN instead (or the count done); a disk is not
 * waited for in that sense, as in Linux.  The flag is read without a lock
 * by the calls (fcntl changes it under pos_lock); poll (fs/poll.c) tells
 * when such a call would not wait.
 *
 * Errors are negative errnos: -EBADF for a read on a write-only file (and
 * the reverse), -EISDIR to read or write a directory, -EINVAL for a bad
 * whence or a negative position.  All of it may sleep: task context.
 */
#pragma once
#include <stdint.h>
#include "file_abi.h"
#include "mutex.h"
#include "vfs.h"

struct file;
struct poll_table;

struct file_operations {
    /* Up to len bytes into or out of a kernel buffer at pos (streams
     * ignore pos): the count, or an errno.  read returns 0 at the end. */
    int (*read)(struct file *f, void *buf, uint32_t len, uint64_t pos);
    int (*write)(struct file *f, const void *buf, uint32_t len, uint64_t pos);
    /* Optional, for files whose transfers gain from more than a page at a
     * time (block devices: one bio of up to BIO_MAX_VECS pages): up to len
     * bytes between a program's buffer ubuf and pos, the file copying the
     * user memory itself, a page-sized piece at a time into or out of its
     * own kernel pages (uaccess.h's rules: no lock a page fault needs is
     * held; no user page stays pinned).  The count -- the bytes done when
     * a bad pointer or an error stopped it partway -- or an errno
     * (-EFAULT when the first piece could not be copied).  Seekable files
     * only (pread of a stream must stay -ESPIPE).  The system
     * calls (fs/read_write.c) use these when set, read and write when not. */
    int (*read_user)(struct file *f, void *ubuf, uint32_t len, uint64_t pos);
    int (*write_user)(struct file *f, const void *ubuf, uint32_t len, uint64_t pos);
    /* SEEK_END's base.  NULL: a stream. */
    uint64_t (*size)(struct file *f);
    /* Make what was written durable; NULL: nothing to do. */
    int (*fsync)(struct file *f);
    void (*stat)(struct file *f, struct kstat *st);
    /* A directory's entries, each given to fn (vfs.h's filldir_t) from
     * the first, until fn says stop: 0 or an errno.  NULL: not a
     * directory (getdents64 says -ENOTDIR). */
    int (*readdir)(struct file *f, filldir_t fn, void *arg);
    /* The last reference went. */
    void (*release)(struct file *f);
    /* What a read or write would find now, as poll_abi.h's bits, after
     * naming the queues that wake a poller (include/poll.h).  NULL: a
     * file that never waits but for the disk (POLLIN | POLLOUT). */
    uint32_t (*poll)(struct file *f, struct poll_table *pt);
    /* What a program's write that fails with -EPIPE wrote to ("a pipe
     * nobody reads"): the write ends the program, as SIGPIPE's default
     * does (there are no handlers), with a log line saying so -- unless
     * it was a send() with MSG_NOSIGNAL.  NULL: -EPIPE is only an answer. */
    const char *epipe_ends;
};

struct file {
    const struct file_operations *ops;
    struct inode *inode;        /* a VFS file's, held while open; NULL for the others */
    void *private_data;         /* the kind's own: a pipe, a block device, a socket */
    int flags;                  /* open()'s; O_APPEND, O_NONBLOCK change under pos_lock */
    int refcount;               /* descriptors and kernel users; irq_save (one CPU) */
    struct mutex pos_lock;      /* a seekable file's position moves under it */
    uint64_t pos;               /* pos_lock */
};

static inline bool file_readable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_WRONLY;
}
static inline bool file_writable(const struct file *f)
{
    return (f->flags & O_ACCMODE) != O_RDONLY;
}

struct file *file_alloc(const struct file_operations *ops, int flags, void *private_data);
struct file *file_open(const char *path, int flags, int *err);
/* The absolute path a program's upath names from its current directory,
 * "." and ".." resolved (fs/open.c), in a buffer of VFS_PATH_MAX to
 * kfree; NULL and *err (-EFAULT, -ENOENT for "", -ENAMETOOLONG) on
 * failure.  The file calls and execve take their paths through it. */
char *path_from_user(const char *upath, int *err);
void file_get(struct file *f);
void file_put(struct file *f);
int file_read(struct file *f, void *buf, uint32_t len);
int file_write(struct file *f, const void *buf, uint32_t len);
int file_pread(struct file *f, void *buf, uint32_t len, uint64_t pos);
int file_pwrite(struct file *f, const void *buf, uint32_t len, uint64_t pos);
int64_t file_lseek(struct file *f, int64_t off, int whence);
void file_stat(struct file *f, struct kstat *st);
int file_fsync(struct file *f);

/* fs/read_write.c: read() and write() of a program's buffer at fd, for the
 * calls built on them (recvfrom, sendto); sigpipe false is MSG_NOSIGNAL's
 * write: -EPIPE only answers (ops->epipe_ends). */
int32_t ksys_read(int fd, void *ubuf, uint32_t len);
int32_t ksys_write(int fd, const void *ubuf, uint32_t len, bool sigpipe);

/* fs/blkdev_file.c: the block device name names, opened with flags, or
 * NULL and *err: -ENOENT when no device has that name. */
struct file *blkdev_file_open(const char *name, int flags, int *err);
/* /dev, the directory whose entries are the block devices: read only
 * (-EISDIR for a write, -EEXIST for O_CREAT | O_EXCL). */
struct file *blkdev_dir_open(int flags, int *err);
/* fs/console_file.c: the console as a file (fds 0, 1 and 2). */
struct file *console_file_open(void);
