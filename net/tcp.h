/*
 * net/tcp.h - TCP's private state, shared by its files (users see
 * socket.h; the layers below call tcp_rcv and tcp_timers_run, net.h).
 *
 *   tcp_table.c   the connections: creation, lookup by ports and
 *                 addresses, ephemeral ports, freeing, the counters
 *   tcp_input.c   tcp_rcv: a segment in, RFC 9293 3.10.7's checks in order
 *   tcp_output.c  segments out: data within the peer's window, ACKs, SYNs,
 *                 FINs, resets
 *   tcp_timers.c  tcp_timers_run: retransmission (with backoff and the
 *                 retry limit), delayed ACK, persist probes, TIME_WAIT
 *   socket.c      the blocking calls of socket.h
 *   tcp_netstat.c the monitor's netstat
 *
 * A struct socket is one connection's control block (TCB): the socket.h
 * handle and the protocol state are the same object.  Every field is
 * protected by net_lock (net.h); waiters sleep on wq without it.
 *
 * Lifetime: a socket is in the table from creation until it reaches
 * CLOSED.  It is freed once it is out of the table and nobody holds it:
 * its owner has called sock_close() (owned false), or it never had one
 * (a connection that died before sock_accept handed it out).
 *
 * Sequence space (RFC 9293 3.3.1): snd_una <= snd_nxt <= snd_max <=
 * write_seq + 1.  sndq holds the bytes from snd_una to write_seq (the
 * head skb is pulled as ACKs arrive), so the byte at seq s is at offset
 * s - snd_una.  The FIN, once the owner closed, is the sequence number
 * write_seq itself.  rcvq holds in-order data not yet read.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kerrno.h"
#include "list.h"
#include "net.h"
#include "skbuff.h"
#include "socket.h"
#include "tcp_logic.h"
#include "wait.h"

/* Buffers (see tcp_rcv_window): a connection holds at most this many
 * received skbs, whatever their size, so a peer cannot empty the skb pool
 * with small segments; and queues at most TCP_SNDBUF bytes to send. */
#define TCP_RCV_SKBS      32
#define TCP_RCVBUF        (64 * 1024)
#define TCP_SNDBUF        (128 * 1024)
/* Segments held beyond a hole (they count against TCP_RCV_SKBS too). */
#define TCP_OOO_MAX       16

/* Timers, in ms (RFC 6298 asks 1 s to start; the floor is below its 1 s
 * because our peers are one virtual hop away, and tests must fail fast). */
#define TCP_RTO_INITIAL   1000
#define TCP_RTO_MIN       200
#define TCP_RTO_MAX       4000
/* Retransmissions of one segment before the connection fails with
 * -ETIMEDOUT: 200 ms doubling to the 4 s ceiling is about 25 s. */
#define TCP_RETRIES       8
#define TCP_SYN_RETRIES   5
#define TCP_DELACK_MS     40        /* RFC 9293 3.8.6.3: well under 500 ms */
/* TIME_WAIT is 2 MSL (RFC 9293 3.6.1), 4 minutes with the RFC's MSL.
 * Ours is 2 s: a segment of an old connection lingers only while it sits
 * in a queue of this machine or of QEMU's slirp, far less than that, and
 * a test that opens many connections must not hold their ports and
 * control blocks for minutes. */
#define TCP_TIME_WAIT_MS  2000
/* FIN-WAIT-2 after the owner closed, with no FIN from the peer: given up
 * after this long (Linux's tcp_fin_timeout does the same, at 60 s). */
#define TCP_FIN_WAIT2_MS  10000
#define TCP_DUPACK_THRESH 3         /* RFC 5681 3.2: fast retransmit */
#define TCP_OOW_ACK_MS    20        /* see tcp_send_oow_ack */
#define TCP_XMIT_RETRY_MS 10        /* the interface's ring was full */

/* Timer slots of a connection; each holds a deadline in ms or 0. */
enum tcp_timer { TCP_T_RTO, TCP_T_DELACK, TCP_T_TIME_WAIT, TCP_T_XMIT, TCP_NR_TIMERS };

struct socket {
    struct list_head link;          /* on the table while not CLOSED */
    enum tcp_state state;
    uint32_t laddr, raddr;          /* host order; laddr 0 on a listener */
    uint16_t lport, rport;
    bool in_table;
    bool owned;                     /* its owner has not called sock_close */
    bool fin_queued;                /* the owner closed: a FIN follows the data */
    bool aborted;                   /* sock_shutdown was called */
    bool memalloc;                  /* sock_set_memalloc: reclaim's IO rides on it */
    bool corked;                    /* its sender queues more at once (socket.c):
                                     * tcp_output holds back a partial segment */
    int err;                        /* why it died (negative errno), or 0 */
    struct wait_queue wq;           /* every change: data, space, state */

    /* Sending (RFC 9293 3.3.1 names). */
    uint32_t iss, snd_una, snd_nxt, snd_max, write_seq;
    uint32_t snd_wnd, max_snd_wnd;  /* the peer's window, the largest seen */
    uint32_t snd_wl1, snd_wl2;      /* seq and ack of the last window update */
    uint16_t mss;                   /* largest segment we send */
    const struct net_device *dev;   /* the interface it sends by (its offloads,
                                     * netdev.h); NULL: unrouted (a listener) */
    uint16_t our_mss;               /* what we announced we take */
    struct sk_buff_head sndq;
    struct tcp_rtt rtt;
    uint32_t retries;               /* timeouts since the peer last acknowledged */
    uint32_t dupacks;
    uint32_t recover;               /* after a fast retransmit: snd_max then */
    bool in_recovery;
    bool rtt_timing;                /* Karn: rtt_seq is timed (never a retransmission) */
    uint32_t rtt_seq;
    uint64_t rtt_start_ms;

    /* Receiving. */
    uint32_t irs, rcv_nxt;
    uint32_t rcv_adv;               /* right edge of the window we announced */
    struct sk_buff_head rcvq;
    struct tcp_ooo {                /* out-of-order segments, by seq */
        struct sk_buff *skb;        /* data at the payload */
        uint32_t seq;
        bool fin;
    } ooo[TCP_OOO_MAX];
    uint32_t ooo_count, ooo_bytes;
    uint64_t oow_ack_ms;            /* when we last answered an unacceptable segment */
    uint32_t unacked_segs;          /* in-order segments not yet acknowledged */
    bool fin_rcvd;

    uint64_t timer[TCP_NR_TIMERS];  /* deadlines in ms, 0: not armed */

    /* A listener's, or a child's link to it. */
    struct socket *parent;          /* the listener of a child not yet accepted */
    struct list_head accept_q;      /* listener: established children */
    struct list_head accept_link;   /* child: on the parent's accept_q */
    uint32_t backlog;               /* listener: children allowed */
    uint32_t children;              /* listener: children not yet accepted */
};

/* The bytes free after an skb's data (skbuff.h keeps its own private). */
static inline uint32_t skb_tailroom(const struct sk_buff *skb)
{
    return (uint32_t)(skb->head + SKB_BUF_SIZE - (skb->data + skb->len));
}

struct tcp_stats {
    uint32_t segs_in, segs_out;
    uint32_t bad_csum;              /* dropped: checksum wrong */
    uint32_t bad_header;            /* dropped: lengths or options malformed */
    uint32_t no_socket;             /* answered with a reset: nobody listens */
    uint32_t out_of_order;          /* arrived beyond a hole (see tcp_input.c) */
    uint32_t ooo_dropped;           /* of those, not held: no room, or a duplicate */
    uint32_t rcv_full;              /* dropped: past the receive buffer */
    uint32_t retransmits;           /* segments sent again (timeout or fast) */
    uint32_t timeouts;              /* retransmission timer expiries */
    uint32_t fast_retransmits;
    uint32_t rst_in, rst_out, challenge_acks;
    uint32_t rst_ignored;           /* outside the window, or in TIME_WAIT (RFC 1337) */
    uint32_t oow_acks_limited;      /* answers to unacceptable segments not sent */
    uint32_t listen_overflow;       /* SYNs dropped: the backlog was full */
    uint32_t nomem;                 /* segments not sent: the skb pool was dry */
    uint32_t memalloc_dropped;      /* dropped: received into the emergency reserve,
                                     * not for a socket of reclaim's (skbuff.h) */
    uint32_t xmit_busy;             /* the interface's ring was full */
    uint32_t wnd_limited;           /* sending stopped at the edge of the peer's window */
    uint32_t tso_frames;            /* frames of more than one segment given to a TSO NIC */
    uint32_t tso_deferred;          /* sends put off for a larger TSO frame (tcp_output.c) */
    uint32_t conn_timedout;         /* connections failed by the retry limit */
};
extern struct tcp_stats tcp_stats;
extern struct list_head tcp_sockets;

/* tcp_table.c */
/* A fresh control block (CLOSED, owned, not in the table), or NULL. */
struct socket *tcp_alloc(gfp_t gfp);
/* Our MSS towards raddr, the local address and the interface that reach
 * it; 0 when no interface does. */
uint16_t tcp_route_mss(uint32_t raddr, uint32_t *laddr, const struct net_device **dev);
void tcp_insert(struct socket *s);
/* The connection for a segment from raddr:rport to laddr:lport, else the
 * listener on lport, else NULL. */
struct socket *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport);
bool tcp_port_in_use(uint16_t port);
/* Pick the ISS, enter state (SYN_SENT or SYN_RCVD), join the table and
 * send the SYN (or SYN-ACK). */
void tcp_open(struct socket *s, enum tcp_state state);
/* A free ephemeral port (RFC 6335: 49152-65535), 0 when all are taken. */
uint16_t tcp_ephemeral_port(void);
/* Initial sequence number (RFC 9293 3.4.1): a clock plus noise, or
 * tcp_iss= from the command line to start near the 2^32 wrap. */
uint32_t tcp_new_iss(void);
/* To CLOSED: out of the table, queues purged, timers off, waiters woken;
 * freed at once when nobody holds it. */
void tcp_set_closed(struct socket *s);
/* The connection failed with err: CLOSED, err recorded for every caller. */
void tcp_fail(struct socket *s, int err);
/* Free s if it is closed and nobody holds it any more. */
void tcp_maybe_free(struct socket *s);

/* A buffer for s's segments and queues: from the emergency reserve too
 * when s is marked for reclaim (skbuff.h). */
static inline struct sk_buff *tcp_alloc_skb(const struct socket *s, gfp_t gfp)
{
    return s && s->memalloc ? alloc_skb_memalloc(gfp) : alloc_skb(gfp);
}

/* tcp_output.c */
/* Send what the window allows from snd_nxt (data, then the FIN); SYN
 * states resend the SYN.  Arms the retransmission timer. */
void tcp_output(struct socket *s);
void tcp_send_ack(struct socket *s);
/* The ACK that answers an unacceptable segment (RFC 9293 3.10.7.4),
 * at most one per TCP_OOW_ACK_MS: two ends that each find the other's
 * ACKs unacceptable must not answer each other forever (Linux limits the
 * same answers with tcp_invalid_ratelimit). */
void tcp_send_oow_ack(struct socket *s);
/* A window probe: an ACK the peer must answer with its window. */
void tcp_send_probe(struct socket *s);
/* A reset on connection s (seq snd_max: the peer expects at most that). */
void tcp_send_rst(struct socket *s);
/* A reset answering segment seg that no connection takes (RFC 9293 3.10.7.1). */
void tcp_send_rst_reply(uint32_t saddr, uint32_t daddr, const struct tcp_seg *seg);
/* The window to announce now. */
uint32_t tcp_rcv_wnd(const struct socket *s);
/* The receive window may have opened (data was read): announce it when it
 * grew enough to matter. */
void tcp_window_update(struct socket *s);

/* tcp_input.c: after a timeout, everything from snd_una on is resent. */
void tcp_go_back(struct socket *s);
/* Free the out-of-order segments. */
void tcp_ooo_purge(struct socket *s);

/* tcp_output.c: resend the one segment at snd_una (fast retransmit,
 * RFC 5681 3.2; and each partial ACK of NewReno recovery, RFC 6582). */
void tcp_retransmit_head(struct socket *s);

/* tcp_timers.c */
void tcp_timer_set(struct socket *s, enum tcp_timer t, uint32_t ms);
void tcp_timer_clear(struct socket *s, enum tcp_timer t);
/* Enter TIME_WAIT (RFC 9293 3.6.1). */
void tcp_enter_time_wait(struct socket *s);
