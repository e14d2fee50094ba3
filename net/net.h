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
#include "net_parse.h"
#include "netdev.h"
#include "skbuff.h"
#include "wait.h"

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

/* core.c (and net_init, in netdev.h) */
/* Wake knetd: a timer is due or a frame is queued. */
void knetd_wake(void);
/* The default gateway (gw=), host order; 0 when none. */
uint32_t net_gateway(void);

/* What the stack counted, by layer; changed under net_lock, read by
 * anyone (ifconfig, tests) without it. */
struct net_counters {
    uint32_t eth_short, eth_not_ours, eth_unknown_type;
    uint32_t arp_in, arp_bad, arp_requests_out, arp_replies_out, arp_queue_dropped,
             arp_unresolved, arp_evicted;
    uint32_t ip_in, ip_bad[IPV4_NR_VERDICTS], ip_not_ours, ip_unknown_proto, ip_out, ip_no_route,
             ip_too_big;                /* ip_bad by enum ipv4_verdict */
    uint32_t icmp_in, icmp_bad, echo_requests_in, echo_replies_out, echo_requests_out,
             echo_replies_in;
    uint32_t fault_dropped, fault_reordered;   /* net_drop=, net_reorder= */
};
extern struct net_counters net_stats;

/* loopback.c */
void loopback_init(void);
bool dev_is_loopback(const struct net_device *dev);

/* fault_inject.c: net_drop=N and net_reorder=N for the TCP tests; every
 * received TCP segment goes through fault_tcp_rcv on its way to tcp_rcv. */
void fault_inject_init(void);
void fault_tcp_rcv(struct sk_buff *skb);
/* From now on drop every received TCP segment (true), or stop (false). */
void fault_silence(bool on);

/* ether.c: ff:ff:ff:ff:ff:ff, and frame input from netif_receive_skb (knetd, net_lock taken). */
extern const uint8_t eth_broadcast[ETH_ALEN];
void eth_rcv(struct net_device *dev, struct sk_buff *skb);
/* Put an Ethernet header on skb (data at the network header) and send it
 * to the hardware address dst. */
int eth_output(struct net_device *dev, struct sk_buff *skb, const uint8_t dst[ETH_ALEN],
               uint16_t ethertype);

/* arp.c */
void arp_init(void);
void arp_rcv(struct net_device *dev, struct sk_buff *skb);
/* Send skb (data at the IPv4 header) to next hop nexthop on dev: at once
 * if its hardware address is known, else after an ARP answer (a few
 * frames wait per address; more are dropped and counted). */
int arp_output(struct net_device *dev, struct sk_buff *skb, uint32_t nexthop);
/* Retry the requests that are due, give up on silent addresses; the ms
 * until the next is due (UINT32_MAX: none).  knetd calls it. */
uint32_t arp_timers_run(uint64_t now_ms);
/* Visit the cache (monitor arp): without net_lock, so a line may be stale. */
struct arp_entry_view {
    uint32_t ip;
    uint8_t mac[ETH_ALEN];
    bool resolved;
    uint32_t queued;                    /* frames waiting for the answer */
    const char *dev;
};
void arp_for_each(void (*fn)(const struct arp_entry_view *e, void *arg), void *arg);

/* ipv4.c */
void ip_rcv(struct net_device *dev, struct sk_buff *skb);
/* The interface and source address that reach daddr; NULL when none does. */
struct net_device *ip_route(uint32_t daddr, uint32_t *saddr);
/* Put an IPv4 header on skb (data at the transport header) and send it;
 * -ENETUNREACH when no route, else what the interface said.  Consumes skb. */
int ip_output(struct sk_buff *skb, uint32_t saddr, uint32_t daddr, uint8_t proto);

/* icmp.c */
void icmp_rcv(struct sk_buff *skb);
/* ping: send one echo request (call without net_lock); replies are
 * counted per id in a registered struct icmp_pinger. */
int icmp_send_echo(uint32_t daddr, uint16_t id, uint16_t seq, uint32_t payload_len);
struct icmp_pinger {
    uint16_t id;                        /* the echo identifier it owns */
    uint32_t replies;                   /* echo replies with this id */
    uint16_t last_seq;                  /* the sequence of the last one */
    struct wait_queue wq;               /* woken on each reply */
    struct list_head link;              /* on icmp.c's list, under net_lock */
};
/* Start and stop counting replies for p->id (they take net_lock). */
void icmp_pinger_add(struct icmp_pinger *p, uint16_t id);
void icmp_pinger_del(struct icmp_pinger *p);
/* Ping daddr count times, one request a second at most, each waiting up
 * to wait_ms for its reply; each(seq, rtt_ms or -1 for none, arg) after
 * each one (may be NULL).  How many replies came; negative errno when a
 * request could not be sent (no route). */
int icmp_ping(uint32_t daddr, uint32_t count, uint32_t wait_ms,
              void (*each)(uint16_t seq, int32_t rtt_ms, void *arg), void *arg);

/* tcp_input.c etc., net_lock held */
void tcp_rcv(struct sk_buff *skb);
/* Run the timers that are due at now_ms; return the ms until the next
 * one (UINT32_MAX: none).  knetd calls it and sleeps that long at most. */
uint32_t tcp_timers_run(uint64_t now_ms);

/* inet_csum.c (pure: also built for the host) */
#include "inet_csum.h"
