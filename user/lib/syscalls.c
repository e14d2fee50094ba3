/*
 * syscalls.c - the system call wrappers of ulib.h: each is syscall6()
 * with the call's number and arguments, returning the kernel's answer.
 */
#include "ulib.h"

void exit(int status)
{
    for (;;)                            /* exit_group does not return */
        syscall6(NR_exit_group, status, 0, 0, 0, 0, 0);
}

long write(int fd, const void *buf, size_t len)
{
    return syscall6(NR_write, fd, (long)buf, (long)len, 0, 0, 0);
}

long execve(const char *path, char *const argv[], char *const envp[])
{
    return syscall6(NR_execve, (long)path, (long)argv, (long)envp, 0, 0, 0);
}

long getpid(void) { return syscall6(NR_getpid, 0, 0, 0, 0, 0, 0); }
long getppid(void) { return syscall6(NR_getppid, 0, 0, 0, 0, 0, 0); }
long brk(void *addr) { return syscall6(NR_brk, (long)addr, 0, 0, 0, 0, 0); }

/* mmap2's offset is in pages, not bytes: files larger than 4 GiB fit. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, long pgoff_pages)
{
    return (void *)syscall6(NR_mmap2, (long)addr, (long)len, prot, flags, fd, pgoff_pages);
}

long munmap(void *addr, size_t len)
{
    return syscall6(NR_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

long wait4(long pid, int *status, int options, void *rusage)
{
    return syscall6(NR_wait4, pid, (long)status, options, (long)rusage, 0, 0);
}

long nanosleep(const struct timespec *req, struct timespec *rem)
{
    return syscall6(NR_nanosleep, (long)req, (long)rem, 0, 0, 0, 0);
}

long clock_gettime(int clock, struct timespec *tp)
{
    return syscall6(NR_clock_gettime, clock, (long)tp, 0, 0, 0, 0);
}

long sched_yield(void) { return syscall6(NR_sched_yield, 0, 0, 0, 0, 0, 0); }
