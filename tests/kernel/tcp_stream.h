/*
 * tcp_stream.h - what the TCP tests and benchmarks share: a loopback
 * connection made in one kernel, seeded byte streams sent in chunks
 * of varied sizes and checked byte for byte on the other side, and a
 * flood: a connection that takes all the packet buffers it may.
 *
 * A stream is the xorshift sequence of its seed, one byte per step; the
 * chunk sizes come from a second generator, so sender and receiver cut
 * the stream differently and segment boundaries fall anywhere.
 */
#pragma once
#include <stdint.h>
#include "socket.h"

#define GUESTFWD_ADDR    0x0A000264u    /* 10.0.2.100: tools/qemu-boot --guestfwd */

struct tcp_conn_pair {
    struct socket *listener, *client, *server;
};

/* Listen on port of 127.0.0.1, connect and accept: 0, or the error. */
int tcp_pair_open(uint16_t port, struct tcp_conn_pair *p);
/* Close all three (the client first, so it is the one in TIME_WAIT). */
void tcp_pair_close(struct tcp_conn_pair *p);

/* Send bytes of stream seed: 0 or the error. */
int tcp_stream_send(struct socket *s, uint32_t seed, uint32_t bytes, uint32_t timeout_ms);
/* Receive bytes and check them against stream seed: 0, the error, or
 * -EUCLEAN when a byte differs (the offset is logged). */
int tcp_stream_recv(struct socket *s, uint32_t seed, uint32_t bytes, uint32_t timeout_ms);

/* A task that runs tcp_stream_recv (or _send) on s; join it with
 * tcp_stream_join, which returns what it returned. */
struct tcp_stream_task;
struct tcp_stream_task *tcp_stream_start(struct socket *s, uint32_t seed, uint32_t bytes,
                                         uint32_t timeout_ms, int sending);
int tcp_stream_join(struct tcp_stream_task *t);

/* A flood on s (connected to a peer that echoes, tcp_tests.py's
 * EchoServer): a task sends without pause and never reads, so s's send
 * queue and receive queue fill to their limits and hold their buffers --
 * the busy neighbour that must not starve NBD's connection.
 * tcp_flood_start makes the task (NULL when out of memory), which waits
 * for tcp_flood_go, so that a test can take memory away in between;
 * tcp_flood_stop shuts s down, which ends the task, closes s and returns
 * the bytes sent. */
struct tcp_flood;
struct tcp_flood *tcp_flood_start(struct socket *s);
void tcp_flood_go(struct tcp_flood *f);
uint64_t tcp_flood_stop(struct tcp_flood *f);
