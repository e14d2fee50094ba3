/*
 * pipe.c - pipes: pipe (42) and pipe2 (331), a page of buffer between a write end and a
 * read end (see include/file.h for the file side).
 *
 * A read waits while the pipe is empty and some write end is open, then
 * returns what is there (up to len); with no write end left it returns
 * 0, the end of the stream.  A write waits for room and writes all of
 * len; a write of at most PIPE_BUF bytes goes in whole or not at all, so
 * the lines of two writers never mix.  With no read end left a write
 * fails with -EPIPE, and the writing process is ended as SIGPIPE ends it
 * in Linux (there are no handlers to catch it): read_write.c does that
 * once the call has let go of what it holds (ops->epipe_ends).
 *
 * The waits are TASK_SLEEPING -- a pipe may stay empty for ever by
 * design -- and end early with -EINTR (or the count done so far) when the
 * task is asked to stop (task_should_stop()): that is how a kill wakes a
 * process blocked on a pipe.  Under O_NONBLOCK nothing waits: an empty
 * pipe's read and a write with no room say -EAGAIN (a write of more than
 * PIPE_BUF the count that fitted).  poll: the read end is POLLIN while
 * bytes wait and POLLHUP once no write end is left; the write end is
 * POLLOUT while there is room (a write of up to PIPE_BUF needs room for
 * all of it, so it may still say -EAGAIN) and POLLERR once no read end is
 * left.
 *
 * Locking: pipe->lock, a mutex, around the buffer and the counts of
 * ends; never held while waiting.  The wait conditions read the counts
 * without it (plain reads of words the waker writes before wake_up).
 */
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "poll.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "uaccess.h"
#include "wait.h"

#define PIPE_SIZE   PAGE_SIZE       /* the buffer */
#define PIPE_BUF    PAGE_SIZE       /* POSIX's: writes this small are atomic */

struct pipe {
    uint8_t *buf;                   /* PIPE_SIZE bytes */
    uint32_t start;                 /* where the oldest byte is; lock */
    uint32_t count;                 /* bytes waiting; lock */
    int readers, writers;           /* open ends; lock */
    struct mutex lock;
    struct wait_queue wait;         /* readers waiting for bytes, writers for room */
};

/* Copy n bytes between the ring at offset at (mod PIPE_SIZE) and buf: at
 * most two runs, the second from the ring's start. */
static void ring_copy(struct pipe *p, uint32_t at, uint8_t *buf, uint32_t n, bool into_ring)
{
    at %= PIPE_SIZE;
    uint32_t first = PIPE_SIZE - at < n ? PIPE_SIZE - at : n;
    if (into_ring) {
        memcpy(p->buf + at, buf, first);
        memcpy(p->buf, buf + first, n - first);
    } else {
        memcpy(buf, p->buf + at, first);
        memcpy(buf + first, p->buf, n - first);
    }
}

static int pipe_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    (void)pos;
    struct pipe *p = f->private_data;
    bool nonblock = f->flags & O_NONBLOCK;
    if (!len)
        return 0;
    if (!nonblock)
        wait_event_state(&p->wait, p->count || !p->writers || task_should_stop(),
                         TASK_SLEEPING);
    mutex_lock(&p->lock);
    uint32_t n = p->count < len ? p->count : len;
    ring_copy(p, p->start, buf, n, false);
    p->start = (p->start + n) % PIPE_SIZE;
    p->count -= n;
    bool empty = !n && p->writers;  /* not waiting, or woken by a stop request */
    mutex_unlock(&p->lock);
    wake_up(&p->wait);
    return !empty ? (int)n : nonblock ? -EAGAIN : -EINTR;
}

/* Whether a write of left more bytes can go on now. */
static bool can_write(const struct pipe *p, uint32_t left)
{
    uint32_t room = PIPE_SIZE - p->count;
    return !p->readers || room >= left || (left > PIPE_BUF && room > 0);
}

static int pipe_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    (void)pos;
    struct pipe *p = f->private_data;
    bool nonblock = f->flags & O_NONBLOCK;
    uint32_t done = 0;
    while (done < len) {
        if (!nonblock)
            wait_event_state(&p->wait, can_write(p, len - done) || task_should_stop(),
                             TASK_SLEEPING);
        mutex_lock(&p->lock);
        if (!p->readers) {
            mutex_unlock(&p->lock);
            return done ? (int)done : -EPIPE;
        }
        uint32_t room = PIPE_SIZE - p->count;
        uint32_t n = !can_write(p, len - done) ? 0 : room < len - done ? room : len - done;
        ring_copy(p, p->start + p->count, (uint8_t *)buf + done, n, true);
        p->count += n;
        mutex_unlock(&p->lock);
        wake_up(&p->wait);
        done += n;
        if (!n)                         /* no room under O_NONBLOCK, or asked to stop */
            return done ? (int)done : nonblock ? -EAGAIN : -EINTR;
    }
    return (int)done;
}

static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
    struct pipe *p = f->private_data;
    poll_wait(pt, &p->wait);
    mutex_lock(&p->lock);
    uint32_t mask;
    if (file_readable(f))
        mask = (p->count ? POLLIN : 0) | (p->writers ? 0 : POLLHUP);
    else
        mask = (p->count < PIPE_SIZE ? POLLOUT : 0) | (p->readers ? 0 : POLLERR);
    mutex_unlock(&p->lock);
    return mask;
}

static void pipe_stat(struct file *f, struct kstat *st)
{
    struct pipe *p = f->private_data;
    *st = (struct kstat){ .mode = S_IFIFO | 0600, .nlink = 1, .size = p->count };
}

static void pipe_release(struct file *f)
{
    struct pipe *p = f->private_data;
    mutex_lock(&p->lock);
    if (file_readable(f))
        p->readers--;
    else
        p->writers--;
    bool last = !p->readers && !p->writers;
    mutex_unlock(&p->lock);
    if (last) {
        free_page_address(p->buf);
        kfree(p);
    } else {
        wake_up(&p->wait);              /* the other end sees the end, or -EPIPE */
    }
}

static const struct file_operations pipe_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .stat = pipe_stat,
    .release = pipe_release,
    .poll = pipe_poll,
    .epipe_ends = "a pipe nobody reads",
};

/* A new pipe's two ends: files[0] reads, files[1] writes, both with
 * flags' O_NONBLOCK; 0 or -ENOMEM. */
static int pipe_create(struct file *files[2], int flags)
{
    struct pipe *p = kmalloc(sizeof(*p), GFP_KERNEL | __GFP_ZERO);
    if (!p || !(p->buf = get_zeroed_page(GFP_KERNEL))) {
        kfree(p);
        return -ENOMEM;
    }
    mutex_init(&p->lock, "pipe->lock");
    wait_queue_init(&p->wait, "pipe");
    p->readers = p->writers = 1;
    files[0] = file_alloc(&pipe_ops, O_RDONLY | flags, p);
    files[1] = files[0] ? file_alloc(&pipe_ops, O_WRONLY | flags, p) : NULL;
    if (files[1])
        return 0;
    if (files[0]) {
        p->writers = 0;                 /* so its release frees the pipe */
        file_put(files[0]);
    } else {
        free_page_address(p->buf);
        kfree(p);
    }
    return -ENOMEM;
}

/* pipe2(fds, flags): fds[0] the read end, fds[1] the write end; flags
 * O_CLOEXEC and O_NONBLOCK. */
int32_t sys_pipe2(const struct syscall_args *a)
{
    uint32_t flags = a->arg[1];
    if (flags & ~(uint32_t)(O_CLOEXEC | O_NONBLOCK))
        return -EINVAL;
    struct file *files[2];
    int err = pipe_create(files, (int)(flags & O_NONBLOCK));
    if (err)
        return err;
    bool cloexec = flags & O_CLOEXEC;
    int fds[2] = { fd_install(files[0], cloexec), -1 };
    if (fds[0] >= 0)
        fds[1] = fd_install(files[1], cloexec);
    if (fds[1] >= 0 && copy_to_user((void *)a->arg[0], fds, sizeof(fds)) == 0)
        return 0;
    err = fds[1] >= 0 ? -EFAULT : fds[0] >= 0 ? fds[1] : fds[0];
    for (int i = 0; i < 2; i++) {
        if (fds[i] >= 0)
            fd_close(fds[i]);           /* drops the table's reference */
        else
            file_put(files[i]);
    }
    return err;
}

/* pipe(fds): pipe2 with no flags. */
int32_t sys_pipe(const struct syscall_args *a)
{
    struct syscall_args a2 = { { a->arg[0], 0 } };
    return sys_pipe2(&a2);
}
