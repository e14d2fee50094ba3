/*
 * tcp_input.c - a TCP segment arrives (tcp_rcv, net.h): knetd calls it
 * with net_lock held and the skb's data at the TCP header; it consumes
 * the skb (freed, or queued on a connection's rcvq).
 *
 * The order is RFC 9293 3.10.7's: checksum and lengths, then the
 * connection; LISTEN and SYN-SENT have their own steps; every other state
 * checks the sequence number, RST (RFC 5961 3: only exactly at rcv_nxt),
 * SYN (RFC 5961 4: a challenge ACK), ACK, data, FIN.  TIME-WAIT answers
 * the peer's FIN sent again and ignores resets first (tcp_time_wait_check).
 *
 * Out-of-order segments are held (up to TCP_OOO_MAX, within the window
 * and the buffer bound) and answered at once with a duplicate ACK; the
 * sender resends just the missing segment after three of them (RFC 5681
 * 3.2, then NewReno's partial ACKs, RFC 6582), and the held ones are
 * delivered when the hole fills.  Without holding them, every loss would
 * cost the whole flight behind it (a go-back-N with a 32-segment window
 * under net_drop=37 lost a retransmission nearly every time and crawled
 * on timeouts).
 */
#include "kstring.h"
#include "printk.h"
#include "tcp.h"
#include "tcp_seq.h"
#include "timer.h"

/* RFC 9293 3.10.7.2: a SYN to a listener makes a child in SYN-RCVD;
 * sock_accept hands it out once the handshake completes. */
static void tcp_listen_rcv(struct socket *l, struct sk_buff *skb, const struct tcp_seg *seg)
{
    if (seg->flags & TCP_RST)
        return;
    if (seg->flags & TCP_ACK) {
        tcp_send_rst_reply(skb->saddr, skb->daddr, seg);
        return;
    }
    if (!(seg->flags & TCP_SYN))
        return;
    if (l->children >= l->backlog) {
        tcp_stats.listen_overflow++;
        return;                     /* the peer's SYN is retransmitted */
    }
    uint32_t laddr;
    const struct net_device *dev;
    uint16_t our_mss = tcp_route_mss(skb->saddr, &laddr, &dev);
    struct socket *c = our_mss ? tcp_alloc(GFP_ATOMIC) : NULL;
    if (!c) {
        tcp_stats.nomem++;
        return;
    }
    c->owned = false;
    c->parent = l;
    l->children++;
    c->laddr = skb->daddr;
    c->lport = seg->dport;
    c->raddr = skb->saddr;
    c->rport = seg->sport;
    c->irs = seg->seq;
    c->rcv_nxt = seg->seq + 1;
    c->rcv_adv = c->rcv_nxt;
    c->our_mss = our_mss;
    c->dev = dev;
    c->mss = tcp_effective_mss(seg->has_mss, seg->mss, our_mss);
    c->snd_wnd = c->max_snd_wnd = seg->wnd;
    c->snd_wl1 = seg->seq;
    tcp_open(c, TCP_SYN_RCVD);
}

/* The peer acknowledged snd_una..ack: drop those bytes from the queue. */
static void tcp_ack_new(struct socket *s, uint32_t ack)
{
    uint32_t n = ack - s->snd_una, queued = s->sndq.bytes;
    while (n) {
        struct sk_buff *skb = skb_peek(&s->sndq);
        if (!skb)
            break;                  /* the rest acknowledges our SYN or FIN */
        uint32_t k = skb->len < n ? skb->len : n;
        skb_pull(skb, k);
        s->sndq.bytes -= k;
        n -= k;
        if (!skb->len)
            kfree_skb(skb_dequeue(&s->sndq));
    }
    s->snd_una = ack;
    if (seq_lt(s->snd_nxt, ack))
        s->snd_nxt = ack;           /* after going back, the ACK may be ahead */
    if (s->rtt_timing && seq_gt(ack, s->rtt_seq)) {
        s->rtt_timing = false;
        tcp_rtt_sample(&s->rtt, (uint32_t)(timer_uptime_ms() - s->rtt_start_ms));
    }
    s->dupacks = 0;
    if (s->in_recovery && seq_geq(ack, s->recover))
        s->in_recovery = false;
    else if (s->in_recovery && s->snd_nxt == s->snd_max)
        tcp_retransmit_head(s);     /* a partial ACK: the next hole (RFC 6582 3.2);
                                     * after a timeout tcp_output is resending all */
    /* RFC 6298 5.2 and 5.3: off when all is acknowledged, else restarted. */
    if (ack == s->snd_max)
        tcp_timer_clear(s, TCP_T_RTO);
    else
        tcp_timer_set(s, TCP_T_RTO, s->rtt.rto);
    /* Room in the send buffer: a writer waits only while it is full, and
     * is woken once half of it is free (Linux's sk_stream_write_space
     * waits for a third), not by every ACK.  The peer ACKs each segment,
     * and every wake-up also woke whoever waits to receive on the same
     * queue: NBD's sender and receiver were switched in and out for each
     * 1,460 bytes of a write. */
    if (queued > TCP_SNDBUF / 2 && s->sndq.bytes <= TCP_SNDBUF / 2)
        wake_up(&s->wq);
}

/* Go back to the first unacknowledged byte and send from there: after a
 * timeout the whole flight is presumed lost (RFC 5681 3.1). */
void tcp_go_back(struct socket *s)
{
    s->snd_nxt = s->snd_una;
    s->rtt_timing = false;
    s->in_recovery = true;
    s->recover = s->snd_max;
    s->dupacks = 0;
    tcp_output(s);
}

static void tcp_dupack(struct socket *s)
{
    if (s->in_recovery || ++s->dupacks < TCP_DUPACK_THRESH)
        return;
    tcp_stats.fast_retransmits++;
    s->in_recovery = true;
    s->recover = s->snd_max;
    s->rtt_timing = false;
    tcp_retransmit_head(s);
}

static void tcp_syn_sent_rcv(struct socket *s, const struct tcp_seg *seg, uint32_t saddr,
                             uint32_t daddr)
{
    bool has_ack = seg->flags & TCP_ACK;
    if (has_ack && (seq_leq(seg->ack, s->iss) || seq_gt(seg->ack, s->snd_max))) {
        if (!(seg->flags & TCP_RST))
            tcp_send_rst_reply(saddr, daddr, seg);
        return;
    }
    if (seg->flags & TCP_RST) {
        if (has_ack) {
            tcp_stats.rst_in++;
            tcp_fail(s, -ECONNREFUSED);
        }
        return;
    }
    if (!(seg->flags & TCP_SYN))
        return;
    s->irs = seg->seq;
    s->rcv_nxt = seg->seq + 1;
    s->rcv_adv = s->rcv_nxt;
    s->mss = tcp_effective_mss(seg->has_mss, seg->mss, s->our_mss);
    s->snd_wnd = s->max_snd_wnd = seg->wnd;
    s->snd_wl1 = seg->seq;
    s->snd_wl2 = seg->ack;
    if (!has_ack) {
        /* Both opened at once (RFC 9293 3.5, figure 8): answer SYN-ACK. */
        s->state = TCP_SYN_RCVD;
        s->snd_nxt = s->iss;
        tcp_output(s);
        return;
    }
    tcp_ack_new(s, seg->ack);
    s->retries = 0;
    s->state = TCP_ESTABLISHED;
    tcp_send_ack(s);
    wake_up(&s->wq);
}

/* SYN-RCVD to ESTABLISHED: the child joins its listener's accept queue. */
static void tcp_established(struct socket *s)
{
    s->state = TCP_ESTABLISHED;
    s->retries = 0;
    if (s->parent) {
        list_add_tail(&s->accept_link, &s->parent->accept_q);
        wake_up(&s->parent->wq);
    }
    wake_up(&s->wq);
}

/* RFC 9293 3.10.7.4, fifth check.  False: the segment is done with. */
static bool tcp_ack_rcv(struct socket *s, const struct tcp_seg *seg, uint32_t saddr,
                        uint32_t daddr)
{
    if (s->state == TCP_SYN_RCVD) {
        if (!seq_gt(seg->ack, s->snd_una) || seq_gt(seg->ack, s->snd_max)) {
            tcp_send_rst_reply(saddr, daddr, seg);
            return false;
        }
        tcp_established(s);
    }
    enum tcp_ack_action a = tcp_ack_check(s->snd_una, s->snd_max, s->max_snd_wnd, seg->ack);
    if (a == TCP_ACK_INVALID) {
        tcp_send_ack(s);
        return false;
    }
    if (a == TCP_ACK_OLD)
        return true;
    s->retries = 0;                 /* the peer is alive */
    if (seq_lt(s->snd_wl1, seg->seq) || (s->snd_wl1 == seg->seq && seq_leq(s->snd_wl2, seg->ack))) {
        s->snd_wnd = seg->wnd;
        s->snd_wl1 = seg->seq;
        s->snd_wl2 = seg->ack;
        if (seg->wnd > s->max_snd_wnd)
            s->max_snd_wnd = seg->wnd;
    }
    if (a == TCP_ACK_NEW)
        tcp_ack_new(s, seg->ack);
    else if (!seg->data_len && !(seg->flags & TCP_FIN) && s->snd_una != s->snd_max)
        tcp_dupack(s);              /* RFC 5681 2, less its "same window": our
                                     * receivers move the edge as they read */

    if (s->fin_queued && seq_gt(s->snd_una, s->write_seq)) {
        enum tcp_state next = tcp_state_on_fin_acked(s->state);
        if (next == TCP_TIME_WAIT) {
            tcp_enter_time_wait(s);
        } else if (next == TCP_CLOSED) {
            tcp_set_closed(s);
            return false;
        } else if (next == TCP_FIN_WAIT_2 && s->state != next) {
            s->state = next;
            /* Once the owner closed, nobody will read any more: do not
             * wait forever for a peer that never sends its FIN.  A
             * socket only shut for writing waits as long as its owner
             * reads (sock_close arms this when it closes). */
            if (!s->owned)
                tcp_timer_set(s, TCP_T_TIME_WAIT, TCP_FIN_WAIT2_MS);
        }
    }
    return true;
}

/* A segment smaller than a full one is copied into the room after the
 * last queued segment when it fits: the window counts buffers as well as
 * bytes (tcp_rcv_window), and a stream of small segments, one skb each,
 * would use up the buffers long before the bytes.  Full segments keep
 * their own skb, uncopied.  True when skb's data was taken. */
static bool tcp_rcvq_coalesce(struct socket *s, struct sk_buff *skb)
{
    if (skb->len >= s->our_mss || !s->rcvq.qlen)
        return false;
    struct sk_buff *tail = list_entry(s->rcvq.list.prev, struct sk_buff, list);
    if (skb_tailroom(tail) < skb->len)
        return false;
    memcpy(skb_put(tail, skb->len), skb->data, skb->len);
    s->rcvq.bytes += skb->len;
    return true;
}

void tcp_ooo_purge(struct socket *s)
{
    for (uint32_t i = 0; i < s->ooo_count; i++)
        kfree_skb(s->ooo[i].skb);
    s->ooo_count = s->ooo_bytes = 0;
}

/* A segment beyond a hole: kept, in order of seq, while there is room
 * (the same buffer bound as the receive queue); a duplicate or one that
 * does not fit is dropped.  True when skb was kept. */
static bool tcp_ooo_store(struct socket *s, struct sk_buff *skb, const struct tcp_seg *seg)
{
    if (s->ooo_count == TCP_OOO_MAX || s->rcvq.qlen + s->ooo_count >= TCP_RCV_SKBS ||
        seq_gt(seg->seq + seg->data_len, s->rcv_adv)) {
        tcp_stats.ooo_dropped++;
        return false;
    }
    uint32_t i = 0;
    while (i < s->ooo_count && seq_lt(s->ooo[i].seq, seg->seq))
        i++;
    if (i < s->ooo_count && s->ooo[i].seq == seg->seq) {
        tcp_stats.ooo_dropped++;    /* we have it already */
        return false;
    }
    for (uint32_t j = s->ooo_count; j > i; j--)
        s->ooo[j] = s->ooo[j - 1];
    s->ooo[i] = (struct tcp_ooo){ .skb = skb, .seq = seg->seq, .fin = seg->flags & TCP_FIN };
    s->ooo_count++;
    s->ooo_bytes += skb->len;
    return true;
}

/* Append in-order bytes to the receive queue (or drop them once the owner
 * closed) and advance rcv_nxt.  True when skb was kept. */
static bool tcp_rcvq_add(struct socket *s, struct sk_buff *skb)
{
    s->rcv_nxt += skb->len;
    if (!s->owned || tcp_rcvq_coalesce(s, skb))
        return false;
    skb_queue_tail(&s->rcvq, skb);
    return true;
}

/* The hole before the held segments may be filled: move what now follows
 * rcv_nxt to the receive queue.  True when a held FIN came in order. */
static bool tcp_ooo_drain(struct socket *s)
{
    bool fin = false;
    while (s->ooo_count && seq_leq(s->ooo[0].seq, s->rcv_nxt)) {
        struct tcp_ooo e = s->ooo[0];
        s->ooo_count--;
        s->ooo_bytes -= e.skb->len;
        for (uint32_t j = 0; j < s->ooo_count; j++)
            s->ooo[j] = s->ooo[j + 1];
        uint32_t end = e.seq + e.skb->len;
        if (seq_gt(end, s->rcv_nxt) || (e.fin && end == s->rcv_nxt)) {
            skb_pull(e.skb, s->rcv_nxt - e.seq);
            fin = e.fin;
            if (!e.skb->len || !tcp_rcvq_add(s, e.skb))
                kfree_skb(e.skb);
        } else {
            kfree_skb(e.skb);       /* all of it arrived again meanwhile */
        }
    }
    return fin;
}

/* Data at or after rcv_nxt: in order it goes to the reader, beyond a hole
 * it is held (tcp_ooo_store) and answered at once with a duplicate ACK
 * for the sender's fast retransmit.  A FIN that becomes in order here is
 * left in seg for the caller.  True when skb was kept. */
static bool tcp_data_rcv(struct socket *s, struct sk_buff *skb, struct tcp_seg *seg)
{
    if (seq_gt(seg->seq, s->rcv_nxt)) {
        tcp_stats.out_of_order++;
        bool kept = tcp_ooo_store(s, skb, seg);
        tcp_send_ack(s);
        seg->flags &= (uint8_t)~TCP_FIN;
        return kept;
    }
    uint32_t old = s->rcv_nxt - seg->seq;   /* bytes we have already */
    skb_pull(skb, old);
    seg->seq += old;
    seg->data_len -= old;
    uint32_t room = seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    if (s->rcvq.qlen + s->ooo_count >= TCP_RCV_SKBS)
        room = 0;                   /* the hard bound: no more buffers */
    if (seg->data_len > room) {
        tcp_stats.rcv_full++;
        skb_trim(skb, room);
        seg->data_len = room;
        seg->flags &= (uint8_t)~TCP_FIN;
    }
    if (!seg->data_len)
        return false;
    bool kept = tcp_rcvq_add(s, skb);
    bool filled = s->ooo_count != 0;
    if (tcp_ooo_drain(s)) {
        seg->flags |= TCP_FIN;      /* the caller takes the FIN at rcv_nxt */
        seg->seq = s->rcv_nxt;
        seg->data_len = 0;
    }
    wake_up(&s->wq);
    /* Delayed ACK (RFC 9293 3.8.6.3): every second segment, or soon; at
     * once when a hole was filled (RFC 5681 4.2). */
    if (++s->unacked_segs >= 2 || filled)
        tcp_send_ack(s);
    else if (!s->timer[TCP_T_DELACK])
        tcp_timer_set(s, TCP_T_DELACK, TCP_DELACK_MS);
    return kept;
}

static void tcp_fin_rcv(struct socket *s)
{
    s->rcv_nxt++;
    s->fin_rcvd = true;
    bool fin_acked = s->fin_queued && seq_gt(s->snd_una, s->write_seq);
    enum tcp_state next = tcp_state_on_fin(s->state, fin_acked);
    if (next == TCP_TIME_WAIT)
        tcp_enter_time_wait(s);
    else
        s->state = next;
    tcp_send_ack(s);
    wake_up(&s->wq);
}

static bool tcp_receiving(enum tcp_state st)
{
    return st == TCP_ESTABLISHED || st == TCP_FIN_WAIT_1 || st == TCP_FIN_WAIT_2;
}

/* TIME-WAIT's own answers (tcp_time_wait_check).  True when the segment
 * is done with; false: the usual checks follow. */
static bool tcp_time_wait_rcv(struct socket *s, const struct tcp_seg *seg)
{
    switch (tcp_time_wait_check(s->rcv_nxt, seg)) {
    case TCP_TW_FIN_AGAIN:
        tcp_timer_set(s, TCP_T_TIME_WAIT, TCP_TIME_WAIT_MS);
        tcp_send_ack(s);
        return true;
    case TCP_TW_IGNORE_RST:
        tcp_stats.rst_ignored++;
        return true;
    case TCP_TW_PROCESS:
        break;
    }
    return false;
}

/* Every synchronized state, and SYN-RCVD.  True when skb was kept. */
static bool tcp_conn_rcv(struct socket *s, struct sk_buff *skb, struct tcp_seg *seg)
{
    if (s->state == TCP_TIME_WAIT && tcp_time_wait_rcv(s, seg))
        return false;
    uint32_t saddr = skb->saddr, daddr = skb->daddr;
    uint32_t wnd = seq_gt(s->rcv_adv, s->rcv_nxt) ? s->rcv_adv - s->rcv_nxt : 0;
    if (!tcp_seg_acceptable(s->rcv_nxt, wnd, seg->seq, tcp_seg_len(seg))) {
        /* A shut window still takes the ACK of a segment at rcv_nxt
         * (RFC 9293 3.10.7.4: "special allowance"), not its data. */
        bool ack_only = !wnd && seg->seq == s->rcv_nxt && !(seg->flags & (TCP_RST | TCP_SYN));
        if (!(seg->flags & TCP_RST))
            tcp_send_oow_ack(s);
        if (!ack_only)
            return false;
        seg->data_len = 0;
        seg->flags &= (uint8_t)~TCP_FIN;
    }
    if (seg->flags & TCP_RST) {
        switch (tcp_rst_check(s->rcv_nxt, wnd, seg->seq)) {
        case TCP_RST_ACCEPT:
            tcp_stats.rst_in++;
            tcp_fail(s, -ECONNRESET);
            break;
        case TCP_RST_CHALLENGE:
            tcp_stats.challenge_acks++;
            tcp_send_oow_ack(s);
            break;
        case TCP_RST_IGNORE:
            tcp_stats.rst_ignored++;
            break;
        }
        return false;
    }
    if (seg->flags & TCP_SYN) {
        tcp_stats.challenge_acks++;
        tcp_send_oow_ack(s);
        return false;
    }
    if (!(seg->flags & TCP_ACK) || !tcp_ack_rcv(s, seg, saddr, daddr))
        return false;
    bool kept = false;
    if (seg->data_len && tcp_receiving(s->state))
        kept = tcp_data_rcv(s, skb, seg);
    if ((seg->flags & TCP_FIN) && seg->seq + seg->data_len == s->rcv_nxt &&
        s->state != TCP_TIME_WAIT && !s->fin_rcvd)
        tcp_fin_rcv(s);
    if (s->in_table)
        tcp_output(s);              /* the window may have opened */
    return kept;
}

void tcp_rcv(struct sk_buff *skb)
{
    tcp_stats.segs_in++;
    uint32_t sum = csum_tcpudp_pseudo(skb->saddr, skb->daddr, IPPROTO_TCP, skb->len);
    if (csum_fold(csum_partial(skb->data, skb->len, sum)) != 0) {
        tcp_stats.bad_csum++;
        kfree_skb(skb);
        return;
    }
    struct tcp_seg seg;
    if (tcp_parse(skb->data, skb->len, &seg) < 0) {
        tcp_stats.bad_header++;
        kfree_skb(skb);
        return;
    }
    struct socket *s = tcp_lookup(skb->daddr, seg.dport, skb->saddr, seg.sport);
    bool kept = false;
    if (skb->pfmemalloc && !(s && s->memalloc)) {
        /* The emergency reserve is reclaim's (skbuff.h): another
         * connection must not hold it, nor even be answered from it.
         * The peer sends again once buffers are back. */
        tcp_stats.memalloc_dropped++;
    } else if (!s || s->state == TCP_CLOSED) {
        tcp_stats.no_socket++;
        if (!(seg.flags & TCP_RST))
            tcp_send_rst_reply(skb->saddr, skb->daddr, &seg);
    } else if (s->state == TCP_LISTEN) {
        tcp_listen_rcv(s, skb, &seg);
    } else if (s->state == TCP_SYN_SENT) {
        tcp_syn_sent_rcv(s, &seg, skb->saddr, skb->daddr);
    } else {
        skb_pull(skb, seg.hdr_len);
        kept = tcp_conn_rcv(s, skb, &seg);
    }
    if (!kept)
        kfree_skb(skb);
}
