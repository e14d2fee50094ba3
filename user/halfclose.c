/*
 * halfclose.c - shutdown() as Linux's, checked with exact bytes.
 *
 *   halfclose            over the guest's loopback, both ends in this
 *                        process: SHUT_WR sends the FIN after the queued
 *                        bytes, the peer reads them and then the end, and
 *                        this end still reads what the peer sends after;
 *                        the peer's own FIN then ends this end's reads; a
 *                        write after SHUT_WR says -EPIPE with
 *                        MSG_NOSIGNAL and ends a process as SIGPIPE does
 *                        without; SHUT_RD makes a read return 0 at once;
 *                        SHUT_RDWR sends a FIN (the peer reads the end,
 *                        not a reset).
 *   halfclose host PORT  against tests/harness's half-close peer at
 *                        10.0.2.100:PORT (guestfwd): on a first
 *                        connection this end sends OUT_BYTES of
 *                        pattern(i, 1), shuts writing, and reads the
 *                        peer's IN_BYTES of pattern(i, 2) to the end; on a
 *                        second, non-blocking (connect's -EINPROGRESS,
 *                        then reads as poll says data came) the peer
 *                        sends IN_BYTES of pattern(i, 3) and shuts its
 *                        writing first, and this end reads them to the
 *                        end, then sends OUT_BYTES of pattern(i, 4) and
 *                        closes.  The peer checks what it got.
 *
 * Each result is or_errno()'s; exits with the count of wrong ones.
 */
#include "ulib.h"

#define PORT        7020
#define LOOPBACK    0x7F000001u
#define HOST        0x0A000264u         /* 10.0.2.100 */
#define OUT_BYTES   30000
#define IN_BYTES    50000

static uint8_t pattern(long i, int seed) { return (uint8_t)(i * (5 + 2 * seed) + (i >> 9) + seed); }

static uint8_t buf[IN_BYTES + 1];

static struct sockaddr_in address(uint32_t addr, uint16_t port)
{
    return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
                                 .sin_addr = htonl(addr) };
}

/* Read fd to its end into buf (at most cap bytes, then one more read
 * that must say the end): the count, or -errno. */
static long read_to_end(int fd, long cap)
{
    long got = 0;
    for (;;) {
        long n = or_errno(read(fd, buf + got, (size_t)(cap + 1 - got)));
        if (n <= 0)
            return n < 0 ? n : got;
        got += n;
        if (got > cap)
            return got;
    }
}

/* read_to_end() of a non-blocking fd, waiting in poll (at most 10 s a
 * time) whenever a read says -EAGAIN; -ETIMEDOUT if nothing came. */
static long read_to_end_polled(int fd, long cap)
{
    long got = 0;
    for (;;) {
        long n = or_errno(read(fd, buf + got, (size_t)(cap + 1 - got)));
        if (n == -EAGAIN) {
            struct pollfd p = { fd, POLLIN, 0 };
            if (poll(&p, 1, 10000) != 1)
                return -ETIMEDOUT;
            continue;
        }
        if (n <= 0)
            return n < 0 ? n : got;
        got += n;
        if (got > cap)
            return got;
    }
}

/* How many of buf's first n bytes are not pattern(i, seed). */
static long differ(long n, int seed)
{
    long bad = 0;
    for (long i = 0; i < n; i++)
        bad += buf[i] != pattern(i, seed);
    return bad;
}

static long send_pattern(int fd, long n, int seed)
{
    for (long i = 0; i < n; i++)
        buf[i] = pattern(i, seed);
    return or_errno(write_all(fd, buf, (size_t)n));
}

/* A connected pair over loopback: *c the client's end, *a the server's. */
static void pair(int l, int *c, int *a)
{
    struct sockaddr_in lo = address(LOOPBACK, PORT);
    *c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect", or_errno(connect(*c, &lo, sizeof(lo))), 0);
    *a = accept(l, 0, 0);
    check("accept", *a >= 0, 1);
}

static void loopback(void)
{
    struct sockaddr_in any = address(INADDR_ANY, PORT);
    int l = socket(AF_INET, SOCK_STREAM, 0), c, a;
    check("bind", or_errno(bind(l, &any, sizeof(any))), 0);
    check("listen", or_errno(listen(l, 4)), 0);

    pair(l, &c, &a);
    check("the client sends", send_pattern(c, OUT_BYTES, 1), OUT_BYTES);
    check("and shuts writing (SHUT_WR)", or_errno(shutdown(c, SHUT_WR)), 0);
    check("the server reads them, then the end", read_to_end(a, OUT_BYTES), OUT_BYTES);
    check("every byte as sent", differ(OUT_BYTES, 1), 0);
    check("the server sends after the client's FIN", send_pattern(a, IN_BYTES, 2), IN_BYTES);
    check("and shuts writing too", or_errno(shutdown(a, SHUT_WR)), 0);
    check("the client reads after its SHUT_WR, then the end", read_to_end(c, IN_BYTES),
          IN_BYTES);
    check("every byte as sent", differ(IN_BYTES, 2), 0);
    check("a read after the end", or_errno(read(c, buf, 1)), 0);
    check("send after SHUT_WR (MSG_NOSIGNAL)", or_errno(send(c, "x", 1, MSG_NOSIGNAL)), -EPIPE);
    pid_t child = fork();
    if (child == 0) {
        write(c, "x", 1);               /* SIGPIPE's default: the end of the process */
        exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    check("write after SHUT_WR ends the writer (SIGPIPE)", WTERMSIG(status), SIGPIPE);
    close(c);
    close(a);

    pair(l, &c, &a);
    check("shutdown SHUT_RD", or_errno(shutdown(a, SHUT_RD)), 0);
    check("a read after it: the end, at once", or_errno(read(a, buf, 10)), 0);
    check("the peer still sends", or_errno(write(c, "abc", 3)), 3);
    check("the other way still works", or_errno(write(a, "def", 3)), 3);
    check("the peer reads it", or_errno(recv(c, buf, 3, MSG_WAITALL)), 3);
    check("the same bytes", memcmp(buf, "def", 3), 0);
    close(c);
    close(a);

    pair(l, &c, &a);
    check("write before SHUT_RDWR", or_errno(write(a, "bye", 3)), 3);
    check("shutdown SHUT_RDWR", or_errno(shutdown(a, SHUT_RDWR)), 0);
    check("the peer reads the bytes and a FIN, not a reset", read_to_end(c, 3), 3);
    check("the same bytes", memcmp(buf, "bye", 3), 0);
    check("a read after SHUT_RDWR", or_errno(read(a, buf, 1)), 0);
    check("a send after it (MSG_NOSIGNAL)", or_errno(send(a, "x", 1, MSG_NOSIGNAL)), -EPIPE);
    check("shutdown with a bad how", or_errno(shutdown(a, 3)), -EINVAL);
    close(c);
    close(a);
    int u = socket(AF_INET, SOCK_STREAM, 0);
    check("shutdown of an unconnected socket", or_errno(shutdown(u, SHUT_WR)), -ENOTCONN);
    close(u);
    close(l);
}

static void host(long port)
{
    struct sockaddr_in peer = address(HOST, (uint16_t)port);
    struct timeval tv = { 10, 0 };      /* a peer that stops answering is an error */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    check("connect to the host", or_errno(connect(fd, &peer, sizeof(peer))), 0);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    check("send", send_pattern(fd, OUT_BYTES, 1), OUT_BYTES);
    check("shut writing", or_errno(shutdown(fd, SHUT_WR)), 0);
    check("read the host's answer to the end", read_to_end(fd, IN_BYTES), IN_BYTES);
    check("every byte as the host sent it", differ(IN_BYTES, 2), 0);
    close(fd);

    fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check("connect again, non-blocking", or_errno(connect(fd, &peer, sizeof(peer))),
          -EINPROGRESS);
    struct pollfd p = { fd, POLLOUT, 0 };
    check("poll until it is open", or_errno(poll(&p, 1, 10000)), 1);
    check("connect says so", or_errno(connect(fd, &peer, sizeof(peer))), 0);
    check("read what the host sends before its FIN", read_to_end_polled(fd, IN_BYTES),
          IN_BYTES);
    check("every byte as the host sent it", differ(IN_BYTES, 3), 0);
    check("blocking again", or_errno(fcntl(fd, F_SETFL, 0)), 0);
    check("send after the host's FIN", send_pattern(fd, OUT_BYTES, 4), OUT_BYTES);
    close(fd);
}

int main(int argc, char **argv)
{
    if (argc > 2 && !strcmp(argv[1], "host"))
        host(atol_or(argv[2], 0));
    else
        loopback();
    printf("halfclose: %d wrong\n", check_wrong);
    return check_wrong;
}
