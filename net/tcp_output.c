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
 *
 * Offloads (netdev.h), when the connection's interface has them: the NIC
 * completes every segment's checksum (NETIF_F_HW_CSUM), and with
 * NETIF_F_TSO data goes out in frames of up to gso_max_size bytes that
 * the NIC cuts into MSS-sized segments -- one header, one copy into a
 * chain of buffers and one trip through IP and the driver for up to 45
 * segments.  A TSO frame that more data follows holds whole segments
 * only, and waits (tcp_tso_len) while the window has room for less than
 * a third of itself and an ACK is on its way: the peer ACKs each segment,
 * and sending into every 1,460 bytes those ACKs open would cut the
 * frames back to single segments.  Retransmissions of the head are one
 * segment, as before.  e1000_offload=off leaves all of it to this file.
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

/* The largest TSO frame waits while the window takes less than this
 * fraction of the largest window the peer offered (Linux's
 * tcp_tso_win_divisor, 3 as there). */
#define TCP_TSO_WIN_DIVISOR 3

/* Put the header in front of skb's payload, checksum it with the
 * pseudo-header (RFC 9293 3.1) and hand it to IP.  A frame whose checksum
 * the NIC completes (csum_partial) carries the pseudo-header's sum in the
 * field instead, without the TCP length for a TSO frame: the NIC adds
 * each segment's (netdev.h). */
static int tcp_emit(struct sk_buff *skb, const struct tcp_emit *e)
{
    uint8_t hdr[TCP_HDR_LEN + TCP_OPT_MSS_LEN];
    uint32_t hlen = tcp_build_header(hdr, &e->f);
    uint8_t *p = skb_push(skb, hlen);
    memcpy(p, hdr, hlen);
    uint16_t csum;
    if (skb->csum_partial) {
        uint32_t len = skb->gso_size ? 0 : skb->len;
        csum = (uint16_t)~csum_fold(csum_tcpudp_pseudo(e->laddr, e->raddr, IPPROTO_TCP, len));
    } else {
        uint32_t sum = csum_tcpudp_pseudo(e->laddr, e->raddr, IPPROTO_TCP, skb->len);
        csum = csum_fold(csum_partial(skb->data, skb->len, sum));
    }
    put_be16(p + TCP_OFF_CSUM, csum);
    uint32_t payload = skb->len + skb->frag_bytes - hlen;
    tcp_stats.segs_out += skb->gso_size ? (payload + skb->gso_size - 1) / skb->gso_size : 1;
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
    if (s->dev && (s->dev->features & NETIF_F_HW_CSUM))
        skb->csum_partial = true;
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

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* An skb holding *len bytes of the send queue from sequence number seq:
 * one buffer for a segment, a chain for a TSO frame (skbuff.h).  The
 * chain's further buffers come from the pool only, never from the
 * emergency reserve, which must stay for single segments and the receive
 * ring: when the pool is dry the frame just ends early, and *len says
 * where. */
static struct sk_buff *tcp_copy_data(struct socket *s, uint32_t seq, uint32_t *len)
{
    struct sk_buff *head = tcp_alloc_atomic(s);
    if (!head)
        return NULL;
    struct sk_buff *dst = head;
    uint32_t off = seq - s->snd_una, done = 0;
    list_for_each(pos, &s->sndq.list) {
        struct sk_buff *q = list_entry(pos, struct sk_buff, list);
        if (off >= q->len) {
            off -= q->len;
            continue;
        }
        while (off < q->len && done < *len) {
            if (!skb_tailroom(dst)) {
                struct sk_buff *frag = alloc_skb(GFP_ATOMIC);
                if (!frag)
                    goto out;
                skb_reset(frag, 0);
                dst = dst->frag_next = frag;
            }
            uint32_t n = min_u32(min_u32(q->len - off, *len - done), skb_tailroom(dst));
            memcpy(skb_put(dst, n), q->data + off, n);
            if (dst != head)
                head->frag_bytes += n;
            off += n;
            done += n;
        }
        if (done == *len)
            break;
        off = 0;
    }
out:
    *len = done;
    return head;
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

/* One segment of *len bytes from seq (the FIN too when *fin), or a TSO
 * frame when *len is over the MSS; a TSO frame the pool cut short
 * (tcp_copy_data) sends fewer bytes and no FIN, and *len and *fin say
 * what went.  -ENOMEM when no buffer, else what ip_output said. */
static int tcp_send_data(struct socket *s, uint32_t seq, uint32_t *len, uint32_t unsent,
                         bool *fin)
{
    uint32_t want = *len;
    struct sk_buff *skb = tcp_copy_data(s, seq, len);
    if (!skb)
        return -ENOMEM;
    *fin = *fin && *len == want;
    if (*len > s->mss) {
        skb->gso_size = s->mss;
        tcp_stats.tso_frames++;
    }
    if (seq_lt(seq, s->snd_max))
        tcp_stats.retransmits++;
    uint8_t flags = TCP_ACK | (*len && *len == unsent ? TCP_PSH : 0) | (*fin ? TCP_FIN : 0);
    return tcp_xmit(s, skb, seq, flags);
}

void tcp_retransmit_head(struct socket *s)
{
    uint32_t seq = s->snd_una;
    uint32_t left = seq_lt(seq, s->write_seq) ? s->write_seq - seq : 0;
    uint32_t len = left < s->mss ? left : s->mss;
    bool fin = s->fin_queued && seq_lt(seq + len, s->snd_max) && seq + len == s->write_seq;
    if (len || fin)
        tcp_send_data(s, seq, &len, left, &fin);
    tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
}

/* With a TSO interface, when a whole segment may go: how many of the
 * sendable bytes to send from snd_nxt in one frame; 0 to wait while
 * they grow by themselves -- ACKs in flight open the window, or a corked
 * sender with room in its buffer queues more (the comment at the top). */
static uint32_t tcp_tso_len(struct socket *s, uint32_t sendable, bool corked, uint32_t room,
                            uint32_t in_flight)
{
    uint32_t max = s->dev->gso_max_size;
    uint32_t len = min_u32(min_u32(sendable, room), max);
    if (len == sendable && !corked)
        return len;                 /* the tail: all of it now */
    len -= len % s->mss;
    bool grows = in_flight || (corked && s->sndq.bytes < TCP_SNDBUF);
    if (grows && len < min_u32(max, s->max_snd_wnd / TCP_TSO_WIN_DIVISOR)) {
        tcp_stats.tso_deferred++;
        return 0;
    }
    return len;
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
        /* A corked sender's partial segment waits for the rest; a FIN
         * (the owner closed) uncorks. */
        bool corked = s->corked && !s->fin_queued;
        uint32_t sendable = corked ? unsent - unsent % s->mss : unsent;
        uint32_t len = tcp_send_len(s->mss, sendable, room, in_flight, s->max_snd_wnd);
        if (len == s->mss && s->dev && (s->dev->features & NETIF_F_TSO) &&
            !(len = tcp_tso_len(s, sendable, corked, room, in_flight)))
            break;
        /* The FIN is the sequence number after the data: it goes with
         * the segment that ends there, or alone. */
        bool fin = s->fin_queued && seq_leq(seq, s->write_seq) && seq + len == s->write_seq;
        if (!len && !fin) {
            if (sendable)
                tcp_stats.wnd_limited++;
            break;
        }
        int r = tcp_send_data(s, seq, &len, unsent, &fin);
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
