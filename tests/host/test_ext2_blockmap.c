/*
 * test_ext2_blockmap.c - ext2_block_to_path (fs/ext2/ext2_check.c): the
 * level and the slot at each level for a file block, at every boundary of
 * the direct, indirect, doubly and triply indirect ranges for 1, 2 and
 * 4 KiB blocks, and for random blocks by rebuilding the block number from
 * the path.  The real images in test_ext2_check read a file through it.
 *
 * Links with: fs/ext2/ext2_check.c lib/vsprintf.c
 * Usage: test_ext2_blockmap [seed=N]   (or SEED=N in the environment)
 */
#include "check.h"
#include "ext2_check.h"
#include "kerrno.h"

/* Checks that file block fb has the path {depth, i0, i1, i2, i3}. */
static void check_path(const char *file, int line, uint32_t bs, uint32_t fb, int depth,
                       uint32_t i0, uint32_t i1, uint32_t i2, uint32_t i3)
{
    struct ext2_block_path p;
    int got = ext2_block_to_path(bs, fb, &p);
    uint32_t want[4] = { i0, i1, i2, i3 };
    bool ok = got == depth && (depth < 0 || (p.depth == (uint32_t)depth &&
                               memcmp(p.index, want, sizeof(uint32_t) * (size_t)depth) == 0));
    if (!ok && check_report(file, line))
        fprintf(stderr, "block size %u, file block %u: got %d {%u %u %u %u}, want %d "
                "{%u %u %u %u}\n", bs, fb, got, p.index[0], p.index[1], p.index[2],
                p.index[3], depth, i0, i1, i2, i3);
}

#define PATH(bs, fb, depth, i0, i1, i2, i3) \
    check_path(__FILE__, __LINE__, bs, fb, depth, i0, i1, i2, i3)

/* The file block a path leads to: the inverse, written the other way round. */
static uint64_t block_of(const struct ext2_block_path *p, uint64_t a)
{
    if (p->depth == 1)
        return p->index[0];
    uint64_t base = EXT2_NDIR_BLOCKS, span = a;
    for (uint32_t d = 2; d < p->depth; d++) {
        base += span;
        span *= a;
    }
    uint64_t offset = 0;
    for (uint32_t level = 1; level < p->depth; level++)
        offset = offset * a + p->index[level];
    return base + offset;
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_ext2_blockmap");

    for (uint32_t bs = 1024; bs <= 4096; bs *= 2) {
        uint32_t a = bs / 4;
        uint64_t ind = 12, dind = ind + a, tind = dind + (uint64_t)a * a;
        uint64_t end = tind + (uint64_t)a * a * a;
        CHECK_INT(ext2_max_file_blocks(bs), end);

        PATH(bs, 0, 1, 0, 0, 0, 0);
        PATH(bs, 11, 1, 11, 0, 0, 0);
        PATH(bs, 12, 2, EXT2_IND_BLOCK, 0, 0, 0);
        PATH(bs, (uint32_t)dind - 1, 2, EXT2_IND_BLOCK, a - 1, 0, 0);
        PATH(bs, (uint32_t)dind, 3, EXT2_DIND_BLOCK, 0, 0, 0);
        PATH(bs, (uint32_t)dind + a, 3, EXT2_DIND_BLOCK, 1, 0, 0);
        PATH(bs, (uint32_t)dind + a + 5, 3, EXT2_DIND_BLOCK, 1, 5, 0);
        PATH(bs, (uint32_t)tind - 1, 3, EXT2_DIND_BLOCK, a - 1, a - 1, 0);
        PATH(bs, (uint32_t)tind, 4, EXT2_TIND_BLOCK, 0, 0, 0);
        PATH(bs, (uint32_t)tind + a * a + a + 1, 4, EXT2_TIND_BLOCK, 1, 1, 1);
        if (end <= UINT32_MAX) {
            PATH(bs, (uint32_t)end - 1, 4, EXT2_TIND_BLOCK, a - 1, a - 1, a - 1);
            PATH(bs, (uint32_t)end, -ERANGE, 0, 0, 0, 0);
        }
        PATH(bs, UINT32_MAX, -ERANGE, 0, 0, 0, 0);

        for (int i = 0; i < 100000; i++) {
            /* Mostly near the boundaries, where the mistakes are. */
            uint64_t edges[] = { 0, ind, dind, tind, end };
            uint64_t fb = edges[check_below(5)] + check_below(2 * a + 1) - a;
            if (check_below(4) == 0)
                fb = (uint32_t)check_rand();
            if (fb > UINT32_MAX)
                continue;
            struct ext2_block_path p;
            int depth = ext2_block_to_path(bs, (uint32_t)fb, &p);
            if (fb >= end) {
                CHECK_INT(depth, -ERANGE);
                continue;
            }
            CHECK_INT(depth, fb < ind ? 1 : fb < dind ? 2 : fb < tind ? 3 : 4);
            for (int level = 1; level < depth; level++)
                CHECK(p.index[level] < a);
            CHECK_INT(block_of(&p, a), fb);
        }
    }
    struct ext2_block_path p;
    CHECK_INT(ext2_block_to_path(0, 1, &p), -EINVAL);
    CHECK_INT(ext2_block_to_path(1536, 1, &p), -EINVAL);
    CHECK_INT(ext2_block_to_path(512, 1, &p), -EINVAL);
    return check_exit("test_ext2_blockmap");
}
