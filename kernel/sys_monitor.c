/*
 * sys_monitor.c - swiod_monitor(line): one command line for the kernel's
 * monitor, from a program -- the shell's "monitor demo deadlock user".
 *
 * The line is the monitor's own (monitor.h): its commands answer on the
 * console, as at the prompt, and run in the calling process's task, which
 * waits until the command is done (a demo takes seconds, a deadlock demo
 * leaves its deadlock and returns).  One at a time: a second caller
 * meanwhile gets -EBUSY, since the tests a command may run share one
 * runner.  Linux has nothing quite like it; its nearest is writing a
 * letter to /proc/sysrq-trigger, which runs one of the kernel's debugging
 * commands from a shell.  This is a teaching kernel: any process may.
 *
 * 0, -EFAULT (a bad pointer), -ENAMETOOLONG (no NUL within
 * MONITOR_LINE_MAX bytes), -EBUSY, or monitor_exec()'s -E2BIG or -ENOENT.
 */
#include "kerrno.h"
#include "monitor.h"
#include "printk.h"
#include "sched.h"
#include "syscall.h"
#include "uaccess.h"
#include "x86.h"

static bool busy;                       /* a command runs; irq_save */
static char line[MONITOR_LINE_MAX];     /* the busy caller's; too big for a stack */

int32_t sys_swiod_monitor(const struct syscall_args *a)
{
    uint32_t flags = irq_save();
    bool was_busy = busy;
    busy = true;
    irq_restore(flags);
    if (was_busy)
        return -EBUSY;
    int err = strncpy_from_user(line, (const char *)a->arg[0], sizeof(line));
    if (err == -ENAMETOOLONG)
        pr_info("monitor: %s (pid %u) sent a line of more than %u characters; not run\n",
                current->name, current->id, MONITOR_LINE_MAX - 1);
    if (err >= 0)
        err = monitor_exec(line);
    busy = false;
    return err;
}
