/*
 * inet_csum.c - the Internet checksum (RFC 1071); see inet_csum.h.
 *
 * Pure code: no kernel headers, so tests/host/test_inet_csum.c links it.
 * The sum is kept in 32 bits and folded only at the end: each 16-bit word
 * adds at most 0xffff, so a 32-bit sum holds the carries of 65536 words
 * (128 KiB), far more than a frame.  Bytes are read one at a time, so the
 * data may start at any address.
 */
#include "inet_csum.h"

uint32_t csum_partial(const void *data, uint32_t len, uint32_t sum)
{
    const uint8_t *p = data;
    for (; len >= 2; p += 2, len -= 2)
        sum += (uint32_t)p[0] << 8 | p[1];
    if (len)
        sum += (uint32_t)p[0] << 8;         /* RFC 1071 4.1: pad with a zero byte */
    return sum;
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
