/*
 * syscalls.c - the system call wrappers of ulib.h.  Each passes its
 * arguments to syscall6() with the call's number; sys() turns the
 * kernel's answer into the C library's: a negative errno becomes -1 with
 * errno set.  Only a value in [-4095, -1] is an errno: mmap2 answers
 * addresses at and above 0x80000000, negative as a long.
 */
#include "ulib.h"

#define MAX_ERRNO 4095

static long sys(long nr, long a, long b, long c, long d, long e, long f)
{
    long r = syscall6(nr, a, b, c, d, e, f);
    if ((unsigned long)r >= (unsigned long)-MAX_ERRNO) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* Up to three arguments, cast to the gate's longs. */
#define SYS3(nr, a, b, c)       sys(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define SYS2(nr, a, b)          SYS3(nr, a, b, 0)
#define SYS1(nr, a)             SYS3(nr, a, 0, 0)
#define SYS0(nr)                SYS3(nr, 0, 0, 0)

void exit(int status)
{
    for (;;)                            /* exit_group does not return */
        syscall6(NR_exit_group, status, 0, 0, 0, 0, 0);
}

pid_t fork(void) { return SYS0(NR_fork); }
int execve(const char *path, char *const argv[], char *const envp[])
{
    return SYS3(NR_execve, path, argv, envp);
}
pid_t wait4(pid_t pid, int *status, int options, void *rusage)
{
    return sys(NR_wait4, pid, (long)status, options, (long)rusage, 0, 0);
}
pid_t waitpid(pid_t pid, int *status, int options) { return wait4(pid, status, options, 0); }
pid_t getpid(void) { return SYS0(NR_getpid); }
pid_t getppid(void) { return SYS0(NR_getppid); }
int kill(pid_t pid, int sig) { return SYS2(NR_kill, pid, sig); }
int prctl(int option, unsigned long a, unsigned long b, unsigned long c, unsigned long d)
{
    return sys(NR_prctl, option, (long)a, (long)b, (long)c, (long)d, 0);
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    return SYS2(NR_nanosleep, req, rem);
}
int clock_gettime(int clock, struct timespec *tp) { return SYS2(NR_clock_gettime, clock, tp); }
int sched_yield(void) { return SYS0(NR_sched_yield); }
int sysinfo(struct sysinfo *info) { return SYS1(NR_sysinfo, info); }
int swiod_ps(struct ps_entry *entries, int max) { return SYS2(NR_swiod_ps, entries, max); }
int swiod_monitor(const char *line) { return SYS1(NR_swiod_monitor, line); }

/* brk never fails as a system call: it answers where the heap ends. */
void *brk(void *addr) { return (void *)syscall6(NR_brk, (long)addr, 0, 0, 0, 0, 0); }

void *sbrk(intptr_t increment)
{
    static char *end;                   /* the heap's end, once asked */
    if (!end)
        end = brk(0);
    char *old = end, *want = old + increment;
    if ((increment > 0 && want < old) || (increment < 0 && want > old) || brk(want) != want) {
        errno = ENOMEM;
        return (void *)-1;
    }
    end = want;
    return old;
}

/* mmap2's offset is in pages, not bytes: files larger than 4 GiB fit. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    if (offset % PAGE_SIZE) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    return (void *)sys(NR_mmap2, (long)addr, (long)len, prot, flags, fd, offset / PAGE_SIZE);
}
int munmap(void *addr, size_t len) { return SYS2(NR_munmap, addr, len); }
int mprotect(void *addr, size_t len, int prot) { return SYS3(NR_mprotect, addr, len, prot); }
int msync(void *addr, size_t len, int flags) { return SYS3(NR_msync, addr, len, flags); }
int mlock(const void *addr, size_t len) { return SYS2(NR_mlock, addr, len); }
int munlock(const void *addr, size_t len) { return SYS2(NR_munlock, addr, len); }
int mlockall(int flags) { return SYS1(NR_mlockall, flags); }
int munlockall(void) { return SYS0(NR_munlockall); }

int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    int mode = flags & O_CREAT ? va_arg(ap, int) : 0;
    va_end(ap);
    return SYS3(NR_open, path, flags, mode);
}
int close(int fd) { return SYS1(NR_close, fd); }
ssize_t read(int fd, void *buf, size_t len) { return SYS3(NR_read, fd, buf, len); }
ssize_t write(int fd, const void *buf, size_t len) { return SYS3(NR_write, fd, buf, len); }
/* pread64 and pwrite64 take the 64-bit offset as two halves, low first. */
ssize_t pread(int fd, void *buf, size_t len, off_t offset)
{
    return sys(NR_pread64, fd, (long)buf, (long)len, offset, offset < 0 ? -1 : 0, 0);
}
ssize_t pwrite(int fd, const void *buf, size_t len, off_t offset)
{
    return sys(NR_pwrite64, fd, (long)buf, (long)len, offset, offset < 0 ? -1 : 0, 0);
}
off_t lseek(int fd, off_t offset, int whence) { return SYS3(NR_lseek, fd, offset, whence); }
int llseek(int fd, int64_t offset, int64_t *result, int whence)
{
    return sys(NR__llseek, fd, (long)(offset >> 32), (long)(uint32_t)offset, (long)result,
               whence, 0);
}
int stat64(const char *path, struct stat64 *st) { return SYS2(NR_stat64, path, st); }
int fstat64(int fd, struct stat64 *st) { return SYS2(NR_fstat64, fd, st); }
ssize_t getdents64(int fd, void *buf, size_t len) { return SYS3(NR_getdents64, fd, buf, len); }
int mkdir(const char *path, int mode) { return SYS2(NR_mkdir, path, mode); }
int rmdir(const char *path) { return SYS1(NR_rmdir, path); }
int unlink(const char *path) { return SYS1(NR_unlink, path); }
int rename(const char *from, const char *to) { return SYS2(NR_rename, from, to); }
int fsync(int fd) { return SYS1(NR_fsync, fd); }
int dup(int fd) { return SYS1(NR_dup, fd); }
int dup2(int fd, int to) { return SYS2(NR_dup2, fd, to); }
int pipe(int fds[2]) { return SYS1(NR_pipe, fds); }
int pipe2(int fds[2], int flags) { return SYS2(NR_pipe2, fds, flags); }
int fcntl(int fd, int cmd, long arg) { return SYS3(NR_fcntl, fd, cmd, arg); }
int chdir(const char *path) { return SYS1(NR_chdir, path); }
char *getcwd(char *buf, size_t size) { return SYS2(NR_getcwd, buf, size) < 0 ? 0 : buf; }

int socket(int family, int type, int protocol) { return SYS3(NR_socket, family, type, protocol); }
int bind(int fd, const struct sockaddr_in *addr, uint32_t len) { return SYS3(NR_bind, fd, addr, len); }
int listen(int fd, int backlog) { return SYS2(NR_listen, fd, backlog); }
int connect(int fd, const struct sockaddr_in *addr, uint32_t len)
{
    return SYS3(NR_connect, fd, addr, len);
}
int accept4(int fd, struct sockaddr_in *addr, uint32_t *len, int flags)
{
    return sys(NR_accept4, fd, (long)addr, (long)len, flags, 0, 0);
}
int accept(int fd, struct sockaddr_in *addr, uint32_t *len) { return accept4(fd, addr, len, 0); }
int setsockopt(int fd, int level, int name, const void *value, uint32_t len)
{
    return sys(NR_setsockopt, fd, level, name, (long)value, (long)len, 0);
}
int getsockopt(int fd, int level, int name, void *value, uint32_t *len)
{
    return sys(NR_getsockopt, fd, level, name, (long)value, (long)len, 0);
}
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr_in *to,
               uint32_t tolen)
{
    return sys(NR_sendto, fd, (long)buf, (long)len, flags, (long)to, (long)tolen);
}
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr_in *from,
                 uint32_t *fromlen)
{
    return sys(NR_recvfrom, fd, (long)buf, (long)len, flags, (long)from, (long)fromlen);
}
ssize_t send(int fd, const void *buf, size_t len, int flags)
{
    return sendto(fd, buf, len, flags, 0, 0);
}
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
    return recvfrom(fd, buf, len, flags, 0, 0);
}
int shutdown(int fd, int how) { return SYS2(NR_shutdown, fd, how); }
int poll(struct pollfd *fds, uint32_t nfds, int timeout) { return SYS3(NR_poll, fds, nfds, timeout); }
