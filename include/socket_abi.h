/*
 * socket_abi.h - what the socket system calls exchange with a program, in
 * Linux i386's values and layouts: the address family and socket type an
 * IPv4 TCP socket is made with, struct sockaddr_in (network order inside),
 * the one socket option a server sets, and shutdown()'s how.  Pure: the
 * kernel and user/lib both include it, so the two cannot disagree.
 *
 * The calls are i386's direct ones (socket 359 .. shutdown 373, Linux
 * 4.3's), not socketcall (102): one number per call, as on every other
 * architecture.
 */
#pragma once
#include <stdint.h>

#define AF_INET         2
#define SOCK_STREAM     1

#define SOL_SOCKET      1
#define SO_REUSEADDR    2       /* bind a port still in TIME_WAIT */

#define SHUT_RD         0
#define SHUT_WR         1
#define SHUT_RDWR       2

#define INADDR_ANY      0u

/* An IPv4 address and port, in network order: what the calls take (only
 * AF_INET exists, so no struct sockaddr). */
struct sockaddr_in {
    uint16_t sin_family;        /* AF_INET */
    uint16_t sin_port;          /* big-endian */
    uint32_t sin_addr;          /* big-endian */
    uint8_t sin_zero[8];        /* padding to struct sockaddr's 16 bytes */
};
