/*
 * test_inet_csum.c - net/inet_csum.c against the worked examples of RFC
 * 1071 and RFC 1624, a known IPv4 header, odd lengths, split sums and the
 * TCP pseudo-header, and against a reference that adds one 16-bit word at
 * a time with end-around carry, over random buffers at every alignment.
 * Buffers are heap copies of exactly their size (ASan sees over-reads).
 *
 * Links with: net/inet_csum.c
 * Usage: test_inet_csum [seed=N]   (or SEED=N in the environment)
 */
#include "check.h"
#include "inet_csum.h"

static uint16_t csum_of(const uint8_t *bytes, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    memcpy(copy, bytes, n);
    uint16_t c = csum_fold(csum_partial(copy, (uint32_t)n, 0));
    free(copy);
    return c;
}

/* One's-complement addition word by word, carried at every step. */
static uint16_t reference(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t word = (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
        sum += word;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)~sum;
}

static void rfc_vectors(void)
{
    /* RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (before
     * the complement). */
    const uint8_t rfc1071[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    CHECK_INT(csum_of(rfc1071, sizeof(rfc1071)), (uint16_t)~0xddf2);
    /* A textbook IPv4 header (checksum b861 in place): folds to zero. */
    const uint8_t ip[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                           0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    CHECK_INT(csum_of(ip, sizeof(ip)), 0);
    uint8_t zeroed[sizeof(ip)];
    memcpy(zeroed, ip, sizeof(ip));
    zeroed[10] = zeroed[11] = 0;
    CHECK_INT(csum_of(zeroed, sizeof(zeroed)), 0xb861);
    /* Nothing, and all-ones: the complement of 0 and of 0xffff. */
    const uint8_t ones[] = { 0xff, 0xff, 0xff, 0xff };
    CHECK_INT(csum_of(ones, 0), 0xffff);
    CHECK_INT(csum_of(ones, sizeof(ones)), 0);
}

static void odd_lengths(void)
{
    /* An odd last byte is the high byte of a word padded with zero. */
    const uint8_t one[] = { 0xab };
    CHECK_INT(csum_of(one, 1), (uint16_t)~0xab00);
    const uint8_t three[] = { 0x12, 0x34, 0x56 };
    CHECK_INT(csum_of(three, 3), (uint16_t)~(0x1234 + 0x5600));
}

static void carries_and_splits(void)
{
    /* Many 0xffff words: the 32-bit sum carries far past 16 bits. */
    size_t n = 3000;
    uint8_t *big = malloc(n);
    memset(big, 0xff, n);
    big[0] = 0xfe;
    CHECK_INT(csum_of(big, n), reference(big, n));
    /* Summing in even-sized pieces gives the same answer as at once. */
    uint32_t sum = csum_partial(big, 1000, 0);
    sum = csum_partial(big + 1000, 2000, sum);
    CHECK_INT(csum_fold(sum), reference(big, n));
    free(big);
}

static void pseudo_header(void)
{
    /* 10.0.2.15 -> 10.0.2.2, TCP, 20 bytes: the words, added by hand. */
    uint32_t want = 0x0a00 + 0x020f + 0x0a00 + 0x0202 + 6 + 20;
    CHECK_INT(csum_tcpudp_pseudo(0x0a00020f, 0x0a000202, 6, 20), want);
    /* Equal to summing the 12 bytes of the pseudo-header as data. */
    const uint8_t ph[] = { 0x0a, 0x00, 0x02, 0x0f, 0x0a, 0x00, 0x02, 0x02, 0, 6, 0, 20 };
    CHECK_INT(csum_fold(csum_tcpudp_pseudo(0x0a00020f, 0x0a000202, 6, 20)), csum_of(ph, 12));
    /* Lengths over 16 bits are not cut off. */
    CHECK_INT(csum_fold(csum_tcpudp_pseudo(0, 0, 6, 0x10005)), (uint16_t)~(6 + 1 + 5));
}

static void random_buffers(void)
{
    for (int round = 0; round < 2000; round++) {
        size_t n = check_below(1600);
        size_t offset = check_below(4);     /* unaligned starts */
        uint8_t *buf = malloc(n + offset + 1);
        for (size_t i = 0; i < n + offset; i++)
            buf[i] = (uint8_t)check_rand();
        uint16_t got = csum_fold(csum_partial(buf + offset, (uint32_t)n, 0));
        CHECK_INT(got, reference(buf + offset, n));
        free(buf);
    }
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_inet_csum");
    rfc_vectors();
    odd_lengths();
    carries_and_splits();
    pseudo_header();
    random_buffers();
    return check_exit("test_inet_csum");
}
