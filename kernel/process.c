/*
 * process.c - user processes: spawning, exit, wait, and the system calls
 * about the process itself and its files (see include/process.h).
 */
#include "process.h"
#include "blkdev.h"
#include "console.h"
#include "fdtable.h"
#include "kerrno.h"
#include "kstring.h"
#include "monitor.h"
#include "mutex.h"
#include "printk.h"
#include "prctl.h"
#include "gfp.h"
#include "ratelimit.h"
#include "sched.h"
#include "ksignal.h"
#include "slab.h"
#include "syscall.h"
#include "uaccess.h"
#include "vsprintf.h"
#include "x86.h"
#include "vm.h"

static struct mutex process_lock;
static struct list_head all_processes = LIST_HEAD_INIT(all_processes);
static int nr_processes;            /* alive or unreaped; process_lock */
static struct process *init_process;    /* pid 1: adopts orphans while it lives;
                                         * process_lock */

void process_init(void)
{
    mutex_init(&process_lock, "process_lock");
}

static uint32_t pid_of(const struct process *p)
{
    return p->task->id;
}

/* The task's entry: become the process, load the program, enter it. */
static void process_start(void *arg)
{
    struct process *p = arg;
    current->proc = p;
    task_set_vm(p->vm);
    uint32_t entry, sp;
    int err = exec_load(p, &entry, &sp);
    exec_args_free(p);
    if (err) {
        pr_err("exec: %s (%u): error %d; ending it with status 127\n", current->name,
               current->id, err);
        process_exit(W_EXITCODE(127, 0));
    }
    user_enter(entry, sp);
}

/* path and argv, each NUL-ended, one after the other: what exec reads. */
static int pack_args(struct process *p, const char *path, const char *const argv[])
{
    int err = exec_args_init(p);
    if (!err)
        err = exec_args_add(p, path);
    for (int i = 0; !err && argv[i]; i++)
        err = exec_args_add(p, argv[i]);
    return err;
}

/* A new process's bookkeeping: p (its parent, files and space set) gets a
 * task running entry(p), named name, and goes on every list -- or, with
 * PROCESS_MAX processes alive or unreaped, -EAGAIN and a log line saying
 * what was refused (what).  Under process_lock until p is on every list
 * with its task: a parent's wait4 and the child's own exit find it whole.
 * as_init: p is init, pid 1, the heir of orphans from before it can run. */
static int process_register(struct process *p, const char *name, void (*entry)(void *),
                            const char *what, bool as_init)
{
    /* A fork bomb meets the limit in every one of its processes. */
    static struct ratelimit rl = RATELIMIT_INIT("process");
    mutex_lock(&process_lock);
    if (nr_processes == PROCESS_MAX) {
        mutex_unlock(&process_lock);
        if (ratelimit_ok(&rl))
            pr_err("process: %s: PROCESS_MAX (%d) processes exist\n", what, PROCESS_MAX);
        return -EAGAIN;
    }
    p->task = as_init ? task_create_init(name, entry, p)
                      : task_create(name, entry, p, PRIO_NORMAL);
    if (!p->task) {
        mutex_unlock(&process_lock);
        return -ENOMEM;
    }
    p->task->proc = p;                  /* ps's and kps's views, before it first runs */
    if (as_init)
        init_process = p;
    nr_processes++;
    list_add_tail(&p->link, &all_processes);
    if (p->parent)
        list_add_tail(&p->sibling, &p->parent->children);
    mutex_unlock(&process_lock);
    return 0;
}

/* A process with nothing yet but its parent. */
static struct process *process_alloc(struct process *parent)
{
    struct process *p = kmalloc(sizeof(*p), GFP_KERNEL | __GFP_ZERO);
    if (!p)
        return NULL;
    list_init(&p->children);
    wait_queue_init(&p->child_exit, "wait4");
    p->parent = parent;
    return p;
}

/* Undo what a process that never ran holds (a failed spawn or fork). */
static void process_free_unstarted(struct process *p)
{
    if (p->vm)
        vm_space_destroy(p->vm);
    files_close_all(p);
    exec_args_free(p);
    kfree(p->fork_frame);
    kfree(p);
}

/* process_spawn(); as_init: the new process is init (pid 1). */
static struct process *spawn(const char *path, const char *const argv[],
                             struct process *parent, bool as_init, int *err)
{
    struct process *p = process_alloc(parent);
    if (!p) {
        *err = -ENOMEM;
        return NULL;
    }
    if ((*err = files_init(p)) != 0 || (*err = pack_args(p, path, argv)) != 0 ||
        !(p->vm = vm_space_create())) {
        *err = *err ? *err : -ENOMEM;
        process_free_unstarted(p);
        return NULL;
    }
    char what[TASK_NAME_LEN + 32];
    ksnprintf(what, sizeof(what), "%s not started", path);
    if ((*err = process_register(p, exec_name(path), process_start, what, as_init)) == 0)
        return p;
    process_free_unstarted(p);
    return NULL;
}

struct process *process_spawn(const char *path, const char *const argv[],
                              struct process *parent, int *err)
{
    return spawn(path, argv, parent, false, err);
}

/* The forked child's entry: the parent's registers, but 0 in EAX. */
static void fork_child_start(void *arg)
{
    struct process *p = arg;
    current->proc = p;
    task_set_vm(p->vm);
    struct int_frame f = *p->fork_frame;
    kfree(p->fork_frame);
    p->fork_frame = NULL;
    f.eax = 0;                          /* fork returns 0 in the child */
    user_return(&f);
}

/* fork (2): a child that is a copy of the caller -- its memory shared
 * copy-on-write (vm_space_fork), its heap end, open files and current
 * directory shared or copied (files_dup) -- that returns 0 where the
 * parent returns the child's pid.  -EAGAIN at PROCESS_MAX (said in the
 * log), -ENOMEM. */
int32_t sys_fork(const struct syscall_args *a)
{
    (void)a;
    struct process *parent = current->proc;
    if (!parent)
        return -EINVAL;
    struct process *p = process_alloc(parent);
    if (!p)
        return -ENOMEM;
    int err = -ENOMEM;
    if ((p->fork_frame = kmalloc(sizeof(*p->fork_frame), GFP_KERNEL)) != NULL &&
        (p->vm = vm_space_fork(parent->vm)) != NULL)
        err = files_dup(p, parent);
    if (!err) {
        *p->fork_frame = *task_user_frame(current);
        p->brk_start = parent->brk_start;
        p->brk = parent->brk;
        char what[TASK_NAME_LEN + 48];
        ksnprintf(what, sizeof(what), "fork by %s (pid %u) refused", current->name,
                  current->id);
        err = process_register(p, current->name, fork_child_start, what, false);
    }
    if (err) {
        process_free_unstarted(p);
        return err;
    }
    return (int32_t)pid_of(p);
}

/* p's children, now that p exits: to init while it lives (a zombie among
 * them is init's to reap, so init's wait4 is woken), else to the kernel:
 * a zombie is reaped at once, any other reaps itself when it exits.
 * process_lock held. */
static void give_away_children(struct process *p)
{
    struct process *heir = init_process && init_process != p ? init_process : NULL;
    while (!list_empty(&p->children)) {
        struct process *c = list_first_entry(&p->children, struct process, sibling);
        list_del(&c->sibling);
        c->parent = heir;
        if (heir) {
            list_add_tail(&c->sibling, &heir->children);
            if (c->exited) {
                heir->child_exits++;
                wake_up(&heir->child_exit);
            }
        } else if (c->exited) {
            list_del(&c->link);
            nr_processes--;
            c->task->proc = NULL;
            task_detach(c->task);       /* the idle task frees it once it is dead */
            kfree(c);
        } else {
            c->orphan = true;
        }
    }
}

void process_exit(int wait_status)
{
    struct process *p = current->proc;
    if (p) {
        /* A device it served (/bin/nbd-server's nbd0) has no server from
         * now on: nothing may follow the device to this task once it is
         * freed. */
        blkdev_forget_server(current);
        /* Its files close now: a pipe's reader sees the end, a peer the FIN. */
        files_close_all(p);
        /* The memory goes now, not at the reaping: a zombie holds no pages. */
        struct vm_space *vm = p->vm;
        p->vm = NULL;                   /* first: ps counts p->vm's pages */
        task_set_vm(NULL);
        vm_space_destroy(vm);
        mutex_lock(&process_lock);
        p->wait_status = wait_status;
        p->exited = true;
        if (p == init_process)
            init_process = NULL;        /* orphans go to the kernel from now on */
        give_away_children(p);
        if (p->parent) {
            p->parent->child_exits++;
            wake_up(&p->parent->child_exit);
        }
        bool self_reap = p->orphan;
        if (self_reap) {                /* nobody will wait for it: gone now */
            list_del(&p->link);
            nr_processes--;
            current->proc = NULL;
            task_detach(current);
        }
        mutex_unlock(&process_lock);
        if (self_reap)
            kfree(p);
    }
    task_exit(wait_status);
}

int process_wait(struct process *p)
{
    int status = task_join(p->task);        /* the task, then what it ran */
    mutex_lock(&process_lock);
    list_del(&p->link);
    if (p->parent)
        list_del(&p->sibling);
    nr_processes--;                         /* its children left it when it exited */
    mutex_unlock(&process_lock);
    kfree(p);
    return status;
}

/* The line saying how a process the kernel ran ended; its status. */
static int report_end(const char *path, uint32_t pid, int status)
{
    if (WTERMSIG(status))
        pr_info("process: %s (pid %u) killed by %s\n", path, pid, signal_name(WTERMSIG(status)));
    else
        pr_info("process: %s (pid %u) exited with status %d\n", path, pid,
                WEXITSTATUS(status));
    return status;
}

/* Spawn argv[0] for the kernel, wait for it, say how it ended: its wait
 * status, or the spawn's error.  as_init: it adopts orphans meanwhile. */
static int run_for_kernel(const char *const argv[], bool as_init)
{
    int err;
    struct process *p = spawn(argv[0], argv, NULL, as_init, &err);
    if (!p) {
        pr_err("process: %s not started: error %d\n", argv[0], err);
        return err;
    }
    uint32_t pid = pid_of(p);
    return report_end(argv[0], pid, process_wait(p));
}

int process_run(const char *const argv[])
{
    return run_for_kernel(argv, false);
}

int process_run_init(const char *const argv[])
{
    return run_for_kernel(argv, true);
}

static void cmd_run(int argc, char **argv)
{
    const char *args[MONITOR_MAX_WORDS + 1];
    if (argc < 2) {
        console_puts("usage: run PATH [ARGS...]\n");
        return;
    }
    for (int i = 1; i < argc; i++)
        args[i - 1] = argv[i];
    args[argc - 1] = NULL;
    process_run(args);
}

MONITOR_COMMAND("run", "PATH [ARGS]", "run a user program and wait for it", cmd_run);

/* ---- system calls --------------------------------------------------------- */

int32_t sys_exit(const struct syscall_args *a)
{
    process_exit(W_EXITCODE(a->arg[0], 0));
}

int32_t sys_getpid(const struct syscall_args *a)
{
    (void)a;
    return (int32_t)current->id;
}

int32_t sys_getppid(const struct syscall_args *a)
{
    (void)a;
    struct process *p = current->proc;
    mutex_lock(&process_lock);
    int32_t ppid = p && p->parent ? (int32_t)pid_of(p->parent) : 0;    /* 0: the kernel */
    mutex_unlock(&process_lock);
    return ppid;
}

/* A child of p that pid selects (-1 or 0: any), exited or not; with
 * exited_only, only one that has exited.  process_lock held. */
static struct process *find_child(struct process *p, int32_t pid, bool exited_only)
{
    list_for_each(link, &p->children) {
        struct process *c = list_entry(link, struct process, sibling);
        if ((pid <= 0 || (uint32_t)pid == pid_of(c)) && (c->exited || !exited_only))
            return c;
    }
    return NULL;
}

/* wait4(pid, wstatus, options, rusage): a process group (pid < -1) is
 * every process, as there is one group; rusage is not filled in. */
int32_t sys_wait4(const struct syscall_args *a)
{
    struct process *p = current->proc;
    int32_t pid = (int32_t)a->arg[0];
    uint32_t options = a->arg[2];
    if (!p || (options & ~WNOHANG))
        return -EINVAL;
    struct process *child;
    for (;;) {
        mutex_lock(&process_lock);
        bool any = find_child(p, pid, false) != NULL;
        child = find_child(p, pid, true);
        uint32_t seen = p->child_exits;
        mutex_unlock(&process_lock);
        if (child)
            break;
        if (!any)
            return -ECHILD;
        if (options & WNOHANG)
            return 0;
        /* TASK_SLEEPING: a parent may wait for a child forever by design,
         * and a kill wakes it (task_stop).  The condition reads a counter,
         * not the list, which may be changing under process_lock. */
        wait_event_state(&p->child_exit, p->child_exits != seen || task_should_stop(),
                         TASK_SLEEPING);
        if (task_should_stop())
            return -EINTR;              /* killed: it ends on its way out */
    }
    int32_t child_pid = (int32_t)pid_of(child);
    int status = process_wait(child);
    if (a->arg[1] && copy_to_user((void *)a->arg[1], &status, sizeof(status)))
        return -EFAULT;
    return child_pid;
}

int process_kill(uint32_t pid, int sig)
{
    if (sig != 0 && sig != SIGKILL && sig != SIGTERM)
        return -EINVAL;
    mutex_lock(&process_lock);
    struct process *t = NULL;
    list_for_each(link, &all_processes) {
        struct process *q = list_entry(link, struct process, link);
        if (pid_of(q) == pid)
            t = q;
    }
    bool send = t && sig && !t->exited && !t->kill_signal;
    if (send && t == init_process) {
        /* Linux's init gets only the signals it has handlers for, and
         * there are no handlers here: it ignores both. */
        send = false;
        pr_info("process: init (pid %u) ignores %s from %s (%u)\n", pid, signal_name(sig),
                current->name, current->id);
    }
    if (send) {
        t->kill_signal = sig;
        pr_info("process: %s (pid %u) sent %s by %s (%u)\n", t->task->name, pid,
                signal_name(sig), current->name, current->id);
        task_stop(t->task);             /* wakes it from TASK_SLEEPING */
    }
    mutex_unlock(&process_lock);
    return t ? 0 : -ESRCH;
}

void process_return_to_user(void)
{
    struct process *p = current->proc;
    if (p && p->kill_signal) {
        sti();                          /* an interrupt's way out: interrupts are off */
        process_exit(p->kill_signal);
    }
}

/* kill (37): pid > 0 only (process groups are not built: -EINVAL). */
int32_t sys_kill(const struct syscall_args *a)
{
    int32_t pid = (int32_t)a->arg[0];
    return pid > 0 ? process_kill((uint32_t)pid, (int)a->arg[1]) : -EINVAL;
}

/* prctl (172): PR_SET_IO_FLUSHER and PR_GET_IO_FLUSHER (prctl.h), nothing
 * else (-EINVAL).  The flag is PF_MEMALLOC_NOIO for good: every
 * allocation the task makes -- its page faults' pages (a zeroed page, a
 * copy on write, a swap-in), the kernel's buffers for its calls, and the
 * reclaim any of them enters -- is decided in one place, alloc_pages()
 * (gfp_in_scope(), mm/page_alloc.c), which clears __GFP_IO for it: its
 * reclaim frees clean pages only, and never waits on a write it would
 * itself have to serve.  No permission model: any process may set it. */
int32_t sys_prctl(const struct syscall_args *a)
{
    switch (a->arg[0]) {
    case PR_SET_IO_FLUSHER:
        if (a->arg[1] > 1)
            return -EINVAL;
        if (a->arg[1])
            current->flags |= PF_MEMALLOC_NOIO;
        else
            current->flags &= ~PF_MEMALLOC_NOIO;
        return 0;
    case PR_GET_IO_FLUSHER:
        return (current->flags & PF_MEMALLOC_NOIO) != 0;
    }
    return -EINVAL;
}
