/*
 * ps_abi.h - what swiod_ps (NR_swiod_ps, swiod's own system call: Linux
 * has /proc instead) gives a program: one struct ps_entry per task, the
 * kernel's own tasks as well as processes, as the monitor's ps lists
 * them.  Pure: the kernel (kernel/sys_ps.c) and user/lib both include it.
 *
 *   swiod_ps(entries, max)   fills up to max entries; returns how many
 *       tasks there are (more than max: the rest did not fit, ask again
 *       with more room), or -EFAULT, -EINVAL (max over PS_MAX).
 */
#pragma once
#include <stdint.h>

#define PS_MAX          256             /* entries one call may ask for */
#define PS_NAME_LEN     16              /* TASK_NAME_LEN */
#define PS_WCHAN_LEN    24

struct ps_entry {
    int32_t pid;                        /* the task's id (a process's pid) */
    int32_t ppid;                       /* its parent process's pid; 0: none */
    char state;                         /* R running, S sleeping, D uninterruptible,
                                         * Z exited and not yet reaped */
    uint8_t user;                       /* 1: a user process, 0: a kernel task */
    uint8_t prio;                       /* enum task_prio: 0 IO, 1 normal, 2 bulk, 3 idle */
    uint8_t pad;
    char name[PS_NAME_LEN];             /* NUL-ended */
    char wchan[PS_WCHAN_LEN];           /* what it waits on, when S or D; NUL-ended */
};
_Static_assert(sizeof(struct ps_entry) == 52, "struct ps_entry is 52 bytes");
