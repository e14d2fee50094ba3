/*
 * ulib.h - the tiny C library of swiod's user programs (user/lib/).
 *
 * Static, freestanding, no errno: every system call wrapper returns what
 * the kernel put in EAX -- a value, or a negative errno (-EFAULT) -- so a
 * program sees exactly what the kernel said.  mmap() returns an address
 * or, for an error, a value in [-4095, -1] (ulib_is_err()).
 *
 * crt0 (lib/crt0.asm) calls main(argc, argv) and then exit() with its
 * result.  printf() understands %d %u %x %s %c %p and %%, with an
 * optional field width; its output goes to fd 1 in one write per call,
 * up to PRINTF_MAX bytes (a longer result is cut, and ends with "...").
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

#define PRINTF_MAX      512

/* Linux's numbers, which swiod's kernel uses too (include/syscall.h). */
#define NR_exit         1
#define NR_write        4
#define NR_getpid       20
#define NR_brk          45
#define NR_getppid      64
#define NR_munmap       91
#define NR_wait4        114
#define NR_mmap2        192
#define NR_exit_group   252

#define EBADF       9
#define ECHILD      10
#define ENOMEM      12
#define EFAULT      14
#define EINVAL      22
#define ENOSYS      38

#define PROT_READ       0x1
#define PROT_WRITE      0x2
#define MAP_SHARED      0x01
#define MAP_PRIVATE     0x02
#define MAP_FIXED       0x10
#define MAP_ANONYMOUS   0x20

#define PAGE_SIZE       4096u

/* wait4's status (Linux's encoding). */
#define WIFEXITED(s)    (((s) & 0x7F) == 0)
#define WEXITSTATUS(s)  (((s) >> 8) & 0xFF)
#define WTERMSIG(s)     ((s) & 0x7F)

/* int 0x80 with up to six arguments (lib/crt0.asm). */
long syscall6(long nr, long a, long b, long c, long d, long e, long f);

__attribute__((noreturn)) void exit(int status);
long write(int fd, const void *buf, size_t len);
long getpid(void);
long getppid(void);
long brk(void *addr);
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long pgoff_pages);
long munmap(void *addr, size_t len);
long wait4(long pid, int *status, int options, void *rusage);
static inline int ulib_is_err(const void *p) { return (uintptr_t)p >= (uintptr_t)-4095; }

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The number at the start of s (decimal), or dflt when there is none. */
long atol_or(const char *s, long dflt);
