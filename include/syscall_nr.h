/*
 * syscall_nr.h - system call numbers: Linux i386's
 * (arch/x86/entry/syscalls/syscall_32.tbl), the ones swiod has.  Pure:
 * the kernel's table (kernel/syscall.c) and user/lib both include it.
 */
#pragma once

#define NR_exit         1
#define NR_write        4
#define NR_execve       11
#define NR_getpid       20
#define NR_brk          45
#define NR_getppid      64
#define NR_munmap       91
#define NR_wait4        114
#define NR_sched_yield  158
#define NR_nanosleep    162
#define NR_mmap2        192
#define NR_exit_group   252
#define NR_clock_gettime 265
#define NR_SYSCALLS     266             /* the table's size: one past the highest */
