/*
 * fuzz_net_parse.c - a libFuzzer target for net/net_parse.c, fed frames
 * as a hostile network would send them.
 *
 * The input is a whole Ethernet frame, in a heap buffer of exactly its
 * size.  It goes down the same path as in the kernel -- Ethernet, then ARP
 * or IPv4, then ICMP over what IPv4 said the payload is -- and, besides
 * "no crash, no undefined behaviour, no read outside the buffer", it
 * checks that an accepted IPv4 header really is one: its lengths lie
 * inside the frame, it is no fragment, and it sums to zero.  Since random
 * bytes rarely get past the checksum, odd first bytes also try the input
 * with a correct header checksum patched in, so the later checks are
 * reached.
 *
 * Links with: net/net_parse.c net/inet_csum.c
 * Fuzz options: -max_len=1600
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "inet_csum.h"
#include "net_parse.h"

static void parse_ip(const uint8_t *ip, uint32_t len)
{
    struct ipv4_info h;
    enum ipv4_verdict v = ipv4_parse(ip, len, &h);
    FUZZ_ASSERT(v >= IPV4_OK && v < IPV4_NR_VERDICTS);
    if (v != IPV4_OK)
        return;
    FUZZ_ASSERT(h.hlen >= NP_IPV4_HLEN && h.hlen <= NP_IPV4_MAX_HLEN);
    FUZZ_ASSERT(h.hlen <= h.total_len && h.total_len <= len);
    FUZZ_ASSERT(csum_fold(csum_partial(ip, h.hlen, 0)) == 0);
    FUZZ_ASSERT((get_be16(ip + 6) & 0x3FFF) == 0);
    if (h.proto == 1) {
        struct icmp_info ic;
        int r = icmp_parse(ip + h.hlen, h.total_len - h.hlen, &ic);
        FUZZ_ASSERT(r == 0 || r == -1);
    }
}

static void parse_frame(const uint8_t *p, uint32_t len)
{
    struct eth_hdr_info eh;
    if (eth_parse(p, len, &eh) < 0) {
        FUZZ_ASSERT(len < NP_ETH_HLEN);
        return;
    }
    const uint8_t *payload = p + NP_ETH_HLEN;
    uint32_t plen = len - NP_ETH_HLEN;
    struct arp_info a;
    int r = arp_parse(payload, plen, &a);
    FUZZ_ASSERT(r == -1 || (plen >= NP_ARP_LEN &&
                            (a.op == ARP_OP_REQUEST || a.op == ARP_OP_REPLY)));
    parse_ip(payload, plen);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    uint8_t *frame = malloc(size ? size : 1);
    memcpy(frame, data, size);
    parse_frame(frame, (uint32_t)size);
    /* The same frame with a valid IPv4 checksum over the IHL it claims. */
    if (size > NP_ETH_HLEN + NP_IPV4_HLEN && (data[0] & 1)) {
        uint8_t *ip = frame + NP_ETH_HLEN;
        uint32_t hlen = (ip[0] & 0xF) * 4u;
        if (hlen >= NP_IPV4_HLEN && NP_ETH_HLEN + hlen <= size) {
            ip[10] = ip[11] = 0;
            put_be16(ip + 10, csum_fold(csum_partial(ip, hlen, 0)));
            parse_frame(frame, (uint32_t)size);
        }
    }
    free(frame);
    return 0;
}
