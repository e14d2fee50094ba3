/*
 * tcp_netstat.c - the monitor's netstat: every TCP connection with its
 * state, queues and timer, then TCP's counters.
 *
 * It takes net_lock only with a trylock: a monitor command must answer
 * even when the stack is wedged, and walking the table without the lock
 * could follow a connection being freed.  When the lock is busy it says
 * so and prints only the counters (plain numbers, safe to read).
 */
#include "console.h"
#include "monitor.h"
#include "tcp.h"

static void netstat_conn(const struct socket *s)
{
    char desc[64];
    sock_describe(s, desc, sizeof(desc));
    console_printf("  %-52s sendq %6u recvq %6u wnd %5u/%5u rto %4u ms%s%s\n", desc,
                   s->sndq.bytes, s->rcvq.bytes, s->snd_wnd, s->rcv_adv - s->rcv_nxt,
                   s->rtt.rto, s->memalloc ? " memalloc" : "",
                   s->owned ? "" : " (closed by owner)");
}

static void netstat_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (mutex_trylock(&net_lock)) {
        console_printf("TCP connections:\n");
        list_for_each(pos, &tcp_sockets)
            netstat_conn(list_entry(pos, struct socket, link));
        mutex_unlock(&net_lock);
    } else {
        console_printf("TCP connections: net_lock is busy, not listed\n");
    }
    const struct tcp_stats *t = &tcp_stats;
    console_printf("segments in %u out %u; dropped: bad checksum %u, bad header %u, "
                   "out of order %u, receive buffer full %u, backlog full %u\n",
                   t->segs_in, t->segs_out, t->bad_csum, t->bad_header, t->out_of_order,
                   t->rcv_full, t->listen_overflow);
    console_printf("retransmitted %u (fast %u, timeouts %u); resets in %u out %u ignored %u, "
                   "challenge ACKs %u, to closed ports %u\n", t->retransmits,
                   t->fast_retransmits, t->timeouts, t->rst_in, t->rst_out, t->rst_ignored,
                   t->challenge_acks, t->no_socket);
    console_printf("no buffer %u, interface busy %u, stopped at the peer's window %u, "
                   "connections timed out %u; emergency-reserve packets dropped (not for "
                   "reclaim's sockets) %u\n", t->nomem, t->xmit_busy, t->wnd_limited,
                   t->conn_timedout, t->memalloc_dropped);
}

MONITOR_COMMAND("netstat", "", "TCP connections and counters", netstat_run);
