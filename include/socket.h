/*
 * socket.h - TCP connections for kernel code: a blocking, socket-like API.
 *
 * Addresses and ports are in host order.  Every call that can wait takes
 * a timeout in milliseconds (0: wait forever -- only where that is the
 * point, as for a server's accept; SOCK_NOWAIT: not at all, the call does
 * what it can at once -- a non-blocking socket's) and returns -ETIMEDOUT
 * when it ran out.  Errors are negative errno values:
 *   -ECONNREFUSED   the peer answered the SYN with a reset
 *   -ECONNRESET     the peer reset an established connection
 *   -ETIMEDOUT      the call's timeout, or the retransmission limit: the
 *                   peer stopped acknowledging (the connection is dead)
 *   -ECONNABORTED   sock_shutdown() was called on it
 *   -ENETUNREACH    no interface reaches the address
 *   -EADDRINUSE     sock_listen on a port that is taken
 *   -EPIPE          sending after the connection was closed for writing
 *                   (sock_shutdown_write, or the connection is over)
 *
 * One task at a time may send and one (another, or the same) may receive
 * on a socket: NBD's sender and its receive task share one connection.
 * Any task may call sock_shutdown() to make every waiting and later call
 * on the socket fail with -ECONNABORTED (a request timeout does that to
 * unblock the receive task).  Only the owner calls sock_close(), once,
 * when no other task uses the socket any more; the stack then finishes
 * the connection (FIN, TIME_WAIT) on its own and frees it.
 *
 * Memory: data is copied into packet buffers from the skb mempool
 * (skbuff.h), so sending needs no memory outside the network's reserve.
 * A socket that carries memory reclaim's IO (NBD's) is marked with
 * sock_set_memalloc(), as Linux's SOCK_MEMALLOC: it may use the
 * emergency reserve too, which no other connection can hold on to.
 */
#pragma once
#include <stdint.h>

struct socket;
struct poll_table;

#define SOCK_NOWAIT     UINT32_MAX      /* a timeout that has run out already */

/* Open a connection to daddr:dport; 0 and *out, or an error. */
int sock_connect(uint32_t daddr, uint16_t dport, uint32_t timeout_ms, struct socket **out);
/* The same in two steps, for a caller that does something else meanwhile
 * (a non-blocking connect): start sends the SYN and gives *out, opening;
 * wait says 0 once the connection is open, its error if it failed, or
 * -ETIMEDOUT while it is still opening.  The owner closes *out in every
 * case (sock_close of one still opening abandons it). */
int sock_connect_start(uint32_t daddr, uint16_t dport, struct socket **out);
int sock_connect_wait(struct socket *s, uint32_t timeout_ms);
/* A listening socket on port of every local address (backlog: connections
 * completed but not yet accepted). */
int sock_listen(uint16_t port, int backlog, struct socket **out);
/* The next connection made to a listening socket. */
int sock_accept(struct socket *listener, uint32_t timeout_ms, struct socket **out);
/* Send all len bytes: returns len, or an error (how much of it reached the
 * peer is then unknown).  Waits while the send buffer is full; the timeout
 * counts from the last progress. */
int sock_send(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms);
/* The same, when the caller sends more at once (Linux's MSG_MORE): a
 * partial segment at the end waits for the next call, so a request's
 * header and pages leave in full segments.  The next sock_send (or
 * sock_close) sends what waits. */
int sock_send_more(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms);
/* The same as sock_send, but an error or the timeout after some bytes were queued
 * returns their count: a caller can wait in slices and lose no count. */
int sock_send_some(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms);
/* Receive 1..len bytes as they come: the count, 0 at the end of the
 * stream (the peer's FIN), or an error. */
int sock_recv(struct socket *s, void *buf, uint32_t len, uint32_t timeout_ms);
/* Exactly len bytes, or an error; -EPIPE when the stream ended first.
 * The timeout is for the whole: a peer that sends a byte now and then
 * must not keep the caller for as long as it likes (-ETIMEDOUT). */
int sock_recv_exact(struct socket *s, void *buf, uint32_t len, uint32_t timeout_ms);
/* From any task: abort the connection (a reset to the peer) and fail every
 * waiting and later call with -ECONNABORTED.  The socket stays valid
 * until its owner closes it. */
void sock_shutdown(struct socket *s);
/* A half-close (shutdown(SHUT_WR)): the FIN follows the data queued so
 * far, the peer reads the end of the stream, and this end goes on
 * receiving until the peer's own FIN.  Sends from then on fail with
 * -EPIPE.  A connection still opening is abandoned instead, as Linux
 * does (sock_shutdown). */
void sock_shutdown_write(struct socket *s);
/* The error every later call on s returns (the connection is over:
 * -ECONNRESET, -ETIMEDOUT, -ECONNABORTED), or 0 while it is alive: tells a
 * call's own timeout from the connection's death. */
int sock_error(const struct socket *s);
/* What a call on s would find now, as poll_abi.h's bits: POLLIN (data,
 * the peer's FIN, or a connection to accept), POLLOUT (room to send, or
 * a send would fail at once), POLLRDHUP (the peer's FIN), POLLHUP (both
 * ways shut, or over), POLLERR (sock_error()); nothing while opening.
 * pt: the poller goes on s's wait queue first (include/poll.h). */
uint32_t sock_poll(struct socket *s, struct poll_table *pt);
/* The far end's address and port (0 for a listener). */
void sock_peer(const struct socket *s, uint32_t *addr, uint16_t *port);
/* The owner is done with s: an orderly close (FIN) if it is still open. */
void sock_close(struct socket *s);

/* s carries reclaim's IO: its buffers may come from the emergency
 * reserve, and packets received into that reserve are kept for it
 * (skbuff.h).  Set once, by the owner, before the socket is busy. */
void sock_set_memalloc(struct socket *s);

/* A human-readable local and remote end and state, for the monitor. */
void sock_describe(const struct socket *s, char *buf, uint32_t len);
