/*
 * blockread.c - blockread pipe|stdin|socket|socket-send: waits for what
 * never comes -- a read of an empty pipe whose write end it holds itself,
 * of the console nobody types on, or of a TCP connection to itself over
 * loopback that nothing is sent on; or, for socket-send, writes to such a
 * connection that nothing reads, until the buffers are full -- and prints
 * what the call returned once something ends it.  The kernel tests that
 * stop it (tests/kernel/test_process.c) expect -EINTR: a waiting call is
 * where a kill must reach a process.  Exits 0 when the call said -EINTR,
 * 1 otherwise.
 */
#include "ulib.h"

/* A connection to itself: the accepted end, or -1. */
static int self_connection(void)
{
    struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons(7003),
                              .sin_addr = htonl(0x7F000001u) };
    int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
    if (bind(l, &lo, sizeof(lo)) < 0 || listen(l, 1) < 0 || connect(c, &lo, sizeof(lo)) < 0)
        return -1;
    return accept(l, 0, 0);
}

static char chunk[65536];

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "stdin";
    int fds[2] = { 0, -1 };
    long n;
    if (!strcmp(mode, "socket-send")) {
        int fd = self_connection();
        long sent = 0;
        while (fd >= 0 && (n = or_errno(write(fd, chunk, sizeof(chunk)))) > 0)
            sent += n;
        if (fd < 0)
            n = or_errno(fd);
        printf("blockread: writes to a socket nobody reads ended with %d, after %s\n", (int)n,
               sent >= (long)sizeof(chunk) ? "some were taken" : "none");
        return n != -EINTR;
    }
    if (!strcmp(mode, "pipe") && pipe(fds) < 0) {
        perror("blockread: pipe");
        return 1;
    }
    if (!strcmp(mode, "socket") && (fds[0] = self_connection()) < 0) {
        perror("blockread: a connection to itself");
        return 1;
    }
    char c;
    n = or_errno(read(fds[0], &c, 1));
    printf("blockread: read of %s gave %d\n",
           !strcmp(mode, "socket") ? "a socket" : fds[0] ? "a pipe" : "stdin", (int)n);
    return n != -EINTR;
}
