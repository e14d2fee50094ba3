/*
 * inet_csum.c - the Internet checksum (RFC 1071); see inet_csum.h.
 *
 * Pure code: no kernel headers, so tests/host/test_inet_csum.c links it.
 *
 * Speed matters: every TCP segment sent or received is summed whole, and
 * under QEMU's TCG a loop that adds one 16-bit word per turn cost about
 * more than the rest of the guest's work on a segment.  So the data
 * is read four bytes at a time (unaligned loads are fine on x86; memcpy
 * says so to the compiler), in the machine's order, into a 64-bit sum
 * that cannot overflow before 2^32 words.  RFC 1071 2(B): the sum in the
 * other byte order is the same sum byte-swapped, and a 32-bit word adds
 * the same as its two 16-bit halves modulo 0xffff (2^16 is 1 there).  The
 * sum is folded to 16 bits, swapped into network order and added to the
 * caller's 32-bit running sum, which csum_fold folds at the end.
 */
#include "inet_csum.h"

/* x folded to 16 bits, each carry added back in (end-around carry): the
 * same sum modulo 0xffff, and 0 only when x is. */
static uint32_t fold16(uint64_t x)
{
    x = (x & 0xffffffffu) + (x >> 32);
    x = (x & 0xffffffffu) + (x >> 32);
    uint32_t s = (uint32_t)x;
    s = (s & 0xffff) + (s >> 16);
    s = (s & 0xffff) + (s >> 16);
    return s;
}

uint32_t csum_partial(const void *data, uint32_t len, uint32_t sum)
{
    const uint8_t *p = data;
    uint64_t acc = 0;
    uint32_t w[4];
    for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
        __builtin_memcpy(w, p, sizeof(w));
        acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
    }
    for (; len >= sizeof(w[0]); p += sizeof(w[0]), len -= sizeof(w[0])) {
        __builtin_memcpy(w, p, sizeof(w[0]));
        acc += w[0];
    }
    if (len >= 2) {
        acc += (uint32_t)p[1] << 8 | p[0];      /* a word in the machine's order */
        p += 2;
        len -= 2;
    }
    if (len)
        acc += p[0];    /* RFC 1071 4.1: padded with a zero byte (the high one, once swapped) */
    uint32_t s = fold16(acc);
    return sum + ((s & 0xff) << 8 | s >> 8);
}

uint16_t csum_fold(uint32_t sum)
{
    /* Twice: the first fold can itself carry out of 16 bits. */
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

uint32_t csum_tcpudp_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint32_t len)
{
    /* Source, destination, zero and protocol, segment length: 12 bytes,
     * as 16-bit words (RFC 793 3.1). */
    return (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) + (daddr & 0xffff) +
           proto + (len >> 16) + (len & 0xffff);
}
