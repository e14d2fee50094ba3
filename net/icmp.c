/*
 * icmp.c - ICMP echo (RFC 792): we answer pings and send them.
 *
 * An echo request is answered in its own buffer: type and checksum
 * change, the addresses swap, and the headers that were pulled off on
 * the way in leave exactly the headroom the reply's headers need.  So
 * answering needs no allocation and works when the skb pool is dry.
 *
 * Echo replies are counted for whoever registered their identifier (the
 * monitor's ping, the tests) with icmp_pinger_add; others are counted
 * only in net_stats.  Other ICMP types are dropped (counted in icmp_in).
 */
#include "kerrno.h"
#include "kstring.h"
#include "net.h"
#include "sched.h"
#include "timer.h"

#define PING_PATTERN_START  0x20        /* payload bytes count up from ' ' */

static struct list_head pingers = LIST_HEAD_INIT(pingers);  /* under net_lock */

static void echo_reply_rcv(const struct icmp_info *h)
{
    net_stats.echo_replies_in++;
    list_for_each(pos, &pingers) {
        struct icmp_pinger *p = list_entry(pos, struct icmp_pinger, link);
        if (p->id == h->id) {
            p->replies++;
            p->last_seq = h->seq;
            wake_up(&p->wq);
        }
    }
}

void icmp_rcv(struct sk_buff *skb)
{
    struct icmp_info h;
    net_stats.icmp_in++;
    if (icmp_parse(skb->data, skb->len, &h) < 0) {
        net_stats.icmp_bad++;
        kfree_skb(skb);
        return;
    }
    if (h.type == ICMP_ECHO_REPLY)
        echo_reply_rcv(&h);
    if (h.type != ICMP_ECHO_REQUEST) {
        kfree_skb(skb);
        return;
    }
    net_stats.echo_requests_in++;
    h.type = ICMP_ECHO_REPLY;
    h.code = 0;
    icmp_build(skb->data, skb->len, &h);
    net_stats.echo_replies_out++;
    ip_output(skb, skb->daddr, skb->saddr, IPPROTO_ICMP);
}

int icmp_send_echo(uint32_t daddr, uint16_t id, uint16_t seq, uint32_t payload_len)
{
    if (payload_len > ETH_DATA_LEN - NP_IPV4_HLEN - NP_ICMP_HLEN)
        return -EINVAL;
    struct sk_buff *skb = alloc_skb(GFP_KERNEL);    /* before net_lock: may wait */
    uint8_t *p = skb_put(skb, NP_ICMP_HLEN + payload_len);
    for (uint32_t i = 0; i < payload_len; i++)
        p[NP_ICMP_HLEN + i] = (uint8_t)(PING_PATTERN_START + i);
    struct icmp_info h = { .type = ICMP_ECHO_REQUEST, .id = id, .seq = seq };
    icmp_build(p, skb->len, &h);
    mutex_lock(&net_lock);
    net_stats.echo_requests_out++;
    int err = ip_output(skb, 0, daddr, IPPROTO_ICMP);
    mutex_unlock(&net_lock);
    return err;
}

void icmp_pinger_add(struct icmp_pinger *p, uint16_t id)
{
    p->id = id;
    p->replies = 0;
    p->last_seq = 0;
    wait_queue_init(&p->wq, "ping");
    mutex_lock(&net_lock);
    list_add_tail(&p->link, &pingers);
    mutex_unlock(&net_lock);
}

void icmp_pinger_del(struct icmp_pinger *p)
{
    mutex_lock(&net_lock);
    list_del(&p->link);
    mutex_unlock(&net_lock);
}

#define PING_PAYLOAD        56          /* the classic ping's 64-byte message */
#define PING_INTERVAL_MS    1000

int icmp_ping(uint32_t daddr, uint32_t count, uint32_t wait_ms,
              void (*each)(uint16_t seq, int32_t rtt_ms, void *arg), void *arg)
{
    static uint16_t next_id = 0x5100;   /* a fresh identifier per ping run */
    struct icmp_pinger p;
    icmp_pinger_add(&p, next_id++);
    int replies = 0;
    for (uint16_t seq = 1; seq <= count; seq++) {
        uint64_t sent = timer_uptime_ms();
        uint32_t before = p.replies;
        int err = icmp_send_echo(daddr, p.id, seq, PING_PAYLOAD);
        if (err < 0) {
            replies = err;
            break;
        }
        bool got = wait_event_timeout(&p.wq, p.replies != before && p.last_seq == seq, wait_ms);
        int32_t rtt = got ? (int32_t)(timer_uptime_ms() - sent) : -1;
        replies += got;
        if (each)
            each(seq, rtt, arg);
        uint64_t spent = timer_uptime_ms() - sent;
        if (seq < count && spent < PING_INTERVAL_MS)
            sleep_ms((uint32_t)(PING_INTERVAL_MS - spent));
    }
    icmp_pinger_del(&p);
    return replies;
}
