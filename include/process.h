/*
 * process.h - user processes: a program running in its own address space.
 *
 * A process is one task (kernel stack, scheduling) plus what the program
 * owns: an address space (struct vm_space; its pages are reclaimed and
 * swapped like every other), a heap end for brk, a table of open files,
 * a parent, and an exit status.  The process's pid is its task's id
 * (one pid space for tasks and processes, as in Linux: sched.h's "Ids"),
 * and pid 1 is init's: the first program, process_run_init()'s, alone.
 *
 *   process_spawn(path, argv, parent, &err)  a new process that execs
 *       path (a static ELF32 program on a mounted ext2) with argv; parent
 *       is the process that wait4 lets reap it (one that has not exited),
 *       or NULL when the kernel starts it (the monitor's run, init=) --
 *       the kernel then waits for it with process_wait().  An exec that fails ends the new process
 *       with status 127, as a shell does, after a log line saying why.
 *   process_wait(p)    wait for p to exit, free it, return its wait status
 *   process_run(argv)  spawn argv[0] for the kernel, wait, log how it ended
 *       ("process: /bin/hello (pid 7) exited with status 0", or "killed by
 *       SIGSEGV"); its wait status, or the spawn's negative errno.  The
 *       monitor's "run PATH ARGS" and the command line's init= use it.
 *   process_exit(ws)   end the current task with wait status ws (never
 *       returns); for a process, first free its memory and tell its parent
 *
 * A wait status is Linux's: (code << 8) for exit(code), the signal number
 * for a process ended by a fault (ksignal.h): wait_status.h.
 *
 * Limits, said when reached: PROCESS_MAX processes alive or unreaped
 * (-EAGAIN and a log line), PROCESS_FILES_MAX descriptors (-EMFILE and
 * a log line), EXEC_ARGS_MAX bytes of path, argument and environment
 * strings together, EXEC_ARGV_MAX arguments or EXEC_ENVP_MAX environment
 * strings (-E2BIG and a log line naming the limit), a stack of
 * USER_STACK_SIZE that does not grow (a push below it is a segfault: mmap
 * leaves a guard gap under it, mm/mmap.c's STACK_GUARD_GAP).
 *
 * execve (11) replaces the calling process's program: the new address
 * space is built whole before the old one goes, so a failed execve
 * returns its error to a program that is still there.  envp is copied as
 * argv is, and the new program finds it after argv on its stack; a NULL
 * argv or envp is an empty one, as in Linux.  A program the kernel
 * starts (process_spawn(), init=, the monitor's run) gets an empty
 * environment: /bin/init makes the shell's (user/init.c).
 *
 * Files (fdtable.h, file.h): a new process has the console on fds 0, 1
 * and 2 and "/" as its current directory; open, pipe, dup and dup2 add
 * descriptors, exit closes them all, execve those marked close-on-exec
 * (O_CLOEXEC, SOCK_CLOEXEC, fcntl's FD_CLOEXEC).
 *
 * fork (2) makes a child that is a copy of its caller: its memory shared
 * copy-on-write (vm_space_fork(), mm/fault.c), its heap end copied,
 * its open files shared (files_dup()); the child returns 0 from the call, the parent the
 * child's pid.  PROCESS_MAX counts forks too (-EAGAIN and a log line).
 *
 * kill (37) sends SIGKILL or SIGTERM; there are no handlers, so both end
 * the process (any other signal is -EINVAL; signal 0 only asks whether
 * the process exists) -- except init (pid 1), which ignores both, as
 * Linux's init ignores every signal it has no handler for: kill says 0,
 * a log line says the signal was ignored.  No permission model: any process may kill any
 * other, as if all ran as root.  The target ends at its next return to
 * user mode (kernel/idt.c calls process_return_to_user()); one asleep
 * in TASK_SLEEPING (nanosleep, wait4) is woken through task_stop() and
 * its call returns -EINTR, on its way to that return.  A task in an
 * uninterruptible wait (a swap-in's read) ends when the wait does.
 * Any wait a process may make forever must be TASK_SLEEPING and end
 * when task_should_stop() says so.
 *
 * Orphans: the children of a process that exits go to the init process
 * (pid 1, started by init=) while it lives -- their getppid() says 1 --
 * and wait4 there reaps them; with no
 * init, to the kernel: such an orphan reaps itself when it exits (its
 * task detached, freed by the idle task), and one that exited already
 * is reaped at once.
 *
 * Locking: process_lock (a mutex) protects the process list, every
 * parent/children link and the exited flags; it is never held across a
 * page fault or a copy to or from user memory.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "interrupts.h"
#include "wait.h"
#include "wait_status.h"

#define PROCESS_MAX         64
#define PROCESS_FILES_MAX   16
_Static_assert(PROCESS_FILES_MAX <= 32, "struct process's cloexec has a bit per descriptor");
#define EXEC_ARGS_MAX       4096            /* path and argv strings, NULs included */
#define EXEC_ARGV_MAX       256             /* argv entries and ... */
#define EXEC_ENVP_MAX       256             /* ... envp's: the stack's vector fits a page */
#define USER_STACK_SIZE     (256 * 1024)    /* below USER_TOP */

struct file;

struct process {
    struct task *task;              /* its one task; set before anyone can see it */
    struct process *parent;         /* reaps it with wait4; NULL: the kernel does */
    struct list_head children;      /* its children, by sibling; process_lock */
    struct list_head sibling;       /* on parent->children; process_lock */
    struct list_head link;          /* on the list of all processes; process_lock */
    struct vm_space *vm;            /* its address space; NULL once it exited */
    uint32_t brk_start;             /* the heap: [brk_start, brk), grown by brk() */
    uint32_t brk;
    struct file *files[PROCESS_FILES_MAX];  /* open files by descriptor, referenced;
                                             * NULL: closed (fdtable.h); its task's */
    uint32_t cloexec;               /* bit fd set: close it at execve (FD_CLOEXEC);
                                     * its task's */
    char *cwd;                      /* current directory: an absolute path, no "." or ".."
                                     * (fs/open.c); its task's */
    bool msg_dontwait;              /* the send or receive under way was given
                                     * MSG_DONTWAIT (net/sys_socket.c); its task's */
    bool exited;                    /* wait_status is final; process_lock */
    int wait_status;
    struct wait_queue child_exit;   /* woken when one of its children exits */
    uint32_t child_exits;           /* how many have; process_lock */
    char *exec_args;                /* spawn or execve to exec: path then argv, each
                                     * NUL-ended; NULL outside an exec */
    uint32_t exec_args_len;         /* bytes used */
    int argc;                       /* strings after the path: argv ... */
    int envc;                       /* ... then the environment's */
    bool exec_adding_env;           /* strings added now go to envc (after
                                     * exec_args_begin_env()) */
    struct int_frame *fork_frame;   /* fork: the parent's user registers, for the
                                     * child's first return; NULL after it */
    int kill_signal;                /* kill sent it SIGKILL or SIGTERM: it ends on its
                                     * next return to user mode; 0: none.  Set
                                     * once, under process_lock; read without */
    bool orphan;                    /* its parent exited and no init took it: it reaps
                                     * itself when it exits; process_lock */
};

void process_init(void);
struct process *process_spawn(const char *path, const char *const argv[],
                              struct process *parent, int *err);
int process_wait(struct process *p);
int process_run(const char *const argv[]);
__attribute__((noreturn)) void process_exit(int wait_status);
/* process_run for the first program (init=): pid 1, the process that
 * adopts orphans while it lives.  Called once. */
int process_run_init(const char *const argv[]);
/* kill: sig (SIGKILL, SIGTERM, or 0 to ask whether pid exists) to the
 * process pid: 0, -ESRCH (no such process; a zombie counts as one that
 * exists), -EINVAL (another signal). */
int process_kill(uint32_t pid, int sig);
/* On every way back to ring 3 (kernel/idt.c): a process that was sent a
 * kill ends here instead, with the signal as its wait status. */
void process_return_to_user(void);

/* kernel/exec.c: load the program p->exec_args names into the current
 * space (p->vm, empty) and build its stack; the entry point and the
 * initial stack pointer, or -ENOENT, -EACCES (not a regular file),
 * -ENOEXEC (not a static ELF32 i386
 * executable, or one whose segments overlap or reach the kernel's half),
 * -ENOMEM, -EIO. */
int exec_load(struct process *p, uint32_t *entry, uint32_t *sp);
/* The exec arguments: a buffer of EXEC_ARGS_MAX, then the path and each
 * argument appended (from kernel or user memory), then, after
 * exec_args_begin_env(), each string of the environment; -E2BIG with a
 * log line past EXEC_ARGS_MAX bytes, EXEC_ARGV_MAX arguments or
 * EXEC_ENVP_MAX environment strings, -EFAULT for a bad user pointer.
 * exec_args_free() may be called at any point. */
int exec_args_init(struct process *p);
void exec_args_begin_env(struct process *p);
int exec_args_add(struct process *p, const char *s);
int exec_args_add_user(struct process *p, const char *us);
void exec_args_free(struct process *p);
/* The last component of path: what ps calls the program. */
const char *exec_name(const char *path);
