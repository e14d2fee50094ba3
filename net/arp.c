/*
 * arp.c - the Address Resolution Protocol for IPv4 over Ethernet (RFC
 * 826) and the neighbour cache (see net.h).
 *
 * The cache is a fixed table of ARP_CACHE_SIZE entries, protected by
 * net_lock.  An entry is either resolved (we know the hardware address)
 * or pending (a request is out; up to ARP_QUEUE_MAX frames wait on it;
 * one more is dropped and counted).  A pending request is sent again
 * every ARP_RETRY_MS, ARP_MAX_TRIES times in all; then the entry is freed
 * with its frames, counted as unresolved, and said in the log.  When
 * every entry is taken a new address evicts the entry used longest ago
 * (pending ones last, so their frames are not thrown away first), and the
 * log says which.  Resolved entries are kept until evicted: the
 * neighbours of a QEMU guest never change their addresses.
 *
 * Input: a request for our address is answered at once (the requester
 * is waiting), and learnt, as RFC 826 says: whoever asks us will talk to
 * us.  Any packet from an address already in the cache refreshes it.
 */
#include "kerrno.h"
#include "kstring.h"
#include "net.h"
#include "printk.h"
#include "timer.h"

#define ARP_CACHE_SIZE  16
#define ARP_QUEUE_MAX   4           /* frames waiting per unresolved address */
#define ARP_RETRY_MS    1000
#define ARP_MAX_TRIES   3

struct arp_entry {
    uint32_t ip;                    /* 0: free */
    struct net_device *dev;
    uint8_t mac[ETH_ALEN];
    bool resolved;
    uint32_t tries;                 /* requests sent, while pending */
    uint64_t next_try_ms;           /* when to ask again, while pending */
    uint64_t used_ms;               /* last looked up or refreshed */
    struct sk_buff_head queue;      /* frames waiting for the answer */
};

static struct arp_entry cache[ARP_CACHE_SIZE];

static struct arp_entry *lookup(uint32_t ip)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        if (cache[i].ip == ip)
            return &cache[i];
    return NULL;
}

static void entry_free(struct arp_entry *e)
{
    skb_queue_purge(&e->queue);
    e->ip = 0;
    e->resolved = false;
}

/* A free entry, or the one to evict: resolved before pending, then the
 * one used longest ago. */
static struct arp_entry *entry_alloc(uint32_t ip, struct net_device *dev)
{
    struct arp_entry *victim = NULL;
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &cache[i];
        if (!e->ip) {
            victim = e;
            break;
        }
        if (!victim || (e->resolved && !victim->resolved) ||
            (e->resolved == victim->resolved && e->used_ms < victim->used_ms))
            victim = e;
    }
    if (victim->ip) {
        char old[IPV4_ADDR_STRLEN], new[IPV4_ADDR_STRLEN];
        ipv4_format_addr(old, victim->ip);
        ipv4_format_addr(new, ip);
        pr_info("arp: cache full (%d entries): %s evicted for %s\n", ARP_CACHE_SIZE, old, new);
        net_stats.arp_evicted++;
        entry_free(victim);
    }
    victim->ip = ip;
    victim->dev = dev;
    victim->resolved = false;
    victim->tries = 0;
    victim->used_ms = timer_uptime_ms();
    return victim;
}

static void send_arp(struct net_device *dev, uint16_t op, const uint8_t tha[ETH_ALEN],
                     uint32_t tpa, const uint8_t eth_dst[ETH_ALEN])
{
    struct sk_buff *skb = alloc_skb(GFP_ATOMIC);
    if (!skb)
        return;                     /* the retry, or the asker's, will do */
    struct arp_info a = { .op = op, .spa = dev->ipaddr, .tpa = tpa };
    memcpy(a.sha, dev->mac, ETH_ALEN);
    memcpy(a.tha, tha, ETH_ALEN);
    arp_build(skb_put(skb, NP_ARP_LEN), &a);
    if (op == ARP_OP_REQUEST)
        net_stats.arp_requests_out++;
    else
        net_stats.arp_replies_out++;
    eth_output(dev, skb, eth_dst, ETH_P_ARP);
}

static void send_request(struct arp_entry *e)
{
    static const uint8_t unknown[ETH_ALEN];
    e->tries++;
    e->next_try_ms = timer_uptime_ms() + ARP_RETRY_MS;
    send_arp(e->dev, ARP_OP_REQUEST, unknown, e->ip, eth_broadcast);
    knetd_wake();                   /* so that knetd sees the new deadline */
}

/* The address is known now: send what waited for it. */
static void resolve(struct arp_entry *e, const uint8_t mac[ETH_ALEN])
{
    memcpy(e->mac, mac, ETH_ALEN);
    e->resolved = true;
    e->used_ms = timer_uptime_ms();
    struct sk_buff *skb;
    while ((skb = skb_dequeue(&e->queue)))
        eth_output(e->dev, skb, e->mac, ETH_P_IP);
}

void arp_rcv(struct net_device *dev, struct sk_buff *skb)
{
    struct arp_info a;
    net_stats.arp_in++;
    if (arp_parse(skb->data, skb->len, &a) < 0 || !a.spa) {
        net_stats.arp_bad++;
        kfree_skb(skb);
        return;
    }
    kfree_skb(skb);
    bool for_us = dev->ipaddr && a.tpa == dev->ipaddr;
    struct arp_entry *e = lookup(a.spa);
    if (e)
        resolve(e, a.sha);
    else if (for_us)
        resolve(entry_alloc(a.spa, dev), a.sha);
    if (for_us && a.op == ARP_OP_REQUEST)
        send_arp(dev, ARP_OP_REPLY, a.sha, a.spa, a.sha);
}

int arp_output(struct net_device *dev, struct sk_buff *skb, uint32_t nexthop)
{
    struct arp_entry *e = lookup(nexthop);
    if (e && e->resolved) {
        e->used_ms = timer_uptime_ms();
        return eth_output(dev, skb, e->mac, ETH_P_IP);
    }
    if (!e) {
        e = entry_alloc(nexthop, dev);
        send_request(e);
    }
    if (e->queue.qlen >= ARP_QUEUE_MAX) {
        net_stats.arp_queue_dropped++;
        kfree_skb(skb);
        return -EBUSY;
    }
    skb_queue_tail(&e->queue, skb);
    return 0;
}

uint32_t arp_timers_run(uint64_t now_ms)
{
    uint64_t next = UINT64_MAX;
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        struct arp_entry *e = &cache[i];
        if (!e->ip || e->resolved)
            continue;
        if (now_ms >= e->next_try_ms) {
            if (e->tries >= ARP_MAX_TRIES) {
                char ip[IPV4_ADDR_STRLEN];
                ipv4_format_addr(ip, e->ip);
                pr_info("arp: %s: no answer to %u requests; %u frames dropped\n", ip,
                        e->tries, e->queue.qlen);
                net_stats.arp_unresolved++;
                net_stats.arp_queue_dropped += e->queue.qlen;
                entry_free(e);
                continue;
            }
            send_request(e);
        }
        if (e->next_try_ms < next)
            next = e->next_try_ms;
    }
    if (next == UINT64_MAX)
        return UINT32_MAX;
    return next > now_ms ? (uint32_t)(next - now_ms) : 0;
}

void arp_init(void)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++)
        skb_queue_init(&cache[i].queue);
}

void arp_for_each(void (*fn)(const struct arp_entry_view *e, void *arg), void *arg)
{
    for (int i = 0; i < ARP_CACHE_SIZE; i++) {
        const struct arp_entry *e = &cache[i];
        if (!e->ip)
            continue;
        struct arp_entry_view v = { .ip = e->ip, .resolved = e->resolved,
                                    .queued = e->queue.qlen, .dev = e->dev->name };
        memcpy(v.mac, e->mac, ETH_ALEN);
        fn(&v, arg);
    }
}
