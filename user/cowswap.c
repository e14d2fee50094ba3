/*
 * cowswap.c - copy-on-write under swap: MIB MiB (argv[1], default 40),
 * more than the machine has, written by the parent and then shared with
 * a child by fork.  The pages go to swap shared (both PTEs name one
 * slot) and come back shared; then the child writes the even pages and
 * the parent the odd ones, at the same time, each checking every word:
 * the pages it wrote hold its own words, the others the words from
 * before the fork.  Prints the bad words of each and exits 0 only when
 * there are none.
 */
#include "ulib.h"

static uint32_t value(uint32_t word, uint32_t who)
{
    uint32_t x = word * 0x9E3779B9u + who * 0x85EBCA77u;
    return x ^ (x >> 15);
}

/* Write who's words into the pages of parity `mine`, then count the words
 * of every page that are not what they should be: who's in those pages,
 * the words from before the fork (0) in the others. */
static uint32_t write_and_check(uint32_t *mem, uint32_t pages, uint32_t mine, uint32_t who)
{
    const uint32_t per_page = PAGE_SIZE / 4;
    uint32_t bad = 0;
    for (uint32_t p = mine; p < pages; p += 2)
        for (uint32_t i = p * per_page; i < (p + 1) * per_page; i++) {
            bad += mem[i] != value(i, 0);       /* the shared page, before the write */
            mem[i] = value(i, who);
        }
    for (uint32_t p = 0; p < pages; p++)
        for (uint32_t i = p * per_page; i < (p + 1) * per_page; i++)
            bad += mem[i] != value(i, p % 2 == mine ? who : 0);
    return bad;
}

int main(int argc, char **argv)
{
    uint32_t mib = (uint32_t)atol_or(argc > 1 ? argv[1] : 0, 40);
    uint32_t pages = mib << 8, words = pages * (PAGE_SIZE / 4);
    uint32_t *mem = mmap(0, (size_t)mib << 20, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) {
        printf("cowswap: mmap of %u MiB failed: %s\n", mib, strerror(errno));
        return 2;
    }
    for (uint32_t i = 0; i < words; i++)
        mem[i] = value(i, 0);
    long pid = fork();
    if (pid < 0) {
        printf("cowswap: fork failed: %s\n", strerror(errno));
        return 2;
    }
    uint32_t bad = write_and_check(mem, pages, pid == 0 ? 0 : 1, pid == 0 ? 2 : 1);
    printf("cowswap: %s: %u MiB, %u bad words\n", pid == 0 ? "child" : "parent", mib, bad);
    if (pid == 0)
        exit(bad != 0);
    int status = -1;
    if (wait4(pid, &status, 0, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status)) {
        printf("cowswap: the child ended with status %x\n", status);
        return 1;
    }
    return bad != 0;
}
