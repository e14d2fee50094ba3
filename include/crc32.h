/*
 * crc32.h - the CRC-32 of zlib, gzip, PNG and Ethernet (polynomial
 * 0x04C11DB7, bit-reflected, register starting at all ones, result
 * complemented), so that a checksum printed by the kernel can be compared
 * with Python's zlib.crc32() on the host.  crc32("123456789") is 0xcbf43926.
 *
 * Data that arrives in pieces of any size:
 *     uint32_t crc = crc32_begin();
 *     crc = crc32_update(crc, part1, len1);
 *     crc = crc32_update(crc, part2, len2);
 *     printk("%08x\n", crc32_end(crc));
 * Pure code: no kernel headers, so it also compiles and is tested on the host.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* The running register; only crc32_end's result is the checksum. */
static inline uint32_t crc32_begin(void) { return 0xffffffffu; }
uint32_t crc32_update(uint32_t crc, const void *buf, size_t len);
static inline uint32_t crc32_end(uint32_t crc) { return ~crc; }

/* The checksum of one buffer. */
static inline uint32_t crc32(const void *buf, size_t len)
{
    return crc32_end(crc32_update(crc32_begin(), buf, len));
}
