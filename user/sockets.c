/*
 * sockets.c - TCP sockets over the guest's loopback, in one process: a
 * listener, a client that connects to it, the connection accepted with
 * the client's address, bytes both ways by read/write and send/recv
 * (MSG_WAITALL), SO_RCVTIMEO ending a receive with -EAGAIN, the end of
 * the stream after the peer closes, the errors Linux
 * gives (refused, port in use, not a socket, unsupported family and
 * type) and -EFAULT for every bad pointer.  Each result is or_errno()'s.
 */
#include "ulib.h"

#define PORT        7001
#define CLOSED_PORT 7002
#define LOOPBACK    0x7F000001u
#define KERNEL_HALF ((void *)0xC0100000)
#define BULK        3000

static struct sockaddr_in address(uint32_t addr, uint16_t port)
{
    return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
                                 .sin_addr = htonl(addr) };
}

static long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static char buf[BULK], got[BULK];

int main(void)
{
    struct sockaddr_in any = address(INADDR_ANY, PORT), lo = address(LOOPBACK, PORT);
    check("socket of AF_INET6", or_errno(socket(10, SOCK_STREAM, 0)), -EAFNOSUPPORT);
    check("socket of SOCK_DGRAM", or_errno(socket(AF_INET, 2, 0)), -EPROTONOSUPPORT);
    int l = socket(AF_INET, SOCK_STREAM, 0);
    check("socket", l, 3);
    check("listen before bind", or_errno(listen(l, 4)), -EDESTADDRREQ);
    check("bind", or_errno(bind(l, &any, sizeof(any))), 0);
    check("listen", or_errno(listen(l, 4)), 0);
    check("read a listener", or_errno(read(l, buf, 1)), -ENOTCONN);
    int other = socket(AF_INET, SOCK_STREAM, 0);
    check("bind another to the same port", or_errno(bind(other, &any, sizeof(any))), 0);
    check("listen there", or_errno(listen(other, 4)), -EADDRINUSE);
    close(other);

    int c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect to 127.0.0.1", or_errno(connect(c, &lo, sizeof(lo))), 0);
    struct sockaddr_in peer = { 0 };
    uint32_t len = sizeof(peer);
    int a = accept(l, &peer, &len);
    check("accept", a, 5);
    check("the peer's address length", (long)len, sizeof(peer));
    check("the peer is 127.0.0.1", (long)ntohl(peer.sin_addr), (long)LOOPBACK);
    check("write on the client", or_errno(write(c, "ping\n", 5)), 5);
    check("read on the server", or_errno(read(a, got, sizeof(got))), 5);
    check("the same bytes", memcmp(got, "ping\n", 5), 0);
    for (int i = 0; i < BULK; i++)
        buf[i] = (char)(i * 13 + 7);
    check("send 3000 bytes", or_errno(send(a, buf, BULK, 0)), BULK);
    check("recv them all (MSG_WAITALL)", or_errno(recv(c, got, BULK, MSG_WAITALL)), BULK);
    check("the same bytes", memcmp(got, buf, BULK), 0);

    struct timeval tv = { 0, 300000 };
    check("SO_RCVTIMEO 300 ms", or_errno(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))),
          0);
    struct timeval back = { 9, 9 };
    len = sizeof(back);
    check("getsockopt SO_RCVTIMEO",
          or_errno(getsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &back, &len)), 0);
    check("it says 300000 us", back.tv_sec * 1000000 + back.tv_usec, 300000);
    long start = ms_now();
    check("a receive with nothing coming", or_errno(read(a, got, 10)), -EAGAIN);
    long waited = ms_now() - start;
    check("it waited 300 ms or more, less than 2 s", waited >= 300 && waited < 2000, 1);
    check("an unknown option", or_errno(setsockopt(a, SOL_SOCKET, 99, &tv, sizeof(tv))),
          -ENOPROTOOPT);
    check("close the client", or_errno(close(c)), 0);
    check("the server reads the end", or_errno(read(a, got, 10)), 0);
    check("close the server's end", or_errno(close(a)), 0);

    c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect again", or_errno(connect(c, &lo, sizeof(lo))), 0);
    check("connect it twice", or_errno(connect(c, &lo, sizeof(lo))), -EISCONN);
    a = accept(l, 0, 0);
    check("accept with no address", a, 5);
    close(a);
    close(c);

    struct sockaddr_in closed = address(LOOPBACK, CLOSED_PORT);
    c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect to a closed port", or_errno(connect(c, &closed, sizeof(closed))),
          -ECONNREFUSED);
    check("recv on the console", or_errno(recv(0, got, 1, 0)), -ENOTSOCK);
    check("bind from the kernel's half", or_errno(bind(c, KERNEL_HALF, sizeof(any))), -EFAULT);
    check("connect from NULL", or_errno(connect(c, 0, sizeof(lo))), -EFAULT);
    check("setsockopt from the kernel's half",
          or_errno(setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, KERNEL_HALF, sizeof(tv))), -EFAULT);
    len = sizeof(back);
    check("getsockopt into the kernel's half",
          or_errno(getsockopt(c, SOL_SOCKET, SO_RCVTIMEO, KERNEL_HALF, &len)), -EFAULT);
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    check("connect a third time", or_errno(connect(c, &lo, sizeof(lo))), 0);
    check("accept into the kernel's half", or_errno(accept(l, KERNEL_HALF, &len)), -EFAULT);
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    check("and a fourth", or_errno(connect(c, &lo, sizeof(lo))), 0);
    a = accept(l, 0, 0);
    check("write a byte", or_errno(write(c, "x", 1)), 1);
    check("recv into the kernel's half", or_errno(recv(a, KERNEL_HALF, 1, 0)), -EFAULT);
    check("send from NULL", or_errno(send(a, 0, 1, 0)), -EFAULT);
    close(a);
    close(c);
    close(l);
    printf("sockets: %d wrong\n", check_wrong);
    return check_wrong;
}
