/*
 * consoleidle.c - the console with nothing typed, run as the first
 * program (init=) of a boot given no input: poll says it is not POLLIN
 * for as long as its timeout, and a read under O_NONBLOCK says -EAGAIN
 * instead of waiting for a line.  (user/nonblock.c checks a typed line.)
 * Exits with the count of wrong results.
 */
#include "ulib.h"

int main(void)
{
    struct timespec t0, t1;
    struct pollfd p = { 0, POLLIN, 0 };
    char c;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    check("nothing typed: poll for 300 ms", or_errno(poll(&p, 1, 300)), 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
    check("it waited 300 ms or more", ms >= 300, 1);
    check("F_SETFL O_NONBLOCK on fd 0", or_errno(fcntl(0, F_SETFL, O_NONBLOCK)), 0);
    check("a read of the console", or_errno(read(0, &c, 1)), -EAGAIN);
    check("F_SETFL 0", or_errno(fcntl(0, F_SETFL, 0)), 0);
    printf("consoleidle: %d wrong\n", check_wrong);
    return check_wrong;
}
