/*
 * tcp_timers.c - TCP's timers (tcp_timers_run, net.h; tcp_timer_set and
 * friends, net/tcp.h).  Each connection has one deadline per timer slot,
 * in ms of uptime; knetd calls tcp_timers_run with net_lock held and
 * sleeps until the earliest deadline it returns.  Setting a deadline
 * wakes knetd, so one set from a socket call is seen at once.
 *
 *   TCP_T_RTO        retransmission (RFC 6298): back to the first
 *                    unacknowledged byte with the timeout doubled; after
 *                    TCP_RETRIES (TCP_SYN_RETRIES for a SYN) in a row the
 *                    connection fails with -ETIMEDOUT.  With nothing in
 *                    flight and data waiting for a shut window it is the
 *                    persist timer: a window probe, with the same backoff.
 *   TCP_T_DELACK     the delayed ACK is due
 *   TCP_T_TIME_WAIT  TIME-WAIT (or an abandoned FIN-WAIT-2) is over;
 *                    the peer's FIN sent again restarts it (tcp_input.c)
 *   TCP_T_XMIT       the interface was busy: try sending again
 */
#include "printk.h"
#include "tcp.h"
#include "timer.h"

void tcp_timer_set(struct socket *s, enum tcp_timer t, uint32_t ms)
{
    s->timer[t] = timer_uptime_ms() + ms;
    knetd_wake();
}

void tcp_timer_clear(struct socket *s, enum tcp_timer t)
{
    s->timer[t] = 0;
}

void tcp_enter_time_wait(struct socket *s)
{
    s->state = TCP_TIME_WAIT;
    for (int t = 0; t < TCP_NR_TIMERS; t++)
        s->timer[t] = 0;
    skb_queue_purge(&s->sndq);
    tcp_timer_set(s, TCP_T_TIME_WAIT, TCP_TIME_WAIT_MS);
    wake_up(&s->wq);
}

/* False when the connection failed (and may be freed). */
static bool tcp_rto_expired(struct socket *s)
{
    bool syn = s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD;
    if (++s->retries > (syn ? TCP_SYN_RETRIES : TCP_RETRIES)) {
        char desc[64];
        sock_describe(s, desc, sizeof(desc));
        pr_info("tcp: %s: no answer after %u retransmissions; the connection is dead\n",
                desc, s->retries - 1);
        tcp_stats.conn_timedout++;
        tcp_fail(s, -ETIMEDOUT);
        return false;
    }
    tcp_stats.timeouts++;
    tcp_rto_backoff(&s->rtt);
    if (s->snd_una == s->snd_max) {
        tcp_send_probe(s);
        tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
    } else {
        tcp_go_back(s);
    }
    return true;
}

/* Run timer t of s, which is due.  False when s is gone. */
static bool tcp_timer_fire(struct socket *s, enum tcp_timer t)
{
    s->timer[t] = 0;
    switch (t) {
    case TCP_T_RTO:
        return tcp_rto_expired(s);
    case TCP_T_DELACK:
        tcp_send_ack(s);
        return true;
    case TCP_T_TIME_WAIT:
        tcp_set_closed(s);
        return false;
    case TCP_T_XMIT:
        tcp_output(s);
        return true;
    case TCP_NR_TIMERS:
        break;
    }
    return true;
}

uint32_t tcp_timers_run(uint64_t now_ms)
{
    uint64_t next = UINT64_MAX;
    struct list_head *pos = tcp_sockets.next;
    while (pos != &tcp_sockets) {
        struct socket *s = list_entry(pos, struct socket, link);
        pos = pos->next;            /* s may leave the table below */
        bool alive = true;
        for (int t = 0; alive && t < TCP_NR_TIMERS; t++)
            if (s->timer[t] && s->timer[t] <= now_ms)
                alive = tcp_timer_fire(s, (enum tcp_timer)t);
        for (int t = 0; alive && t < TCP_NR_TIMERS; t++)
            if (s->timer[t] && s->timer[t] < next)
                next = s->timer[t];
    }
    if (next == UINT64_MAX)
        return UINT32_MAX;
    return next <= now_ms ? 0 : (uint32_t)(next - now_ms);
}
