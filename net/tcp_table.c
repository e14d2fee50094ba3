/*
 * tcp_table.c - the table of TCP connections (net/tcp.h): allocation,
 * lookup, ephemeral ports, initial sequence numbers, closing and freeing,
 * and the counters.
 *
 * The table is a plain list: swiod holds a handful of connections (NBD's,
 * a test's), so a linear lookup is cheaper than any hash to get right.
 * Everything here is called with net_lock held.
 */
#include "cmdline.h"
#include "kstring.h"
#include "slab.h"
#include "tcp.h"
#include "tcp_seq.h"
#include "timer.h"
#include "x86.h"

KERNEL_PARAM(tcp_iss, "from the clock", "every TCP connection's initial sequence number (tests)");

#define TCP_EPHEMERAL_FIRST 49152
#define TCP_EPHEMERAL_LAST  65535
/* RFC 9293 3.4.1's clock ticks every 4 microseconds: 250 per ms. */
#define ISS_TICKS_PER_MS    250

struct tcp_stats tcp_stats;
struct list_head tcp_sockets = LIST_HEAD_INIT(tcp_sockets);

struct socket *tcp_alloc(gfp_t gfp)
{
    struct socket *s = kmalloc(sizeof(*s), gfp);
    if (!s)
        return NULL;
    memset(s, 0, sizeof(*s));
    wait_queue_init(&s->wq, "tcp");
    skb_queue_init(&s->sndq);
    skb_queue_init(&s->rcvq);
    list_init(&s->accept_q);
    list_init(&s->accept_link);
    list_init(&s->link);
    s->owned = true;
    tcp_rtt_init(&s->rtt, TCP_RTO_INITIAL, TCP_RTO_MIN, TCP_RTO_MAX);
    return s;
}

uint16_t tcp_route_mss(uint32_t raddr, uint32_t *laddr, const struct net_device **out)
{
    struct net_device *dev = ip_route(raddr, laddr);
    *out = dev;
    if (!dev)
        return 0;
    /* The interface's MTU less the IPv4 and TCP headers without options
     * (RFC 9293 3.7.1): 1460 on Ethernet. */
    return (uint16_t)(dev->mtu - NP_IPV4_HLEN - TCP_HDR_LEN);
}

void tcp_insert(struct socket *s)
{
    list_add_tail(&s->link, &tcp_sockets);
    s->in_table = true;
}

struct socket *tcp_lookup(uint32_t laddr, uint16_t lport, uint32_t raddr, uint16_t rport)
{
    struct socket *listener = NULL;
    list_for_each(pos, &tcp_sockets) {
        struct socket *s = list_entry(pos, struct socket, link);
        if (s->lport != lport)
            continue;
        if (s->state == TCP_LISTEN)
            listener = s;
        else if (s->laddr == laddr && s->raddr == raddr && s->rport == rport)
            return s;
    }
    return listener;
}

bool tcp_port_in_use(uint16_t port)
{
    list_for_each(pos, &tcp_sockets)
        if (list_entry(pos, struct socket, link)->lport == port)
            return true;
    return false;
}

uint16_t tcp_ephemeral_port(void)
{
    static uint32_t next = TCP_EPHEMERAL_FIRST;
    const uint32_t range = TCP_EPHEMERAL_LAST - TCP_EPHEMERAL_FIRST + 1;
    for (uint32_t i = 0; i < range; i++) {
        uint16_t port = (uint16_t)next;
        next = next == TCP_EPHEMERAL_LAST ? TCP_EPHEMERAL_FIRST : next + 1;
        if (!tcp_port_in_use(port))
            return port;
    }
    return 0;
}

uint32_t tcp_new_iss(void)
{
    if (cmdline_has("tcp_iss"))
        return cmdline_get_u32("tcp_iss", 0);
    return (uint32_t)timer_uptime_ms() * ISS_TICKS_PER_MS + (uint32_t)rdtsc();
}

void tcp_open(struct socket *s, enum tcp_state state)
{
    s->iss = tcp_new_iss();
    s->snd_una = s->snd_nxt = s->snd_max = s->iss;
    s->write_seq = s->iss + 1;      /* the SYN takes iss */
    s->state = state;
    tcp_insert(s);
    tcp_output(s);
}

void tcp_maybe_free(struct socket *s)
{
    if (s->in_table || s->owned || s->parent)
        return;
    skb_queue_purge(&s->rcvq);
    tcp_ooo_purge(s);
    kfree(s);
}

void tcp_set_closed(struct socket *s)
{
    s->state = TCP_CLOSED;
    for (int t = 0; t < TCP_NR_TIMERS; t++)
        s->timer[t] = 0;
    skb_queue_purge(&s->sndq);
    if (s->in_table) {
        list_del(&s->link);
        s->in_table = false;
    }
    if (s->parent) {
        /* A child nobody accepted: the listener forgets it. */
        list_del(&s->accept_link);
        list_init(&s->accept_link);
        s->parent->children--;
        s->parent = NULL;
    }
    wake_up(&s->wq);
    tcp_maybe_free(s);
}

void tcp_fail(struct socket *s, int err)
{
    if (!s->err)
        s->err = err;
    skb_queue_purge(&s->rcvq);
    tcp_ooo_purge(s);
    tcp_set_closed(s);
}
