/*
 * net_monitor.c - the network's monitor commands:
 *   ifconfig          every interface: address, MAC, link, counters, and
 *                     the stack's own counters
 *   arp               the ARP cache
 *   ping ADDR [COUNT] echo requests, one a second, each waiting 1 s
 * They read counters without net_lock (a line may be a moment stale) and
 * ping waits without it, as every socket call does.
 */
#include "console.h"
#include "monitor.h"
#include "net.h"
#include "cmdline_parse.h"

#define PING_DEFAULT_COUNT  4
#define PING_MAX_COUNT      100         /* bounded: a monitor command must end */
#define PING_WAIT_MS        1000

static void print_mac(const uint8_t *m)
{
    console_printf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static uint32_t mask_prefix(uint32_t mask)
{
    return (uint32_t)__builtin_popcount(mask);
}

static void print_dev(struct net_device *dev, void *arg)
{
    (void)arg;
    char ip[IPV4_ADDR_STRLEN];
    ipv4_format_addr(ip, dev->ipaddr);
    const struct net_device_stats *s = &dev->stats;
    console_printf("%s: inet %s/%u mtu %u link %s hwaddr ", dev->name, ip,
                   mask_prefix(dev->netmask), dev->mtu, dev->link_up ? "up" : "down");
    print_mac(dev->mac);
    console_printf("\n    rx %llu packets %llu bytes, dropped %u, errors %u, "
                   "pure ACKs merged %u\n"
                   "    tx %llu packets %llu bytes, dropped %u; interrupts %u\n",
                   (unsigned long long)s->rx_packets, (unsigned long long)s->rx_bytes,
                   s->rx_dropped, s->rx_errors, s->rx_acks_merged, (unsigned long long)s->tx_packets,
                   (unsigned long long)s->tx_bytes, s->tx_dropped, s->interrupts);
    if (dev->features)
        console_printf("    offload %s: %u TSO frames, %u checksums by the NIC\n",
                       dev->features & NETIF_F_TSO ? "tso, csum" : "csum", s->tx_tso_frames,
                       s->tx_csum_offloaded);
}

static void cmd_ifconfig(int argc, char **argv)
{
    (void)argc, (void)argv;
    netdev_for_each(print_dev, NULL);
    const struct net_counters *c = &net_stats;
    char gw[IPV4_ADDR_STRLEN];
    ipv4_format_addr(gw, net_gateway());
    console_printf("gateway %s; skbs in use %u, reserve %u, emergency reserve %u "
                   "(found empty %u times)\n", gw, skb_in_use(), skb_reserve_free(),
                   skb_memalloc_free(), skb_memalloc_dry());
    console_printf("ether: short %u, not ours %u, unknown type %u\n", c->eth_short,
                   c->eth_not_ours, c->eth_unknown_type);
    console_printf("arp: in %u, bad %u, requests out %u, replies out %u, queue dropped %u, "
                   "unresolved %u, evicted %u\n", c->arp_in, c->arp_bad, c->arp_requests_out,
                   c->arp_replies_out, c->arp_queue_dropped, c->arp_unresolved, c->arp_evicted);
    console_printf("ip: in %u, out %u, not ours %u, unknown protocol %u, no route %u, "
                   "too big %u\n", c->ip_in, c->ip_out, c->ip_not_ours, c->ip_unknown_proto,
                   c->ip_no_route, c->ip_too_big);
    console_printf("ip dropped:");
    for (int v = IPV4_OK + 1; v < IPV4_NR_VERDICTS; v++)
        console_printf(" %s %u%s", ipv4_verdict_names[v], c->ip_bad[v],
                       v + 1 < IPV4_NR_VERDICTS ? "," : "\n");
    console_printf("icmp: in %u, bad %u, echo requests in %u / replies out %u, "
                   "requests out %u / replies in %u\n", c->icmp_in, c->icmp_bad,
                   c->echo_requests_in, c->echo_replies_out, c->echo_requests_out,
                   c->echo_replies_in);
    console_printf("faults injected: tcp dropped %u, reordered %u\n", c->fault_dropped,
                   c->fault_reordered);
}
MONITOR_COMMAND("ifconfig", "", "interfaces, addresses, counters", cmd_ifconfig);

static void print_arp(const struct arp_entry_view *e, void *arg)
{
    (void)arg;
    char ip[IPV4_ADDR_STRLEN];
    ipv4_format_addr(ip, e->ip);
    console_printf("%-15s ", ip);
    if (e->resolved)
        print_mac(e->mac);
    else
        console_printf("(incomplete, %u queued)", e->queued);
    console_printf(" %s\n", e->dev);
}

static void cmd_arp(int argc, char **argv)
{
    (void)argc, (void)argv;
    arp_for_each(print_arp, NULL);
}
MONITOR_COMMAND("arp", "", "the ARP cache", cmd_arp);

static void print_ping(uint16_t seq, int32_t rtt_ms, void *arg)
{
    const char *ip = arg;
    if (rtt_ms < 0)
        console_printf("ping %s: seq %u: no reply in %u ms\n", ip, seq, PING_WAIT_MS);
    else
        console_printf("ping %s: seq %u: reply in %d ms\n", ip, seq, rtt_ms);
}

static void cmd_ping(int argc, char **argv)
{
    uint32_t daddr, count = PING_DEFAULT_COUNT;
    if (argc < 2 || ipv4_parse_addr(argv[1], &daddr, NULL) < 0) {
        console_printf("usage: ping A.B.C.D [COUNT]\n");
        return;
    }
    if (argc > 2 && (parse_u32(argv[2], &count) < 0 || !count || count > PING_MAX_COUNT)) {
        console_printf("ping: COUNT is 1..%u\n", PING_MAX_COUNT);
        return;
    }
    int got = icmp_ping(daddr, count, PING_WAIT_MS, print_ping, argv[1]);
    if (got < 0)
        console_printf("ping %s: cannot send (%d)\n", argv[1], got);
    else
        console_printf("ping %s: %u sent, %d received\n", argv[1], count, got);
}
MONITOR_COMMAND("ping", "A.B.C.D [COUNT]", "ICMP echo, one a second", cmd_ping);
