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
    uint8_t io_flusher;                 /* 1: prctl(PR_SET_IO_FLUSHER) set (GFP_NOIO) */
    char name[PS_NAME_LEN];             /* NUL-ended */
    char wchan[PS_WCHAN_LEN];           /* what it waits on, when S or D; NUL-ended */
    uint32_t rss;                       /* a process's pages in memory ... */
    uint32_t swapped;                   /* ... and in swap (its PTEs that name a slot) */
};
_Static_assert(sizeof(struct ps_entry) == 60, "struct ps_entry is 60 bytes");
