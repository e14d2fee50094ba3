/*
 * poll_abi.h - what poll (168) exchanges with a program: struct pollfd
 * and the event bits, Linux i386's values.  Pure: the kernel (fs/poll.c)
 * and user/lib both include it.
 */
#pragma once
#include <stdint.h>

#define POLLIN      0x0001      /* a read would not wait (data, or the end) */
#define POLLPRI     0x0002      /* urgent data: never, here */
#define POLLOUT     0x0004      /* a write would not wait */
#define POLLERR     0x0008      /* an error is waiting (revents only) */
#define POLLHUP     0x0010      /* the other end is gone (revents only) */
#define POLLNVAL    0x0020      /* fd is not open (revents only) */
#define POLLRDHUP   0x2000      /* a socket's peer shut its writing (FIN) */

struct pollfd {
    int32_t fd;                 /* negative: ignored, revents 0 */
    int16_t events;             /* what the caller asks about */
    int16_t revents;            /* what is so: events' bits and ERR, HUP, NVAL */
};
