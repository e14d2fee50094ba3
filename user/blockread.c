/*
 * blockread.c - blockread pipe|stdin|socket: reads what never comes -- an
 * empty pipe whose write end it holds itself, the console nobody types
 * on, or a TCP connection to itself over loopback that nothing is sent on --
 * and prints what the read returned once something ends it.  The kernel
 * test that stops it (tests/kernel/test_process.c) expects -EINTR: a
 * waiting read is where a kill must reach a process.  Exits 0 when the
 * read said -EINTR, 1 otherwise.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    int fds[2] = { 0, -1 };             /* stdin unless told "pipe" */
    if (argc > 1 && !strcmp(argv[1], "pipe") && pipe(fds) < 0) {
        perror("blockread: pipe");
        return 1;
    }
    const char *what = fds[0] ? "a pipe" : "stdin";
    if (argc > 1 && !strcmp(argv[1], "socket")) {
        struct sockaddr_in lo = { .sin_family = AF_INET, .sin_port = htons(7003),
                                  .sin_addr = htonl(0x7F000001u) };
        int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0);
        if (bind(l, &lo, sizeof(lo)) < 0 || listen(l, 1) < 0 || connect(c, &lo, sizeof(lo)) < 0 ||
            (fds[0] = accept(l, 0, 0)) < 0) {
            perror("blockread: a connection to itself");
            return 1;
        }
        what = "a socket";
    }
    char c;
    long n = or_errno(read(fds[0], &c, 1));
    printf("blockread: read of %s gave %d\n", what, (int)n);
    return n != -EINTR;
}
