/*
 * net_parse.h - reading and writing the headers of Ethernet, ARP, IPv4 and
 * ICMP, and deciding whether a received one may be trusted.  Pure code: no
 * kernel headers, so the host unit tests and the fuzzer link net_parse.c.
 *
 * Every byte of a received frame is hostile until a parser here accepted
 * it.  Each parser takes the bytes and their count, checks every length
 * before it reads, and fills a small host-order description; it never
 * reads past len and never trusts a length field inside the packet
 * without comparing it with len.  The results say why a packet was
 * refused, so that the stack counts each reason (ifconfig shows them).
 *
 * Byte order: the structures below hold host order; the packet bytes are
 * network order.  Offsets and sizes come from the RFCs named.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "byteorder.h"

#define NP_ETH_ALEN     6
#define NP_ETH_HLEN     14          /* destination, source, type (IEEE 802.3 3.1.1) */
#define NP_ARP_LEN      28          /* Ethernet/IPv4 ARP (RFC 826) */
#define NP_IPV4_HLEN    20          /* the header without options (RFC 791 3.1) */
#define NP_IPV4_MAX_HLEN 60         /* IHL is 4 bits of 32-bit words */
#define NP_ICMP_HLEN    8           /* type, code, checksum, id, sequence (RFC 792) */

struct eth_hdr_info {
    uint8_t dst[NP_ETH_ALEN], src[NP_ETH_ALEN];
    uint16_t type;
};
/* 0, or -1 when the frame is shorter than a header. */
int eth_parse(const uint8_t *p, uint32_t len, struct eth_hdr_info *out);
void eth_build(uint8_t *p, const uint8_t dst[NP_ETH_ALEN], const uint8_t src[NP_ETH_ALEN],
               uint16_t type);

#define ARP_HRD_ETHER   1           /* hardware type Ethernet */
#define ARP_OP_REQUEST  1
#define ARP_OP_REPLY    2

struct arp_info {
    uint16_t op;
    uint8_t sha[NP_ETH_ALEN], tha[NP_ETH_ALEN];     /* sender's, target's hardware */
    uint32_t spa, tpa;                              /* sender's, target's IPv4 */
};
/* 0, or -1 for anything but an Ethernet/IPv4 request or reply. */
int arp_parse(const uint8_t *p, uint32_t len, struct arp_info *out);
void arp_build(uint8_t p[NP_ARP_LEN], const struct arp_info *a);

/* Why an IPv4 header was refused (0: it was not). */
enum ipv4_verdict {
    IPV4_OK,
    IPV4_TRUNCATED,             /* shorter than 20 bytes or than its IHL */
    IPV4_BAD_VERSION,           /* not 4 */
    IPV4_BAD_IHL,               /* below 5 words */
    IPV4_BAD_LENGTH,            /* total length below IHL or beyond the frame */
    IPV4_BAD_CHECKSUM,
    IPV4_FRAGMENT,              /* MF set or an offset: not reassembled */
    IPV4_NR_VERDICTS
};
extern const char *const ipv4_verdict_names[IPV4_NR_VERDICTS];

struct ipv4_info {
    uint32_t hlen;              /* header bytes, options included */
    uint32_t total_len;         /* header and payload; bytes after it are padding */
    uint8_t ttl, proto;
    uint16_t id;
    uint32_t saddr, daddr;
    bool nic_csum;              /* build: leave the checksum 0, the NIC sums it (TSO) */
};
enum ipv4_verdict ipv4_parse(const uint8_t *p, uint32_t len, struct ipv4_info *out);
/* A 20-byte header (no options, don't-fragment set) with its checksum
 * (0 when nic_csum). */
void ipv4_build(uint8_t p[NP_IPV4_HLEN], const struct ipv4_info *h);

#define ICMP_ECHO_REPLY     0
#define ICMP_ECHO_REQUEST   8

struct icmp_info {
    uint8_t type, code;
    uint16_t id, seq;           /* meaningful for echo request and reply */
};
/* 0, or -1 when shorter than 8 bytes or the checksum over len is wrong. */
int icmp_parse(const uint8_t *p, uint32_t len, struct icmp_info *out);
/* Write the 8-byte header and the checksum over the len bytes at p
 * (header and payload, the payload already in place). */
void icmp_build(uint8_t *p, uint32_t len, const struct icmp_info *h);

/* "A.B.C.D" or, when prefix is not NULL, "A.B.C.D/N" (N 0..32; 32 when
 * absent): 0, or -1 for anything else. */
int ipv4_parse_addr(const char *s, uint32_t *addr, uint32_t *prefix);
/* The netmask of a prefix length 0..32. */
static inline uint32_t ipv4_prefix_mask(uint32_t prefix)
{
    return prefix ? ~0u << (32 - prefix) : 0;
}
/* "A.B.C.D" into buf (terminated). */
#define IPV4_ADDR_STRLEN 16
void ipv4_format_addr(char buf[IPV4_ADDR_STRLEN], uint32_t addr);
