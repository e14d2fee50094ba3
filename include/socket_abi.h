/*
 * socket_abi.h - what the socket system calls exchange with a program,
 * Linux i386's values and layouts: address families, socket types, the
 * options swiod knows, and struct sockaddr_in.  Pure: the kernel
 * (net/sys_socket.c) and user/lib both include it, so the two cannot
 * disagree.
 *
 * The calls are i386's direct ones (socket 359 .. shutdown 373, Linux
 * 4.3's), not socketcall (102): one number per call, as on every other
 * architecture.
 */
#pragma once
#include <stdint.h>

#define AF_INET         2
#define SOCK_STREAM     1
#define SOCK_NONBLOCK   04000           /* socket()'s and accept4()'s flags, in type */
#define SOCK_CLOEXEC    02000000
#define IPPROTO_TCP     6

#define SOL_SOCKET      1
#define SO_REUSEADDR    2               /* bind a port still in TIME_WAIT */
#define SO_TYPE         3
#define SO_ERROR        4
#define SO_RCVTIMEO     20
#define SO_SNDTIMEO     21
#define TCP_NODELAY     1               /* level IPPROTO_TCP */

#define SHUT_RD         0
#define SHUT_WR         1
#define SHUT_RDWR       2

#define MSG_DONTWAIT    0x40
#define MSG_WAITALL     0x100
#define MSG_NOSIGNAL    0x4000

#define INADDR_ANY      0u

/* An IPv4 address and port, in network order: what the calls take (only
 * AF_INET exists, so no struct sockaddr). */
struct sockaddr_in {
    uint16_t sin_family;        /* AF_INET */
    uint16_t sin_port;          /* big-endian */
    uint32_t sin_addr;          /* big-endian */
    uint8_t sin_zero[8];        /* padding to struct sockaddr's 16 bytes */
};

/* SO_RCVTIMEO's and SO_SNDTIMEO's value; 0 is no time limit. */
struct timeval {
    long tv_sec;
    long tv_usec;
};
