/*
 * test_net_gro.c - the receive batch (net/gro.c) drops exactly the pure
 * ACKs that the next frame supersedes, and sends up everything else.
 *
 * The frames go through napi_gro_receive and napi_gro_flush on an
 * interface of the test's own that is never registered, so knetd never
 * polls it, and they are addressed to another MAC: each frame that goes
 * up is counted once in eth_not_ours, and a merged one is not.
 */
#include "kstring.h"
#include "ktest.h"
#include "../../net/net.h"
#include "../../net/tcp_logic.h"

#define PEER_IP     0x0a000202u     /* 10.0.2.2 */
#define OUR_IP      0x0a00020fu     /* 10.0.2.15 */
#define PORT_A      49152
#define PORT_B      49153
#define SEQ         7

static struct net_device batch_dev = { .name = "grotest", .mac = { 2, 0, 0, 0, 0, 1 } };
static const uint8_t other_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 2 };
static const uint8_t peer_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 3 };
static const uint8_t second_peer_mac[ETH_ALEN] = { 2, 0, 0, 0, 0, 4 };

struct frame {
    uint16_t port;
    uint32_t ack;
    uint32_t data;                  /* payload bytes: not a pure ACK if any */
    bool pfmemalloc;
    const uint8_t *src;             /* the sender's MAC */
    bool merges_held;               /* it supersedes the frame held before it */
};

static void receive(const struct frame *f)
{
    struct sk_buff *skb = alloc_skb(GFP_KERNEL);
    KASSERT(skb != NULL);
    eth_build(skb_put(skb, ETH_HLEN), other_mac, f->src, ETH_P_IP);
    uint32_t tcp_len = TCP_HDR_LEN + f->data;
    struct ipv4_info ip = { .total_len = NP_IPV4_HLEN + tcp_len, .ttl = 64,
                            .proto = IPPROTO_TCP, .saddr = PEER_IP, .daddr = OUR_IP };
    ipv4_build(skb_put(skb, NP_IPV4_HLEN), &ip);
    struct tcp_hdr_fields t = { .sport = 10809, .dport = f->port, .seq = SEQ, .ack = f->ack,
                                .flags = TCP_ACK, .wnd = 65535 };
    tcp_build_header(skb_put(skb, TCP_HDR_LEN), &t);
    memset(skb_put(skb, f->data), 0xd5, f->data);
    skb->pfmemalloc = f->pfmemalloc;
    napi_gro_receive(&batch_dev, skb);
}

KTEST(net_gro_merges_only_superseded_pure_acks)
{
    static const struct frame frames[] = {
        { PORT_A, 100, 0, false, peer_mac, false },
        { PORT_A, 200, 0, false, peer_mac, true },          /* a later ACK */
        { PORT_A, 200, 0, false, peer_mac, false },         /* a duplicate ACK */
        { PORT_A, 300, 0, false, peer_mac, true },
        { PORT_A, 300, 10, false, peer_mac, false },        /* data */
        { PORT_B, 400, 0, false, peer_mac, false },         /* another connection */
        { PORT_A, 500, 0, false, peer_mac, false },
        { PORT_A, 600, 0, true, peer_mac, false },          /* from the emergency reserve */
        { PORT_A, 700, 0, false, second_peer_mac, false },  /* another Ethernet header */
        { PORT_A, 0xfffffff0u, 0, false, second_peer_mac, false },  /* an older ACK */
        { PORT_A, 0x10, 0, false, second_peer_mac, true },  /* later, across the wrap */
    };
    uint32_t n = sizeof(frames) / sizeof(frames[0]), merged = 0;
    for (uint32_t i = 0; i < n; i++)
        merged += frames[i].merges_held;
    uint32_t in_use = skb_in_use(), up = net_stats.eth_not_ours;
    for (uint32_t i = 0; i < n; i++)
        receive(&frames[i]);
    KASSERT(batch_dev.gro_held != NULL);                /* the last ACK waits */
    napi_gro_flush(&batch_dev);
    KASSERT(batch_dev.gro_held == NULL);
    KASSERT_EQ(net_stats.eth_not_ours - up, n - merged);
    KASSERT_EQ(batch_dev.stats.rx_acks_merged, merged);
    KASSERT_EQ(batch_dev.stats.rx_packets, n);
    KASSERT_EQ(skb_in_use(), in_use);                   /* the merged ones were freed */
}
