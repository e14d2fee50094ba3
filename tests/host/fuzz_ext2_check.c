/*
 * fuzz_ext2_check.c - a libFuzzer target for fs/ext2/ext2_check.c.
 *
 * Everything those functions read comes from a disk that may be corrupt or
 * hostile, so each must survive any bytes at all.  The first input byte
 * chooses what the rest becomes:
 *   even: a superblock.  Either the bytes themselves, or (more often, since
 *         random bytes rarely get past the magic) a valid superblock with
 *         the input's bytes patched in at offsets the input chooses.  When
 *         it is accepted, the rest of the input is also tried as group
 *         descriptors and as block numbers under the geometry it gave.
 *   odd:  a directory block of 1, 2 or 4 KiB, walked with ext2_dir_next
 *         under a fixed geometry.
 * Besides "no crash, no undefined behaviour, no read outside the buffers"
 * (each is a heap copy of exactly its size), it checks that:
 *   every result is 0 or the documented errno, and the message terminated;
 *   an accepted geometry is self-consistent (sizes, counts, group 0 fits);
 *   an accepted descriptor keeps its metadata inside its group and the
 *   filesystem; an accepted data block is none of it;
 *   a directory walk ends, moves forward, and returns only entries that
 *   lie inside the block with a name and an inode in range;
 *   ext2_block_to_path's path leads back to the block it came from.
 *
 * tests/host/run builds it with clang -fsanitize=fuzzer and runs a bounded
 * number of inputs; by hand: build/host/fuzz_ext2_check -runs=1000000
 * Fuzz options: -max_len=4200
 * Links with: fs/ext2/ext2_check.c lib/vsprintf.c
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "ext2_check.h"
#include "kerrno.h"

#define WHY_LEN 96      /* short enough that long messages get cut */

/* A message buffer whose slack is poisoned: the message must be terminated
 * inside it. */
static void check_why(const char *why)
{
    FUZZ_ASSERT(memchr(why, '\0', WHY_LEN) != NULL);
}

static void check_err(int err)
{
    FUZZ_ASSERT(err == 0 || err == -EUCLEAN || err == -EINVAL);
}

/* What mke2fs -O none -b 1024 makes of 20 MiB: three groups. */
static void template_super(struct ext2_super *sb)
{
    memset(sb, 0, sizeof(*sb));
    sb->s_inodes_count = 5136;
    sb->s_blocks_count = 20480;
    sb->s_r_blocks_count = 1024;
    sb->s_free_blocks_count = 19000;
    sb->s_free_inodes_count = 5000;
    sb->s_first_data_block = 1;
    sb->s_blocks_per_group = sb->s_frags_per_group = 8192;
    sb->s_inodes_per_group = 1712;
    sb->s_magic = EXT2_SUPER_MAGIC;
    sb->s_state = EXT2_VALID_FS;
    sb->s_rev_level = EXT2_DYNAMIC_REV;
    sb->s_first_ino = EXT2_GOOD_OLD_FIRST_INO;
    sb->s_inode_size = EXT2_GOOD_OLD_INODE_SIZE;
    sb->s_feature_incompat = EXT2_FEATURE_INCOMPAT_FILETYPE;
    sb->s_feature_ro_compat = EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER;
}

static void check_geometry(const struct ext2_geometry *g, uint64_t device_bytes)
{
    FUZZ_ASSERT(g->block_size == 1024 || g->block_size == 2048 || g->block_size == 4096);
    FUZZ_ASSERT(g->block_size == 1u << g->block_bits);
    FUZZ_ASSERT(g->first_data_block == (g->block_size == 1024 ? 1u : 0u));
    FUZZ_ASSERT(g->blocks_count > g->first_data_block);
    FUZZ_ASSERT((uint64_t)g->blocks_count * g->block_size <= device_bytes);
    FUZZ_ASSERT(g->groups >= 1 && g->blocks_per_group >= 8);
    FUZZ_ASSERT((uint64_t)g->groups * g->blocks_per_group >= g->blocks_count - g->first_data_block);
    FUZZ_ASSERT((uint64_t)(g->groups - 1) * g->blocks_per_group < g->blocks_count - g->first_data_block);
    FUZZ_ASSERT(g->inodes_count >= 1 && g->inodes_count <= (uint64_t)g->inodes_per_group * g->groups);
    FUZZ_ASSERT(g->inode_size >= 128 && g->inode_size <= g->block_size &&
                (g->inode_size & (g->inode_size - 1)) == 0);
    FUZZ_ASSERT(g->first_ino >= EXT2_GOOD_OLD_FIRST_INO && g->first_ino <= g->inodes_count);
    FUZZ_ASSERT(g->read_only == (g->ro_compat_unsupported != 0));
    FUZZ_ASSERT(ext2_group_super_blocks(g, 0) + 2 + g->inode_table_blocks <= ext2_group_blocks(g, 0));
}

static uint32_t take32(const uint8_t **p, size_t *left)
{
    uint32_t v = 0;
    size_t n = *left < 4 ? *left : 4;
    memcpy(&v, *p, n);
    *p += n;
    *left -= n;
    return v;
}

/* Descriptors and block numbers from the input, under an accepted geometry. */
static void fuzz_groups(const struct ext2_geometry *g, const uint8_t *p, size_t left)
{
    char *why = malloc(WHY_LEN);
    while (left >= sizeof(struct ext2_group_desc) + 8) {
        struct ext2_group_desc *gd = malloc(sizeof(*gd));
        memcpy(gd, p, sizeof(*gd));
        p += sizeof(*gd);
        left -= sizeof(*gd);
        uint32_t group = take32(&p, &left) % (g->groups + 1);
        int err = ext2_check_group_desc(g, group, gd, why, WHY_LEN);
        check_err(err);
        check_why(why);
        if (err == 0) {
            uint32_t first = ext2_group_first_block(g, group);
            uint32_t end = first + ext2_group_blocks(g, group);
            uint32_t meta_start = first + ext2_group_super_blocks(g, group);
            FUZZ_ASSERT(end <= g->blocks_count);
            FUZZ_ASSERT(gd->bg_block_bitmap >= meta_start && gd->bg_block_bitmap < end);
            FUZZ_ASSERT(gd->bg_inode_bitmap >= meta_start && gd->bg_inode_bitmap < end);
            FUZZ_ASSERT(gd->bg_inode_table >= meta_start &&
                        (uint64_t)gd->bg_inode_table + g->inode_table_blocks <= end);
            /* A block in this group, or a number from the input. */
            uint32_t block = take32(&p, &left);
            if (block & 1)
                block = first + block % (end - first);
            err = ext2_check_data_block(g, gd, block, why, WHY_LEN);
            check_err(err);
            check_why(why);
            if (err == 0 && ext2_block_group(g, block) == group) {
                FUZZ_ASSERT(block >= meta_start && block < end);
                FUZZ_ASSERT(block != gd->bg_block_bitmap && block != gd->bg_inode_bitmap);
                FUZZ_ASSERT(block < gd->bg_inode_table ||
                            block >= gd->bg_inode_table + g->inode_table_blocks);
            }
        }
        free(gd);
    }
    free(why);
}

static void fuzz_super(const uint8_t *data, size_t size)
{
    struct ext2_super *sb = malloc(sizeof(*sb));
    uint8_t mode = size ? data[0] : 0;
    const uint8_t *p = data + (size ? 1 : 0);
    size_t left = size ? size - 1 : 0;

    if (mode & 2) {
        size_t n = left < sizeof(*sb) ? left : sizeof(*sb);
        memset(sb, 0, sizeof(*sb));
        memcpy(sb, p, n);
        p += n;
        left -= n;
    } else {
        /* Patches: up to 8 of (offset byte pair, 4 value bytes). */
        template_super(sb);
        for (int i = 0; i < 8 && left >= 6; i++) {
            uint16_t off;
            memcpy(&off, p, 2);
            off %= 256 - 4;         /* the fields in use are in the first 256 bytes */
            memcpy((uint8_t *)sb + off, p + 2, 4);
            p += 6;
            left -= 6;
        }
    }
    uint64_t device = take32(&p, &left);
    device = device & 1 ? UINT64_MAX : (device % (64u << 20)) + 1024;
    char *why = malloc(WHY_LEN);
    memset(why, 'x', WHY_LEN);
    struct ext2_geometry g;
    int err = ext2_check_super(sb, device, &g, why, WHY_LEN);
    check_err(err);
    check_why(why);
    if (err == 0) {
        check_geometry(&g, device);
        fuzz_groups(&g, p, left);
        /* The block map path for a file block from the input. */
        struct ext2_block_path path;
        uint32_t fb = take32(&p, &left);
        int depth = ext2_block_to_path(g.block_size, fb, &path);
        FUZZ_ASSERT(depth == -ERANGE || (depth >= 1 && depth <= 4));
        if (depth > 1)
            FUZZ_ASSERT(path.index[0] == EXT2_IND_BLOCK + (uint32_t)depth - 2);
        for (int level = 1; level < depth; level++)
            FUZZ_ASSERT(path.index[level] < g.addr_per_block);
    }
    free(why);
    free(sb);
}

static void fuzz_dir(const uint8_t *data, size_t size)
{
    static const uint32_t sizes[] = { 1024, 2048, 4096 };
    uint32_t bs = sizes[size > 1 ? data[1] % 3 : 0];
    struct ext2_geometry g = {
        .block_size = bs, .inodes_count = 5136, .first_ino = EXT2_GOOD_OLD_FIRST_INO,
        .filetype = size ? (data[0] & 2) != 0 : false,
    };
    /* Exactly the block's size, so that any read past it is reported. */
    uint8_t *block = calloc(1, bs);
    if (size > 2)
        memcpy(block, data + 2, size - 2 < bs ? size - 2 : bs);

    char *why = malloc(WHY_LEN);
    memset(why, 'x', WHY_LEN);
    struct ext2_dirent_view d;
    uint32_t offset = 0, last = 0;
    int r, steps = 0;
    while ((r = ext2_dir_next(block, bs, &offset, &d, &g, why, WHY_LEN)) == 1) {
        FUZZ_ASSERT(++steps <= (int)(bs / EXT2_DIR_ENTRY_HEADER));
        FUZZ_ASSERT(d.offset >= last && offset == d.offset + d.rec_len && offset <= bs);
        FUZZ_ASSERT(d.rec_len >= ext2_dir_rec_len(d.name_len) && d.rec_len % 4 == 0);
        FUZZ_ASSERT(d.name_len >= 1 && d.name_len <= EXT2_NAME_LEN);
        FUZZ_ASSERT((const uint8_t *)d.name + d.name_len <= block + bs);
        FUZZ_ASSERT(d.inode == EXT2_ROOT_INO ||
                    (d.inode >= g.first_ino && d.inode <= g.inodes_count));
        FUZZ_ASSERT(memchr(d.name, '/', d.name_len) == NULL);
        FUZZ_ASSERT(d.file_type < EXT2_FT_MAX && (g.filetype || d.file_type == 0));
        FUZZ_ASSERT(ext2_dirent_slack(&d) <= d.rec_len);
        last = offset;
    }
    FUZZ_ASSERT(r == 0 || r == -EUCLEAN);
    if (r == 0)
        FUZZ_ASSERT(offset == bs);
    check_why(why);
    free(why);
    free(block);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size && (data[0] & 1))
        fuzz_dir(data, size);
    else
        fuzz_super(data, size);
    return 0;
}
