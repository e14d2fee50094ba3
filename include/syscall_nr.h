/*
 * syscall_nr.h - system call numbers: Linux i386's
 * (arch/x86/entry/syscalls/syscall_32.tbl), the ones swiod has or its
 * user library (user/lib/syscalls.c) already asks for.  Which exist is
 * the kernel's table (kernel/syscall.c): the others answer -ENOSYS.
 * Pure: the kernel and user/lib both include it.
 */
#pragma once

#define NR_exit         1
#define NR_fork         2
#define NR_read         3
#define NR_write        4
#define NR_open         5
#define NR_close        6
#define NR_unlink       10
#define NR_execve       11
#define NR_chdir        12
#define NR_lseek        19
#define NR_getpid       20
#define NR_kill         37
#define NR_rename       38
#define NR_mkdir        39
#define NR_rmdir        40
#define NR_dup          41
#define NR_pipe         42
#define NR_brk          45
#define NR_fcntl        55
#define NR_dup2         63
#define NR_getppid      64
#define NR_munmap       91
#define NR_wait4        114
#define NR_sysinfo      116
#define NR_fsync        118
#define NR_mprotect     125
#define NR__llseek      140
#define NR_msync        144
#define NR_mlock        150
#define NR_munlock      151
#define NR_mlockall     152
#define NR_munlockall   153
#define NR_sched_yield  158
#define NR_nanosleep    162
#define NR_poll         168
#define NR_prctl        172
#define NR_pread64      180
#define NR_pwrite64     181
#define NR_getcwd       183
#define NR_mmap2        192
#define NR_stat64       195
#define NR_fstat64      197
#define NR_getdents64   220
#define NR_exit_group   252
#define NR_clock_gettime 265
#define NR_pipe2        331
#define NR_socket       359
#define NR_bind         361
#define NR_connect      362
#define NR_listen       363
#define NR_accept4      364
#define NR_getsockopt   365
#define NR_setsockopt   366
#define NR_sendto       369
#define NR_recvfrom     371
#define NR_shutdown     373
/* swiod's own, above Linux's numbers: */
#define NR_swiod_ps     500             /* the task list (ps_abi.h): Linux has /proc */
#define NR_swiod_monitor 501            /* one monitor command line (kernel/sys_monitor.c) */
#define NR_SYSCALLS     502             /* the table's size: one past the highest it has */
