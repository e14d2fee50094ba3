/*
 * test_crc32.c - lib/crc32.c against the published check values of the
 * zlib CRC-32, against a bit-at-a-time reference over random buffers, and
 * for the promise that feeding data in pieces gives the same result as
 * feeding it at once.  Buffers are heap copies of exactly their size, so
 * AddressSanitizer catches a read past the end.
 *
 * Usage: test_crc32 [seed=N]   (or SEED=N in the environment)
 */
#include "check.h"
#include "crc32.h"

static uint32_t crc_of(const char *s)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    memcpy(copy, s, n);
    uint32_t crc = crc32(copy, n);
    free(copy);
    return crc;
}

/* The definition, one bit at a time: shift right, xor the reflected
 * polynomial when a one falls out. */
static uint32_t reference(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int bit = 0; bit < 8; bit++)
            crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    return ~crc;
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_crc32");

    /* zlib.crc32() of each. */
    CHECK_INT(crc_of(""), 0x00000000);
    CHECK_INT(crc_of("a"), 0xe8b7be43);
    CHECK_INT(crc_of("123456789"), 0xcbf43926);
    CHECK_INT(crc_of("The quick brown fox jumps over the lazy dog"), 0x414fa339);

    uint8_t zeros[32] = { 0 };
    CHECK_INT(crc32(zeros, sizeof(zeros)), 0x190a55ad);

    for (int round = 0; round < 2000; round++) {
        size_t n = check_below(600);
        uint8_t *buf = malloc(n ? n : 1);
        for (size_t i = 0; i < n; i++)
            buf[i] = (uint8_t)check_rand();
        uint32_t want = reference(buf, n);
        CHECK_INT(crc32(buf, n), want);

        /* The same data in two or three pieces. */
        size_t cut1 = n ? check_below((unsigned)n + 1) : 0;
        size_t cut2 = cut1 + (n - cut1 ? check_below((unsigned)(n - cut1) + 1) : 0);
        uint32_t crc = crc32_begin();
        crc = crc32_update(crc, buf, cut1);
        crc = crc32_update(crc, buf + cut1, cut2 - cut1);
        crc = crc32_update(crc, buf + cut2, n - cut2);
        CHECK_INT(crc32_end(crc), want);
        free(buf);
    }
    return check_exit("test_crc32");
}
