/*
 * sleeper.c - the time calls: nanosleep sleeps at least what was asked
 * (measured with clock_gettime's monotonic clock), bad arguments fail
 * with their errno, sched_yield returns.  Exits with the number of
 * checks that failed.
 */
#include "ulib.h"

static long ms_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

int main(void)
{
    struct timespec t0, t1, nap = { 1, 500 * 1000000 }, bad = { 0, 1000000000 };
    check("clock_gettime(CLOCK_MONOTONIC)", clock_gettime(CLOCK_MONOTONIC, &t0), 0);
    check("nanosleep 1.5 s", nanosleep(&nap, 0), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long slept = ms_between(&t0, &t1);
    check("it slept at least 1500 ms", slept >= 1500, 1);
    check("and not much more (under 2.5 s)", slept < 2500, 1);
    check("nanosleep with 10^9 ns", or_errno(nanosleep(&bad, 0)), -EINVAL);
    check("nanosleep from the kernel's half", or_errno(nanosleep((void *)0xC0100000, 0)), -EFAULT);
    check("clock_gettime into NULL", or_errno(clock_gettime(CLOCK_MONOTONIC, 0)), -EFAULT);
    check("clock_gettime(CLOCK_REALTIME): no wall clock", or_errno(clock_gettime(0, &t1)), -EINVAL);
    check("sched_yield", sched_yield(), 0);
    printf("sleeper: slept %d ms; %d wrong\n", (int)slept, check_wrong);
    return check_wrong;
}
