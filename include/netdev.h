/*
 * netdev.h - network interfaces: what a NIC driver offers the stack and
 * what the stack offers a driver.
 *
 * An interface (eth0, lo) has a name, a hardware address, an MTU, its IPv4
 * configuration and counters.  Interfaces register once and are never
 * removed.
 *
 * Receiving works as Linux's NAPI does.  The NIC's interrupt handler only
 * acknowledges the interrupt and calls netif_schedule_poll(); the network
 * task, knetd (net/core.c: PRIO_IO, PF_MEMALLOC), then calls ops->poll(),
 * which takes the frames the NIC has written, hands each to
 * napi_gro_receive() and refills the ring; once it returns, knetd's
 * napi_gro_flush() sends up the last frame the batch held back (net/gro.c:
 * a pure ACK that a later one in the same batch supersedes is dropped).
 * So protocol code never runs in an interrupt handler, and a flood of
 * packets costs one interrupt.
 *
 * Sending: ops->xmit(dev, skb) takes ownership of a complete frame (the
 * Ethernet header at skb->data) and frees it once the NIC is done with it,
 * or at once when the ring is full (counted in tx_dropped, and returns
 * -EBUSY; TCP's retransmission copes).  xmit is called from knetd or with
 * the network lock held (net.h); it never sleeps.
 *
 * Transmit offloads (Linux's NETIF_F_ names).  A driver whose NIC can
 * finish a frame's work sets them in features before netdev_register;
 * TCP looks at the interface a connection leaves by and then hands xmit
 * frames that need that work (skbuff.h):
 *   NETIF_F_HW_CSUM  csum_partial: the TCP checksum field holds the
 *                    pseudo-header sum (with the TCP length), and the NIC
 *                    sums the segment into it.
 *   NETIF_F_TSO      gso_size: one frame of up to gso_max_size payload
 *                    bytes behind one Ethernet/IPv4/TCP header (a
 *                    frag_next chain); the NIC cuts it into segments of
 *                    gso_size bytes, each with its own IPv4 length, id and
 *                    checksum and TCP sequence number and checksum (the
 *                    field holds the pseudo-header sum without the
 *                    length).  Only with NETIF_F_HW_CSUM.
 * Software does all of it when features is 0 (lo; e1000_offload=off).
 *
 * Configuration: ip=A.B.C.D/N, gw=A.B.C.D on the command line (defaults
 * for QEMU's user networking: 10.0.2.15/24, gateway 10.0.2.2).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"

struct sk_buff;
struct net_device;

#define ETH_ALEN        6
#define ETH_HLEN        14
#define ETH_DATA_LEN    1500        /* the MTU of Ethernet */
#define ETH_FRAME_LEN   1514        /* header + largest payload, without FCS */
#define IFNAMSIZ        8

#define NETIF_F_HW_CSUM (1u << 0)   /* completes TCP checksums (above) */
#define NETIF_F_TSO     (1u << 1)   /* cuts large TCP frames into segments (above) */

struct net_device_ops {
    /* Send one frame; 0, or -EBUSY when it was dropped (always consumed). */
    int (*xmit)(struct net_device *dev, struct sk_buff *skb);
    /* From knetd: deliver up to budget received frames with
     * napi_gro_receive(); return how many.  Returning budget means
     * "more may be waiting": knetd polls again before sleeping. */
    int (*poll)(struct net_device *dev, int budget);
};

struct net_device_stats {
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
    uint32_t rx_dropped;            /* no buffer to refill with, or no taker */
    uint32_t tx_dropped;            /* ring full */
    uint32_t tx_tso_frames;         /* TSO frames handed to the NIC (each counted in
                                     * tx_packets as the segments it becomes) */
    uint32_t tx_csum_offloaded;     /* frames whose TCP checksum the NIC computed */
    uint32_t rx_errors;             /* the NIC said the frame was bad */
    uint32_t rx_acks_merged;        /* pure ACKs a later one superseded (net/gro.c);
                                     * counted in rx_packets too */
    uint32_t interrupts;
};

struct net_device {
    char name[IFNAMSIZ];
    uint8_t mac[ETH_ALEN];
    uint32_t mtu;
    bool link_up;                   /* as the NIC last reported it */
    uint32_t features;              /* NETIF_F_*: set before registering, then fixed */
    uint32_t gso_max_size;          /* NETIF_F_TSO: most payload bytes in one frame */
    uint32_t ipaddr, netmask;       /* host order; 0: unconfigured */
    const struct net_device_ops *ops;
    void *priv;                     /* the driver's */
    struct net_device_stats stats;
    bool poll_pending;              /* netif_schedule_poll() was called */
    struct sk_buff *gro_held;       /* knetd's: the pure ACK the batch holds back */
    struct list_head link;          /* on the list of interfaces */
};

/* At boot: the skb pool, knetd and lo (net/core.c).  The stack knows no
 * NIC driver: each driver's init, called after this one (kernel/main.c),
 * finds its hardware and registers an interface, as Linux's do. */
void net_init(void);

/* Register dev (name, mac, mtu, ops filled in); it gets the command line's
 * address unless it is the loopback.  -EBUSY if the name is taken.  knetd
 * may already be running: dev is polled from its first interrupt on. */
int netdev_register(struct net_device *dev);
struct net_device *netdev_find(const char *name);
/* Visit every interface (they never go away, so no lock). */
void netdev_for_each(void (*fn)(struct net_device *dev, void *arg), void *arg);

/* From the NIC's interrupt handler (or anywhere): ask knetd to poll dev. */
void netif_schedule_poll(struct net_device *dev);
/* One received frame, the Ethernet header at skb->data, up the stack now
 * (knetd, or a test injecting frames); the stack owns it from now on. */
void netif_receive_skb(struct net_device *dev, struct sk_buff *skb);
/* From ops->poll (knetd): the same, as part of the poll's batch -- a pure
 * ACK may wait for the next frame, and is dropped if that one supersedes
 * it (net/gro.c). */
void napi_gro_receive(struct net_device *dev, struct sk_buff *skb);
/* knetd, after each poll: what the batch holds goes up. */
void napi_gro_flush(struct net_device *dev);
