/*
 * hostile.c - a hostile program's attacks on the kernel's edges, each
 * judged against Linux's answer: the memory calls given lengths and
 * addresses that wrap or reach the kernel's half (mmap2, munmap,
 * mprotect, msync, brk), copies into pages the program may not write
 * (read-only, PROT_NONE, a hole in the middle of a long buffer), file
 * positions past 4 GiB, 2^40 and negative, every
 * call that takes a buffer given one across USER_TOP, in a PROT_NONE
 * page or (if it stores) in a read-only page, poll with nfds 2^31, wait4
 * storing its status nowhere, poll of one pipe 16 times (woken whole,
 * and killed in its wait), kill of pid 0, -1 and -2^31, a directory
 * moved into itself and the other renames and removals Linux refuses
 * (the image must pass e2fsck after), execve with
 * argv running into a hole half way and of files that are no program
 * (empty, a script).  Prints one line per case ("hostile: WHAT: got N,
 * want N"; the buffer calls a summary and each one wrong) and exits
 * with the number that went wrong.
 *
 *   hostile            every case above
 *   hostile insns      instructions a program may not use (hlt, cli, out,
 *                      lgdt, a kernel selector, int of a kernel vector)
 *                      or that trap (int3, ud2, a division by zero, the
 *                      trap flag): each child ends with Linux's signal;
 *                      the nested-task flag across a system call is
 *                      harmless
 *   hostile exec N     execve of itself N times over: no page may stay
 *   hostile areas      one-page mappings until VM_AREAS_MAX stops them
 *                      with -ENOMEM; splits are refused too
 *   hostile sockets PORT  a process per free process slot, each with as
 *                      many loopback connections (to PORT) as its
 *                      descriptors allow, each written until -EAGAIN and
 *                      never read: more socket buffers than memory holds;
 *                      then all are killed, and TIME_WAIT waited out
 *   hostile recurse    recurse until the stack is gone: the kernel must
 *                      end it with SIGSEGV (a shell says status 139), and
 *                      the mapping nearest the stack must not be written
 *                      on the way down ("hostile: still alive" and
 *                      "hostile: ... WRONG" must never appear)
 */
#include <stdbool.h>
#include "ulib.h"

#define KERNEL_HALF     0xC0100000u
#define USER_TOP        0xC0000000u
#define ANON            (MAP_PRIVATE | MAP_ANONYMOUS)

static long raw_mmap(uint32_t addr, uint32_t len, int prot, int flags)
{
    return syscall6(NR_mmap2, (long)addr, (long)len, prot, flags, -1, 0);
}

static void *map(uint32_t len, int prot)
{
    void *p = mmap(0, len, prot, ANON, -1, 0);
    if (p == MAP_FAILED) {
        perror("hostile: mmap");
        exit(100);
    }
    return p;
}

static void nap_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&t, 0);
}

/* mmap2, munmap, mprotect and brk given what no program should ask. */
static void memory_calls(void)
{
    check("mmap of 0 bytes", raw_mmap(0, 0, PROT_READ, ANON), -EINVAL);
    check("mmap of 2^32 - 4096 bytes", raw_mmap(0, 0xFFFFF000u, PROT_READ, ANON), -ENOMEM);
    check("mmap of 2^32 - 1 bytes (rounds up past 4 GiB)",
          raw_mmap(0, 0xFFFFFFFFu, PROT_READ, ANON), -EINVAL);
    check("MAP_FIXED wrapping past 4 GiB",
          raw_mmap(0xFFFFF000u, 0x2000, PROT_READ, ANON | MAP_FIXED), -EINVAL);
    check("MAP_FIXED across USER_TOP",
          raw_mmap(USER_TOP - PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ, ANON | MAP_FIXED), -EINVAL);
    check("MAP_FIXED in the kernel's half",
          raw_mmap(KERNEL_HALF, PAGE_SIZE, PROT_READ, ANON | MAP_FIXED), -EINVAL);
    check("munmap of the kernel's half", or_errno(munmap((void *)KERNEL_HALF, PAGE_SIZE)),
          -EINVAL);
    check("munmap wrapping past 4 GiB", or_errno(munmap((void *)0xFFFFF000u, 0x2000)), -EINVAL);
    check("mprotect of the kernel's half",
          or_errno(mprotect((void *)KERNEL_HALF, PAGE_SIZE, PROT_READ)), -ENOMEM);
    check("mprotect wrapping past 4 GiB",
          or_errno(mprotect((void *)0xFFFFF000u, 0x2000, PROT_READ)), -ENOMEM);
    check("mlock of the kernel's half", or_errno(mlock((void *)KERNEL_HALF, PAGE_SIZE)), -ENOMEM);
    check("munlock of the kernel's half", or_errno(munlock((void *)KERNEL_HALF, PAGE_SIZE)),
          -ENOMEM);
    check("mlock wrapping past 4 GiB", or_errno(mlock((void *)0xFFFFF000u, 0x2000)), -EINVAL);
    check("mprotect of a hole", or_errno(mprotect((void *)0x40000000u, PAGE_SIZE, PROT_READ)),
          -ENOMEM);
    check("msync of the kernel's half", or_errno(msync((void *)KERNEL_HALF, PAGE_SIZE, MS_SYNC)),
          -ENOMEM);
    check("msync wrapping past 4 GiB", or_errno(msync((void *)0xFFFFF000u, 0x2000, MS_SYNC)),
          -ENOMEM);

    /* A file's page number that wraps past 2^32 within the mapping: its
     * second page would be the file's page 0, where the reverse map
     * (index - pgoff) could never find it. */
    int fd = open("/bin/hostile", O_RDONLY);
    check("mmap of a file from page 2^32 - 1, 2 pages",
          syscall6(NR_mmap2, 0, 2 * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0xFFFFFFFF), -EOVERFLOW);
    check("mmap of a file from page 2^32 - 16, 64 pages, shared",
          syscall6(NR_mmap2, 0, 64 * PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0xFFFFFFF0), -EOVERFLOW);
    close(fd);

    long end = syscall6(NR_brk, 0, 0, 0, 0, 0, 0);
    check("brk far below the data's end", syscall6(NR_brk, 0x1000, 0, 0, 0, 0, 0), end);
    check("brk into the stack", syscall6(NR_brk, (long)(USER_TOP - PAGE_SIZE), 0, 0, 0, 0, 0),
          end);
    check("brk into the kernel's half", syscall6(NR_brk, (long)KERNEL_HALF, 0, 0, 0, 0, 0), end);
    /* A mapping placed where the heap would grow: brk must stop, not
     * take or clear its page. */
    uint32_t next = ((uint32_t)end + 2 * PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    long fixed = raw_mmap(next, PAGE_SIZE, PROT_READ | PROT_WRITE, ANON | MAP_FIXED);
    check("a page mapped just past the heap", fixed, (long)next);
    *(volatile uint32_t *)next = 0x5a5a5a5a;
    check("brk over that mapping", syscall6(NR_brk, (long)(next + 2 * PAGE_SIZE), 0, 0, 0, 0, 0),
          end);
    check("the mapping's word", (long)*(volatile uint32_t *)next, 0x5a5a5a5a);
    munmap((void *)next, PAGE_SIZE);
}

/* Copies the kernel makes into and out of pages that are not the
 * program's to use that way. */
static void user_copies(void)
{
    int fd = open("/bin/hostile", O_RDONLY);
    check("open /bin/hostile", fd, 3);
    char *ro = map(PAGE_SIZE, PROT_READ);
    check("read into a read-only page", or_errno(read(fd, ro, 16)), -EFAULT);
    check("  the file's position after", or_errno(lseek(fd, 0, SEEK_CUR)), 0);
    char *none = map(PAGE_SIZE, PROT_NONE);
    check("read into a PROT_NONE page", or_errno(read(fd, none, 16)), -EFAULT);
    check("write from a PROT_NONE page", or_errno(write(1, none, 16)), -EFAULT);
    check("stat64 into a read-only page", or_errno(stat64("/bin", (struct stat64 *)ro)), -EFAULT);
    check("read across USER_TOP", or_errno(read(fd, (void *)(USER_TOP - 8), 16)), -EFAULT);
    check("write across USER_TOP", or_errno(write(1, (void *)(USER_TOP - 8), 16)), -EFAULT);
    check("  the file's position after", or_errno(lseek(fd, 0, SEEK_CUR)), 0);

    /* Eight pages with a hole at the seventh: the kernel's buffer moves
     * 16 KiB at a time, so the first four pages arrive, then the copy
     * faults; the call says what it delivered, and the position moved by
     * exactly that. */
    char *buf = map(8 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    munmap(buf + 6 * PAGE_SIZE, PAGE_SIZE);
    check("read of 8 pages with a hole at the 7th", or_errno(read(fd, buf, 8 * PAGE_SIZE)),
          4 * PAGE_SIZE);
    check("  the file's position after", or_errno(lseek(fd, 0, SEEK_CUR)), 4 * PAGE_SIZE);
    lseek(fd, 0, SEEK_SET);
    check("read of 3 pages with a hole at the 7th of 8",
          or_errno(read(fd, buf + 4 * PAGE_SIZE, 3 * PAGE_SIZE)), -EFAULT);
    check("  the file's position after", or_errno(lseek(fd, 0, SEEK_CUR)), 0);
    close(fd);
    fd = open("/hostile.out", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check("write of 8 pages with a hole at the 7th", or_errno(write(fd, buf, 8 * PAGE_SIZE)),
          4 * PAGE_SIZE);
    struct stat64 st;
    fstat64(fd, &st);
    check("  the file's size after", (long)st.st_size, 4 * PAGE_SIZE);
    check("  the file's position after", or_errno(lseek(fd, 0, SEEK_CUR)), 4 * PAGE_SIZE);
    close(fd);
    unlink("/hostile.out");

    /* A pipe's bytes are not lost to a bad buffer: a read into one the
     * program cannot write says -EFAULT and leaves them; a buffer whose
     * end runs into a hole takes what fits, and the rest stays. */
    int p[2];
    pipe(p);
    write(p[1], "abcdefgh", 8);
    check("read of a pipe into a read-only page", or_errno(read(p[0], ro, 8)), -EFAULT);
    check("read of a pipe into 4 bytes before a hole",
          or_errno(read(p[0], buf + 6 * PAGE_SIZE - 4, 8)), 4);
    char rest[8] = "";
    check("  then the other 4", or_errno(read(p[0], rest, 8)), 4);
    check("  which are efgh", memcmp(buf + 6 * PAGE_SIZE - 4, "abcd", 4) |
          memcmp(rest, "efgh", 4), 0);
    close(p[0]);
    close(p[1]);

    /* Positions past 4 GiB: the bytes go there (not to where the
     * position's low 32 bits point), and past what ext2 can hold the
     * write says -EFBIG. */
    fd = open("/hostile.far", O_RDWR | O_CREAT | O_TRUNC, 0644);
    check("pwrite64 at 2^32 + 5", syscall6(NR_pwrite64, fd, (long)"far", 3, 5, 1, 0), 3);
    char back[8] = "";
    check("pread64 at 0 after it", syscall6(NR_pread64, fd, (long)back, 8, 0, 0, 0), 8);
    check("  its bytes 5 to 7 are zeros", back[5] | back[6] | back[7], 0);
    check("pwrite64 at 2^40 + 5", syscall6(NR_pwrite64, fd, (long)"far", 3, 5, 0x100, 0), -EFBIG);
    check("pwrite64 at 2^63 - 2",
          syscall6(NR_pwrite64, fd, (long)"far", 3, (long)0xFFFFFFFE, 0x7FFFFFFF, 0), -EFBIG);
    check("pwrite64 at a negative position", syscall6(NR_pwrite64, fd, (long)"far", 3, 0, -1, 0),
          -EINVAL);
    fstat64(fd, &st);
    check("  the size is 2^32 + 8", st.st_size == (1ll << 32) + 8, 1);
    close(fd);
    unlink("/hostile.far");
}

/* Each call that takes a buffer, given one the kernel may not use: a
 * range that crosses USER_TOP (its first bytes are the stack's), a
 * PROT_NONE page, and -- for the calls that store into it -- a read-only
 * page.  Each says -EFAULT. */
static int buf_fd = -1;                 /* /bin/hostile, for the calls that read a file */
static int dir_fd = -1;                 /* /bin */
static void *buf;                       /* the buffer of the round */

static long c_read(void) { return read(buf_fd, buf, 64); }
static long c_pread(void) { return pread(buf_fd, buf, 64, 0); }
static long c_write(void) { return write(1, buf, 64); }
static long c_stat(void) { return stat64("/bin", buf); }
static long c_fstat(void) { return fstat64(buf_fd, buf); }
static long c_getcwd(void) { return syscall6(NR_getcwd, (long)buf, 64, 0, 0, 0, 0); }
static long c_clock(void) { return clock_gettime(CLOCK_MONOTONIC, buf); }
static long c_sysinfo(void) { return sysinfo(buf); }
static long c_pipe(void) { return pipe(buf); }
static long c_poll(void) { return poll(buf, 1, 0); }
static long c_llseek(void) { return llseek(buf_fd, 0, buf, SEEK_SET); }
static long c_getdents(void)
{
    lseek(dir_fd, 0, SEEK_SET);
    return getdents64(dir_fd, buf, 256);
}
static long c_swiod_ps(void) { return swiod_ps(buf, 4); }
static long c_nanosleep(void) { return nanosleep(buf, 0); }
static long c_wait4(void) { return wait4_of_an_exited_child(buf); }

static const struct buf_call {
    const char *name;
    long (*call)(void);
    bool stores;                        /* the kernel writes the buffer */
} buf_calls[] = {
    { "read", c_read, true }, { "pread64", c_pread, true }, { "write", c_write, false },
    { "stat64", c_stat, true }, { "fstat64", c_fstat, true }, { "getcwd", c_getcwd, true },
    { "clock_gettime", c_clock, true }, { "sysinfo", c_sysinfo, true },
    { "pipe", c_pipe, true }, { "poll", c_poll, true }, { "_llseek", c_llseek, true },
    { "getdents64", c_getdents, true }, { "swiod_ps", c_swiod_ps, true },
    { "nanosleep", c_nanosleep, false }, { "wait4", c_wait4, true },
};

static void buffers(void)
{
    buf_fd = open("/bin/hostile", O_RDONLY);
    dir_fd = open("/bin", O_RDONLY | O_DIRECTORY);
    struct pollfd *ro = map(PAGE_SIZE, PROT_READ | PROT_WRITE);
    ro->fd = 1;                         /* poll reads a good entry, then cannot store */
    ro->events = POLLOUT;
    mprotect(ro, PAGE_SIZE, PROT_READ);
    void *none = map(PAGE_SIZE, PROT_NONE);
    void *const kinds[] = { (void *)(USER_TOP - 1), none, ro };     /* 1 byte: all need more */
    const char *kind_names[] = { "across USER_TOP", "in a PROT_NONE page", "in a read-only page" };
    int wrong = 0, tried = 0;
    for (size_t c = 0; c < sizeof(buf_calls) / sizeof(buf_calls[0]); c++) {
        for (int k = 0; k < 3; k++) {
            const struct buf_call *b = &buf_calls[c];
            if (k == 2 && !b->stores)
                continue;
            buf = kinds[k];
            long r = or_errno(b->call());
            tried++;
            if (r != -EFAULT) {
                printf("hostile: %s given a buffer %s: got %d, want %d  WRONG\n", b->name,
                       kind_names[k], (int)r, -EFAULT);
                wrong++;
            }
        }
    }
    check_wrong += wrong;
    printf("hostile: %d calls given %d bad buffers: %d not -EFAULT\n",
           (int)(sizeof(buf_calls) / sizeof(buf_calls[0])), tried, wrong);
    close(buf_fd);
    close(dir_fd);
}

/* The directory tree asked what would break it: a directory moved into
 * itself (a loop no path reaches), and the mismatches Linux refuses.
 * e2fsck after the boot says whether the tree held. */
static void names(void)
{
    mkdir("/hx", 0755);
    mkdir("/hx/sub", 0755);
    mkdir("/hx/full", 0755);
    close(open("/hx/full/f", O_WRONLY | O_CREAT, 0644));
    close(open("/hx/file", O_WRONLY | O_CREAT, 0644));
    check("rename a directory into its own child", or_errno(rename("/hx", "/hx/sub/in")), -EINVAL);
    check("rename a directory onto its own child", or_errno(rename("/hx", "/hx/sub")), -EINVAL);
    check("rename a directory to itself", or_errno(rename("/hx/sub", "/hx/sub")), 0);
    check("rmdir a directory with a file", or_errno(rmdir("/hx/full")), -ENOTEMPTY);
    check("unlink a directory", or_errno(unlink("/hx/sub")), -EISDIR);
    check("rename a file over a directory", or_errno(rename("/hx/file", "/hx/sub")), -EISDIR);
    check("rename a directory over a file", or_errno(rename("/hx/sub", "/hx/file")), -ENOTDIR);
    check("rename a directory over a full one", or_errno(rename("/hx/sub", "/hx/full")),
          -ENOTEMPTY);
    check("mkdir of a name that is there", or_errno(mkdir("/hx/file", 0755)), -EEXIST);
    check("a file as a directory", or_errno(open("/hx/file/x", O_RDONLY)), -ENOTDIR);
    unlink("/hx/full/f");
    rmdir("/hx/full");
    unlink("/hx/file");
    rmdir("/hx/sub");
    check("rmdir the emptied directory", or_errno(rmdir("/hx")), 0);
}

/* poll on one pipe named POLL_FDS_MAX times: a writer that closes wakes
 * every entry; a poller killed in its wait leaves no waiter behind on
 * the pipe (the pipe's next reader and writer go on). */
static void poll_one_pipe_many_times(void)
{
    int p[2];
    pipe(p);
    struct pollfd fds[16];
    int n = 0;
    fds[n++] = (struct pollfd){ p[0], POLLIN, 0 };
    for (int fd; n < 13 && (fd = dup(p[0])) >= 0;)
        fds[n++] = (struct pollfd){ fd, POLLIN, 0 };
    while (n < 16)                      /* the same descriptor again, as Linux allows */
        fds[n++] = (struct pollfd){ p[0], POLLIN, 0 };
    pid_t closer = fork();
    if (closer == 0) {
        nap_ms(100);
        exit(0);                        /* its copy of the write end goes with it */
    }
    close(p[1]);
    check("poll of one pipe 16 times, its writer gone", or_errno(poll(fds, 16, 5000)), 16);
    waitpid(closer, 0, 0);
    for (int i = 1; i < 13; i++)
        close(fds[i].fd);
    close(p[0]);

    pipe(p);
    pid_t poller = fork();
    if (poller == 0) {
        for (int i = 0; i < 16; i++)
            fds[i] = (struct pollfd){ p[0], POLLIN, 0 };
        poll(fds, 16, -1);
        exit(1);
    }
    nap_ms(100);
    kill(poller, SIGKILL);
    int status = 0;
    waitpid(poller, &status, 0);
    check("a poller killed in its wait: its signal", WTERMSIG(status), SIGKILL);
    char c = 0;
    check("  the pipe carries a byte after", or_errno(write(p[1], "z", 1)) +
          or_errno(read(p[0], &c, 1)) + (c == 'z'), 3);
    close(p[0]);
    close(p[1]);
}

/* poll, wait4 and kill given numbers out of every range. */
static void numbers(void)
{
    struct pollfd *ro = map(PAGE_SIZE, PROT_READ);
    check("poll of 2^31 descriptors", or_errno(poll((struct pollfd *)KERNEL_HALF, 0x80000000u, 0)),
          -EINVAL);
    check("poll of 2^32 - 1 descriptors", or_errno(poll(0, 0xFFFFFFFFu, 0)), -EINVAL);
    check("poll given the kernel's half", or_errno(poll((struct pollfd *)KERNEL_HALF, 1, 0)),
          -EFAULT);
    check("poll storing into a read-only page", or_errno(poll(ro, 1, 0)), -EFAULT);
    check("poll of nothing", or_errno(poll(0, 0, 0)), 0);

    pid_t child = fork();
    if (child == 0)
        exit(7);
    struct timespec nap = { 0, 100 * 1000 * 1000 };
    nanosleep(&nap, 0);                 /* let it end first */
    check("wait4 storing the status into the kernel's half",
          or_errno(wait4(child, (int *)KERNEL_HALF, 0, 0)), -EFAULT);
    check("wait4 storing the status into a read-only page",
          or_errno(wait4(-1, (int *)ro, WNOHANG, 0)), -ECHILD);

    check("kill of pid 0", or_errno(kill(0, SIGKILL)), -EINVAL);
    check("kill of pid -1", or_errno(kill(-1, SIGKILL)), -EINVAL);
    check("kill of pid -2^31", or_errno(kill((pid_t)0x80000000u, SIGKILL)), -EINVAL);
    check("kill of pid 2^31 - 1", or_errno(kill(0x7FFFFFFF, SIGKILL)), -ESRCH);
    check("kill of a kernel task (pid 2)", or_errno(kill(2, SIGKILL)), -ESRCH);
    check("kill with signal 99", or_errno(kill(getpid(), 99)), -EINVAL);
    check("kill with signal -1", or_errno(kill(getpid(), -1)), -EINVAL);
}

/* execve of argv that runs into a hole, and of files that are no
 * program: each fails, and this program goes on. */
static void execs(void)
{
    char *page = map(2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    munmap(page + PAGE_SIZE, PAGE_SIZE);
    char **argv = (char **)(page + PAGE_SIZE - 2 * sizeof(char *));
    argv[0] = "/bin/hello";
    argv[1] = "half way";               /* and argv[2] is in the hole */
    check("execve with argv running into a hole", or_errno(execve("/bin/hello", argv, 0)),
          -EFAULT);
    char *s = page + PAGE_SIZE - 4;
    memcpy(s, "abcd", 4);               /* no NUL before the hole */
    char *strs[] = { "/bin/hello", s, 0 };
    check("execve with a string running into a hole", or_errno(execve("/bin/hello", strs, 0)),
          -EFAULT);
    char *envs[] = { "A=b", s, 0 };
    char *args[] = { "/bin/hello", 0 };
    check("execve with an env string running into a hole",
          or_errno(execve("/bin/hello", args, envs)), -EFAULT);

    int fd = open("/hostile.empty", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    close(fd);
    check("execve of a 0-byte file", or_errno(execve("/hostile.empty", args, 0)), -ENOEXEC);
    unlink("/hostile.empty");
    fd = open("/hostile.sh", O_WRONLY | O_CREAT | O_TRUNC, 0755);
    write(fd, "#!/bin/sh\necho hi\n", 18);
    close(fd);
    check("execve of a #! script", or_errno(execve("/hostile.sh", args, 0)), -ENOEXEC);
    unlink("/hostile.sh");
}

static volatile uint32_t depth_limit = 0xFFFFFFFFu;  /* never reached: the stack ends first */

/* Deep enough frames that the stack runs out in a few hundred calls. */
static uint32_t recurse(volatile char *up, uint32_t depth)
{
    volatile char frame[1024];
    frame[0] = (char)depth;
    if (depth == depth_limit)
        return 0;
    return recurse(frame, depth + 1) + (uint32_t)up[0];
}

/* A shared mapping made before anything else gets the highest free
 * range: the nearest to the stack.  A child recurses; its stack must end
 * in a fault on the stack's own end (SIGSEGV), not run on into that
 * mapping, which the parent then reads unchanged.  Then this process
 * recurses too, for whoever started it to see how it ended. */
static int run_recurse(void)
{
    uint32_t *near = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (near == MAP_FAILED) {
        perror("hostile: mmap");
        return 100;
    }
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        near[i] = 0x600d600d;
    pid_t child = fork();
    if (child == 0)
        recurse((volatile char *)near, 0);
    int status = 0;
    waitpid(child, &status, 0);
    check("a child that recursed: its signal", WTERMSIG(status), SIGSEGV);
    uint32_t changed = 0;
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        changed += near[i] != 0x600d600d;
    check("words changed in the mapping nearest the stack", (long)changed, 0);
    printf("hostile: recursing\n");
    recurse((volatile char *)near, 0);
    printf("hostile: still alive\n");
    return 1;
}

/* One-page mappings, each unlike its neighbour (read-only, PROT_NONE in
 * turn), until the kernel says no (VM_AREAS_MAX); then a cut that would
 * split an area says no too, and with one mapping gone a new one fits. */
static int run_areas(void)
{
    char *three = map(3 * PAGE_SIZE, PROT_READ);
    long n = 0, r;
    uint32_t last = 0;
    while ((uint32_t)(r = raw_mmap(0, PAGE_SIZE, n % 2 ? PROT_NONE : PROT_READ, ANON)) <
           USER_TOP) {
        last = (uint32_t)r;
        n++;
    }
    printf("hostile: %d mappings, then %d\n", (int)n, (int)r);
    check("mmap past the limit", r, -ENOMEM);
    check("mprotect of a page in the middle of an area",
          or_errno(mprotect(three + PAGE_SIZE, PAGE_SIZE, PROT_NONE)), -ENOMEM);
    check("munmap of a page in the middle of an area",
          or_errno(munmap(three + PAGE_SIZE, PAGE_SIZE)), -ENOMEM);
    check("its pages still read", three[PAGE_SIZE], 0);
    check("munmap of a whole mapping", or_errno(munmap((void *)last, PAGE_SIZE)), 0);
    check("then a mapping fits again",
          raw_mmap(0, PAGE_SIZE, PROT_READ, ANON) < (long)USER_TOP, 1);
    printf("hostile: %d wrong\n", check_wrong);
    return check_wrong;
}

/* Instructions a program may not use, or that trap: each in a child of
 * its own, which the kernel must end with Linux's signal for it. */
static void insn_int3(void) { __asm__ volatile("int3"); }
static void insn_ud2(void) { __asm__ volatile("ud2"); }
static void insn_hlt(void) { __asm__ volatile("hlt"); }
static void insn_cli(void) { __asm__ volatile("cli"); }
static void insn_outb(void) { __asm__ volatile("outb %%al, $0x80" : : "a"(0)); }
static void insn_divide(void)
{
    __asm__ volatile("divl %%ecx" : : "a"(1), "d"(0), "c"(0));
}
static void insn_int_timer(void) { __asm__ volatile("int $0x20"); }
static void insn_int_page_fault(void) { __asm__ volatile("int $0x0e"); }
static void insn_lgdt(void)
{
    static uint8_t gdtr[6];
    __asm__ volatile("lgdt %0" : : "m"(gdtr));
}
static void insn_bad_selector(void) { __asm__ volatile("mov %0, %%ds" : : "r"(0x08 | 3)); }
static void insn_far_call_kernel(void)
{
    static const uint32_t far[2] = { 0x100000, 0x08 };
    __asm__ volatile("lcall *%0" : : "m"(far));
}
/* The trap flag set from user mode: the next instruction traps. */
static void insn_single_step(void)
{
    __asm__ volatile("pushf; orl $0x100, (%%esp); popf; nop" : : : "memory");
}
/* The nested-task flag set from user mode, then a system call: the
 * kernel's iret must not take it for a task return. */
static void insn_nested_task(void)
{
    __asm__ volatile("pushf; orl $0x4000, (%%esp); popf" : : : "memory");
    getpid();
    __asm__ volatile("pushf; andl $~0x4000, (%%esp); popf" : : : "memory");
    exit(0);
}

static const struct insn_case {
    const char *name;
    void (*run)(void);
    int sig;                            /* Linux's; 0: exits 0 */
} insn_cases[] = {
    { "int3", insn_int3, SIGTRAP }, { "ud2", insn_ud2, SIGILL }, { "hlt", insn_hlt, SIGSEGV },
    { "cli", insn_cli, SIGSEGV }, { "outb", insn_outb, SIGSEGV },
    { "a division by zero", insn_divide, SIGFPE },
    { "int $0x20 (the timer's vector)", insn_int_timer, SIGSEGV },
    { "int $0x0e (the page fault's vector)", insn_int_page_fault, SIGSEGV },
    { "lgdt", insn_lgdt, SIGSEGV }, { "a kernel selector into ds", insn_bad_selector, SIGSEGV },
    { "a far call to the kernel's code segment", insn_far_call_kernel, SIGSEGV },
    { "the trap flag", insn_single_step, SIGTRAP },
    { "the nested-task flag across a system call", insn_nested_task, 0 },
};

static int run_insns(void)
{
    for (size_t i = 0; i < sizeof(insn_cases) / sizeof(insn_cases[0]); i++) {
        const struct insn_case *c = &insn_cases[i];
        pid_t child = fork();
        if (child == 0) {
            c->run();
            exit(99);                   /* it should not have got here */
        }
        int status = 0;
        waitpid(child, &status, 0);
        char what[80];
        snprintf(what, sizeof(what), "%s: the signal", c->name);
        check(what, c->sig ? WTERMSIG(status) : WEXITSTATUS(status), c->sig);
    }
    printf("hostile: %d wrong\n", check_wrong);
    return check_wrong;
}


/* Loopback connections whose reader never reads, each written until the
 * kernel says -EAGAIN, in as many processes as the limit allows (each as
 * many connections as its descriptors allow): the socket buffers of them
 * all are more than memory holds.  Each child says how far it got; then
 * they are killed and every connection must go. */
static int run_socket_flood(uint16_t port)
{
    struct sockaddr_in any = { .sin_family = AF_INET, .sin_port = htons(port),
                               .sin_addr = htonl(INADDR_ANY) };
    struct sockaddr_in lo = any;
    lo.sin_addr = htonl(0x7F000001);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check("bind", or_errno(bind(l, &any, sizeof(any))), 0);
    check("listen", or_errno(listen(l, 8)), 0);
    int report[2];
    pipe(report);
    pid_t kids[64];
    int n = 0;
    for (; n < 64; n++) {
        pid_t k = fork();
        if (k < 0)
            break;
        if (k == 0) {
            long bytes = 0, last = 0;
            int conns = 0;
            for (;;) {
                int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                if (c < 0 || or_errno(connect(c, &lo, sizeof(lo))) != -EINPROGRESS)
                    break;
                struct pollfd p = { l, POLLIN, 0 };
                poll(&p, 1, 2000);
                int a = accept4(l, 0, 0, 0);
                if (a < 0)
                    break;
                conns++;
                while ((last = or_errno(write(c, "0123456789abcdef", 16))) > 0)
                    bytes += last;
            }
            char line[120];
            int len = snprintf(line, sizeof(line), "hostile: child %d: %d connections, %d bytes "
                               "queued, last write %d\n", getpid(), conns, (int)bytes, (int)last);
            write(1, line, (size_t)len);
            write(report[1], "x", 1);
            for (;;)
                nap_ms(1000000);
        }
        kids[n] = k;
        char x;
        read(report[0], &x, 1);         /* one at a time: the listener is shared */
    }
    struct sysinfo si;
    sysinfo(&si);
    printf("hostile: %d processes flooding; %d pages free\n", n, (int)si.freeram);
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    for (int i = 0; i < n; i++) {
        int status = 0;
        waitpid(kids[i], &status, 0);
        if (WTERMSIG(status) != SIGKILL)
            check("a flooding child's end", WTERMSIG(status), SIGKILL);
    }
    close(l);
    nap_ms(3000);                       /* TIME_WAIT (2 s) is over for all */
    printf("hostile: %d wrong\n", check_wrong);
    return check_wrong;
}

/* execve of itself, n times over, each with an argv and environment:
 * every old space, its areas and its pages must go each time (the boot
 * counts the free pages after). */
static int run_execs(long n)
{
    if (n <= 0) {
        printf("hostile: the last of the execs\n");
        return 0;
    }
    char count[16];
    snprintf(count, sizeof(count), "%d", (int)(n - 1));
    char *argv[] = { "/bin/hostile", "exec", count, 0 };
    char *envp[] = { "HOSTILE=exec", 0 };
    map(4 * PAGE_SIZE, PROT_READ | PROT_WRITE);     /* something for exec to take away */
    execve("/bin/hostile", argv, envp);
    perror("hostile: execve");
    return 1;
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "exec") == 0)
        return run_execs(atol_or(argv[2], 0));
    if (argc > 2 && strcmp(argv[1], "sockets") == 0)
        return run_socket_flood((uint16_t)atol_or(argv[2], 7777));
    if (argc > 1 && strcmp(argv[1], "insns") == 0)
        return run_insns();
    if (argc > 1 && strcmp(argv[1], "recurse") == 0)
        return run_recurse();
    if (argc > 1 && strcmp(argv[1], "areas") == 0)
        return run_areas();
    memory_calls();
    user_copies();
    buffers();
    names();
    poll_one_pipe_many_times();
    numbers();
    execs();
    printf("hostile: %d wrong\n", check_wrong);
    return check_wrong;
}
