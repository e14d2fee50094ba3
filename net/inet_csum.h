/*
 * inet_csum.h - the Internet checksum (RFC 1071), pure code: it includes
 * nothing of the kernel's, so the host unit tests link net/inet_csum.c.
 *
 * csum_partial adds len bytes to a running 32-bit sum (16-bit words in
 * network order, an odd last byte padded with zero); csum_fold folds that
 * sum to 16 bits and complements it -- the value that goes in a header.
 * A received header that includes its checksum folds to 0 when correct.
 * csum_tcpudp_pseudo starts a TCP or UDP sum with the pseudo-header
 * (RFC 793, section 3.1): addresses in host order, len the segment length.
 */
#pragma once
#include <stdint.h>

uint32_t csum_partial(const void *data, uint32_t len, uint32_t sum);
uint16_t csum_fold(uint32_t sum);
uint32_t csum_tcpudp_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto, uint32_t len);
