/*
 * hog.c - the swap hog as a program: `hog MIB procs=N passes=P` runs N
 * processes (default 1), each mapping MIB MiB (default 48) and making P
 * passes (default 2) over it, each writing a pattern of its own in every
 * word of every page and checking what the pass before wrote, then
 * reading every word back.
 * With less memory than that, their pages must go to swap and come back
 * bit-identical (invariant 4, nothing written is lost).  Each process
 * prints its count of bad words; the first one waits for the others and
 * exits 0 only when every one of them found none.
 */
#include "ulib.h"

#define PASSES 2                    /* by default */

static uint32_t pattern(uint32_t word_index, uint32_t pass, uint32_t who)
{
    uint32_t x = word_index * 0x9E3779B9u + pass * 0x85EBCA77u + who * 0xC2B2AE3Du;
    return x ^ (x >> 15);
}

/* One hog: maps, writes, checks; 0 when every word was right. */
static int hog(uint32_t mib, uint32_t passes, uint32_t who)
{
    size_t len = (size_t)mib << 20;
    uint32_t *mem = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        printf("hog: mmap of %u MiB failed: %s\n", mib, strerror(errno));
        return 2;
    }
    uint32_t words = len / 4, bad = 0;
    /* Each pass after the first reads what the one before wrote and
     * writes anew: pages go out to swap and come back in both directions. */
    for (uint32_t pass = 0; pass < passes; pass++) {
        for (uint32_t i = 0; i < words; i++) {
            if (pass && mem[i] != pattern(i, pass - 1, who))
                bad++;
            mem[i] = pattern(i, pass, who);
        }
    }
    for (uint32_t i = 0; i < words; i++)
        if (mem[i] != pattern(i, passes - 1, who))
            bad++;
    printf("hog: %u MiB, %u pages, %u bad words\n", mib, (unsigned)(len / PAGE_SIZE), bad);
    return bad != 0;
}

int main(int argc, char **argv)
{
    uint32_t mib = (uint32_t)atol_or(argc > 1 ? argv[1] : 0, 48);
    long procs = arg_long(argc, argv, "procs", 1), started = 1;
    uint32_t passes = (uint32_t)arg_long(argc, argv, "passes", PASSES);
    if (!passes)
        passes = 1;
    for (; started < procs; started++) {
        pid_t pid = fork();
        if (pid == 0)
            exit(hog(mib, passes, (uint32_t)started));
        if (pid < 0) {
            printf("hog: fork of hog %d: %s\n", (int)started, strerror(errno));
            break;
        }
    }
    int failed = hog(mib, passes, 0) != 0 || started < procs, ws;
    while (wait4(-1, &ws, 0, 0) > 0)
        failed += !WIFEXITED(ws) || WEXITSTATUS(ws) != 0;
    if (procs > 1)
        printf("hog: %d processes of %u MiB: %s\n", (int)procs, mib, failed ? "FAILED" : "ok");
    return failed != 0;
}
