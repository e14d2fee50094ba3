/*
 * ether.c - Ethernet II framing: the layer between an interface and
 * ARP/IPv4 (see net.h).
 *
 * Input (net_lock held): a frame must be at least a header long and be
 * for us -- our address or broadcast; the NIC filters unicast, but lo and
 * injected test frames are not filtered by hardware -- and carry IPv4 or
 * ARP.  Anything else is counted and dropped.  Ethernet padding after the
 * IP datagram is cut off by IPv4, which knows the datagram's length.
 */
#include "kstring.h"
#include "net.h"

const uint8_t eth_broadcast[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void eth_rcv(struct net_device *dev, struct sk_buff *skb)
{
    struct eth_hdr_info eh;
    if (eth_parse(skb->data, skb->len, &eh) < 0) {
        net_stats.eth_short++;
        kfree_skb(skb);
        return;
    }
    if (memcmp(eh.dst, dev->mac, ETH_ALEN) != 0 && memcmp(eh.dst, eth_broadcast, ETH_ALEN) != 0) {
        net_stats.eth_not_ours++;
        kfree_skb(skb);
        return;
    }
    skb_pull(skb, ETH_HLEN);
    switch (eh.type) {
    case ETH_P_IP:
        ip_rcv(dev, skb);
        return;
    case ETH_P_ARP:
        arp_rcv(dev, skb);
        return;
    default:
        net_stats.eth_unknown_type++;
        kfree_skb(skb);
    }
}

int eth_output(struct net_device *dev, struct sk_buff *skb, const uint8_t dst[ETH_ALEN],
               uint16_t ethertype)
{
    eth_build(skb_push(skb, ETH_HLEN), dst, dev->mac, ethertype);
    skb->dev = dev;
    return dev->ops->xmit(dev, skb);
}
