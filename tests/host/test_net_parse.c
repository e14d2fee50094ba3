/*
 * test_net_parse.c - net/net_parse.c: what it builds parses back to what
 * went in, and every way a received header can be wrong is refused for
 * its own reason -- truncated at every length, wrong version, short IHL,
 * total length beyond the frame or inside the header, bad checksum,
 * fragments -- while options are skipped and padding tolerated.  Also the
 * address parser and formatter used for ip= and gw=.
 *
 * Links with: net/net_parse.c net/inet_csum.c
 * Usage: test_net_parse [seed=N]   (or SEED=N in the environment)
 */
#include "check.h"
#include "inet_csum.h"
#include "net_parse.h"

#define IP_A    0x0a00020fu     /* 10.0.2.15 */
#define IP_B    0x0a000202u     /* 10.0.2.2 */

/* A heap copy of exactly n bytes, so ASan sees a read past the end. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
    uint8_t *q = malloc(n ? n : 1);
    memcpy(q, p, n);
    return q;
}

static enum ipv4_verdict parse_ip_exact(const uint8_t *p, size_t n, struct ipv4_info *out)
{
    uint8_t *q = dup_exact(p, n);
    enum ipv4_verdict v = ipv4_parse(q, (uint32_t)n, out);
    free(q);
    return v;
}

/* A valid datagram: header, then payload bytes. */
static size_t make_datagram(uint8_t *buf, uint32_t payload)
{
    struct ipv4_info h = { .total_len = NP_IPV4_HLEN + payload, .ttl = 64, .proto = 1,
                           .id = 0x1234, .saddr = IP_A, .daddr = IP_B };
    ipv4_build(buf, &h);
    for (uint32_t i = 0; i < payload; i++)
        buf[NP_IPV4_HLEN + i] = (uint8_t)i;
    return NP_IPV4_HLEN + payload;
}

static void refix_checksum(uint8_t *ip, uint32_t hlen)
{
    ip[10] = ip[11] = 0;
    put_be16(ip + 10, csum_fold(csum_partial(ip, hlen, 0)));
}

static void ipv4_round_trip_and_refusals(void)
{
    uint8_t buf[128];
    size_t n = make_datagram(buf, 40);
    struct ipv4_info h;
    CHECK_INT(parse_ip_exact(buf, n, &h), IPV4_OK);
    CHECK_INT(h.hlen, 20);
    CHECK_INT(h.total_len, 60);
    CHECK_INT(h.saddr, IP_A);
    CHECK_INT(h.daddr, IP_B);
    CHECK_INT(h.proto, 1);
    CHECK_INT(h.ttl, 64);
    CHECK_INT(h.id, 0x1234);
    /* Ethernet pads short frames: bytes past the total length are fine. */
    CHECK_INT(parse_ip_exact(buf, n + 6, &h), IPV4_OK);
    CHECK_INT(h.total_len, 60);
    /* Cut anywhere: truncated header or a total length beyond the frame. */
    for (size_t cut = 0; cut < n; cut++) {
        enum ipv4_verdict v = parse_ip_exact(buf, cut, &h);
        CHECK_INT(v, cut < NP_IPV4_HLEN ? IPV4_TRUNCATED : IPV4_BAD_LENGTH);
    }
    uint8_t bad[128];
    memcpy(bad, buf, n);
    bad[0] = 0x65;                              /* version 6 */
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_BAD_VERSION);
    memcpy(bad, buf, n);
    bad[0] = 0x44;                              /* IHL 4 */
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_BAD_IHL);
    memcpy(bad, buf, n);
    bad[15] ^= 1;                               /* one bit of the source */
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_BAD_CHECKSUM);
    memcpy(bad, buf, n);
    put_be16(bad + 2, 19);                      /* total length inside the header */
    refix_checksum(bad, 20);
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_BAD_LENGTH);
    memcpy(bad, buf, n);
    put_be16(bad + 6, 0x2000);                  /* more fragments */
    refix_checksum(bad, 20);
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_FRAGMENT);
    put_be16(bad + 6, 0x0001);                  /* the last fragment, offset 8 */
    refix_checksum(bad, 20);
    CHECK_INT(parse_ip_exact(bad, n, &h), IPV4_FRAGMENT);
    /* IHL 15 with a 20-byte frame: truncated, not a read past the end. */
    memcpy(bad, buf, 20);
    bad[0] = 0x4f;
    CHECK_INT(parse_ip_exact(bad, 20, &h), IPV4_TRUNCATED);
}

static void ipv4_options_skipped(void)
{
    /* IHL 6: four bytes of options (NOPs) between header and payload. */
    uint8_t buf[64];
    make_datagram(buf, 0);
    uint8_t opt[64];
    memcpy(opt, buf, 20);
    opt[0] = 0x46;
    memset(opt + 20, 1, 4);                     /* NOP NOP NOP NOP */
    memcpy(opt + 24, "data", 4);
    put_be16(opt + 2, 28);
    refix_checksum(opt, 24);
    struct ipv4_info h;
    CHECK_INT(parse_ip_exact(opt, 28, &h), IPV4_OK);
    CHECK_INT(h.hlen, 24);
    CHECK_INT(h.total_len, 28);
}

static void ethernet_and_arp(void)
{
    const uint8_t a[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 }, b[6] = { 1, 2, 3, 4, 5, 6 };
    uint8_t frame[NP_ETH_HLEN + NP_ARP_LEN];
    eth_build(frame, a, b, 0x0806);
    struct eth_hdr_info eh;
    uint8_t *q = dup_exact(frame, NP_ETH_HLEN - 1);
    CHECK_INT(eth_parse(q, NP_ETH_HLEN - 1, &eh), -1);
    free(q);
    CHECK_INT(eth_parse(frame, NP_ETH_HLEN, &eh), 0);
    CHECK(memcmp(eh.dst, a, 6) == 0 && memcmp(eh.src, b, 6) == 0);
    CHECK_INT(eh.type, 0x0806);

    struct arp_info in = { .op = ARP_OP_REQUEST, .spa = IP_B, .tpa = IP_A }, out;
    memcpy(in.sha, b, 6);
    memset(in.tha, 0, 6);
    arp_build(frame + NP_ETH_HLEN, &in);
    uint8_t *arp = frame + NP_ETH_HLEN;
    CHECK_INT(arp_parse(arp, NP_ARP_LEN, &out), 0);
    CHECK_INT(out.op, ARP_OP_REQUEST);
    CHECK_INT(out.spa, IP_B);
    CHECK_INT(out.tpa, IP_A);
    CHECK(memcmp(out.sha, b, 6) == 0);
    for (uint32_t cut = 0; cut < NP_ARP_LEN; cut++) {
        q = dup_exact(arp, cut);
        CHECK_INT(arp_parse(q, cut, &out), -1);
        free(q);
    }
    /* Not Ethernet/IPv4, or an unknown operation: refused. */
    const int fields[] = { 1, 2, 4, 5, 7 };
    for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
        uint8_t copy[NP_ARP_LEN];
        memcpy(copy, arp, NP_ARP_LEN);
        copy[fields[i]] ^= 0x40;
        CHECK_INT(arp_parse(copy, NP_ARP_LEN, &out), -1);
    }
}

static void icmp_echo(void)
{
    uint8_t msg[NP_ICMP_HLEN + 5];
    memcpy(msg + NP_ICMP_HLEN, "hello", 5);     /* odd length on purpose */
    struct icmp_info in = { .type = ICMP_ECHO_REQUEST, .id = 0x5100, .seq = 7 }, out;
    icmp_build(msg, sizeof(msg), &in);
    CHECK_INT(icmp_parse(msg, sizeof(msg), &out), 0);
    CHECK_INT(out.type, ICMP_ECHO_REQUEST);
    CHECK_INT(out.id, 0x5100);
    CHECK_INT(out.seq, 7);
    msg[NP_ICMP_HLEN + 4] ^= 0x10;              /* the payload is covered too */
    CHECK_INT(icmp_parse(msg, sizeof(msg), &out), -1);
    uint8_t *q = dup_exact(msg, NP_ICMP_HLEN - 1);
    CHECK_INT(icmp_parse(q, NP_ICMP_HLEN - 1, &out), -1);
    free(q);
}

static void addresses(void)
{
    uint32_t a, p;
    CHECK_INT(ipv4_parse_addr("10.0.2.15/24", &a, &p), 0);
    CHECK_INT(a, IP_A);
    CHECK_INT(p, 24);
    CHECK_INT(ipv4_parse_addr("10.0.2.2", &a, &p), 0);
    CHECK_INT(p, 32);
    CHECK_INT(ipv4_parse_addr("255.255.255.255", &a, NULL), 0);
    CHECK_INT(a, 0xffffffffu);
    const char *bad[] = { "", "10", "10.0.2", "10.0.2.256", "10.0.2.1.", "10..2.1",
                          "10.0.2.1/33", "10.0.2.1/", "a.b.c.d", "10.0.2.1 ",
                          "10.0.2.1/24" /* no prefix wanted */ };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
        CHECK_INT(ipv4_parse_addr(bad[i], &a, i + 1 < ARRAY_SIZE(bad) ? &p : NULL), -1);
    CHECK_INT(ipv4_prefix_mask(24), 0xffffff00u);
    CHECK_INT(ipv4_prefix_mask(0), 0);
    CHECK_INT(ipv4_prefix_mask(32), 0xffffffffu);
    char s[IPV4_ADDR_STRLEN];
    ipv4_format_addr(s, IP_A);
    CHECK_STR(s, "10.0.2.15");
    ipv4_format_addr(s, 0xffffffffu);
    CHECK_STR(s, "255.255.255.255");
    for (int i = 0; i < 1000; i++) {
        uint32_t x = (uint32_t)check_rand(), y;
        ipv4_format_addr(s, x);
        CHECK_INT(ipv4_parse_addr(s, &y, NULL), 0);
        CHECK_INT(y, x);
    }
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_net_parse");
    ipv4_round_trip_and_refusals();
    ipv4_options_skipped();
    ethernet_and_arp();
    icmp_echo();
    addresses();
    return check_exit("test_net_parse");
}
