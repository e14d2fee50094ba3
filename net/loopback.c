/*
 * loopback.c - lo, 127.0.0.1/8: every frame sent on it is received on it.
 *
 * xmit is called with net_lock held, from inside protocol code, so it
 * must not hand the frame up at once (that would re-enter the protocol
 * that is sending, with the lock it already holds).  It queues the frame
 * and asks knetd to poll lo, which delivers the queue like a NIC's ring.
 * The queue is bounded by the skb pool itself: every frame on it is a
 * buffer out of the pool, and TCP stops sending when its window is full.
 */
#include "kstring.h"
#include "net.h"
#include "x86.h"

#define LOOPBACK_MTU    ETH_DATA_LEN    /* TCP's segments look like eth0's */
#define LOOPBACK_NET    0x7F000000u     /* 127.0.0.0/8 */
#define LOOPBACK_MASK   0xFF000000u

static struct sk_buff_head backlog;     /* sent, not yet received; irq_save */

static int loopback_xmit(struct net_device *dev, struct sk_buff *skb)
{
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += skb->len;
    uint32_t flags = irq_save();
    skb_queue_tail(&backlog, skb);
    irq_restore(flags);
    netif_schedule_poll(dev);
    return 0;
}

static int loopback_poll(struct net_device *dev, int budget)
{
    int n = 0;
    while (n < budget) {
        uint32_t flags = irq_save();
        struct sk_buff *skb = skb_dequeue(&backlog);
        irq_restore(flags);
        if (!skb)
            break;
        napi_gro_receive(dev, skb);
        n++;
    }
    return n;
}

static const struct net_device_ops loopback_ops = {
    .xmit = loopback_xmit,
    .poll = loopback_poll,
};

static struct net_device loopback_dev = {
    .name = "lo",
    .mtu = LOOPBACK_MTU,
    .link_up = true,
    .ipaddr = INADDR_LOOPBACK,
    .netmask = LOOPBACK_MASK,
    .ops = &loopback_ops,
};

bool dev_is_loopback(const struct net_device *dev) { return dev == &loopback_dev; }

void loopback_init(void)
{
    skb_queue_init(&backlog);
    netdev_register(&loopback_dev);
}
