/*
 * ulib.h - the small C library of swiod's user programs (user/lib/).
 *
 * Static and freestanding; the names and meanings are the C library's
 * and Linux's, so a program reads as it would on Linux:
 *
 * - System calls (lib/syscalls.c): each wrapper returns the kernel's
 *   answer, or -1 with errno set when the kernel said a negative errno;
 *   mmap() returns MAP_FAILED then.  A call the kernel does not have yet
 *   fails with ENOSYS.  or_errno() turns a result back into what the
 *   kernel said (-EFAULT), which is what the test programs compare.
 *   syscall6() is the raw gate: no errno, the kernel's EAX as is.
 * - errno, strerror(), perror() (lib/errno.c).
 * - Formatted output (lib/stdio.c): printf() to fd 1, dprintf() to any
 *   fd, snprintf() into a buffer; the formats of include/vsprintf.h (the
 *   kernel's own engine, lib/vsprintf.c, compiled into every program).
 *   A call's output goes out in one write when it can (lines of
 *   different programs do not interleave mid-line); nothing is cut.
 * - malloc(), free(), calloc(), realloc() (lib/malloc.c): small blocks
 *   from the heap (brk), blocks of MALLOC_MMAP_MIN bytes or more each in
 *   their own anonymous mapping, given back to the kernel by free().
 * - The string functions are the kernel's (lib/string.c, kstring.h).
 *   Numbers, flags and wait statuses come from the kernel's pure headers
 *   in include/ (searched after user/include).
 *
 * crt0 (lib/crt0.asm) calls main(argc, argv) and then exit() with its
 * result; ulib_name is then the program's name (argv[0]'s last part),
 * and environ the environment execve passed.
 * exit() runs nothing first: there are no buffers to flush.
 */
#pragma once
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "file_abi.h"           /* the kernel's pure headers (include/), shared: */
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"            /* lib/string.c is the programs' too */
#include "mman.h"
#include "poll_abi.h"
#include "prctl.h"
#include "ps_abi.h"
#include "socket_abi.h"
#include "syscall_nr.h"
#include "sysinfo.h"
#include "vsprintf.h"
#include "wait_status.h"

#define PAGE_SIZE       4096u

/* ---- errno (lib/errno.c) ---- */
extern int errno;
/* Linux's message for err ("Bad address"), or "Unknown error N". */
const char *strerror(int err);
/* "what: message\n" on fd 2, the message errno's. */
void perror(const char *what);
/* r, or -errno when r is -1 (a wrapper's failure): what the kernel said. */
long or_errno(long r);

/* ---- system calls (lib/syscalls.c) ---- */
/* int 0x80 with up to six arguments (lib/crt0.asm); no errno. */
long syscall6(long nr, long a, long b, long c, long d, long e, long f);

typedef long ssize_t;
typedef long off_t;
typedef int pid_t;

__attribute__((noreturn)) void exit(int status);
pid_t fork(void);
/* Returns only when it fails. */
int execve(const char *path, char *const argv[], char *const envp[]);
pid_t wait4(pid_t pid, int *status, int options, void *rusage);
pid_t waitpid(pid_t pid, int *status, int options);
pid_t getpid(void);
pid_t getppid(void);
int kill(pid_t pid, int sig);
int prctl(int option, unsigned long a, unsigned long b, unsigned long c, unsigned long d);

struct timespec {
    long tv_sec;
    long tv_nsec;
};
#define CLOCK_MONOTONIC 1
int nanosleep(const struct timespec *req, struct timespec *rem);
int clock_gettime(int clock, struct timespec *tp);
int sched_yield(void);
/* Memory and swap counts, in pages (info->mem_unit bytes). */
int sysinfo(struct sysinfo *info);
/* swiod's own: the task list (ps_abi.h); how many tasks there are. */
int swiod_ps(struct ps_entry *entries, int max);
/* One line for the kernel's monitor (its commands answer on the console):
 * 0, or -1 with errno. */
int swiod_monitor(const char *line);

/* The system call's own brk, not glibc's: asks for the heap to end at
 * addr and returns where it ends now (addr 0 only asks). */
void *brk(void *addr);
/* Moves the heap's end by increment; the old end, or (void *)-1 (ENOMEM). */
void *sbrk(intptr_t increment);
#define MAP_FAILED      ((void *)-1)
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int msync(void *addr, size_t len, int flags);
int mlock(const void *addr, size_t len);
int munlock(const void *addr, size_t len);
int mlockall(int flags);
int munlockall(void);

/* open()'s flags, lseek()'s whence, struct stat64 and struct
 * linux_dirent64: the kernel's file_abi.h. */
int open(const char *path, int flags, ...);   /* a third argument: the mode, with O_CREAT */
int close(int fd);
ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
ssize_t pread(int fd, void *buf, size_t len, off_t offset);
ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset);
off_t lseek(int fd, off_t offset, int whence);
/* _llseek: a 64-bit offset; the new position in *result. */
int llseek(int fd, int64_t offset, int64_t *result, int whence);
int stat64(const char *path, struct stat64 *st);
int fstat64(int fd, struct stat64 *st);
/* Entries (struct linux_dirent64) into buf: the bytes filled, 0 at the end. */
ssize_t getdents64(int fd, void *buf, size_t len);
int mkdir(const char *path, int mode);
int rmdir(const char *path);
int unlink(const char *path);
int rename(const char *from, const char *to);
int fsync(int fd);
int dup(int fd);
int dup2(int fd, int to);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
/* F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD (FD_CLOEXEC), F_GETFL, F_SETFL. */
int fcntl(int fd, int cmd, long arg);
int chdir(const char *path);
/* buf on success (Linux's system call returns the length instead). */
char *getcwd(char *buf, size_t size);

/* Sockets: AF_INET, SOCK_STREAM (TCP) only; the kernel's socket_abi.h.
 * i386's direct calls. */
int socket(int family, int type, int protocol);
int bind(int fd, const struct sockaddr_in *addr, uint32_t len);
int listen(int fd, int backlog);
int connect(int fd, const struct sockaddr_in *addr, uint32_t len);
/* *len in: the room at addr; out: the address's size.  addr may be 0. */
int accept4(int fd, struct sockaddr_in *addr, uint32_t *len, int flags);
int accept(int fd, struct sockaddr_in *addr, uint32_t *len);
int setsockopt(int fd, int level, int name, const void *value, uint32_t len);
int getsockopt(int fd, int level, int name, void *value, uint32_t *len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr_in *to,
               uint32_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr_in *from,
                 uint32_t *fromlen);
int shutdown(int fd, int how);
/* Wait until one of fds can be read or written without waiting, for at
 * most timeout ms (negative: for ever); how many have revents set. */
int poll(struct pollfd *fds, uint32_t nfds, int timeout);
/* Host to network byte order and back (the machine is little-endian). */
static inline uint16_t htons(uint16_t v) { return (uint16_t)(v << 8 | v >> 8); }
static inline uint16_t ntohs(uint16_t v) { return htons(v); }
static inline uint32_t htonl(uint32_t v) { return __builtin_bswap32(v); }
static inline uint32_t ntohl(uint32_t v) { return htonl(v); }

/* ---- formatted output (lib/stdio.c) ---- */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vdprintf(int fd, const char *fmt, va_list ap);
/* snprintf() is the kernel's own, in a C library's name. */
#define snprintf ksnprintf
/* Writes all of buf (looping over short writes); len, or -1 with errno. */
ssize_t write_all(int fd, const void *buf, size_t len);

/* ---- memory (lib/malloc.c) ---- */
#define MALLOC_MMAP_MIN (128u * 1024)   /* this big or bigger: a mapping of its own */
void *malloc(size_t size);
void free(void *p);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);

/* ---- the environment (lib/env.c) ---- */
/* "NAME=value" strings, NULL-ended: what execve passed, then changed by
 * setenv() and unsetenv(); pass it on with execve(path, argv, environ). */
extern char **environ;
/* NAME's value, or NULL. */
char *getenv(const char *name);
/* 0, or -1 with errno: EINVAL (an empty name, or one with '='), ENOMEM. */
int setenv(const char *name, const char *value, int overwrite);
int unsetenv(const char *name);

/* ---- helpers (lib/start.c, lib/atol.c) ---- */
extern const char *ulib_name;
/* For test programs: print "NAME: WHAT: got G, want W" ("  WRONG" added
 * when they differ, and counted in check_wrong). */
void check(const char *what, long got, long want);
extern int check_wrong;
/* wait4 of a child that exits 0 at once, its status stored at status (a
 * bad pointer, for the tests): wait4's answer, with errno; the child is
 * reaped either way. */
long wait4_of_an_exited_child(int *status);
/* The number at the start of s (decimal), or dflt when there is none. */
long atol_or(const char *s, long dflt);
/* The number of the argument KEY=N (argv[1] on), or dflt when there is none. */
long arg_long(int argc, char **argv, const char *key, long dflt);
