/*
 * syscall_fuzz.c - the seeded system-call fuzzer: `syscall_fuzz seed=N
 * calls=N` makes that many random system calls (default 100000; the
 * seed, default from the clock, is printed first so that a run can be
 * made again) with arguments drawn from values that hurt: 0, -1, small
 * numbers (fds), pointers into nothing, into the kernel's half, across
 * the end of an area and wrapping past 4 GiB, lengths of 2^32 - 4096.
 * The kernel must stay up and give back every page; this process may
 * die (a fault it made itself), and says so if it gets to the end.
 *
 * Half the calls are numbers of include/syscall_nr.h, the others any
 * number up to NR_MAX.  It spares itself the calls that would only end
 * the run early, never end it, or reach outside it:
 * - exit and exit_group; kill of a pid that could be alive (it could end
 *   the machine's other processes: only pid 0, negative pids -- process
 *   groups, "every process" -- and pids from KILL_SPARED_BELOW on are
 *   sent); nanosleep, pipe and pipe2 (a random time can be decades;
 *   a read of its own empty pipe waits forever, and nothing interrupts it);
 * - a read from the console (fds 0-2: it would wait for typing), a write
 *   to it from memory that may be there (noise, or a gigabyte of zeros
 *   from a demand-zero area), close or dup2 onto it (the last line would
 *   be lost), dup, dup2 or fcntl of it (a copy above 2 would slip past these
 *   rules);
 * - socket (a connection or a listener could wait for a peer for ever);
 *   poll with a timeout other than 0 (it may wait for ever, on nothing);
 * - making names: mkdir, and open's O_CREAT, which is taken out (a name
 *   drawn from its own memory -- "ELF", from its header -- stays on the
 *   disk and in the caches, which the test's count of free pages cannot
 *   tell from a leak);
 * - mapping, unmapping, protecting or moving the heap's end below
 *   0x40000000 (its own program and heap) or up to 0xB0000000 and beyond
 *   (its stack).
 * A fork's child exits at once and the parent waits for it, so the run
 * stays one process.  Any other way it kills itself is still a test.
 */
#include <stdbool.h>
#include "ulib.h"

#define NR_MAX      400                 /* past the highest Linux i386 number it knows */
#define SPARED_LOW  0x40000000u         /* the program and its heap live below */
#define SPARED_HIGH 0xB0000000u         /* its stack lives above */
#define CONSOLE_FDS 3                   /* 0, 1 and 2 */
#define KILL_SPARED_BELOW 0x10000000u   /* the pids a run can meet are far below */

static uint32_t state;

static uint32_t next(void)
{
    state ^= state << 13;               /* xorshift32 */
    state ^= state >> 17;
    state ^= state << 5;
    return state;
}

static long arg(void)
{
    static const uint32_t bad[] = {
        0, 0xFFFFFFFFu, 1, 4096, 0xC0000000u, 0xC0100000u, 0xBFFFFFFCu, 0xFFFFFFF0u,
        0x08048000u, 0x7FFFFFFFu, 0x40000000u, 0x80000000u, 0xFFFFF000u,
    };
    switch (next() % 4) {
    case 0:  return (long)bad[next() % (sizeof(bad) / sizeof(bad[0]))];
    case 1:  return (long)(next() % 64);
    case 2:  return (long)(SPARED_LOW + (next() % 0x60000) * PAGE_SIZE);   /* aligned, high */
    default: return (long)next();
    }
}

static const long known[] = {
    NR_fork, NR_read, NR_write, NR_open, NR_close, NR_unlink, NR_execve, NR_chdir, NR_lseek,
    NR_getpid, NR_rename, NR_mkdir, NR_rmdir, NR_dup, NR_brk, NR_dup2, NR_getppid,
    NR_munmap, NR_wait4, NR_sysinfo, NR_fsync, NR_mprotect, NR_msync, NR_mlock, NR_munlock,
    NR_mlockall, NR_munlockall, NR_sched_yield, NR_prctl, NR_pread64, NR_pwrite64, NR_getcwd,
    NR_mmap2, NR_stat64, NR_fstat64, NR_getdents64, NR_clock_gettime, NR_swiod_ps, NR_poll,
    NR_kill,
};

static long number(void)
{
    return next() % 2 ? known[next() % (sizeof(known) / sizeof(known[0]))]
                      : (long)(next() % NR_MAX);
}

/* Whether [a, a + len) touches the program, its heap or its stack. */
static bool reaches_own(uint32_t a, uint32_t len)
{
    uint32_t end = a + len;
    return a < SPARED_LOW || end < a || end > SPARED_HIGH;
}

static bool spared(long nr, const long *a)
{
    bool console = (uint32_t)a[0] < CONSOLE_FDS;
    switch (nr) {
    case NR_exit: case NR_exit_group: case NR_nanosleep: case NR_pipe:
    case NR_pipe2:
    case NR_mkdir: case NR_socket:
        return true;
    case NR_kill:                       /* pid 0, negative or far past any alive: harmless */
        return (int32_t)a[0] > 0 && (uint32_t)a[0] < KILL_SPARED_BELOW;
    case NR_read: case NR_pread64: case NR_close:
        return console;
    case NR_write: case NR_pwrite64:
        return console && (uint32_t)a[1] < 0xC0000000u;
    case NR_dup: case NR_fcntl:
        return console;
    case NR_poll:
        return a[2] != 0;
    case NR_dup2:
        return console || (uint32_t)a[1] < CONSOLE_FDS;
    case NR_munmap: case NR_mprotect:
        return reaches_own((uint32_t)a[0], (uint32_t)a[1]);
    case NR_mmap2:                      /* 0 asks mmap2 to choose: harmless */
        return a[0] != 0 && reaches_own((uint32_t)a[0], (uint32_t)a[1]);
    case NR_brk:                        /* 0 asks where the heap ends */
        return a[0] != 0 && reaches_own((uint32_t)a[0], 0);
    default:
        return false;
    }
}

int main(int argc, char **argv)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    uint32_t seed = (uint32_t)arg_long(argc, argv, "seed", now.tv_nsec ^ now.tv_sec);
    long calls = arg_long(argc, argv, "calls", 100000), errors = 0, made = 0;
    printf("syscall_fuzz: seed %u, %d calls (again: syscall_fuzz seed=%u calls=%d)\n", seed,
           (int)calls, seed, (int)calls);
    state = seed * 2654435761u + 1;     /* never 0: xorshift would stay there */
    for (long i = 0; i < calls; i++) {
        long nr = number(), a[6];
        for (int j = 0; j < 6; j++)
            a[j] = arg();
        if (spared(nr, a))
            continue;
        if (nr == NR_open)
            a[1] &= ~O_CREAT;
        long r = syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
        if (nr == NR_fork && r == 0)
            exit(0);
        if (nr == NR_fork && r > 0)
            wait4(r, 0, 0, 0);
        errors += r < 0 && r >= -4095;
        made++;
    }
    printf("syscall_fuzz: seed %u: %d calls made, %d said an error; still alive\n", seed,
           (int)made, (int)errors);
    return 0;
}
