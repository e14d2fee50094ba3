/*
 * tcp_output.c - TCP segments out (net/tcp.h): data within the peer's
 * window, the SYN and SYN-ACK, the FIN, bare ACKs, window updates and
 * resets.  Called with net_lock held, so every buffer here is GFP_ATOMIC:
 * when the pool is dry the segment is not sent, counted in
 * tcp_stats.nomem, and the retransmission timer (armed whenever anything
 * is outstanding) sends it later.
 *
 * Segments are cut from the send queue by sequence number, not by the
 * buffers sock_send filled, so a retransmission after a partial ACK sends
 * exactly the bytes still missing.  The queue keeps its bytes until they
 * are acknowledged; what goes to ip_output is a copy, since a buffer has
 * one owner and the interface frees what it sends.
 *
 * No Nagle (RFC 896): NBD writes whole requests and waits for replies, so
 * holding back a small tail would only add a round trip.  Sender-side
 * silly window avoidance (tcp_send_len) still applies.
 */
#include "byteorder.h"
#include "kstring.h"
#include "tcp.h"
#include "tcp_seq.h"
#include "timer.h"

struct tcp_emit {
    uint32_t laddr, raddr;
    struct tcp_hdr_fields f;
};

/* Put the header in front of skb's payload, checksum it with the
 * pseudo-header (RFC 9293 3.1) and hand it to IP. */
static int tcp_emit(struct sk_buff *skb, const struct tcp_emit *e)
{
    uint8_t hdr[TCP_HDR_LEN + TCP_OPT_MSS_LEN];
    uint32_t hlen = tcp_build_header(hdr, &e->f);
    uint8_t *p = skb_push(skb, hlen);
    memcpy(p, hdr, hlen);
    uint32_t sum = csum_tcpudp_pseudo(e->laddr, e->raddr, IPPROTO_TCP, skb->len);
    uint16_t csum = csum_fold(csum_partial(skb->data, skb->len, sum));
    put_be16(p + TCP_OFF_CSUM, csum);
    tcp_stats.segs_out++;
    if (e->f.flags & TCP_RST)
        tcp_stats.rst_out++;
    return ip_output(skb, e->laddr, e->raddr, IPPROTO_TCP);
}

uint32_t tcp_rcv_wnd(const struct socket *s)
{
    uint32_t adv_left = seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    return tcp_rcv_window(s->rcvq.qlen + s->ooo_count, s->rcvq.bytes + s->ooo_bytes,
                          TCP_RCV_SKBS, TCP_RCVBUF, s->our_mss, adv_left);
}

/* A segment of connection s: every one but the first SYN carries the ACK,
 * which also answers anything the delayed-ACK timer was holding. */
static int tcp_xmit(struct socket *s, struct sk_buff *skb, uint32_t seq, uint8_t flags)
{
    struct tcp_emit e = { .laddr = s->laddr, .raddr = s->raddr,
                          .f = { .sport = s->lport, .dport = s->rport, .seq = seq,
                                 .flags = flags } };
    if (flags & TCP_SYN)
        e.f.mss = s->our_mss;
    if (flags & TCP_ACK) {
        uint32_t wnd = tcp_rcv_wnd(s);
        e.f.ack = s->rcv_nxt;
        e.f.wnd = (uint16_t)wnd;
        s->rcv_adv = s->rcv_nxt + wnd;
        s->unacked_segs = 0;
        tcp_timer_clear(s, TCP_T_DELACK);
    }
    return tcp_emit(skb, &e);
}

/* For s's segments (NULL: a reset that answers no connection). */
static struct sk_buff *tcp_alloc_atomic(const struct socket *s)
{
    struct sk_buff *skb = tcp_alloc_skb(s, GFP_ATOMIC);
    if (!skb)
        tcp_stats.nomem++;
    return skb;
}

/* An skb holding len bytes of the send queue from sequence number seq. */
static struct sk_buff *tcp_copy_data(struct socket *s, uint32_t seq, uint32_t len)
{
    struct sk_buff *skb = tcp_alloc_atomic(s);
    if (!skb)
        return NULL;
    uint32_t off = seq - s->snd_una;
    list_for_each(pos, &s->sndq.list) {
        if (!len)
            break;
        struct sk_buff *q = list_entry(pos, struct sk_buff, list);
        if (off >= q->len) {
            off -= q->len;
            continue;
        }
        uint32_t n = q->len - off < len ? q->len - off : len;
        memcpy(skb_put(skb, n), q->data + off, n);
        len -= n;
        off = 0;
    }
    return skb;
}

static bool tcp_can_send_data(enum tcp_state st)
{
    return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT || st == TCP_FIN_WAIT_1 ||
           st == TCP_CLOSING || st == TCP_LAST_ACK;
}

/* The SYN (or SYN-ACK): sent when snd_nxt is back at iss, which is where
 * a retransmission timeout puts it. */
static void tcp_output_syn(struct socket *s)
{
    if (s->snd_nxt != s->iss)
        return;
    struct sk_buff *skb = tcp_alloc_atomic(s);
    if (skb) {
        if (seq_lt(s->iss, s->snd_max))
            tcp_stats.retransmits++;
        uint8_t flags = s->state == TCP_SYN_RCVD ? TCP_SYN | TCP_ACK : TCP_SYN;
        tcp_xmit(s, skb, s->iss, flags);
        s->snd_nxt = s->iss + 1;
        s->snd_max = seq_max(s->snd_max, s->snd_nxt);
    }
    if (!s->timer[TCP_T_RTO])
        tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
}

/* One segment of len bytes from seq (the FIN too when fin); -ENOMEM
 * when no buffer, else what ip_output said. */
static int tcp_send_data(struct socket *s, uint32_t seq, uint32_t len, uint32_t unsent, bool fin)
{
    struct sk_buff *skb = tcp_copy_data(s, seq, len);
    if (!skb)
        return -ENOMEM;
    if (seq_lt(seq, s->snd_max))
        tcp_stats.retransmits++;
    uint8_t flags = TCP_ACK | (len && len == unsent ? TCP_PSH : 0) | (fin ? TCP_FIN : 0);
    return tcp_xmit(s, skb, seq, flags);
}

void tcp_retransmit_head(struct socket *s)
{
    uint32_t seq = s->snd_una;
    uint32_t left = seq_lt(seq, s->write_seq) ? s->write_seq - seq : 0;
    uint32_t len = left < s->mss ? left : s->mss;
    bool fin = s->fin_queued && seq_lt(seq + len, s->snd_max) && seq + len == s->write_seq;
    if (len || fin)
        tcp_send_data(s, seq, len, left, fin);
    tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
}

void tcp_output(struct socket *s)
{
    if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) {
        tcp_output_syn(s);
        return;
    }
    if (!tcp_can_send_data(s->state))
        return;
    for (;;) {
        uint32_t seq = s->snd_nxt;
        uint32_t unsent = seq_lt(seq, s->write_seq) ? s->write_seq - seq : 0;
        uint32_t in_flight = seq - s->snd_una;
        uint32_t room = s->snd_wnd > in_flight ? s->snd_wnd - in_flight : 0;
        uint32_t len = tcp_send_len(s->mss, unsent, room, in_flight, s->max_snd_wnd);
        /* The FIN is the sequence number after the data: it goes with
         * the segment that ends there, or alone. */
        bool fin = s->fin_queued && seq_leq(seq, s->write_seq) && seq + len == s->write_seq;
        if (!len && !fin) {
            if (unsent)
                tcp_stats.wnd_limited++;
            break;
        }
        int r = tcp_send_data(s, seq, len, unsent, fin);
        if (r == -ENOMEM)
            break;
        if (r == -EBUSY) {
            /* The ring is full: nothing was sent; try again shortly
             * rather than wait a whole RTO. */
            tcp_stats.xmit_busy++;
            tcp_timer_set(s, TCP_T_XMIT, TCP_XMIT_RETRY_MS);
            break;
        }
        /* Karn's rule (RFC 6298 3): time only data sent for the first time. */
        if (!s->rtt_timing && seq_geq(seq, s->snd_max)) {
            s->rtt_timing = true;
            s->rtt_seq = seq;
            s->rtt_start_ms = timer_uptime_ms();
        }
        s->snd_nxt = seq + len + fin;
        s->snd_max = seq_max(s->snd_max, s->snd_nxt);
        if (!s->timer[TCP_T_RTO])
            tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
        if (fin)
            break;
    }
    /* Data waits for a window that is shut, with nothing in flight whose
     * ACK would open it: the same timer probes the window (persist). */
    bool waiting = seq_lt(s->snd_nxt, s->write_seq) || (s->fin_queued && s->snd_max == s->write_seq);
    if (waiting && s->snd_una == s->snd_max && !s->timer[TCP_T_RTO])
        tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
}

void tcp_send_ack(struct socket *s)
{
    /* RFC 9293's SND.NXT is our snd_max (snd_nxt goes back on a
     * retransmission): an ACK from behind what the peer has received
     * would be unacceptable to it.  But never past the right edge of the
     * peer's window: with the window shut, only an ACK exactly at its
     * rcv_nxt is acceptable, and the peer must still learn from our ACK
     * field (Linux's tcp_acceptable_seq does the same). */
    uint32_t seq = seq_min(s->snd_max, s->snd_una + s->snd_wnd);
    struct sk_buff *skb = tcp_alloc_atomic(s);
    if (skb)
        tcp_xmit(s, skb, seq, TCP_ACK);
    else
        tcp_timer_set(s, TCP_T_DELACK, TCP_DELACK_MS);  /* try again */
}

void tcp_send_oow_ack(struct socket *s)
{
    uint64_t now = timer_uptime_ms();
    if (s->oow_ack_ms && now - s->oow_ack_ms < TCP_OOW_ACK_MS) {
        tcp_stats.oow_acks_limited++;
        return;
    }
    s->oow_ack_ms = now;
    tcp_send_ack(s);
}

void tcp_send_probe(struct socket *s)
{
    /* An old sequence number is never acceptable, so the peer answers
     * with an ACK that carries its window (RFC 9293 3.8.6.1). */
    struct sk_buff *skb = tcp_alloc_atomic(s);
    if (skb)
        tcp_xmit(s, skb, s->snd_una - 1, TCP_ACK);
}

void tcp_send_rst(struct socket *s)
{
    struct sk_buff *skb = tcp_alloc_atomic(s);
    if (skb)
        tcp_xmit(s, skb, s->snd_max, TCP_RST | TCP_ACK);
}

void tcp_send_rst_reply(uint32_t saddr, uint32_t daddr, const struct tcp_seg *seg)
{
    struct sk_buff *skb = tcp_alloc_atomic(NULL);
    if (!skb)
        return;
    /* RFC 9293 3.10.7.1: take the sequence number from the ACK field, or
     * acknowledge everything the segment occupied. */
    struct tcp_emit e = { .laddr = daddr, .raddr = saddr,
                          .f = { .sport = seg->dport, .dport = seg->sport, .flags = TCP_RST } };
    if (seg->flags & TCP_ACK) {
        e.f.seq = seg->ack;
    } else {
        e.f.ack = seg->seq + tcp_seg_len(seg);
        e.f.flags |= TCP_ACK;
    }
    tcp_emit(skb, &e);
}

void tcp_window_update(struct socket *s)
{
    if (s->state != TCP_ESTABLISHED && s->state != TCP_FIN_WAIT_1 && s->state != TCP_FIN_WAIT_2)
        return;
    if (s->rcv_nxt + tcp_rcv_wnd(s) != s->rcv_adv)
        tcp_send_ack(s);
}
