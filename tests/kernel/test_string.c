/*
 * test_string.c - memcpy and memset (lib/string.c) against byte loops:
 * every length up to three turns of their word loop and past, at every
 * alignment of source and destination, with guard bytes around that
 * must stay as they were.
 */
#include "kstring.h"
#include "ktest.h"

#define MAX_LEN     100         /* three 32-byte turns, and a tail */
#define GUARD       8
#define BUF_LEN     (GUARD + 4 + MAX_LEN + GUARD)

static uint8_t src[BUF_LEN], dst[BUF_LEN], want[BUF_LEN];

static void fill(uint8_t *b, uint8_t seed)
{
    for (uint32_t i = 0; i < BUF_LEN; i++)
        b[i] = (uint8_t)(seed + i * 7);
}

static void same_as_want(const char *what, uint32_t len, uint32_t off)
{
    for (uint32_t i = 0; i < BUF_LEN; i++)
        if (dst[i] != want[i])
            ktest_fail(__FILE__, __LINE__, "%s of %u bytes at offset %u: byte %u is %02x, want %02x",
                       what, len, off, i, dst[i], want[i]);
}

KTEST(string_memcpy_memset_every_length_and_alignment)
{
    fill(src, 1);
    for (uint32_t len = 0; len <= MAX_LEN; len++) {
        for (uint32_t s_off = 0; s_off < 4; s_off++) {
            for (uint32_t d_off = 0; d_off < 4; d_off++) {
                fill(dst, 99);
                fill(want, 99);
                for (uint32_t i = 0; i < len; i++)
                    want[GUARD + d_off + i] = src[GUARD + s_off + i];
                KASSERT(memcpy(dst + GUARD + d_off, src + GUARD + s_off, len) ==
                        dst + GUARD + d_off);
                same_as_want("memcpy", len, d_off);
            }
            fill(dst, 99);
            fill(want, 99);
            for (uint32_t i = 0; i < len; i++)
                want[GUARD + s_off + i] = 0xa5;
            KASSERT(memset(dst + GUARD + s_off, 0x1a5, len) == dst + GUARD + s_off);
            same_as_want("memset", len, s_off);
        }
    }
}
