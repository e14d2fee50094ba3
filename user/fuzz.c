/*
 * fuzz.c - a seeded system-call fuzzer: fuzz SEED CALLS makes CALLS
 * random system calls (half of them ones the kernel has, half any number
 * up to 299) with arguments drawn from values that hurt: 0, -1, small
 * numbers, pointers into nothing, into the kernel's half, across the end
 * of an area and wrapping past 4 GiB.  The kernel must stay up; this
 * process may die (a segfault it made itself), and says so if it gets to
 * the end.
 *
 * It spares itself the calls that would only end the run early or
 * never: exit and exit_group; nanosleep (a random time can be decades,
 * and nothing can interrupt it before signals exist); a write to the
 * console (fds 0-2) from memory that may be there (which would fill the
 * log with noise, or with a gigabyte of zeros from a demand-zero area);
 * and mapping or unmapping below 0x40000000 (its own program and heap)
 * or up to 0xB0000000 and beyond (its stack).  Any other way it kills
 * itself is still a test.
 */
#include <stdbool.h>
#include "ulib.h"

#define NR_MAX      300
#define SPARED_LOW  0x40000000u         /* the program and its heap live below */
#define SPARED_HIGH 0xB0000000u         /* its stack lives above */

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
        0x08048000u, 0x7FFFFFFFu, 0x40000000u, 0x80000000u,
    };
    switch (next() % 4) {
    case 0:  return (long)bad[next() % (sizeof(bad) / sizeof(bad[0]))];
    case 1:  return (long)(next() % 64);
    case 2:  return (long)(SPARED_LOW + (next() % 0x60000) * PAGE_SIZE);   /* aligned, high */
    default: return (long)next();
    }
}

/* Half the calls are ones the kernel has: the rest mostly say -ENOSYS. */
static long number(void)
{
    static const long known[] = {
        NR_write, NR_execve, NR_getpid, NR_brk, NR_getppid, NR_munmap, NR_wait4, NR_mmap2,
    };
    return next() % 2 ? known[next() % (sizeof(known) / sizeof(known[0]))]
                      : (long)(next() % NR_MAX);
}

int main(int argc, char **argv)
{
    state = (uint32_t)atol_or(argc > 1 ? argv[1] : 0, 1) * 2654435761u + 1;
    long calls = atol_or(argc > 2 ? argv[2] : 0, 10000), errors = 0;
    for (long i = 0; i < calls; i++) {
        long nr = number(), a[6];
        for (int j = 0; j < 6; j++)
            a[j] = arg();
        if (nr == NR_exit || nr == NR_exit_group || nr == NR_nanosleep)
            continue;
        if (nr == NR_write && (uint32_t)a[0] <= 2 && (uint32_t)a[1] < 0xC0000000u)
            continue;
        /* 0 asks brk where the heap ends and mmap2 to choose: harmless. */
        uint32_t end = (uint32_t)a[0] + (uint32_t)a[1];
        bool reaches_stack = end < (uint32_t)a[0] || end > SPARED_HIGH;
        if ((nr == NR_munmap || ((nr == NR_mmap2 || nr == NR_brk) && a[0] != 0)) &&
            ((uint32_t)a[0] < SPARED_LOW || reaches_stack))
            continue;
        errors += syscall6(nr, a[0], a[1], a[2], a[3], a[4], a[5]) < 0;
    }
    printf("fuzz: seed %s: %d calls made, %d said an error; still alive\n",
           argc > 1 ? argv[1] : "1", (int)calls, (int)errors);
    return 0;
}
