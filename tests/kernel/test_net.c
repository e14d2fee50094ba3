/*
 * test_net.c - the network up to IP: the e1000 is found with QEMU's MAC
 * and its link up; ping reaches the gateway through it and 127.0.0.1
 * through lo; routing picks lo, the subnet or the gateway; ARP answers
 * requests for our address and says when its cache is full; every kind
 * of bad frame is counted under its own reason and dropped, and nothing
 * leaks; net_drop= and net_reorder= hit the segments the seed says.
 *
 * Bad frames are injected through lo with netif_receive_skb, the call a
 * driver's poll makes, so they take the real input path.  Tests that need
 * the NIC are skipped without one (ktest_skip), which make test fails.
 */
#include "cmdline.h"
#include "kstring.h"
#include "ktest.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "../../net/net.h"

#define QEMU_GUEST_IP   0x0a00020fu     /* 10.0.2.15 */
#define QEMU_GATEWAY    0x0a000202u     /* 10.0.2.2 */
#define TEST_NET_ADDR   0xc0000201u     /* 192.0.2.1 (RFC 5737): only routed, never sent to */
#define LO_PEER         0x7f000001u
#define PING_WAIT_MS    3000            /* QEMU's e1000 is deaf for 1 s after boot */
#define SETTLE_MS       200             /* for lo's frames to go round through knetd */
#define TCP_HLEN        20
#define TCP_FLAG_RST    0x04

/* eth0; the test is skipped without it. */
static struct net_device *need_eth0(void)
{
    struct net_device *dev = netdev_find("eth0");
    if (!dev)
        ktest_skip("no eth0: no network");
    return dev;
}

KTEST(net_e1000_probed_with_qemu_mac_and_link_up)
{
    struct net_device *dev = need_eth0();
    static const uint8_t qemu_mac[ETH_ALEN] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    KASSERT(memcmp(dev->mac, qemu_mac, ETH_ALEN) == 0);
    KASSERT(dev->link_up);
    KASSERT_EQ(dev->ipaddr, QEMU_GUEST_IP);
    KASSERT_EQ(dev->netmask, 0xffffff00u);
}

static void count_resolved(const struct arp_entry_view *e, void *arg)
{
    if (e->ip == QEMU_GATEWAY && e->resolved)
        ++*(int *)arg;
}

KTEST(net_ping_gateway_gets_replies)
{
    struct net_device *dev = need_eth0();
    uint32_t replies_before = net_stats.echo_replies_in;
    uint64_t rx_before = dev->stats.rx_packets;
    KASSERT_EQ(icmp_ping(QEMU_GATEWAY, 3, PING_WAIT_MS, NULL, NULL), 3);
    KASSERT_EQ(net_stats.echo_replies_in - replies_before, 3);
    KASSERT(dev->stats.rx_packets - rx_before >= 3);
    KASSERT(dev->stats.interrupts > 0);
    int resolved = 0;
    arp_for_each(count_resolved, &resolved);
    KASSERT_EQ(resolved, 1);
}

KTEST(net_ping_loopback_gets_replies)
{
    struct net_device *lo = netdev_find("lo");
    KASSERT(lo);
    uint64_t rx_before = lo->stats.rx_packets;
    uint32_t in_use = skb_in_use();
    KASSERT_EQ(icmp_ping(LO_PEER, 3, 1000, NULL, NULL), 3);
    KASSERT_EQ(lo->stats.rx_packets - rx_before, 6);    /* 3 requests, 3 replies */
    sleep_ms(SETTLE_MS);
    KASSERT_EQ(skb_in_use(), in_use);
}

KTEST(net_routes_loopback_subnet_and_gateway)
{
    uint32_t saddr = 0;
    struct net_device *lo = netdev_find("lo"), *eth0 = netdev_find("eth0");
    KASSERT(ip_route(0x7f000005u, &saddr) == lo);
    KASSERT_EQ(saddr, INADDR_LOOPBACK);
    if (!eth0) {
        KASSERT(ip_route(QEMU_GATEWAY, &saddr) == NULL);
        return;
    }
    KASSERT(ip_route(QEMU_GATEWAY, &saddr) == eth0);    /* on the subnet */
    KASSERT_EQ(saddr, QEMU_GUEST_IP);
    KASSERT(ip_route(TEST_NET_ADDR, &saddr) == eth0);   /* through the gateway */
    KASSERT(ip_route(QEMU_GUEST_IP, &saddr) == lo);     /* our own address */
    KASSERT_EQ(saddr, QEMU_GUEST_IP);
}

/* ---- injecting frames into lo's input ------------------------------- */

/* A frame for lo: an Ethernet header of the given type, then len bytes. */
static void inject(uint16_t type, const uint8_t *payload, uint32_t len)
{
    struct net_device *lo = netdev_find("lo");
    struct sk_buff *skb = alloc_skb(GFP_KERNEL);
    eth_build(skb_put(skb, ETH_HLEN), lo->mac, lo->mac, type);
    memcpy(skb_put(skb, len), payload, len);
    netif_receive_skb(lo, skb);
}

/* An IPv4 datagram to 127.0.0.1 of proto carrying len payload bytes
 * (which the caller fills after it); its header length. */
static uint32_t make_ip(uint8_t *buf, uint8_t proto, uint32_t len)
{
    struct ipv4_info h = { .total_len = NP_IPV4_HLEN + len, .ttl = 64, .proto = proto,
                           .saddr = LO_PEER, .daddr = LO_PEER };
    ipv4_build(buf, &h);
    return NP_IPV4_HLEN;
}

static void fix_ip_checksum(uint8_t *ip, uint32_t hlen)
{
    put_be16(ip + 10, 0);
    put_be16(ip + 10, csum_fold(csum_partial(ip, hlen, 0)));
}

static uint32_t make_echo(uint8_t *buf, uint16_t seq)
{
    uint32_t n = make_ip(buf, IPPROTO_ICMP, NP_ICMP_HLEN);
    struct icmp_info e = { .type = ICMP_ECHO_REQUEST, .id = 0x7e57, .seq = seq };
    icmp_build(buf + n, NP_ICMP_HLEN, &e);
    return n + NP_ICMP_HLEN;
}

#define EXPECT_COUNT(counter, delta, inject_stmt)                               \
    do {                                                                    \
        uint32_t before_ = (counter);                                       \
        inject_stmt;                                                        \
        KASSERT_EQ((counter) - before_, (delta));                           \
    } while (0)

KTEST(net_bad_frames_counted_and_dropped)
{
    uint8_t buf[128], bad[128];
    uint32_t in_use = skb_in_use();
    uint32_t n = make_echo(buf, 1);
    struct net_counters *c = &net_stats;

    /* The good one first: it is answered (the reply goes round lo). */
    EXPECT_COUNT(c->echo_replies_out, 1, inject(ETH_P_IP, buf, n));
    {   /* shorter than an Ethernet header: built by hand */
        struct net_device *lo = netdev_find("lo");
        struct sk_buff *skb = alloc_skb(GFP_KERNEL);
        skb_put(skb, ETH_HLEN - 1);
        EXPECT_COUNT(c->eth_short, 1, netif_receive_skb(lo, skb));
    }
    EXPECT_COUNT(c->eth_unknown_type, 1, inject(0x86dd, buf, n));
    memcpy(bad, buf, n);
    bad[12] ^= 0x01;                                    /* a source address bit */
    EXPECT_COUNT(c->ip_bad[IPV4_BAD_CHECKSUM], 1, inject(ETH_P_IP, bad, n));
    EXPECT_COUNT(c->ip_bad[IPV4_TRUNCATED], 1, inject(ETH_P_IP, buf, NP_IPV4_HLEN - 1));
    EXPECT_COUNT(c->ip_bad[IPV4_BAD_LENGTH], 1, inject(ETH_P_IP, buf, n - 1));
    memcpy(bad, buf, n);
    bad[0] = 0x65;
    EXPECT_COUNT(c->ip_bad[IPV4_BAD_VERSION], 1, inject(ETH_P_IP, bad, n));
    memcpy(bad, buf, n);
    bad[0] = 0x43;
    EXPECT_COUNT(c->ip_bad[IPV4_BAD_IHL], 1, inject(ETH_P_IP, bad, n));
    memcpy(bad, buf, n);
    put_be16(bad + 6, 0x2000);                          /* more fragments */
    fix_ip_checksum(bad, NP_IPV4_HLEN);
    EXPECT_COUNT(c->ip_bad[IPV4_FRAGMENT], 1, inject(ETH_P_IP, bad, n));
    memcpy(bad, buf, n);
    bad[NP_IPV4_HLEN + NP_ICMP_HLEN - 1] ^= 0x01;       /* the echo's sequence */
    EXPECT_COUNT(c->icmp_bad, 1, inject(ETH_P_IP, bad, n));
    memcpy(bad, buf, n);
    bad[9] = 17;                                        /* UDP: not spoken here */
    fix_ip_checksum(bad, NP_IPV4_HLEN);
    EXPECT_COUNT(c->ip_unknown_proto, 1, inject(ETH_P_IP, bad, n));

    /* Options are skipped, not refused: IHL 6 with four NOPs is answered. */
    memcpy(bad, buf, NP_IPV4_HLEN);
    memset(bad + NP_IPV4_HLEN, 1, 4);
    memcpy(bad + NP_IPV4_HLEN + 4, buf + NP_IPV4_HLEN, NP_ICMP_HLEN);
    bad[0] = 0x46;
    put_be16(bad + 2, (uint16_t)(n + 4));
    fix_ip_checksum(bad, NP_IPV4_HLEN + 4);
    EXPECT_COUNT(c->echo_replies_out, 1, inject(ETH_P_IP, bad, n + 4));
    /* Ethernet padding after the datagram is cut off, not an error. */
    memcpy(bad, buf, n);
    memset(bad + n, 0xee, 10);
    EXPECT_COUNT(c->echo_replies_out, 1, inject(ETH_P_IP, bad, n + 10));

    sleep_ms(SETTLE_MS);
    KASSERT_EQ(skb_in_use(), in_use);                   /* every drop freed its buffer */
}

#define ARP_FLOOD   20                  /* more than the cache holds */

KTEST(net_arp_answers_requests_and_says_when_full)
{
    struct net_device *lo = netdev_find("lo");
    uint32_t mark = log_mark();
    uint32_t replies = net_stats.arp_replies_out, evicted = net_stats.arp_evicted;
    for (uint8_t i = 1; i <= ARP_FLOOD; i++) {
        struct arp_info a = { .op = ARP_OP_REQUEST, .spa = 0x7f000100u + i, .tpa = LO_PEER,
                              .sha = { 0x02, 0, 0, 0, 0, i } };
        uint8_t p[NP_ARP_LEN];
        arp_build(p, &a);
        inject(ETH_P_ARP, p, NP_ARP_LEN);
    }
    /* Each request for our address answered at once, each asker learnt;
     * the cache fills and says so as it evicts. */
    KASSERT_EQ(net_stats.arp_replies_out - replies, ARP_FLOOD);
    KASSERT(net_stats.arp_evicted - evicted >= ARP_FLOOD - 16);
    KASSERT(log_contains(mark, "arp: cache full (16 entries): "));
    /* A request for someone else is not answered. */
    struct arp_info a = { .op = ARP_OP_REQUEST, .spa = 0x7f0001feu, .tpa = 0x7f000063u };
    uint8_t p[NP_ARP_LEN];
    arp_build(p, &a);
    EXPECT_COUNT(net_stats.arp_replies_out, 0, inject(ETH_P_ARP, p, NP_ARP_LEN));
    (void)lo;
}

#define SILENT_NEIGHBOUR 0x0a00024du     /* 10.0.2.77: slirp answers no ARP for it */
#define ARP_GIVE_UP_MS   5000            /* 3 requests 1 s apart, and some slack */

KTEST(net_arp_retries_then_gives_up_on_a_silent_address)
{
    need_eth0();
    uint32_t mark = log_mark();
    uint32_t requests = net_stats.arp_requests_out, dropped = net_stats.arp_queue_dropped;
    uint32_t unresolved = net_stats.arp_unresolved;
    /* Six frames for an address nobody answers: four wait, two are
     * dropped at once. */
    for (uint16_t seq = 1; seq <= 6; seq++)
        KASSERT(icmp_send_echo(SILENT_NEIGHBOUR, 0x7e58, seq, 8) == 0 || seq > 4);
    KASSERT_EQ(net_stats.arp_queue_dropped - dropped, 2);
    uint64_t start = timer_uptime_ms();
    while (net_stats.arp_unresolved == unresolved && timer_uptime_ms() - start < ARP_GIVE_UP_MS)
        sleep_ms(100);
    KASSERT_EQ(net_stats.arp_unresolved - unresolved, 1);
    KASSERT_EQ(net_stats.arp_requests_out - requests, 3);
    KASSERT_EQ(net_stats.arp_queue_dropped - dropped, 6);
    KASSERT(log_contains(mark, "arp: 10.0.2.77: no answer to 3 requests; 4 frames dropped"));
}

/* ---- fault injection -------------------------------------------------- */

/* count RST segments (nobody answers a RST) to a closed port over lo. */
static void inject_tcp_rsts(int count)
{
    for (int i = 0; i < count; i++) {
        uint8_t buf[NP_IPV4_HLEN + TCP_HLEN];
        uint32_t n = make_ip(buf, IPPROTO_TCP, TCP_HLEN);
        uint8_t *t = buf + n;
        memset(t, 0, TCP_HLEN);
        put_be16(t, 40000);                             /* source port */
        put_be16(t + 2, 9);                             /* discard, not listening */
        put_be32(t + 4, (uint32_t)i);                   /* sequence */
        t[12] = (TCP_HLEN / 4) << 4;                    /* data offset */
        t[13] = TCP_FLAG_RST;
        uint32_t sum = csum_tcpudp_pseudo(LO_PEER, LO_PEER, IPPROTO_TCP, TCP_HLEN);
        put_be16(t + 16, csum_fold(csum_partial(t, TCP_HLEN, sum)));
        inject(ETH_P_IP, buf, sizeof(buf));
    }
}

/* The test is skipped without opt= on the command line. */
static void need_option(const char *opt)
{
    if (!cmdline_get_u32(opt, 0))
        ktest_skip("no %s= on the command line: no fault injection", opt);
}

KTEST(net_drop_every_nth_tcp_segment_from_seed)
{
    need_option("net_drop");
    /* The spec boots with net_drop=3 seed=1: segments 2 and 5 of 6. */
    EXPECT_COUNT(net_stats.fault_dropped, 2, inject_tcp_rsts(6));
}

KTEST(net_reorder_every_nth_tcp_segment_from_seed)
{
    need_option("net_reorder");
    /* net_reorder=2 seed=0: the 2nd is held and goes after the 3rd, the
     * 4th after the 5th. */
    EXPECT_COUNT(net_stats.fault_reordered, 2, inject_tcp_rsts(5));
}
