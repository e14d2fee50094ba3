/*
 * sys_socket.c - TCP sockets for programs, on the kernel's socket API
 * (include/socket.h): socket (359), bind (361), connect (362), listen
 * (363), accept4 (364), getsockopt (365), setsockopt (366), sendto (369),
 * recvfrom (371) and shutdown (373), Linux i386's direct numbers; read,
 * write and close work on a socket's descriptor as on any file.
 *
 * AF_INET and SOCK_STREAM only: another family says -EAFNOSUPPORT,
 * another type or protocol -EPROTONOSUPPORT.  A socket is made
 * unconnected; bind records a port (the address is not checked: a
 * listener listens on every local address, and a taken port is found by
 * listen, which then says -EADDRINUSE); listen needs a port; connect
 * picks its own local port.
 *
 * Waiting.  A receive, an accept, a send and a connect wait in slices of
 * SOCK_SLICE_MS, so that a task asked to stop (task_should_stop(): how
 * kill wakes a process) leaves with -EINTR, or with the count of bytes
 * already sent; a connect left so is abandoned (nothing stays in
 * netstat).  SO_RCVTIMEO bounds a receive's or an accept's wait and
 * SO_SNDTIMEO a send's wait for room (counted from the last progress),
 * which then end with -EAGAIN (or the count), as Linux's; connect waits
 * for SO_SNDTIMEO or SOCK_CONNECT_MS, then says -ETIMEDOUT.
 *
 * Non-blocking (O_NONBLOCK: socket()'s and accept4()'s SOCK_NONBLOCK, or
 * fcntl(F_SETFL); or MSG_DONTWAIT, for one send or receive): nothing
 * waits.  A receive or an accept with nothing
 * there and a send with no room say -EAGAIN (a send takes what fits and
 * returns its count); connect sends the SYN and says -EINPROGRESS, and
 * the outcome comes later: poll's POLLOUT, getsockopt(SO_ERROR) (0, or
 * the errno it failed with), or connect again (-EALREADY while it is
 * opening, then 0 once, then -EISCONN; or its error).  A send on a
 * connection still opening waits for it (-EAGAIN when non-blocking).  A
 * socket whose connection failed stays failed until closed: POSIX leaves
 * its state unspecified and asks for a new socket.
 *
 * shutdown as Linux's: SHUT_WR sends the FIN after the queued data
 * (sock_shutdown_write(): the peer reads the end, this end still
 * receives); SHUT_RD makes reads return what is queued, then 0, without
 * waiting; SHUT_RDWR both.  On a listener SHUT_RD (and SHUT_RDWR) stops
 * it: accepts fail with -ECONNABORTED.  close sends the FIN.  A write
 * that fails with -EPIPE (after SHUT_WR, or once the connection is over)
 * ends the program as SIGPIPE does, as for a pipe (fs/read_write.c) --
 * but for send() with MSG_NOSIGNAL, which a server uses to outlive its
 * clients.  A reset connection says -ECONNRESET instead, no signal.
 *
 * poll (fs/poll.c) asks usock_poll(), which is sock_poll()'s answer, and
 * POLLIN after SHUT_RD.
 *
 * Options: SO_RCVTIMEO and SO_SNDTIMEO (set and get), SO_TYPE and
 * SO_ERROR (get; reading it clears it, as in Linux: the error is said
 * once, then 0 -- the calls on the socket still fail with it),
 * SO_REUSEADDR and TCP_NODELAY (accepted; nothing to do:
 * listen does not refuse a port in TIME_WAIT, and the TCP here sends at
 * once, without Nagle's delay).  Others: -ENOPROTOOPT.
 *
 * Locking: usock->lock around the state changes (bind, listen, connect);
 * sending and receiving use the connection as socket.h allows (one sender
 * and one receiver at a time).  The socket a usock holds goes only when
 * the file does, so a call without the lock never sees it freed.
 */
#include "byteorder.h"
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "mutex.h"
#include "poll.h"
#include "process.h"
#include "sched.h"
#include "slab.h"
#include "socket.h"
#include "socket_abi.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"

#define SOCK_SLICE_MS       200         /* an interruptible wait's slice */
#define SOCK_CONNECT_MS     20000       /* connect's limit when SO_SNDTIMEO is not set */

struct usock {
    struct mutex lock;              /* changes of s, listening, connecting, port */
    struct file *file;              /* the open file it is: its O_NONBLOCK */
    struct socket *s;               /* listening, connecting or connected; NULL before */
    bool listening;
    bool connecting;                /* a non-blocking connect no connect() has
                                     * said the outcome of yet */
    bool rd_shut;                   /* shutdown(SHUT_RD): reads no longer wait */
    uint16_t port;                  /* bind's, host order; 0: none */
    uint32_t rcvtimeo_ms;           /* SO_RCVTIMEO; 0: none */
    uint32_t sndtimeo_ms;           /* SO_SNDTIMEO; 0: none */
    bool error_said;                /* getsockopt(SO_ERROR) gave the error */
};

/* A slice-long step of a wait: sock_recv's, sock_send_some's or
 * sock_accept's. */
typedef int (*sock_step)(struct socket *s, void *arg, uint32_t slice_ms);

/* Repeat step while it says a slice ran out and the connection lives,
 * for at most timeout_ms (0: no limit; -EAGAIN then; SOCK_NOWAIT: once,
 * without waiting), or until the task is asked to stop (-EINTR). */
static int sliced_wait(struct socket *s, uint32_t timeout_ms, sock_step step, void *arg)
{
    if (timeout_ms == SOCK_NOWAIT) {
        int r = step(s, arg, SOCK_NOWAIT);
        return r == -ETIMEDOUT && !sock_error(s) ? -EAGAIN : r;
    }
    uint64_t start = timer_uptime_ms();
    for (;;) {
        uint32_t slice = SOCK_SLICE_MS;
        if (timeout_ms) {
            uint64_t spent = timer_uptime_ms() - start;
            if (spent >= timeout_ms)
                return -EAGAIN;
            if (timeout_ms - spent < slice)
                slice = (uint32_t)(timeout_ms - spent);
        }
        int r = step(s, arg, slice);
        if (r != -ETIMEDOUT || sock_error(s))
            return r;
        if (task_should_stop())
            return -EINTR;
    }
}

/* How long a call on u may wait: not at all under O_NONBLOCK or in a
 * send or receive given MSG_DONTWAIT, else option_ms (an option's time
 * limit; 0: none).  f_flags is read plainly: fcntl may change it
 * meanwhile, as in Linux. */
static uint32_t wait_ms(const struct usock *u, uint32_t option_ms)
{
    bool dontwait = current->proc && current->proc->msg_dontwait;
    return (u->file->flags & O_NONBLOCK) || dontwait ? SOCK_NOWAIT : option_ms;
}

struct io_arg {
    struct usock *u;
    void *buf;
    uint32_t len;
};

/* After SHUT_RD a receive takes what is queued and never waits: a wait
 * that began before it ends at its next slice, with the end (0). */
static int recv_step(struct socket *s, void *arg, uint32_t slice_ms)
{
    struct io_arg *r = arg;
    bool shut = r->u->rd_shut;
    int n = sock_recv(s, r->buf, r->len, shut ? SOCK_NOWAIT : slice_ms);
    return n == -ETIMEDOUT && shut && !sock_error(s) ? 0 : n;
}

static int send_step(struct socket *s, void *arg, uint32_t slice_ms)
{
    struct io_arg *w = arg;
    return sock_send_some(s, w->buf, w->len, slice_ms);
}

static int accept_step(struct socket *s, void *arg, uint32_t slice_ms)
{
    return sock_accept(s, slice_ms, arg);
}

static int connect_step(struct socket *s, void *arg, uint32_t slice_ms)
{
    (void)arg;
    return sock_connect_wait(s, slice_ms);
}

static int usock_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    (void)pos;
    struct usock *u = f->private_data;
    if (!u->s || u->listening)
        return -ENOTCONN;
    if (!len)
        return 0;
    struct io_arg r = { u, buf, len };
    return sliced_wait(u->s, wait_ms(u, u->rcvtimeo_ms), recv_step, &r);
}

static int usock_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    (void)pos;
    struct usock *u = f->private_data;
    if (!u->s || u->listening)
        return -ENOTCONN;
    uint32_t timeout = wait_ms(u, u->sndtimeo_ms);
    /* A connection still opening (a non-blocking connect's) is waited
     * for, as Linux does, rather than found not ready to send (-EPIPE). */
    int err = sliced_wait(u->s, timeout, connect_step, NULL);
    if (err)
        return err;
    uint32_t done = 0;
    while (done < len) {
        struct io_arg w = { u, (uint8_t *)buf + done, len - done };
        int r = sliced_wait(u->s, timeout, send_step, &w);
        if (r < 0)
            return done ? (int)done : r;
        done += (uint32_t)r;
    }
    return (int)done;
}

/* An unconnected socket is POLLOUT | POLLHUP, as Linux's; after SHUT_RD
 * a read never waits. */
static uint32_t usock_poll(struct file *f, struct poll_table *pt)
{
    struct usock *u = f->private_data;
    struct socket *s = u->s;
    if (!s)
        return POLLOUT | POLLHUP;
    return sock_poll(s, pt) | (u->rd_shut ? POLLIN | POLLRDHUP : 0);
}

static void usock_stat(struct file *f, struct kstat *st)
{
    (void)f;
    *st = (struct kstat){ .mode = S_IFSOCK | 0777, .nlink = 1 };
}

static void usock_release(struct file *f)
{
    struct usock *u = f->private_data;
    if (u->s)
        sock_close(u->s);
    kfree(u);
}

static const struct file_operations usock_ops = {
    .read = usock_read,
    .write = usock_write,
    .stat = usock_stat,
    .release = usock_release,
    .poll = usock_poll,
    .epipe_ends = "a socket shut for writing",
};

/* A socket file holding s (NULL: not connected yet) at a new descriptor;
 * flags: SOCK_NONBLOCK, SOCK_CLOEXEC (closed at execve). */
static int usock_install(struct socket *s, uint32_t flags)
{
    struct usock *u = kmalloc(sizeof(*u), GFP_KERNEL | __GFP_ZERO);
    int fflags = O_RDWR | (flags & SOCK_NONBLOCK ? O_NONBLOCK : 0);
    struct file *f = u ? file_alloc(&usock_ops, fflags, u) : NULL;
    if (!f) {
        kfree(u);
        return -ENOMEM;
    }
    mutex_init(&u->lock, "usock->lock");
    u->file = f;
    u->s = s;
    int fd = fd_install(f, flags & SOCK_CLOEXEC);
    if (fd < 0) {
        u->s = NULL;                    /* the caller still owns s */
        file_put(f);
    }
    return fd;
}

/* The socket file at fd, referenced, with its usock; NULL and *err. */
static struct file *usock_get(int fd, struct usock **u, int *err)
{
    struct file *f = fd_get(fd);
    *err = !f ? -EBADF : f->ops != &usock_ops ? -ENOTSOCK : 0;
    if (*err && f)
        file_put(f);
    *u = *err ? NULL : f->private_data;
    return *err ? NULL : f;
}

/* An AF_INET address from the user: addr and port in host order. */
static int get_sockaddr(uint32_t uaddr, uint32_t len, uint32_t *addr, uint16_t *port)
{
    struct sockaddr_in sin;
    if (len < sizeof(sin))
        return -EINVAL;
    if (copy_from_user(&sin, (const void *)uaddr, sizeof(sin)))
        return -EFAULT;
    if (sin.sin_family != AF_INET)
        return -EAFNOSUPPORT;
    *addr = get_be32((const uint8_t *)&sin.sin_addr);
    *port = get_be16((const uint8_t *)&sin.sin_port);
    return 0;
}

/* Store s's peer at uaddr (when not 0), as much as *ulen says fits, and
 * the full length in *ulen, as Linux does. */
static int put_peer(struct socket *s, uint32_t uaddr, uint32_t ulen)
{
    if (!uaddr)
        return 0;
    int32_t len;
    if (copy_from_user(&len, (const void *)ulen, sizeof(len)))
        return -EFAULT;
    if (len < 0)
        return -EINVAL;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    uint32_t addr;
    uint16_t port;
    sock_peer(s, &addr, &port);
    put_be32((uint8_t *)&sin.sin_addr, addr);
    put_be16((uint8_t *)&sin.sin_port, port);
    uint32_t n = (uint32_t)len < sizeof(sin) ? (uint32_t)len : sizeof(sin);
    int32_t full = sizeof(sin);
    if (copy_to_user((void *)uaddr, &sin, n) ||
        copy_to_user((void *)ulen, &full, sizeof(full)))
        return -EFAULT;
    return 0;
}

/* socket(family, type, protocol) */
int32_t sys_socket(const struct syscall_args *a)
{
    uint32_t type = a->arg[1];
    if (a->arg[0] != AF_INET)
        return -EAFNOSUPPORT;
    if ((type & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) != SOCK_STREAM ||
        (a->arg[2] && a->arg[2] != IPPROTO_TCP))
        return -EPROTONOSUPPORT;
    return usock_install(NULL, type);
}

/* bind(fd, addr, addrlen) */
static int32_t do_bind(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    uint32_t addr;
    uint16_t port;
    err = get_sockaddr(a->arg[1], a->arg[2], &addr, &port);
    mutex_lock(&u->lock);
    if (!err && (u->s || u->port))
        err = -EINVAL;                  /* bound, listening or connected already */
    if (!err)
        u->port = port;
    mutex_unlock(&u->lock);
    return err;
}

/* listen(fd, backlog) */
static int32_t do_listen(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    mutex_lock(&u->lock);
    if (u->s)
        err = u->listening ? 0 : -EINVAL;
    else if (!u->port)
        err = -EDESTADDRREQ;            /* no port to listen on: bind first */
    else if ((err = sock_listen(u->port, (int)a->arg[1], &u->s)) == 0)
        u->listening = true;
    mutex_unlock(&u->lock);
    return err;
}

/* connect's wait: SO_SNDTIMEO, or SOCK_CONNECT_MS when it is not set. */
static uint32_t connect_ms(const struct usock *u)
{
    return wait_ms(u, u->sndtimeo_ms ? u->sndtimeo_ms : SOCK_CONNECT_MS);
}

/* connect on a socket that has a connection already: how it is going. */
static int connect_again(struct usock *u)
{
    int err = sliced_wait(u->s, connect_ms(u), connect_step, NULL);
    if (err == -EAGAIN)
        return u->file->flags & O_NONBLOCK ? -EALREADY : -ETIMEDOUT;
    if (err)
        return err;                     /* -EINTR, or how it failed */
    if (!u->connecting)
        return -EISCONN;
    u->connecting = false;              /* the outcome is said once */
    return 0;
}

/* connect(fd, addr, addrlen).  A blocking connect keeps its socket to
 * itself until it is open: a failed one leaves the usock unconnected. */
static int32_t do_connect(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    uint32_t addr;
    uint16_t port;
    struct socket *s;
    err = get_sockaddr(a->arg[1], a->arg[2], &addr, &port);
    mutex_lock(&u->lock);
    if (!err && u->listening)
        err = -EINVAL;
    else if (!err && u->s)
        err = connect_again(u);
    else if (!err && (err = sock_connect_start(addr, port, &s)) == 0) {
        if (u->file->flags & O_NONBLOCK) {
            u->s = s;
            u->connecting = true;
            err = -EINPROGRESS;
        } else {
            err = sliced_wait(s, connect_ms(u), connect_step, NULL);
            if (err)
                sock_close(s);          /* failed, timed out or killed: abandoned */
            else
                u->s = s;
        }
    }
    mutex_unlock(&u->lock);
    return err == -EAGAIN ? -ETIMEDOUT : err;
}

/* accept4(fd, addr, addrlen, flags) */
static int32_t do_accept4(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    struct socket *c = NULL;
    if (a->arg[3] & ~(uint32_t)(SOCK_CLOEXEC | SOCK_NONBLOCK))
        err = -EINVAL;
    else if (!u->listening)
        err = -EINVAL;
    else
        err = sliced_wait(u->s, wait_ms(u, u->rcvtimeo_ms), accept_step, &c);
    if (err)
        return err;
    if ((err = put_peer(c, a->arg[1], a->arg[2])) != 0) {
        sock_close(c);                  /* the connection is lost, as in Linux */
        return err;
    }
    int fd = usock_install(c, a->arg[3]);
    if (fd < 0)
        sock_close(c);
    return fd;
}

/* A timeout option's value in ms (0: none), from a struct timeval. */
static int get_timeout(uint32_t uval, uint32_t len, uint32_t *ms)
{
    struct timeval tv;
    if (len < sizeof(tv))
        return -EINVAL;
    if (copy_from_user(&tv, (const void *)uval, sizeof(tv)))
        return -EFAULT;
    if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000)
        return -EDOM;
    uint64_t t = (uint64_t)tv.tv_sec * 1000 + (uint64_t)(tv.tv_usec + 999) / 1000;
    *ms = t > UINT32_MAX ? UINT32_MAX : (uint32_t)t;
    return 0;
}

/* setsockopt(fd, level, name, value, len) */
static int32_t do_setsockopt(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    uint32_t level = a->arg[1], name = a->arg[2];
    if (level == SOL_SOCKET && name == SO_RCVTIMEO)
        err = get_timeout(a->arg[3], a->arg[4], &u->rcvtimeo_ms);
    else if (level == SOL_SOCKET && name == SO_SNDTIMEO)
        err = get_timeout(a->arg[3], a->arg[4], &u->sndtimeo_ms);
    else if (!(level == SOL_SOCKET && name == SO_REUSEADDR) &&
             !(level == IPPROTO_TCP && name == TCP_NODELAY))
        err = -ENOPROTOOPT;
    return err;
}

/* getsockopt(fd, level, name, value, len *) */
static int32_t do_getsockopt(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    union {
        struct timeval tv;
        int32_t i;
    } v = { 0 };
    uint32_t n = sizeof(v.i), ms = 0;
    switch (a->arg[1] == SOL_SOCKET ? a->arg[2] : ~0u) {
    case SO_RCVTIMEO:
    case SO_SNDTIMEO:
        ms = a->arg[2] == SO_RCVTIMEO ? u->rcvtimeo_ms : u->sndtimeo_ms;
        v.tv = (struct timeval){ (long)(ms / 1000), (long)(ms % 1000) * 1000 };
        n = sizeof(v.tv);
        break;
    case SO_TYPE:
        v.i = SOCK_STREAM;
        break;
    case SO_ERROR:
        v.i = u->s && !u->error_said ? -sock_error(u->s) : 0;
        break;
    default:
        err = -ENOPROTOOPT;
    }
    int32_t len;
    if (!err && copy_from_user(&len, (const void *)a->arg[4], sizeof(len)))
        err = -EFAULT;
    if (!err && len < 0)
        err = -EINVAL;
    if (!err && (uint32_t)len < n)
        n = (uint32_t)len;
    if (!err && (copy_to_user((void *)a->arg[3], &v, n) ||
                 copy_to_user((void *)a->arg[4], &n, sizeof(n))))
        err = -EFAULT;
    if (!err && a->arg[1] == SOL_SOCKET && a->arg[2] == SO_ERROR && v.i)
        u->error_said = true;           /* said: cleared, as Linux's reading does */
    return err;
}

/* The send or receive of the calling process does not wait (dontwait:
 * MSG_DONTWAIT), or waits as its file says again. */
static void set_dontwait(bool dontwait)
{
    if (current->proc)
        current->proc->msg_dontwait = dontwait;
}

/* sendto(fd, buf, len, flags, dest, destlen): on a connection, no dest;
 * MSG_NOSIGNAL: -EPIPE does not end the program; MSG_DONTWAIT: as
 * O_NONBLOCK, for this call. */
static int32_t do_sendto(struct usock *u, const struct syscall_args *a)
{
    (void)u;
    uint32_t flags = a->arg[3];
    if (flags & ~(uint32_t)(MSG_NOSIGNAL | MSG_DONTWAIT))
        return -EOPNOTSUPP;
    if (a->arg[4])
        return -EISCONN;
    set_dontwait(flags & MSG_DONTWAIT);
    int32_t r = ksys_write((int)a->arg[0], (const void *)a->arg[1], a->arg[2],
                           !(flags & MSG_NOSIGNAL));
    set_dontwait(false);
    return r;
}

/* recvfrom(fd, buf, len, flags, src, srclen): MSG_WAITALL waits for all
 * len bytes (or the end, or an error after none came); MSG_DONTWAIT: as
 * O_NONBLOCK, for this call -- with MSG_WAITALL, what is there. */
static int32_t do_recvfrom(struct usock *u, const struct syscall_args *a)
{
    int err = 0;
    uint32_t flags = a->arg[3], len = a->arg[2];
    int32_t got = 0;
    if (flags & ~(uint32_t)(MSG_WAITALL | MSG_DONTWAIT))
        got = -EOPNOTSUPP;
    set_dontwait(flags & MSG_DONTWAIT);
    while (got >= 0 && (uint32_t)got < len) {
        int32_t r = ksys_read((int)a->arg[0], (uint8_t *)a->arg[1] + got, len - (uint32_t)got);
        if (r <= 0) {
            got = got ? got : r;
            break;
        }
        got += r;
        if (!(flags & MSG_WAITALL))
            break;
    }
    set_dontwait(false);
    if (got >= 0 && u->s && (err = put_peer(u->s, a->arg[4], a->arg[5])) != 0)
        got = err;
    return got;
}

/* shutdown(fd, how) */
static int32_t do_shutdown(struct usock *u, const struct syscall_args *a)
{
    uint32_t how = a->arg[1];
    if (how > SHUT_RDWR)
        return -EINVAL;
    /* No usock->lock: a blocking connect holds it for as long as it
     * waits, and shows its socket only once it is open. */
    int err = u->s ? 0 : -ENOTCONN;
    if (!err && u->listening) {
        if (how != SHUT_WR)
            sock_shutdown(u->s);        /* no more connections: accepts fail */
    } else if (!err) {
        if (how != SHUT_WR)
            u->rd_shut = true;
        if (how != SHUT_RD)
            sock_shutdown_write(u->s);
    }
    return err;
}

/* The calls on a socket's descriptor: -EBADF or -ENOTSOCK, or call's
 * answer with the file held meanwhile. */
static int32_t on_usock(const struct syscall_args *a,
                        int32_t (*call)(struct usock *u, const struct syscall_args *a))
{
    struct usock *u;
    int err;
    struct file *f = usock_get((int)a->arg[0], &u, &err);
    if (!f)
        return err;
    int32_t ret = call(u, a);
    file_put(f);
    return ret;
}

int32_t sys_bind(const struct syscall_args *a) { return on_usock(a, do_bind); }
int32_t sys_listen(const struct syscall_args *a) { return on_usock(a, do_listen); }
int32_t sys_connect(const struct syscall_args *a) { return on_usock(a, do_connect); }
int32_t sys_accept4(const struct syscall_args *a) { return on_usock(a, do_accept4); }
int32_t sys_setsockopt(const struct syscall_args *a) { return on_usock(a, do_setsockopt); }
int32_t sys_getsockopt(const struct syscall_args *a) { return on_usock(a, do_getsockopt); }
int32_t sys_sendto(const struct syscall_args *a) { return on_usock(a, do_sendto); }
int32_t sys_recvfrom(const struct syscall_args *a) { return on_usock(a, do_recvfrom); }
int32_t sys_shutdown(const struct syscall_args *a) { return on_usock(a, do_shutdown); }
