/*
 * ipv4.c - IPv4 input, routing and output (RFC 791; see net.h).
 *
 * Input (net_lock held): the header is checked by ipv4_parse (version,
 * header length, checksum, total length against the frame) and each
 * refusal is counted by its reason.  Fragments are dropped and counted:
 * we send with don't-fragment and never reassemble.  Options are not
 * interpreted, only skipped.  A datagram not for one of our addresses is
 * dropped (we are not a router).  Ethernet padding beyond the total
 * length is cut off before the transport layer sees the datagram.
 *
 * Routing, in this order: 127/8 and our own addresses go to lo; an
 * address on an interface's subnet is sent to directly; anything else
 * goes through the gateway (gw=), on the interface whose subnet holds it.
 */
#include "kerrno.h"
#include "net.h"

#define IP_DEFAULT_TTL  64          /* RFC 1700's recommendation */
#define LOOPBACK_NET    0x7F000000u
#define LOOPBACK_MASK   0xFF000000u

static uint16_t next_id;            /* datagram identification, under net_lock */

static bool is_local_address(uint32_t daddr)
{
    return (daddr & LOOPBACK_MASK) == LOOPBACK_NET;
}

struct route_search {
    uint32_t daddr;
    struct net_device *lo, *direct, *own;
};

static void route_visit(struct net_device *dev, void *arg)
{
    struct route_search *r = arg;
    if (dev_is_loopback(dev)) {
        r->lo = dev;
        return;
    }
    if (!dev->ipaddr)
        return;
    if (dev->ipaddr == r->daddr)
        r->own = dev;
    else if (!r->direct && ((r->daddr ^ dev->ipaddr) & dev->netmask) == 0)
        r->direct = dev;
}

/* The interface for daddr and the next hop on it (daddr itself when on
 * its subnet, the gateway otherwise). */
static struct net_device *route(uint32_t daddr, uint32_t *saddr, uint32_t *nexthop)
{
    struct route_search r = { .daddr = daddr };
    netdev_for_each(route_visit, &r);
    if (is_local_address(daddr) || r.own) {
        *saddr = r.own ? daddr : INADDR_LOOPBACK;
        *nexthop = daddr;
        return r.lo;
    }
    if (r.direct) {
        *saddr = r.direct->ipaddr;
        *nexthop = daddr;
        return r.direct;
    }
    uint32_t gw = net_gateway();
    if (!gw)
        return NULL;
    r = (struct route_search){ .daddr = gw };
    netdev_for_each(route_visit, &r);
    if (!r.direct)
        return NULL;
    *saddr = r.direct->ipaddr;
    *nexthop = gw;
    return r.direct;
}

struct net_device *ip_route(uint32_t daddr, uint32_t *saddr)
{
    uint32_t nexthop;
    return route(daddr, saddr, &nexthop);
}

int ip_output(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t proto)
{
    uint32_t src, nexthop;
    struct net_device *dev = route(daddr, &src, &nexthop);
    if (!dev) {
        net_stats.ip_no_route++;
        kfree_skb(skb);
        return -ENETUNREACH;
    }
    /* A TSO frame (netdev.h) is cut by the NIC into segments of gso_size
     * bytes, which TCP took from this route's MSS; the datagram's length
     * says the whole frame's, and each segment gets its own id and
     * checksum from the NIC. */
    uint32_t len = skb->len + skb->frag_bytes;
    if (!skb->gso_size && len + NP_IPV4_HLEN > dev->mtu) {
        net_stats.ip_too_big++;
        kfree_skb(skb);
        return -EINVAL;            /* TCP keeps its segments to the MSS */
    }
    skb->transport_header = skb->data;
    struct ipv4_info h = { .total_len = len + NP_IPV4_HLEN, .ttl = IP_DEFAULT_TTL,
                           .proto = proto, .id = next_id, .saddr = saddr ? saddr : src,
                           .daddr = daddr, .nic_csum = skb->gso_size != 0 };
    /* The NIC numbers a TSO frame's segments id, id + 1, ... */
    next_id += skb->gso_size ? (uint16_t)((skb->frag_bytes + skb->len) / skb->gso_size + 1) : 1;
    skb->network_header = skb_push(skb, NP_IPV4_HLEN);
    ipv4_build(skb->network_header, &h);
    net_stats.ip_out++;
    if (dev_is_loopback(dev))
        return eth_output(dev, skb, dev->mac, ETH_P_IP);
    return arp_output(dev, skb, nexthop);
}

static bool for_us(const struct net_device *dev, uint32_t daddr)
{
    if (dev_is_loopback(dev))
        return true;                /* whatever lo carries, we sent to ourselves */
    return dev->ipaddr && daddr == dev->ipaddr;
}

void ip_rcv(struct net_device *dev, struct sk_buff *skb)
{
    struct ipv4_info h;
    net_stats.ip_in++;
    enum ipv4_verdict v = ipv4_parse(skb->data, skb->len, &h);
    if (v != IPV4_OK) {
        net_stats.ip_bad[v]++;
        kfree_skb(skb);
        return;
    }
    if (!for_us(dev, h.daddr)) {
        net_stats.ip_not_ours++;
        kfree_skb(skb);
        return;
    }
    skb_trim(skb, h.total_len);
    skb->network_header = skb->data;
    skb->saddr = h.saddr;
    skb->daddr = h.daddr;
    skb->transport_header = skb_pull(skb, h.hlen);
    switch (h.proto) {
    case IPPROTO_ICMP:
        icmp_rcv(skb);
        return;
    case IPPROTO_TCP:
        fault_tcp_rcv(skb);
        return;
    default:
        net_stats.ip_unknown_proto++;
        kfree_skb(skb);
    }
}
