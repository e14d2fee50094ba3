/*
 * connkill.c - a connect that nobody answers, ended three ways; run in a
 * boot where every TCP segment received is dropped (net_drop=1), so a
 * SYN is never answered and a connect waits.  A child blocked in
 * connect is killed (SIGKILL): it must end at once, not when the SYN
 * retries run out some 20 s later; a connect with SO_SNDTIMEO gives up
 * with -ETIMEDOUT when that runs out; a non-blocking connect says
 * -EINPROGRESS and is closed while still opening.  The harness then runs
 * the monitor's netstat: none of the three may be left.
 *
 * Each result is or_errno()'s; exits with the count of wrong ones.
 */
#include "ulib.h"

#define PORT        7040
#define LOOPBACK    0x7F000001u

static long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int main(void)
{
    struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons(PORT),
                              .sin_addr = htonl(LOOPBACK) };
    pid_t child = fork();
    if (child == 0) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        long r = or_errno(connect(fd, &lo, sizeof(lo)));
        printf("connkill: the child's connect returned %d: it was not killed\n", (int)r);
        exit(1);
    }
    struct timespec half = { 0, 500000000 };
    nanosleep(&half, 0);
    long start = ms_now();
    check("kill the child waiting in connect", or_errno(kill(child, SIGKILL)), 0);
    int status = 0;
    waitpid(child, &status, 0);
    long took = ms_now() - start;
    check("it ended by SIGKILL", WTERMSIG(status), SIGKILL);
    check("within a second", took < 1000, 1);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct timeval tv = { 0, 400000 };
    check("SO_SNDTIMEO 400 ms", or_errno(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))),
          0);
    start = ms_now();
    check("connect with it", or_errno(connect(fd, &lo, sizeof(lo))), -ETIMEDOUT);
    took = ms_now() - start;
    check("after 400 ms, within 2 s", took >= 400 && took < 2000, 1);
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check("a non-blocking connect", or_errno(connect(fd, &lo, sizeof(lo))), -EINPROGRESS);
    check("again while it is opening", or_errno(connect(fd, &lo, sizeof(lo))), -EALREADY);
    close(fd);
    printf("connkill: %d wrong\n", check_wrong);
    return check_wrong;
}
