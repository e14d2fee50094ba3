/*
 * net_parse.c - header parsing and building for Ethernet, ARP, IPv4 and
 * ICMP (see net_parse.h).  Pure code: the host tests link it.
 */
#include "inet_csum.h"
#include "net_parse.h"

/* Ethernet (IEEE 802.3 clause 3): destination 0, source 6, type 12. */
#define ETH_OFF_DST     0
#define ETH_OFF_SRC     6
#define ETH_OFF_TYPE    12

/* ARP for Ethernet and IPv4 (RFC 826). */
#define ARP_OFF_HRD     0
#define ARP_OFF_PRO     2
#define ARP_OFF_HLN     4
#define ARP_OFF_PLN     5
#define ARP_OFF_OP      6
#define ARP_OFF_SHA     8
#define ARP_OFF_SPA     14
#define ARP_OFF_THA     18
#define ARP_OFF_TPA     24
#define ARP_PRO_IP      0x0800
#define ARP_PLN_IP      4

/* IPv4 (RFC 791 section 3.1). */
#define IP_OFF_VER_IHL  0
#define IP_OFF_TOS      1
#define IP_OFF_TOTLEN   2
#define IP_OFF_ID       4
#define IP_OFF_FRAG     6
#define IP_OFF_TTL      8
#define IP_OFF_PROTO    9
#define IP_OFF_CSUM     10
#define IP_OFF_SADDR    12
#define IP_OFF_DADDR    16
#define IP_VERSION      4
#define IP_MIN_IHL      5           /* words */
#define IP_FLAG_DF      0x4000
#define IP_FLAG_MF      0x2000
#define IP_FRAG_OFFSET  0x1FFF

/* ICMP (RFC 792): type 0, code 1, checksum 2, identifier 4, sequence 6. */
#define ICMP_OFF_TYPE   0
#define ICMP_OFF_CODE   1
#define ICMP_OFF_CSUM   2
#define ICMP_OFF_ID     4
#define ICMP_OFF_SEQ    6

static void copy_mac(uint8_t *dst, const uint8_t *src)
{
    for (int i = 0; i < NP_ETH_ALEN; i++)
        dst[i] = src[i];
}

int eth_parse(const uint8_t *p, uint32_t len, struct eth_hdr_info *out)
{
    if (len < NP_ETH_HLEN)
        return -1;
    copy_mac(out->dst, p + ETH_OFF_DST);
    copy_mac(out->src, p + ETH_OFF_SRC);
    out->type = get_be16(p + ETH_OFF_TYPE);
    return 0;
}

void eth_build(uint8_t *p, const uint8_t dst[NP_ETH_ALEN], const uint8_t src[NP_ETH_ALEN],
               uint16_t type)
{
    copy_mac(p + ETH_OFF_DST, dst);
    copy_mac(p + ETH_OFF_SRC, src);
    put_be16(p + ETH_OFF_TYPE, type);
}

int arp_parse(const uint8_t *p, uint32_t len, struct arp_info *out)
{
    if (len < NP_ARP_LEN || get_be16(p + ARP_OFF_HRD) != ARP_HRD_ETHER ||
        get_be16(p + ARP_OFF_PRO) != ARP_PRO_IP || p[ARP_OFF_HLN] != NP_ETH_ALEN ||
        p[ARP_OFF_PLN] != ARP_PLN_IP)
        return -1;
    out->op = get_be16(p + ARP_OFF_OP);
    if (out->op != ARP_OP_REQUEST && out->op != ARP_OP_REPLY)
        return -1;
    copy_mac(out->sha, p + ARP_OFF_SHA);
    copy_mac(out->tha, p + ARP_OFF_THA);
    out->spa = get_be32(p + ARP_OFF_SPA);
    out->tpa = get_be32(p + ARP_OFF_TPA);
    return 0;
}

void arp_build(uint8_t p[NP_ARP_LEN], const struct arp_info *a)
{
    put_be16(p + ARP_OFF_HRD, ARP_HRD_ETHER);
    put_be16(p + ARP_OFF_PRO, ARP_PRO_IP);
    p[ARP_OFF_HLN] = NP_ETH_ALEN;
    p[ARP_OFF_PLN] = ARP_PLN_IP;
    put_be16(p + ARP_OFF_OP, a->op);
    copy_mac(p + ARP_OFF_SHA, a->sha);
    put_be32(p + ARP_OFF_SPA, a->spa);
    copy_mac(p + ARP_OFF_THA, a->tha);
    put_be32(p + ARP_OFF_TPA, a->tpa);
}

const char *const ipv4_verdict_names[IPV4_NR_VERDICTS] = {
    [IPV4_OK] = "ok",
    [IPV4_TRUNCATED] = "truncated",
    [IPV4_BAD_VERSION] = "bad version",
    [IPV4_BAD_IHL] = "bad header length",
    [IPV4_BAD_LENGTH] = "bad total length",
    [IPV4_BAD_CHECKSUM] = "bad checksum",
    [IPV4_FRAGMENT] = "fragment",
};

enum ipv4_verdict ipv4_parse(const uint8_t *p, uint32_t len, struct ipv4_info *out)
{
    if (len < NP_IPV4_HLEN)
        return IPV4_TRUNCATED;
    if (p[IP_OFF_VER_IHL] >> 4 != IP_VERSION)
        return IPV4_BAD_VERSION;
    uint32_t ihl = p[IP_OFF_VER_IHL] & 0xF;
    if (ihl < IP_MIN_IHL)
        return IPV4_BAD_IHL;
    uint32_t hlen = ihl * 4;
    if (hlen > len)
        return IPV4_TRUNCATED;
    /* The checksum covers the options too (RFC 791 3.1). */
    if (csum_fold(csum_partial(p, hlen, 0)) != 0)
        return IPV4_BAD_CHECKSUM;
    uint32_t total = get_be16(p + IP_OFF_TOTLEN);
    if (total < hlen || total > len)
        return IPV4_BAD_LENGTH;
    if (get_be16(p + IP_OFF_FRAG) & (IP_FLAG_MF | IP_FRAG_OFFSET))
        return IPV4_FRAGMENT;
    out->hlen = hlen;
    out->total_len = total;
    out->ttl = p[IP_OFF_TTL];
    out->proto = p[IP_OFF_PROTO];
    out->id = get_be16(p + IP_OFF_ID);
    out->saddr = get_be32(p + IP_OFF_SADDR);
    out->daddr = get_be32(p + IP_OFF_DADDR);
    return IPV4_OK;
}

void ipv4_build(uint8_t p[NP_IPV4_HLEN], const struct ipv4_info *h)
{
    p[IP_OFF_VER_IHL] = IP_VERSION << 4 | IP_MIN_IHL;
    p[IP_OFF_TOS] = 0;
    put_be16(p + IP_OFF_TOTLEN, (uint16_t)h->total_len);
    put_be16(p + IP_OFF_ID, h->id);
    /* We never fragment, so say so: a router meets DF with an ICMP error
     * instead of pieces we would not reassemble. */
    put_be16(p + IP_OFF_FRAG, IP_FLAG_DF);
    p[IP_OFF_TTL] = h->ttl;
    p[IP_OFF_PROTO] = h->proto;
    put_be16(p + IP_OFF_CSUM, 0);
    put_be32(p + IP_OFF_SADDR, h->saddr);
    put_be32(p + IP_OFF_DADDR, h->daddr);
    if (!h->nic_csum)
        put_be16(p + IP_OFF_CSUM, csum_fold(csum_partial(p, NP_IPV4_HLEN, 0)));
}

int icmp_parse(const uint8_t *p, uint32_t len, struct icmp_info *out)
{
    if (len < NP_ICMP_HLEN || csum_fold(csum_partial(p, len, 0)) != 0)
        return -1;
    out->type = p[ICMP_OFF_TYPE];
    out->code = p[ICMP_OFF_CODE];
    out->id = get_be16(p + ICMP_OFF_ID);
    out->seq = get_be16(p + ICMP_OFF_SEQ);
    return 0;
}

void icmp_build(uint8_t *p, uint32_t len, const struct icmp_info *h)
{
    p[ICMP_OFF_TYPE] = h->type;
    p[ICMP_OFF_CODE] = h->code;
    put_be16(p + ICMP_OFF_CSUM, 0);
    put_be16(p + ICMP_OFF_ID, h->id);
    put_be16(p + ICMP_OFF_SEQ, h->seq);
    put_be16(p + ICMP_OFF_CSUM, csum_fold(csum_partial(p, len, 0)));
}

/* A decimal number up to max from *s, moving *s past it; -1 when none or
 * too big (leading zeros are allowed, as inet_aton allows them). */
static int parse_decimal(const char **s, uint32_t max, uint32_t *out)
{
    const char *p = *s;
    uint32_t v = 0;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        v = v * 10 + (uint32_t)(*p - '0');
        if (v > max)
            return -1;
    }
    *s = p;
    *out = v;
    return 0;
}

#define IPV4_OCTETS     4
#define IPV4_OCTET_MAX  255
#define IPV4_PREFIX_MAX 32

int ipv4_parse_addr(const char *s, uint32_t *addr, uint32_t *prefix)
{
    uint32_t a = 0, octet;
    for (int i = 0; i < IPV4_OCTETS; i++) {
        if (i && *s++ != '.')
            return -1;
        if (parse_decimal(&s, IPV4_OCTET_MAX, &octet) < 0)
            return -1;
        a = a << 8 | octet;
    }
    uint32_t n = IPV4_PREFIX_MAX;
    if (prefix && *s == '/') {
        s++;
        if (parse_decimal(&s, IPV4_PREFIX_MAX, &n) < 0)
            return -1;
    }
    if (*s)
        return -1;
    *addr = a;
    if (prefix)
        *prefix = n;
    return 0;
}

void ipv4_format_addr(char buf[IPV4_ADDR_STRLEN], uint32_t addr)
{
    char *p = buf;
    for (int i = IPV4_OCTETS - 1; i >= 0; i--) {
        uint32_t octet = (addr >> (8 * i)) & 0xff;
        if (octet >= 100)
            *p++ = (char)('0' + octet / 100);
        if (octet >= 10)
            *p++ = (char)('0' + octet / 10 % 10);
        *p++ = (char)('0' + octet % 10);
        if (i)
            *p++ = '.';
    }
    *p = '\0';
}
