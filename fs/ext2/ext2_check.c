/*
 * ext2_check.c - checking ext2 metadata before trusting it, and the
 * arithmetic of the format (see ext2_check.h).
 *
 * The order of the checks matters as much as the checks: each one may
 * use only what the ones before it established.  The block size must be
 * known good before anything is divided by it, the feature flags before the
 * layout is interpreted (an ext4 image with 64bit or meta_bg has a different
 * descriptor table, and should be refused for that reason, not for the
 * strange layout that results from reading it as ext2).  Arithmetic on
 * values from disk is done in 64 bits so that no product or sum wraps.
 */
#include "ext2_check.h"
#include "kerrno.h"
#include "vsprintf.h"

/* This file's short names for the reason helpers of vsprintf.h. */
#define fail why_fail
#define clear why_clear

/* --- Features --- */

struct feature_name {
    uint32_t bit;
    const char *name;               /* as e2fsprogs' tune2fs -O spells it */
};

static const struct feature_name incompat_names[] = {
    { EXT2_FEATURE_INCOMPAT_COMPRESSION, "compression" },
    { EXT2_FEATURE_INCOMPAT_FILETYPE, "filetype" },
    { EXT3_FEATURE_INCOMPAT_RECOVER, "needs_recovery" },
    { EXT3_FEATURE_INCOMPAT_JOURNAL_DEV, "journal_dev" },
    { EXT2_FEATURE_INCOMPAT_META_BG, "meta_bg" },
    { EXT4_FEATURE_INCOMPAT_EXTENTS, "extents" },
    { EXT4_FEATURE_INCOMPAT_64BIT, "64bit" },
    { EXT4_FEATURE_INCOMPAT_MMP, "mmp" },
    { EXT4_FEATURE_INCOMPAT_FLEX_BG, "flex_bg" },
    { EXT4_FEATURE_INCOMPAT_EA_INODE, "ea_inode" },
    { EXT4_FEATURE_INCOMPAT_DIRDATA, "dirdata" },
    { EXT4_FEATURE_INCOMPAT_CSUM_SEED, "metadata_csum_seed" },
    { EXT4_FEATURE_INCOMPAT_LARGEDIR, "large_dir" },
    { EXT4_FEATURE_INCOMPAT_INLINE_DATA, "inline_data" },
    { EXT4_FEATURE_INCOMPAT_ENCRYPT, "encrypt" },
    { EXT4_FEATURE_INCOMPAT_CASEFOLD, "casefold" },
    { 0, NULL }
};

static const struct feature_name ro_compat_names[] = {
    { EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER, "sparse_super" },
    { EXT2_FEATURE_RO_COMPAT_LARGE_FILE, "large_file" },
    { EXT2_FEATURE_RO_COMPAT_BTREE_DIR, "btree_dir" },
    { EXT4_FEATURE_RO_COMPAT_HUGE_FILE, "huge_file" },
    { EXT4_FEATURE_RO_COMPAT_GDT_CSUM, "uninit_bg" },
    { EXT4_FEATURE_RO_COMPAT_DIR_NLINK, "dir_nlink" },
    { EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE, "extra_isize" },
    { EXT4_FEATURE_RO_COMPAT_HAS_SNAPSHOT, "snapshot" },
    { EXT4_FEATURE_RO_COMPAT_QUOTA, "quota" },
    { EXT4_FEATURE_RO_COMPAT_BIGALLOC, "bigalloc" },
    { EXT4_FEATURE_RO_COMPAT_METADATA_CSUM, "metadata_csum" },
    { EXT4_FEATURE_RO_COMPAT_REPLICA, "replica" },
    { EXT4_FEATURE_RO_COMPAT_READONLY, "read-only" },
    { EXT4_FEATURE_RO_COMPAT_PROJECT, "project" },
    { EXT4_FEATURE_RO_COMPAT_SHARED_BLOCKS, "shared_blocks" },
    { EXT4_FEATURE_RO_COMPAT_VERITY, "verity" },
    { 0, NULL }
};

/* "feature 0x40 (extents)" or "features 0x2c0 (extents, 64bit, flex_bg)";
 * bits without a name are counted as "unknown". */
static void describe_features(char *buf, size_t n, const char *kind,
                              const struct feature_name *names, uint32_t bits)
{
    bool several = (bits & (bits - 1)) != 0;
    size_t len = (size_t)ksnprintf(buf, n, "%s feature%s 0x%x (", kind,
                                   several ? "s" : "", bits);
    uint32_t named = 0;
    for (const struct feature_name *f = names; f->bit; f++) {
        if (!(bits & f->bit))
            continue;
        len += (size_t)ksnprintf(len < n ? buf + len : NULL, len < n ? n - len : 0,
                                 "%s%s", named ? ", " : "", f->name);
        named |= f->bit;
    }
    if (bits & ~named)
        len += (size_t)ksnprintf(len < n ? buf + len : NULL, len < n ? n - len : 0,
                                 "%sunknown", named ? ", " : "");
    ksnprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, ")");
}

/* --- The superblock --- */

/* Blocks per group and inodes per group are limited by their bitmaps, one
 * block each: 8 bits per byte. */
static uint32_t bits_per_block(uint32_t block_size)
{
    return block_size * 8;
}

static bool is_power_of_two(uint32_t x)
{
    return x && !(x & (x - 1));
}

static uint32_t div_round_up(uint64_t a, uint32_t b)
{
    return (uint32_t)((a + b - 1) / b);
}

static int check_features(const struct ext2_super *sb, char *why, size_t n)
{
    char list[160];

    if (sb->s_rev_level == EXT2_GOOD_OLD_REV) {
        /* Revision 0 has no feature fields: mke2fs -r 0 leaves them 0,
         * and set bits mean the rest of the superblock is suspect too. */
        if (sb->s_feature_compat | sb->s_feature_incompat | sb->s_feature_ro_compat)
            return fail(why, n, -EUCLEAN,
                        "superblock: revision 0 with feature flags set (compat 0x%x, "
                        "incompat 0x%x, ro_compat 0x%x)", sb->s_feature_compat,
                        sb->s_feature_incompat, sb->s_feature_ro_compat);
        return 0;
    }
    uint32_t refused = sb->s_feature_incompat & ~(uint32_t)EXT2_SUPPORTED_INCOMPAT;
    if (refused) {
        describe_features(list, sizeof(list), "incompat", incompat_names, refused);
        return fail(why, n, -EINVAL, "unsupported %s", list);
    }
    return 0;
}

/* The block size: 1 KiB << s_log_block_size, and fragments the same size
 * (ext2 reserved the field for fragments it never implemented). */
static int check_block_size(const struct ext2_super *sb, char *why, size_t n)
{
    /* ext2 allows up to 64 KiB (6); beyond that the field is garbage. */
    if (sb->s_log_block_size > 6)
        return fail(why, n, -EUCLEAN, "superblock: s_log_block_size %u (block size over 64 KiB)",
                    sb->s_log_block_size);
    /* swiod's buffer cache holds blocks within a 4 KiB page. */
    if (sb->s_log_block_size > 2)
        return fail(why, n, -EINVAL, "unsupported block size %u (1, 2 or 4 KiB only)",
                    EXT2_MIN_BLOCK_SIZE << sb->s_log_block_size);
    if (sb->s_log_frag_size != sb->s_log_block_size)
        return fail(why, n, -EINVAL, "unsupported fragment size: s_log_frag_size %u, "
                    "s_log_block_size %u", sb->s_log_frag_size, sb->s_log_block_size);
    return 0;
}

/* Inode size and first inode: fixed in revision 0, read in revision 1. */
static int check_inodes(const struct ext2_super *sb, struct ext2_geometry *g, char *why, size_t n)
{
    g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
    g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
    if (sb->s_rev_level == EXT2_DYNAMIC_REV) {
        g->inode_size = sb->s_inode_size;
        g->first_ino = sb->s_first_ino;
    }
    if (g->inode_size < EXT2_GOOD_OLD_INODE_SIZE || g->inode_size > g->block_size ||
        !is_power_of_two(g->inode_size))
        return fail(why, n, -EUCLEAN, "superblock: s_inode_size %u (a power of two "
                    "from 128 to the block size %u)", g->inode_size, g->block_size);
    if (sb->s_inodes_per_group == 0 || sb->s_inodes_per_group > bits_per_block(g->block_size))
        return fail(why, n, -EUCLEAN, "superblock: s_inodes_per_group %u (1..%u)",
                    sb->s_inodes_per_group, bits_per_block(g->block_size));
    /* The root directory (inode 2) and every reserved inode must exist. */
    if (g->first_ino < EXT2_GOOD_OLD_FIRST_INO || g->first_ino > sb->s_inodes_count)
        return fail(why, n, -EUCLEAN, "superblock: s_first_ino %u (%u..s_inodes_count %u)",
                    g->first_ino, EXT2_GOOD_OLD_FIRST_INO, sb->s_inodes_count);
    g->inodes_count = sb->s_inodes_count;
    g->inodes_per_group = sb->s_inodes_per_group;
    g->inodes_per_block = g->block_size / g->inode_size;
    g->inode_table_blocks = div_round_up((uint64_t)g->inodes_per_group * g->inode_size,
                                         g->block_size);
    return 0;
}

/* Blocks, groups, and the metadata that must fit in a group. */
static int check_layout(const struct ext2_super *sb, uint64_t device_bytes,
                        struct ext2_geometry *g, char *why, size_t n)
{
    /* The superblock is in block 1 with 1 KiB blocks, else inside block 0,
     * and groups are counted from the block that holds it. */
    uint32_t want_first = g->block_size == EXT2_MIN_BLOCK_SIZE ? 1 : 0;
    if (sb->s_first_data_block != want_first)
        return fail(why, n, -EUCLEAN, "superblock: s_first_data_block %u (%u for %u-byte blocks)",
                    sb->s_first_data_block, want_first, g->block_size);
    if (sb->s_blocks_per_group == 0 || sb->s_blocks_per_group > bits_per_block(g->block_size) ||
        sb->s_blocks_per_group % 8)
        return fail(why, n, -EUCLEAN, "superblock: s_blocks_per_group %u (a multiple of 8, 8..%u)",
                    sb->s_blocks_per_group, bits_per_block(g->block_size));
    if (sb->s_frags_per_group != sb->s_blocks_per_group)
        return fail(why, n, -EINVAL, "unsupported fragments: s_frags_per_group %u, "
                    "s_blocks_per_group %u", sb->s_frags_per_group, sb->s_blocks_per_group);
    if (sb->s_blocks_count <= sb->s_first_data_block)
        return fail(why, n, -EUCLEAN, "superblock: s_blocks_count %u", sb->s_blocks_count);
    uint64_t fs_bytes = (uint64_t)sb->s_blocks_count * g->block_size;
    if (fs_bytes > device_bytes)
        return fail(why, n, -EUCLEAN, "superblock: s_blocks_count %u: %llu bytes, "
                    "larger than the device (%llu bytes)", sb->s_blocks_count,
                    (unsigned long long)fs_bytes, (unsigned long long)device_bytes);

    g->blocks_count = sb->s_blocks_count;
    g->first_data_block = sb->s_first_data_block;
    g->blocks_per_group = sb->s_blocks_per_group;
    g->groups = div_round_up(g->blocks_count - g->first_data_block, g->blocks_per_group);

    uint64_t inode_room = (uint64_t)g->inodes_per_group * g->groups;
    if (g->inodes_count == 0 || g->inodes_count > inode_room)
        return fail(why, n, -EUCLEAN, "superblock: s_inodes_count %u (1..%llu: "
                    "%u groups of %u)", g->inodes_count, (unsigned long long)inode_room,
                    g->groups, g->inodes_per_group);
    if (sb->s_r_blocks_count > g->blocks_count || sb->s_free_blocks_count > g->blocks_count)
        return fail(why, n, -EUCLEAN, "superblock: s_r_blocks_count %u, s_free_blocks_count %u "
                    "(at most s_blocks_count %u)", sb->s_r_blocks_count,
                    sb->s_free_blocks_count, g->blocks_count);
    if (sb->s_free_inodes_count > g->inodes_count)
        return fail(why, n, -EUCLEAN, "superblock: s_free_inodes_count %u (at most "
                    "s_inodes_count %u)", sb->s_free_inodes_count, g->inodes_count);

    g->desc_per_block = g->block_size / sizeof(struct ext2_group_desc);
    g->desc_blocks = div_round_up(g->groups, g->desc_per_block);
    g->addr_per_block = g->block_size / sizeof(uint32_t);
    /* Counted whether or not resize_inode is set, as e2fsprogs does: a
     * nonzero count without the feature is e2fsck's to fix, and treating
     * the blocks as metadata is the safe reading. */
    g->reserved_gdt_blocks = sb->s_reserved_gdt_blocks;
    if (g->reserved_gdt_blocks > g->addr_per_block)
        return fail(why, n, -EUCLEAN, "superblock: s_reserved_gdt_blocks %u (at most %u)",
                    g->reserved_gdt_blocks, g->addr_per_block);

    /* Group 0 holds the superblock, the whole descriptor table, the
     * reserved blocks, two bitmaps and an inode table. */
    uint64_t overhead = 1 + (uint64_t)g->desc_blocks + g->reserved_gdt_blocks + 2 +
                        g->inode_table_blocks;
    uint32_t group0 = g->blocks_count - g->first_data_block;
    if (group0 > g->blocks_per_group)
        group0 = g->blocks_per_group;
    if (overhead > group0)
        return fail(why, n, -EUCLEAN, "superblock: group 0 needs %llu blocks of metadata "
                    "(%u descriptor, %u reserved, %u inode table), it has %u",
                    (unsigned long long)overhead, g->desc_blocks, g->reserved_gdt_blocks,
                    g->inode_table_blocks, group0);
    return 0;
}

int ext2_check_super(const struct ext2_super *sb, uint64_t device_bytes,
                     struct ext2_geometry *g, char *why, size_t n)
{
    *g = (struct ext2_geometry){ 0 };
    clear(why, n);
    if (sb->s_magic != EXT2_SUPER_MAGIC)
        return fail(why, n, -EINVAL, "no ext2 superblock: s_magic 0x%04x, not 0x%04x",
                    sb->s_magic, EXT2_SUPER_MAGIC);
    if (sb->s_rev_level > EXT2_DYNAMIC_REV)
        return fail(why, n, -EINVAL, "unsupported revision %u (0 and 1 only)", sb->s_rev_level);
    int err = check_features(sb, why, n);
    if (err)
        return err;
    err = check_block_size(sb, why, n);
    if (err)
        return err;
    g->rev_level = sb->s_rev_level;
    g->block_bits = EXT2_MIN_BLOCK_LOG_SIZE + sb->s_log_block_size;
    g->block_size = 1u << g->block_bits;
    err = check_inodes(sb, g, why, n);
    if (err)
        return err;
    err = check_layout(sb, device_bytes, g, why, n);
    if (err)
        return err;

    uint32_t incompat = sb->s_rev_level == EXT2_GOOD_OLD_REV ? 0 : sb->s_feature_incompat;
    uint32_t ro_compat = sb->s_rev_level == EXT2_GOOD_OLD_REV ? 0 : sb->s_feature_ro_compat;
    g->filetype = incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
    g->sparse_super = ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER;
    g->large_file = ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
    g->unclean = !(sb->s_state & EXT2_VALID_FS) || (sb->s_state & EXT2_ERROR_FS);

    /* Last, because it is not a refusal: the layout is understood, but
     * writing could break what the unknown feature maintains (a checksum,
     * a count). */
    g->ro_compat_unsupported = ro_compat & ~(uint32_t)EXT2_SUPPORTED_RO_COMPAT;
    if (g->ro_compat_unsupported) {
        char list[200];
        g->read_only = true;
        describe_features(list, sizeof(list), "ro_compat", ro_compat_names,
                          g->ro_compat_unsupported);
        ksnprintf(why, n, "unsupported %s: read-only", list);
    }
    return 0;
}

/* --- Groups --- */

/* 1 is 3^0; otherwise divide out the base and see whether 1 is left. */
static bool is_power_of(uint32_t x, uint32_t base)
{
    while (x % base == 0)
        x /= base;
    return x == 1;
}

bool ext2_group_has_super(const struct ext2_geometry *g, uint32_t group)
{
    if (!g->sparse_super || group <= 1)
        return true;
    return is_power_of(group, 3) || is_power_of(group, 5) || is_power_of(group, 7);
}

uint32_t ext2_group_first_block(const struct ext2_geometry *g, uint32_t group)
{
    return g->first_data_block + group * g->blocks_per_group;
}

uint32_t ext2_group_blocks(const struct ext2_geometry *g, uint32_t group)
{
    uint32_t left = g->blocks_count - ext2_group_first_block(g, group);
    return left < g->blocks_per_group ? left : g->blocks_per_group;
}

uint32_t ext2_group_super_blocks(const struct ext2_geometry *g, uint32_t group)
{
    if (!ext2_group_has_super(g, group))
        return 0;
    return 1 + g->desc_blocks + g->reserved_gdt_blocks;
}

uint32_t ext2_block_group(const struct ext2_geometry *g, uint32_t block)
{
    return (block - g->first_data_block) / g->blocks_per_group;
}

void ext2_group_desc_location(const struct ext2_geometry *g, uint32_t group,
                              uint32_t *block, uint32_t *offset)
{
    *block = g->first_data_block + 1 + group / g->desc_per_block;
    *offset = group % g->desc_per_block * sizeof(struct ext2_group_desc);
}

uint32_t ext2_inode_group(const struct ext2_geometry *g, uint32_t ino)
{
    return (ino - 1) / g->inodes_per_group;
}

void ext2_inode_location(const struct ext2_geometry *g, const struct ext2_group_desc *gd,
                         uint32_t ino, uint32_t *block, uint32_t *offset)
{
    uint32_t slot = (ino - 1) % g->inodes_per_group;
    *block = gd->bg_inode_table + slot / g->inodes_per_block;
    *offset = slot % g->inodes_per_block * g->inode_size;
}

/* A run of metadata blocks, for the overlap checks and the messages. */
struct extent {
    const char *what;
    uint64_t start;
    uint64_t len;
};

static bool overlaps(const struct extent *a, const struct extent *b)
{
    return a->start < b->start + b->len && b->start < a->start + a->len;
}

int ext2_check_group_desc(const struct ext2_geometry *g, uint32_t group,
                          const struct ext2_group_desc *gd, char *why, size_t n)
{
    clear(why, n);
    if (group >= g->groups)
        return fail(why, n, -EINVAL, "group %u: no such group (%u groups)", group, g->groups);

    uint32_t first = ext2_group_first_block(g, group);
    uint32_t size = ext2_group_blocks(g, group);
    /* Where the group's own metadata may go: after the copies, before its end. */
    struct extent room = { "", (uint64_t)first + ext2_group_super_blocks(g, group), 0 };
    room.len = first + (uint64_t)size > room.start ? first + (uint64_t)size - room.start : 0;
    struct extent area[] = {
        { "block bitmap", gd->bg_block_bitmap, 1 },
        { "inode bitmap", gd->bg_inode_bitmap, 1 },
        { "inode table", gd->bg_inode_table, g->inode_table_blocks },
    };
    for (size_t i = 0; i < 3; i++) {
        const struct extent *a = &area[i];
        if (a->start < room.start || a->start + a->len > room.start + room.len)
            return fail(why, n, -EUCLEAN, "group %u: %s at block %llu (%llu blocks), outside "
                        "blocks %llu..%llu the group has for it", group, a->what,
                        (unsigned long long)a->start, (unsigned long long)a->len,
                        (unsigned long long)room.start,
                        (unsigned long long)(room.start + room.len - 1));
        for (size_t j = 0; j < i; j++)
            if (overlaps(a, &area[j]))
                return fail(why, n, -EUCLEAN, "group %u: %s at block %llu overlaps the %s "
                            "at block %llu", group, a->what, (unsigned long long)a->start,
                            area[j].what, (unsigned long long)area[j].start);
    }
    if (gd->bg_free_blocks_count > size)
        return fail(why, n, -EUCLEAN, "group %u: bg_free_blocks_count %u, more than its %u blocks",
                    group, gd->bg_free_blocks_count, size);
    if ((uint32_t)gd->bg_free_inodes_count + gd->bg_used_dirs_count > g->inodes_per_group)
        return fail(why, n, -EUCLEAN, "group %u: bg_free_inodes_count %u + bg_used_dirs_count %u, "
                    "more than its %u inodes", group, gd->bg_free_inodes_count,
                    gd->bg_used_dirs_count, g->inodes_per_group);
    return 0;
}

int ext2_check_data_block(const struct ext2_geometry *g, const struct ext2_group_desc *gd,
                          uint32_t block, char *why, size_t n)
{
    clear(why, n);
    if (block < g->first_data_block || block >= g->blocks_count)
        return fail(why, n, -EUCLEAN, "block %u outside the filesystem (%u..%u)",
                    block, g->first_data_block, g->blocks_count - 1);
    uint32_t group = ext2_block_group(g, block);
    uint32_t first = ext2_group_first_block(g, group);
    uint32_t copies = ext2_group_super_blocks(g, group);
    if (block < first + copies) {
        const char *what = block == first ? "superblock copy"
                         : block <= first + g->desc_blocks ? "descriptor table copy"
                         : "reserved descriptor blocks";
        return fail(why, n, -EUCLEAN, "block %u is metadata: group %u's %s", block, group, what);
    }
    struct extent here = { "", block, 1 };
    struct extent area[] = {
        { "block bitmap", gd->bg_block_bitmap, 1 },
        { "inode bitmap", gd->bg_inode_bitmap, 1 },
        { "inode table", gd->bg_inode_table, g->inode_table_blocks },
    };
    for (size_t i = 0; i < 3; i++)
        if (overlaps(&here, &area[i]))
            return fail(why, n, -EUCLEAN, "block %u is metadata: group %u's %s", block,
                        group, area[i].what);
    return 0;
}

int ext2_check_ino(const struct ext2_geometry *g, uint32_t ino, char *why, size_t n)
{
    clear(why, n);
    if (ino == 0 || ino > g->inodes_count)
        return fail(why, n, -EUCLEAN, "inode %u outside 1..%u", ino, g->inodes_count);
    return 0;
}

/* --- Block maps --- */

int ext2_block_to_path(uint32_t block_size, uint32_t file_block, struct ext2_block_path *path)
{
    if (block_size < EXT2_MIN_BLOCK_SIZE || !is_power_of_two(block_size))
        return -EINVAL;
    /* Each level covers a^k blocks, a = block numbers per indirect block;
     * subtract what the levels before it covered, then read the index at
     * each level as a base-a digit, most significant first. */
    uint64_t a = block_size / sizeof(uint32_t);
    uint64_t rest = file_block;
    uint64_t covers = EXT2_NDIR_BLOCKS;       /* blocks reachable at this depth */
    uint32_t depth = 1;
    *path = (struct ext2_block_path){ 0 };
    while (rest >= covers) {
        rest -= covers;
        if (++depth > 4)
            return -ERANGE;
        covers = depth == 2 ? a : covers * a;
    }
    path->depth = depth;
    if (depth == 1) {
        path->index[0] = (uint32_t)rest;
        return 1;
    }
    path->index[0] = EXT2_IND_BLOCK + depth - 2;
    for (uint32_t level = depth - 1; level >= 1; level--) {
        path->index[level] = (uint32_t)(rest % a);
        rest /= a;
    }
    return (int)depth;
}

uint64_t ext2_max_file_blocks(uint32_t block_size)
{
    uint64_t a = block_size / sizeof(uint32_t);
    return EXT2_NDIR_BLOCKS + a + a * a + a * a * a;
}

/* --- Directory blocks --- */

int ext2_dir_entry_at(const uint8_t *block, uint32_t block_size, uint32_t offset,
                      struct ext2_dirent_view *out, const struct ext2_geometry *g,
                      char *why, size_t n)
{
    clear(why, n);
    if (offset % EXT2_DIR_ROUND || offset > block_size ||
        block_size - offset < EXT2_DIR_ENTRY_HEADER)
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: no room for an entry "
                    "in a %u-byte block", offset, block_size);
    /* Read byte by byte: the block need not be aligned for a packed struct
     * to be read through, but this way nothing depends on it. */
    const uint8_t *e = block + offset;
    *out = (struct ext2_dirent_view){
        .offset = offset,
        .inode = (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24,
        .rec_len = (uint32_t)e[4] | (uint32_t)e[5] << 8,
        .name_len = e[6],
        .file_type = g->filetype ? e[7] : EXT2_FT_UNKNOWN,
        .name = (const char *)e + EXT2_DIR_ENTRY_HEADER,
    };
    if (out->rec_len % EXT2_DIR_ROUND || out->rec_len < ext2_dir_rec_len(out->name_len))
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: rec_len %u (a multiple "
                    "of 4, at least %u for a %u-byte name)", offset, out->rec_len,
                    ext2_dir_rec_len(out->name_len), out->name_len);
    if (out->rec_len > block_size - offset)
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: rec_len %u crosses the "
                    "end of the %u-byte block", offset, out->rec_len, block_size);
    if (out->inode == 0)
        return 0;                   /* unused: only its length matters */
    if (out->inode > g->inodes_count ||
        (out->inode < g->first_ino && out->inode != EXT2_ROOT_INO))
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: inode %u (%u or "
                    "%u..%u)", offset, out->inode, EXT2_ROOT_INO, g->first_ino, g->inodes_count);
    if (out->name_len == 0)
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: inode %u with an empty name",
                    offset, out->inode);
    for (uint32_t i = 0; i < out->name_len; i++)
        if (out->name[i] == '/' || out->name[i] == '\0')
            return fail(why, n, -EUCLEAN, "directory entry at offset %u: inode %u: name has "
                        "a %s at byte %u", offset, out->inode,
                        out->name[i] ? "'/'" : "NUL", i);
    if (out->file_type >= EXT2_FT_MAX)
        return fail(why, n, -EUCLEAN, "directory entry at offset %u: inode %u: file_type %u",
                    offset, out->inode, out->file_type);
    return 0;
}

int ext2_dir_next(const uint8_t *block, uint32_t block_size, uint32_t *offset,
                  struct ext2_dirent_view *out, const struct ext2_geometry *g,
                  char *why, size_t n)
{
    clear(why, n);
    /* rec_len is at least 8, so the walk always moves on and ends. */
    while (*offset < block_size) {
        int err = ext2_dir_entry_at(block, block_size, *offset, out, g, why, n);
        if (err)
            return err;
        *offset += out->rec_len;
        if (out->inode)
            return 1;
    }
    return 0;
}
