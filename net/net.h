/*
 * net/net.h - what the layers of the network stack offer each other
 * (private to net/; drivers use netdev.h and skbuff.h, users socket.h).
 *
 * The layers: Ethernet and ARP (ether.c, arp.c), IPv4 (ipv4.c) with ICMP
 * echo (icmp.c), TCP (tcp*.c) and the socket calls (socket.c); loopback
 * (loopback.c) is an interface like eth0 whose xmit hands the frame back
 * to the stack.  knetd (core.c) is the one task that runs protocol input:
 * it polls the interfaces, delivers each frame up, and runs TCP's timers.
 *
 * Locking: one mutex, net_lock, protects all protocol state (ARP cache,
 * connections, their queues).  knetd holds it while it delivers a frame
 * and while it runs timers; socket calls hold it while they change a
 * connection and drop it to wait.  Nothing sleeps with net_lock held:
 * buffers returned to the skb pool come back through knetd, which needs
 * the lock, so a holder waiting for one would wait for itself.  A socket
 * call allocates its buffers before it takes the lock; protocol code
 * under the lock (replies, ACKs, retransmissions) uses GFP_ATOMIC and
 * drops and counts the packet when the pool is dry -- TCP recovers.
 * Protocol input below is called with net_lock held and consumes the skb
 * it is given.
 *
 * Byte order: every address and port in these calls is host order; the
 * packet bytes are network order (ntohs/htons below).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "mutex.h"
#include "netdev.h"
#include "skbuff.h"

#define IPPROTO_ICMP    1
#define IPPROTO_TCP     6
#define ETH_P_IP        0x0800
#define ETH_P_ARP       0x0806
#define INADDR_LOOPBACK 0x7F000001u     /* 127.0.0.1 */

static inline uint16_t htons(uint16_t x) { return (uint16_t)((x << 8) | (x >> 8)); }
static inline uint16_t ntohs(uint16_t x) { return htons(x); }
static inline uint32_t htonl(uint32_t x) { return __builtin_bswap32(x); }
static inline uint32_t ntohl(uint32_t x) { return __builtin_bswap32(x); }

extern struct mutex net_lock;

/* core.c */
void net_init(void);                    /* skbs, knetd, lo, eth0 if present */
/* Wake knetd: a timer is due or a frame is queued. */
void knetd_wake(void);

/* ether.c: frame input from netif_receive_skb (knetd, net_lock taken). */
void eth_rcv(struct net_device *dev, struct sk_buff *skb);
/* Put an Ethernet header on skb (data at the network header) and send it
 * to the hardware address dst. */
int eth_output(struct net_device *dev, struct sk_buff *skb, const uint8_t dst[ETH_ALEN],
               uint16_t ethertype);

/* arp.c */
void arp_rcv(struct net_device *dev, struct sk_buff *skb);
/* Send skb (data at the IPv4 header) to next hop nexthop on dev: at once
 * if its hardware address is known, else after an ARP answer (a few
 * frames wait per address; more are dropped and counted). */
int arp_output(struct net_device *dev, struct sk_buff *skb, uint32_t nexthop);

/* ipv4.c */
void ip_rcv(struct net_device *dev, struct sk_buff *skb);
/* The interface and source address that reach daddr; NULL when none does. */
struct net_device *ip_route(uint32_t daddr, uint32_t *saddr);
/* Put an IPv4 header on skb (data at the transport header) and send it;
 * -ENETUNREACH when no route, else what the interface said.  Consumes skb. */
int ip_output(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t proto);

/* icmp.c */
void icmp_rcv(struct sk_buff *skb);
/* ping: send one echo request; replies are counted per id (monitor ping). */
int icmp_send_echo(uint32_t daddr, uint16_t id, uint16_t seq, uint32_t payload_len);

/* tcp_input.c etc., net_lock held */
void tcp_rcv(struct sk_buff *skb);
/* Run the timers that are due at now_ms; return the ms until the next
 * one (UINT32_MAX: none).  knetd calls it and sleeps that long at most. */
uint32_t tcp_timers_run(uint64_t now_ms);

/* checksum.c (pure: also built for the host) */
#include "inet_csum.h"
