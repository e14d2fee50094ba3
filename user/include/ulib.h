/*
 * ulib.h - the tiny C library of swiod's user programs (user/lib/).
 *
 * Static, freestanding, no errno: every system call wrapper returns what
 * the kernel put in EAX -- a value, or a negative errno (-EFAULT) -- so a
 * program sees exactly what the kernel said.  mmap() returns an address
 * or, for an error, a value in [-4095, -1] (ulib_is_err()).
 *
 * Numbers, flags and the string functions are the kernel's own, from its
 * pure headers in include/ (the user build searches it after user/include)
 * and kernel/string.c, compiled into every program.
 *
 * crt0 (lib/crt0.asm) calls main(argc, argv) and then exit() with its
 * result; ulib_name is then the program's name (argv[0]'s last part).
 * printf() understands %d %u %x %s %c %p and %%, with an optional field
 * width; its output goes to fd 1 in one write per call, up to PRINTF_MAX
 * bytes (a longer result is cut, and ends with "...").
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "kerrno.h"             /* the kernel's pure headers (include/), shared: */
#include "kstring.h"            /* kernel/string.c is the programs' too */
#include "mman.h"
#include "syscall_nr.h"
#include "wait_status.h"

#define PRINTF_MAX      512

#define PAGE_SIZE       4096u

/* int 0x80 with up to six arguments (lib/crt0.asm). */
long syscall6(long nr, long a, long b, long c, long d, long e, long f);

__attribute__((noreturn)) void exit(int status);
long write(int fd, const void *buf, size_t len);
/* Returns only when it fails; envp is not passed on (the kernel's is empty). */
long execve(const char *path, char *const argv[], char *const envp[]);
long getpid(void);
long getppid(void);
long brk(void *addr);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long pgoff_pages);
long munmap(void *addr, size_t len);
long wait4(long pid, int *status, int options, void *rusage);
struct timespec {
    long tv_sec;
    long tv_nsec;
};
#define CLOCK_MONOTONIC 1
long nanosleep(const struct timespec *req, struct timespec *rem);
long clock_gettime(int clock, struct timespec *tp);
long sched_yield(void);
static inline int ulib_is_err(const void *p) { return (uintptr_t)p >= (uintptr_t)-4095; }

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern const char *ulib_name;
/* For test programs: print "NAME: WHAT: got G, want W" ("  WRONG" added
 * when they differ, and counted in check_wrong). */
void check(const char *what, long got, long want);
extern int check_wrong;
/* The number at the start of s (decimal), or dflt when there is none. */
long atol_or(const char *s, long dflt);
