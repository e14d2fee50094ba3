/*
 * fdtable.c - a process's file descriptors and current directory (see
 * include/fdtable.h), and close, dup, dup2 and fcntl.
 */
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"
#include "process.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"

static void close_fd(struct process *p, int fd);

static char *copy_string(const char *s)
{
    size_t n = strlen(s) + 1;
    char *c = kmalloc(n, GFP_KERNEL);
    if (c)
        memcpy(c, s, n);
    return c;
}

int files_init(struct process *p)
{
    struct file *console = console_file_open();
    if (!console)
        return -ENOMEM;
    if (files_set_cwd(p, "/")) {
        file_put(console);
        return -ENOMEM;
    }
    for (int fd = 0; fd < 3; fd++) {
        if (fd)
            file_get(console);
        p->files[fd] = console;
    }
    return 0;
}

int files_dup(struct process *dst, const struct process *src)
{
    int err = files_set_cwd(dst, src->cwd);
    if (err)
        return err;
    for (int fd = 0; fd < PROCESS_FILES_MAX; fd++) {
        if ((dst->files[fd] = src->files[fd]) != NULL)
            file_get(dst->files[fd]);
    }
    dst->cloexec = src->cloexec;
    return 0;
}

int files_set_cwd(struct process *p, const char *path)
{
    char *cwd = copy_string(path);
    if (!cwd)
        return -ENOMEM;
    kfree(p->cwd);
    p->cwd = cwd;
    return 0;
}

void files_close_all(struct process *p)
{
    for (int fd = 0; fd < PROCESS_FILES_MAX; fd++)
        if (p->files[fd])
            close_fd(p, fd);
    kfree(p->cwd);
    p->cwd = NULL;
}

/* The lowest closed descriptor from from on, or -EMFILE (said). */
static int free_fd(struct process *p, int from)
{
    for (int fd = from; fd < PROCESS_FILES_MAX; fd++)
        if (!p->files[fd])
            return fd;
    pr_warn("process: %s (pid %u) has all PROCESS_FILES_MAX (%d) descriptors open: "
            "-EMFILE\n", current->name, current->id, PROCESS_FILES_MAX);
    return -EMFILE;
}

/* Put f at fd (closed), marked close-on-exec or not. */
static void set_fd(struct process *p, int fd, struct file *f, bool cloexec)
{
    p->files[fd] = f;
    if (cloexec)
        p->cloexec |= 1u << fd;
    else
        p->cloexec &= ~(1u << fd);
}

/* f (referenced, the reference the table takes) at the lowest closed
 * descriptor from from on. */
static int install_from(struct file *f, int from, bool cloexec)
{
    struct process *p = current->proc;
    if (!p)
        return -EMFILE;                 /* a task with no process (a test's blob): no table */
    int fd = free_fd(p, from);
    if (fd >= 0)
        set_fd(p, fd, f, cloexec);
    return fd;
}

int fd_install(struct file *f, bool cloexec)
{
    return install_from(f, 0, cloexec);
}

struct file *fd_get(int fd)
{
    struct process *p = current->proc;
    if (!p || fd < 0 || fd >= PROCESS_FILES_MAX || !p->files[fd])
        return NULL;
    file_get(p->files[fd]);
    return p->files[fd];
}

/* Close fd of p, which is open. */
static void close_fd(struct process *p, int fd)
{
    struct file *f = p->files[fd];
    set_fd(p, fd, NULL, false);
    file_put(f);
}

int fd_close(int fd)
{
    struct process *p = current->proc;
    if (!p || fd < 0 || fd >= PROCESS_FILES_MAX || !p->files[fd])
        return -EBADF;
    close_fd(p, fd);
    return 0;
}

void files_close_on_exec(struct process *p)
{
    for (int fd = 0; fd < PROCESS_FILES_MAX; fd++)
        if (p->files[fd] && (p->cloexec & (1u << fd)))
            close_fd(p, fd);
}

int32_t sys_close(const struct syscall_args *a)
{
    return fd_close((int)a->arg[0]);
}

/* A copy of oldfd at the lowest closed descriptor from from on. */
static int32_t dup_from(int oldfd, int from, bool cloexec)
{
    struct file *f = fd_get(oldfd);
    if (!f)
        return -EBADF;
    int fd = install_from(f, from, cloexec);
    if (fd < 0)
        file_put(f);
    return fd;
}

int32_t sys_dup(const struct syscall_args *a)
{
    return dup_from((int)a->arg[0], 0, false);
}

int32_t sys_dup2(const struct syscall_args *a)
{
    struct process *p = current->proc;
    int oldfd = (int)a->arg[0], newfd = (int)a->arg[1];
    struct file *f = fd_get(oldfd);
    if (!f)
        return -EBADF;
    if (newfd < 0 || newfd >= PROCESS_FILES_MAX || newfd == oldfd) {
        file_put(f);
        return newfd == oldfd ? newfd : -EBADF;     /* dup2(fd, fd) changes nothing */
    }
    if (p->files[newfd])
        close_fd(p, newfd);
    set_fd(p, newfd, f, false);
    return newfd;
}

/* fcntl(fd, cmd, arg) */
int32_t sys_fcntl(const struct syscall_args *a)
{
    struct process *p = current->proc;
    int fd = (int)a->arg[0];
    uint32_t cmd = a->arg[1], arg = a->arg[2];
    struct file *f = fd_get(fd);
    if (!f)
        return -EBADF;
    int32_t ret = 0;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        ret = arg >= PROCESS_FILES_MAX ? -EINVAL : dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
        break;
    case F_GETFD:
        ret = p->cloexec & (1u << fd) ? FD_CLOEXEC : 0;
        break;
    case F_SETFD:
        set_fd(p, fd, f, arg & FD_CLOEXEC);
        break;
    case F_GETFL:
        ret = f->flags;
        break;
    case F_SETFL:                       /* O_APPEND and O_NONBLOCK: the flags that may change */
        mutex_lock(&f->pos_lock);
        f->flags = (f->flags & ~(O_APPEND | O_NONBLOCK)) | (int)(arg & (O_APPEND | O_NONBLOCK));
        mutex_unlock(&f->pos_lock);
        break;
    default:
        ret = -EINVAL;
    }
    file_put(f);
    return ret;
}
