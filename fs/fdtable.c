/*
 * fdtable.c - a process's file descriptors and current directory (see
 * include/fdtable.h), and close, dup and dup2.
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
    for (int fd = 0; fd < PROCESS_FILES_MAX; fd++) {
        if (p->files[fd]) {
            file_put(p->files[fd]);
            p->files[fd] = NULL;
        }
    }
    kfree(p->cwd);
    p->cwd = NULL;
}

/* The lowest closed descriptor, or -EMFILE (said). */
static int free_fd(struct process *p)
{
    for (int fd = 0; fd < PROCESS_FILES_MAX; fd++)
        if (!p->files[fd])
            return fd;
    pr_warn("process: %s (pid %u) has all PROCESS_FILES_MAX (%d) descriptors open: "
            "-EMFILE\n", current->name, current->id, PROCESS_FILES_MAX);
    return -EMFILE;
}

int fd_install(struct file *f)
{
    struct process *p = current->proc;
    if (!p)
        return -EMFILE;                 /* a task with no process (a test's blob): no table */
    int fd = free_fd(p);
    if (fd >= 0)
        p->files[fd] = f;
    return fd;
}

struct file *fd_get(int fd)
{
    struct process *p = current->proc;
    if (!p || fd < 0 || fd >= PROCESS_FILES_MAX || !p->files[fd])
        return NULL;
    file_get(p->files[fd]);
    return p->files[fd];
}

int fd_close(int fd)
{
    struct process *p = current->proc;
    if (!p || fd < 0 || fd >= PROCESS_FILES_MAX || !p->files[fd])
        return -EBADF;
    struct file *f = p->files[fd];
    p->files[fd] = NULL;
    file_put(f);
    return 0;
}

int32_t sys_close(const struct syscall_args *a)
{
    return fd_close((int)a->arg[0]);
}

int32_t sys_dup(const struct syscall_args *a)
{
    struct file *f = fd_get((int)a->arg[0]);
    if (!f)
        return -EBADF;
    int fd = fd_install(f);
    if (fd < 0)
        file_put(f);
    return fd;
}

int32_t sys_dup2(const struct syscall_args *a)
{
    struct process *p = current->proc;
    int newfd = (int)a->arg[1];
    struct file *f = fd_get((int)a->arg[0]);
    if (!f)
        return -EBADF;
    if (newfd < 0 || newfd >= PROCESS_FILES_MAX) {
        file_put(f);
        return -EBADF;
    }
    struct file *old = p->files[newfd];
    p->files[newfd] = f;                /* dup2(fd, fd): f replaces itself */
    if (old)
        file_put(old);
    return newfd;
}
