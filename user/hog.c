/*
 * hog.c - the swap hog as a program: maps MIB MiB (argv[1], default 48),
 * writes a pattern in every word of every page, then reads every word
 * back.  With less memory than that, its pages must go to swap and come
 * back bit-identical (invariant 4, nothing written is lost).  Prints the
 * count of bad words and exits 0 only when there are none.
 */
#include "ulib.h"

#define PASSES 2

static uint32_t pattern(uint32_t word_index, uint32_t pass)
{
    uint32_t x = word_index * 0x9E3779B9u + pass * 0x85EBCA77u;
    return x ^ (x >> 15);
}

int main(int argc, char **argv)
{
    uint32_t mib = (uint32_t)atol_or(argc > 1 ? argv[1] : 0, 48);
    size_t len = (size_t)mib << 20;
    uint32_t *mem = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        printf("hog: mmap of %u MiB failed: %s\n", mib, strerror(errno));
        return 2;
    }
    uint32_t words = len / 4, bad = 0;
    /* Two passes, the second reading what the first wrote and writing
     * anew: pages go out to swap and come back in both directions. */
    for (uint32_t pass = 0; pass < PASSES; pass++) {
        for (uint32_t i = 0; i < words; i++) {
            if (pass && mem[i] != pattern(i, pass - 1))
                bad++;
            mem[i] = pattern(i, pass);
        }
    }
    for (uint32_t i = 0; i < words; i++)
        if (mem[i] != pattern(i, PASSES - 1))
            bad++;
    printf("hog: %u MiB, %u pages, %u bad words\n", mib, (unsigned)(len / PAGE_SIZE), bad);
    return bad != 0;
}
