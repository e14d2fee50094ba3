/*
 * read_write.c - the system calls that move data through an open file:
 * read (3), write (4), pread64 (180), pwrite64 (181), lseek (19),
 * _llseek (140), fsync (118) and getdents64 (220).
 *
 * Data goes through a kernel buffer of up to RW_CHUNK (16 KiB; a page
 * when free memory has no 16 KiB at once) at a time (file.h's calls take
 * kernel buffers): the file's locks are never held while user memory
 * faults.  A file with read_user/write_user (a block device: one bio for
 * up to 128 KiB) copies the program's buffer itself instead.  A read of
 * a seekable file goes on, buffer by buffer, until len bytes or the end;
 * a read of a stream returns what one buffer-sized read gave.  A write
 * goes on until all is written.  A bad pointer ends the call with
 * -EFAULT, or with the count done when some bytes were (as Linux
 * returns), counted in whole buffers; the file's position moves by that
 * count and no more.  A read of a stream (a pipe, a socket, the console)
 * takes no more bytes than the run of writable memory at the buffer
 * holds (user_writable_bytes()), so a bad buffer leaves them there;
 * only a page that cannot come back (swap that fails, no memory) loses
 * what the read took.  A write that fails with -EPIPE where the file says so
 * (ops->epipe_ends: a pipe with no reader, a socket shut for writing)
 * ends the writer as SIGPIPE does -- but for send(MSG_NOSIGNAL).  Two processes sharing one open file may interleave
 * at buffer boundaries within one call larger than the buffer.
 */
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "process.h"
#include "slab.h"
#include "syscall.h"
#include "uaccess.h"

/* The kernel buffer's size, when free memory has it: a socket's read
 * gives up to this much per call.  With a page, /bin/nbd-server took 32
 * reads and as many copies through a page for each 128 KiB request, and
 * bench=nbd_user wrote 1.6-2.2x slower than nbdsrv; with 16 KiB
 * 1.0-1.7x (make bench BENCH=nbd_user, shared machine). */
#define RW_CHUNK (4 * PAGE_SIZE)

/* A file with read_user/write_user (a block device) moves the program's
 * buffer itself, in one call: at *at, or at the position, which moves
 * under pos_lock -- held across the user copies, as getdents64 holds it
 * and Linux holds f_pos_lock: a page fault never needs it. */
static int32_t rw_user_by_file(struct file *f, uint8_t *ubuf, uint32_t len, const uint64_t *at,
                               bool write)
{
    if (write ? !file_writable(f) : !file_readable(f))
        return -EBADF;
    if (at)
        return write ? f->ops->write_user(f, ubuf, len, *at) : f->ops->read_user(f, ubuf, len, *at);
    mutex_lock(&f->pos_lock);
    if (write && (f->flags & O_APPEND))
        f->pos = f->ops->size(f);
    int n = write ? f->ops->write_user(f, ubuf, len, f->pos)
                  : f->ops->read_user(f, ubuf, len, f->pos);
    if (n > 0)
        f->pos += (uint32_t)n;
    mutex_unlock(&f->pos_lock);
    return n;
}

/* read or write len bytes at ubuf: at *at, or at the file's position when
 * at is NULL; sigpipe: a write's -EPIPE ends the process where the file
 * says so. */
static int32_t rw_user(int fd, uint8_t *ubuf, uint32_t len, const uint64_t *at, bool write,
                       bool sigpipe)
{
    if ((int32_t)len < 0)
        return -EINVAL;
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    if (write ? f->ops->write_user != NULL : f->ops->read_user != NULL) {
        int32_t n = rw_user_by_file(f, ubuf, len, at, write);
        file_put(f);
        return n;
    }
    if (!write && !f->ops->size) {
        /* A stream's bytes, once read, cannot go back: take no more than
         * the program's buffer can hold, and leave the rest in the pipe
         * or socket, as Linux does. */
        uint32_t room = user_writable_bytes(ubuf, len);
        if (len && !room) {
            file_put(f);
            return -EFAULT;
        }
        len = room;
    }
    /* RW_CHUNK only when free memory has it at once (no reclaim for
     * contiguous pages); else a page, which may reclaim. */
    uint32_t chunk_size = len < RW_CHUNK ? len : RW_CHUNK;
    uint8_t *chunk = len > PAGE_SIZE ? kmalloc(chunk_size, 0) : NULL;
    if (len && !chunk)
        chunk = kmalloc(chunk_size = len < PAGE_SIZE ? len : PAGE_SIZE, GFP_KERNEL);
    int32_t err = len && !chunk ? -ENOMEM : 0;
    uint32_t done = 0;
    while (!err && done < len) {
        uint32_t n = len - done < chunk_size ? len - done : chunk_size;
        int got;
        if (write) {
            if (copy_from_user(chunk, ubuf + done, n)) {
                err = -EFAULT;
                break;
            }
            got = at ? file_pwrite(f, chunk, n, *at + done) : file_write(f, chunk, n);
        } else {
            got = at ? file_pread(f, chunk, n, *at + done) : file_read(f, chunk, n);
            if (got > 0 && copy_to_user(ubuf + done, chunk, (uint32_t)got)) {
                err = -EFAULT;
                /* The position must say what the program got: give back
                 * what file_read() moved it by.  A stream's bytes cannot
                 * go back (-ESPIPE): its read was kept to the writable
                 * bytes, so only a page that could not come back gets
                 * here (the header). */
                if (!at)
                    file_lseek(f, -(int64_t)got, SEEK_CUR);
            }
        }
        if (got < 0)
            err = got;
        else if (!err)
            done += (uint32_t)got;
        if (got < (int)n || (!write && !f->ops->size))
            break;                      /* the end, or a stream's one read */
    }
    const char *epipe_ends = f->ops->epipe_ends;
    kfree(chunk);
    file_put(f);
    if (err == -EPIPE && !done && epipe_ends && sigpipe) {
        pr_info("process: %s (pid %u) wrote to %s: ending it (SIGPIPE)\n",
                current->name, current->id, epipe_ends);
        process_exit(W_EXITCODE(0, SIGPIPE));
    }
    return done ? (int32_t)done : err;
}

int32_t ksys_read(int fd, void *ubuf, uint32_t len)
{
    return rw_user(fd, ubuf, len, NULL, false, false);
}

int32_t ksys_write(int fd, const void *ubuf, uint32_t len, bool sigpipe)
{
    return rw_user(fd, (uint8_t *)ubuf, len, NULL, true, sigpipe);
}

int32_t sys_read(const struct syscall_args *a)
{
    return ksys_read((int)a->arg[0], (void *)a->arg[1], a->arg[2]);
}

int32_t sys_write(const struct syscall_args *a)
{
    return ksys_write((int)a->arg[0], (const void *)a->arg[1], a->arg[2], true);
}

/* pread64(fd, buf, count, pos_low, pos_high) and pwrite64 the same. */
static int32_t prw_user(const struct syscall_args *a, bool write)
{
    int64_t pos = (int64_t)((uint64_t)a->arg[4] << 32 | a->arg[3]);
    if (pos < 0)
        return -EINVAL;
    uint64_t at = (uint64_t)pos;
    return rw_user((int)a->arg[0], (uint8_t *)a->arg[1], a->arg[2], &at, write, true);
}

int32_t sys_pread64(const struct syscall_args *a) { return prw_user(a, false); }
int32_t sys_pwrite64(const struct syscall_args *a) { return prw_user(a, true); }

static int64_t lseek_fd(int fd, int64_t off, uint32_t whence)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    int64_t pos = whence <= SEEK_END ? file_lseek(f, off, (int)whence) : -EINVAL;
    file_put(f);
    return pos;
}

/* lseek(fd, off, whence): a 32-bit offset; a position past 2 GiB cannot be
 * told in the result and gives -EOVERFLOW (it is made anyway, as Linux's). */
int32_t sys_lseek(const struct syscall_args *a)
{
    int64_t pos = lseek_fd((int)a->arg[0], (int32_t)a->arg[1], a->arg[2]);
    return pos > INT32_MAX ? -EOVERFLOW : (int32_t)pos;
}

/* _llseek(fd, off_high, off_low, loff_t *result, whence). */
int32_t sys_llseek(const struct syscall_args *a)
{
    int64_t pos = lseek_fd((int)a->arg[0], (int64_t)((uint64_t)a->arg[1] << 32 | a->arg[2]),
                           a->arg[4]);
    if (pos < 0)
        return (int32_t)pos;
    return copy_to_user((void *)a->arg[3], &pos, sizeof(pos)) ? -EFAULT : 0;
}

int32_t sys_fsync(const struct syscall_args *a)
{
    struct file *f = fd_get((int)a->arg[0]);
    if (!f)
        return -EBADF;
    int err = file_fsync(f);
    file_put(f);
    return err;
}

/* ---- getdents64 ------------------------------------------------------------ */

struct dirents {
    uint8_t *buf;
    uint32_t size, used;
    uint64_t skip;              /* entries given by earlier calls: the position */
    uint64_t index;             /* entries seen in this walk */
    bool full;                  /* an entry did not fit */
};

static int fill_dirent(void *arg, const char *name, uint32_t name_len, uint32_t ino,
                       uint32_t type)
{
    struct dirents *d = arg;
    if (d->index < d->skip) {
        d->index++;
        return 0;
    }
    uint32_t reclen = (sizeof(struct linux_dirent64) + name_len + 1 + 7) & ~7u;
    if (d->used + reclen > d->size) {
        d->full = true;
        return 1;
    }
    struct linux_dirent64 *e = (struct linux_dirent64 *)(d->buf + d->used);
    memset(e, 0, reclen);
    e->d_ino = ino;
    e->d_off = (int64_t)++d->index;
    e->d_reclen = (uint16_t)reclen;
    e->d_type = (uint8_t)type;
    memcpy(e->d_name, name, name_len);
    d->used += reclen;
    return 0;
}

/* getdents64(fd, dirp, count): as many entries as fit in count bytes (and
 * in a page: a caller calls again until 0); -EINVAL when not even the
 * next one fits.  The position counts entries. */
int32_t sys_getdents64(const struct syscall_args *a)
{
    struct file *f = fd_get((int)a->arg[0]);
    if (!f)
        return -EBADF;
    uint32_t count = a->arg[2] < PAGE_SIZE ? a->arg[2] : PAGE_SIZE;
    struct dirents d = { .buf = kmalloc(count ? count : 1, GFP_KERNEL), .size = count };
    int32_t err = !d.buf ? -ENOMEM : !f->ops->readdir ? -ENOTDIR : 0;
    if (!err) {
        mutex_lock(&f->pos_lock);
        d.skip = f->pos;
        err = f->ops->readdir(f, fill_dirent, &d);
        if (!err && d.full && !d.used)
            err = -EINVAL;
        if (!err && d.used && copy_to_user((void *)a->arg[1], d.buf, d.used))
            err = -EFAULT;
        if (!err)
            f->pos = d.index;
        mutex_unlock(&f->pos_lock);
    }
    kfree(d.buf);
    file_put(f);
    return err ? err : (int32_t)d.used;
}
