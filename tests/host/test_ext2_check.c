/*
 * test_ext2_check.c - fs/ext2/ext2_check.c against filesystems that
 * e2fsprogs made, and against copies of them broken by hand.
 *
 * mke2fs builds four small images in a temporary directory from a tree
 * this test writes: revision 1 without features (1 KiB blocks, three
 * groups, a copy in each), revision 0, Debian's defaults with 4 KiB blocks,
 * and Debian's defaults with 1 KiB blocks in groups of 1024 blocks (twelve
 * groups: sparse_super copies in groups 0, 1, 3, 5, 7, 9 and reserved
 * descriptor blocks after each).  For each image:
 *   - ext2_check_super accepts it, and the geometry matches dumpe2fs -h;
 *   - every group descriptor is accepted and agrees with dumpe2fs, and
 *     ext2_check_data_block refuses exactly the blocks dumpe2fs lists as
 *     metadata, block by block;
 *   - the tree reads back through the checkers alone: directories walked
 *     with ext2_dir_next (one of them several blocks long), a file of
 *     300 KiB through ext2_block_to_path (direct, indirect and, with 1 KiB
 *     blocks, doubly indirect blocks), a 255-byte name, an empty file.
 * Then corrupted superblocks, descriptors and directory blocks must each be
 * refused with the right errno and a message naming the field.
 *
 * Needs /sbin/mke2fs and dumpe2fs (e2fsprogs).
 * Links with: fs/ext2/ext2_check.c lib/vsprintf.c
 * Usage: test_ext2_check
 */
#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "ext2_check.h"
#include "kerrno.h"

#define WHY_LEN 200
#define BIG_SIZE (300 * 1024)           /* past 12+256 KiB: doubly indirect with 1 KiB blocks */
#define MANY_FILES 300                  /* a directory of several blocks */

static char tmpdir[64];

static void run(const char *cmd)
{
    int rc = system(cmd);
    if (rc != 0) {
        fprintf(stderr, "failed (%d): %s\n", rc, cmd);
        exit(2);
    }
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        exit(2);
    }
}

/* Byte i of the big file: the little-endian 32-bit word (i / 4), so that a
 * block read from the wrong place shows where it came from. */
static uint8_t big_byte(uint32_t i)
{
    return (uint8_t)((i / 4) >> (8 * (i % 4)));
}

static const char *long_name(void)
{
    static char name[EXT2_NAME_LEN + 1];
    memset(name, 'n', EXT2_NAME_LEN);
    return name;
}

static void make_tree(const char *root)
{
    char path[512];
    snprintf(path, sizeof(path), "mkdir -p %s/d1/d2 %s/many", root, root);
    run(path);
    snprintf(path, sizeof(path), "%s/d1/d2/hello", root);
    write_file(path, "hello\n", 6);
    snprintf(path, sizeof(path), "%s/empty", root);
    write_file(path, "", 0);
    snprintf(path, sizeof(path), "%s/%s", root, long_name());
    write_file(path, "long\n", 5);
    uint8_t *big = malloc(BIG_SIZE);
    for (uint32_t i = 0; i < BIG_SIZE; i++)
        big[i] = big_byte(i);
    snprintf(path, sizeof(path), "%s/big", root);
    write_file(path, big, BIG_SIZE);
    free(big);
    for (int i = 0; i < MANY_FILES; i++) {
        snprintf(path, sizeof(path), "%s/many/file%03d", root, i);
        write_file(path, path, strlen(path));
    }
}

/* --- An image in memory, read through the checkers only --- */

struct image {
    const char *name;
    const char *mke2fs;                 /* options */
    uint32_t kib;                       /* size */
    uint32_t block_size, rev;
    bool sparse_super, filetype, large_file;
    char path[128];
    uint8_t *data;
    size_t size;
    struct ext2_geometry g;
    struct ext2_group_desc *gd;
};

static struct image images[] = {
    { "plain1k", "-t ext2 -O none -I 128 -b 1024", 20480, 1024, 1, false, false, false, "", NULL, 0, { 0 }, NULL },
    { "rev0", "-t ext2 -r 0 -b 1024", 4096, 1024, 0, false, false, false, "", NULL, 0, { 0 }, NULL },
    { "debian4k", "-t ext2 -b 4096", 8192, 4096, 1, true, true, true, "", NULL, 0, { 0 }, NULL },
    { "sparse1k", "-t ext2 -b 1024 -g 1024", 12288, 1024, 1, true, true, true, "", NULL, 0, { 0 }, NULL },
};

static uint8_t *block_at(struct image *im, uint32_t block)
{
    return im->data + (size_t)block * im->g.block_size;
}

static const struct ext2_super *super_of(const struct image *im)
{
    return (const struct ext2_super *)(im->data + EXT2_SUPER_OFFSET);
}

static void load(struct image *im)
{
    FILE *f = fopen(im->path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        perror(im->path);
        exit(2);
    }
    im->size = (size_t)st.st_size;
    im->data = malloc(im->size);
    if (fread(im->data, 1, im->size, f) != im->size) {
        perror(im->path);
        exit(2);
    }
    fclose(f);
}

static const struct ext2_inode *inode_at(struct image *im, uint32_t ino)
{
    char why[WHY_LEN];
    uint32_t block, offset;
    if (ext2_check_ino(&im->g, ino, why, sizeof(why)) != 0)
        return NULL;
    ext2_inode_location(&im->g, &im->gd[ext2_inode_group(&im->g, ino)], ino, &block, &offset);
    return (const struct ext2_inode *)(block_at(im, block) + offset);
}

/* The disk block holding file block fb of inode, every pointer on the way
 * checked; 0 for a hole. */
static uint32_t map_block(struct image *im, const struct ext2_inode *inode, uint32_t fb)
{
    struct ext2_block_path path;
    char why[WHY_LEN];
    int depth = ext2_block_to_path(im->g.block_size, fb, &path);
    CHECK(depth >= 1);
    if (depth < 1)
        return 0;
    uint32_t block = inode->i_block[path.index[0]];
    for (int level = 1; level <= depth; level++) {
        if (block == 0)
            return 0;
        int err = ext2_check_data_block(&im->g, &im->gd[ext2_block_group(&im->g, block)], block,
                                        why, sizeof(why));
        if (err) {
            fprintf(stderr, "%s: file block %u: %s\n", im->name, fb, why);
            CHECK_INT(err, 0);
            return 0;
        }
        if (level < depth) {
            const uint8_t *ind = block_at(im, block) + path.index[level] * 4;
            memcpy(&block, ind, 4);
        }
    }
    return block;
}

/* The inode that name (name_len bytes) has in directory dir, 0 if none;
 * its file_type in *type.  Counts the entries in *entries. */
static uint32_t lookup(struct image *im, uint32_t dir, const char *name, uint8_t *type,
                       int *entries)
{
    const struct ext2_inode *inode = inode_at(im, dir);
    char why[WHY_LEN];
    uint32_t found = 0;
    *entries = 0;
    CHECK((inode->i_mode & EXT2_S_IFMT) == EXT2_S_IFDIR);
    for (uint32_t fb = 0; fb < inode->i_size / im->g.block_size; fb++) {
        uint32_t block = map_block(im, inode, fb), offset = 0;
        struct ext2_dirent_view d;
        int r;
        CHECK(block != 0);
        if (!block)
            continue;
        while ((r = ext2_dir_next(block_at(im, block), im->g.block_size, &offset, &d, &im->g,
                                  why, sizeof(why))) == 1) {
            ++*entries;
            if (d.name_len == strlen(name) && memcmp(d.name, name, d.name_len) == 0) {
                found = d.inode;
                *type = d.file_type;
            }
        }
        if (r < 0)
            fprintf(stderr, "%s: dir %u block %u: %s\n", im->name, dir, block, why);
        CHECK_INT(r, 0);
        CHECK_INT(offset, im->g.block_size);
    }
    return found;
}

static void check_tree(struct image *im)
{
    uint8_t type = 0xff;
    int entries;
    uint8_t want_dir = im->filetype ? EXT2_FT_DIR : EXT2_FT_UNKNOWN;
    uint8_t want_reg = im->filetype ? EXT2_FT_REG_FILE : EXT2_FT_UNKNOWN;

    uint32_t d1 = lookup(im, EXT2_ROOT_INO, "d1", &type, &entries);
    CHECK(d1 >= im->g.first_ino);
    CHECK_INT(type, want_dir);
    CHECK_INT(entries, 8);      /* . .. lost+found d1 many big empty long */
    CHECK_INT(lookup(im, EXT2_ROOT_INO, ".", &type, &entries), EXT2_ROOT_INO);
    CHECK_INT(lookup(im, EXT2_ROOT_INO, "..", &type, &entries), EXT2_ROOT_INO);
    CHECK(lookup(im, EXT2_ROOT_INO, "nothing", &type, &entries) == 0);

    uint32_t d2 = lookup(im, d1, "d2", &type, &entries);
    uint32_t hello = d2 ? lookup(im, d2, "hello", &type, &entries) : 0;
    CHECK(hello != 0);
    CHECK_INT(type, want_reg);
    if (hello) {
        const struct ext2_inode *ino = inode_at(im, hello);
        CHECK_INT(ino->i_size, 6);
        uint32_t b = map_block(im, ino, 0);
        CHECK(b && memcmp(block_at(im, b), "hello\n", 6) == 0);
    }

    uint32_t many = lookup(im, EXT2_ROOT_INO, "many", &type, &entries);
    CHECK(many != 0);
    if (many) {
        CHECK(inode_at(im, many)->i_size > im->g.block_size);
        CHECK(lookup(im, many, "file299", &type, &entries) != 0);
        CHECK_INT(entries, MANY_FILES + 2);
    }

    uint32_t empty = lookup(im, EXT2_ROOT_INO, "empty", &type, &entries);
    CHECK(empty != 0 && inode_at(im, empty)->i_size == 0);
    uint32_t longf = lookup(im, EXT2_ROOT_INO, long_name(), &type, &entries);
    CHECK(longf != 0 && inode_at(im, longf)->i_size == 5);

    uint32_t big = lookup(im, EXT2_ROOT_INO, "big", &type, &entries);
    CHECK(big != 0);
    if (!big)
        return;
    const struct ext2_inode *inode = inode_at(im, big);
    CHECK_INT(inode->i_size, BIG_SIZE);
    uint32_t bs = im->g.block_size, bad = 0;
    for (uint32_t fb = 0; fb < BIG_SIZE / bs; fb++) {
        uint32_t block = map_block(im, inode, fb);
        const uint8_t *p = block ? block_at(im, block) : NULL;
        for (uint32_t i = 0; p && i < bs && !bad; i++)
            if (p[i] != big_byte(fb * bs + i))
                bad = fb * bs + i + 1;
        CHECK(block != 0);
    }
    if (bad)
        fprintf(stderr, "%s: big: byte %u differs\n", im->name, bad - 1);
    CHECK_INT(bad, 0);
}

/* --- What dumpe2fs says --- */

static char *dumpe2fs(const struct image *im)
{
    char cmd[256];
    snprintf(cmd, sizeof(cmd), "dumpe2fs %s 2>/dev/null", im->path);
    FILE *p = popen(cmd, "r");
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap + 1);
    size_t got;
    while (p && (got = fread(text + len, 1, cap - len, p)) > 0)
        len += got;
    text[len] = '\0';
    if (!p || pclose(p) != 0 || len == 0 || len == cap) {
        fprintf(stderr, "%s failed\n", cmd);
        exit(2);
    }
    return text;
}

/* The number after "key:" in dumpe2fs -h's part, or -1. */
static long field(const char *text, const char *key)
{
    char pattern[64];
    snprintf(pattern, sizeof(pattern), "\n%s:", key);
    const char *at = strstr(text, pattern);
    return at ? strtol(at + strlen(pattern), NULL, 0) : -1;
}

static void check_super_against_dumpe2fs(struct image *im, const char *text)
{
    const struct ext2_geometry *g = &im->g;
    CHECK_INT(g->blocks_count, field(text, "Block count"));
    CHECK_INT(g->inodes_count, field(text, "Inode count"));
    CHECK_INT(g->block_size, field(text, "Block size"));
    CHECK_INT(g->first_data_block, field(text, "First block"));
    CHECK_INT(g->blocks_per_group, field(text, "Blocks per group"));
    CHECK_INT(g->inodes_per_group, field(text, "Inodes per group"));
    CHECK_INT(g->inode_table_blocks, field(text, "Inode blocks per group"));
    long reserved = field(text, "Reserved GDT blocks");
    CHECK_INT(g->reserved_gdt_blocks, reserved < 0 ? 0 : reserved);
    if (im->rev == EXT2_DYNAMIC_REV) {
        CHECK_INT(g->inode_size, field(text, "Inode size"));
        CHECK_INT(g->first_ino, field(text, "First inode"));
    }
    CHECK_INT(g->rev_level, im->rev);
    CHECK_INT(g->block_size, im->block_size);
    CHECK_INT(g->sparse_super, im->sparse_super);
    CHECK_INT(g->filetype, im->filetype);
    CHECK_INT(g->large_file, im->large_file);
    CHECK(!g->read_only && !g->unclean);
    CHECK_INT(g->groups, (g->blocks_count - g->first_data_block + g->blocks_per_group - 1) /
                         g->blocks_per_group);
    CHECK_STR(super_of(im)->s_volume_name, "");
}

/* Marks blocks a..b (from "at A-B" or "at A") as metadata. */
static void mark(uint8_t *meta, const char *at, uint32_t count)
{
    unsigned a, b;
    int n = sscanf(at, "%u-%u", &a, &b);
    if (n < 1)
        return;
    if (n == 1)
        b = a;
    for (unsigned i = a; i <= b && i < count; i++)
        meta[i] = 1;
}

static unsigned number_after(const char *s, const char *key)
{
    const char *at = strstr(s, key);
    return at ? (unsigned)strtoul(at + strlen(key), NULL, 10) : 0;
}

/* Each group: its descriptor against dumpe2fs's, and the metadata map. */
static void check_groups(struct image *im, const char *text)
{
    struct ext2_geometry *g = &im->g;
    char why[WHY_LEN];
    uint8_t *meta = calloc(g->blocks_count, 1);
    im->gd = calloc(g->groups, sizeof(*im->gd));
    for (uint32_t group = 0; group < g->groups; group++) {
        uint32_t block, offset;
        ext2_group_desc_location(g, group, &block, &offset);
        memcpy(&im->gd[group], block_at(im, block) + offset, sizeof(*im->gd));
        int err = ext2_check_group_desc(g, group, &im->gd[group], why, sizeof(why));
        if (err)
            fprintf(stderr, "%s: %s\n", im->name, why);
        CHECK_INT(err, 0);

        char head[32];
        snprintf(head, sizeof(head), "\nGroup %u: ", group);
        const char *s = strstr(text, head);
        CHECK(s != NULL);
        if (!s)
            continue;
        const char *end = strstr(s + 1, "\nGroup ");
        size_t len = end ? (size_t)(end - s) : strlen(s);
        char *sec = strndup(s, len);
        CHECK_INT(number_after(sec, "(Blocks "), ext2_group_first_block(g, group));
        CHECK_INT(im->gd[group].bg_block_bitmap, number_after(sec, "Block bitmap at "));
        CHECK_INT(im->gd[group].bg_inode_bitmap, number_after(sec, "Inode bitmap at "));
        CHECK_INT(im->gd[group].bg_inode_table, number_after(sec, "Inode table at "));
        CHECK_INT(ext2_group_has_super(g, group), strstr(sec, "superblock at ") != NULL);
        const char *free_line = strstr(sec, " free blocks, ");
        while (free_line && free_line > sec && free_line[-1] != '\n')
            free_line--;
        CHECK_INT(im->gd[group].bg_free_blocks_count, free_line ? atoi(free_line) : -1);
        for (const char *key = sec; (key = strstr(key, " at ")) != NULL; key += 4)
            mark(meta, key + 4, g->blocks_count);
        free(sec);
    }

    /* Every block: refused exactly when dumpe2fs calls it metadata. */
    uint32_t wrong = 0;
    for (uint32_t b = 0; b < g->blocks_count; b++) {
        uint32_t group = b < g->first_data_block ? 0 : ext2_block_group(g, b);
        int err = ext2_check_data_block(g, &im->gd[group], b, why, sizeof(why));
        bool want_refused = meta[b] || b < g->first_data_block;
        if ((err != 0) != want_refused && wrong++ < 5)
            fprintf(stderr, "%s: block %u: got %d (%s), dumpe2fs says %s\n", im->name, b,
                    err, why, meta[b] ? "metadata" : "data");
        if (err)
            CHECK_INT(err, -EUCLEAN);
    }
    CHECK_INT(wrong, 0);
    free(meta);
}

/* --- Corruptions --- */

typedef void (*corrupt_fn)(struct ext2_super *sb);

static void bad_magic(struct ext2_super *sb) { sb->s_magic = 0x1234; }
static void zero_bpg(struct ext2_super *sb) { sb->s_blocks_per_group = 0; }
static void huge_bpg(struct ext2_super *sb) { sb->s_blocks_per_group = 8 * 1024 + 8; }
static void extents(struct ext2_super *sb) { sb->s_feature_incompat |= EXT4_FEATURE_INCOMPAT_EXTENTS; }
static void unknown_incompat(struct ext2_super *sb) { sb->s_feature_incompat |= 0x80000000u; }
static void several_incompat(struct ext2_super *sb)
{
    sb->s_feature_incompat |= EXT4_FEATURE_INCOMPAT_64BIT | EXT4_FEATURE_INCOMPAT_FLEX_BG | 0x800;
}
static void recover(struct ext2_super *sb) { sb->s_feature_incompat |= EXT3_FEATURE_INCOMPAT_RECOVER; }
static void inode_size_100(struct ext2_super *sb) { sb->s_inode_size = 100; }
static void inode_size_2048(struct ext2_super *sb) { sb->s_inode_size = 2048; }
static void rev2(struct ext2_super *sb) { sb->s_rev_level = 2; }
static void rev0_features(struct ext2_super *sb)
{
    sb->s_rev_level = EXT2_GOOD_OLD_REV;
    sb->s_feature_compat = EXT2_FEATURE_COMPAT_DIR_INDEX;
}
static void log_block_3(struct ext2_super *sb) { sb->s_log_block_size = sb->s_log_frag_size = 3; }
static void log_block_huge(struct ext2_super *sb) { sb->s_log_block_size = 0x80000000u; }
static void frag_size(struct ext2_super *sb) { sb->s_log_frag_size = 1; }
static void first_data_0(struct ext2_super *sb) { sb->s_first_data_block = 0; }
static void too_many_inodes(struct ext2_super *sb) { sb->s_inodes_count += 1; }
static void zero_ipg(struct ext2_super *sb) { sb->s_inodes_per_group = 0; }
static void first_ino_5(struct ext2_super *sb) { sb->s_first_ino = 5; }
static void larger_than_device(struct ext2_super *sb) { sb->s_blocks_count += 1; }
static void zero_blocks(struct ext2_super *sb) { sb->s_blocks_count = 1; }
static void free_too_many(struct ext2_super *sb) { sb->s_free_blocks_count = sb->s_blocks_count + 1; }
static void reserved_gdt(struct ext2_super *sb) { sb->s_reserved_gdt_blocks = 257; }
static void itable_fills_group(struct ext2_super *sb)
{
    /* 8192 inodes of 128 bytes: 1024 blocks of table, and a group of 1024. */
    sb->s_blocks_per_group = 1024;
    sb->s_frags_per_group = 1024;
    sb->s_inodes_per_group = 8192;
    sb->s_inodes_count = 8192;
    sb->s_blocks_count = 1025;
    sb->s_r_blocks_count = sb->s_free_blocks_count = sb->s_free_inodes_count = 0;
}
static void gdt_csum(struct ext2_super *sb) { sb->s_feature_ro_compat |= EXT4_FEATURE_RO_COMPAT_GDT_CSUM; }
static void unknown_ro(struct ext2_super *sb) { sb->s_feature_ro_compat |= 0x40000000u; }
static void compat_only(struct ext2_super *sb)
{
    sb->s_feature_compat |= EXT3_FEATURE_COMPAT_HAS_JOURNAL | EXT2_FEATURE_COMPAT_DIR_INDEX |
                            0x40000000u;
}
static void error_state(struct ext2_super *sb) { sb->s_state = EXT2_ERROR_FS; }

static const struct {
    const char *name;
    corrupt_fn corrupt;
    int err;
    const char *why;            /* what the message must contain */
} super_cases[] = {
    { "bad magic", bad_magic, -EINVAL, "s_magic 0x1234, not 0xef53" },
    { "blocks per group 0", zero_bpg, -EUCLEAN, "superblock: s_blocks_per_group 0 " },
    { "blocks per group over a bitmap", huge_bpg, -EUCLEAN, "s_blocks_per_group 8200" },
    { "extents", extents, -EINVAL, "unsupported incompat feature 0x40 (extents)" },
    { "unknown incompat", unknown_incompat, -EINVAL, "incompat feature 0x80000000 (unknown)" },
    { "several incompat", several_incompat, -EINVAL,
      "unsupported incompat features 0xa80 (64bit, flex_bg, unknown)" },
    { "needs recovery", recover, -EINVAL, "(needs_recovery)" },
    { "inode size 100", inode_size_100, -EUCLEAN, "s_inode_size 100" },
    { "inode size over block", inode_size_2048, -EUCLEAN, "s_inode_size 2048" },
    { "revision 2", rev2, -EINVAL, "unsupported revision 2" },
    { "revision 0 with features", rev0_features, -EUCLEAN, "revision 0 with feature flags" },
    { "8 KiB blocks", log_block_3, -EINVAL, "unsupported block size 8192" },
    { "garbage block size", log_block_huge, -EUCLEAN, "s_log_block_size 2147483648" },
    { "fragments", frag_size, -EINVAL, "s_log_frag_size 1" },
    { "first data block", first_data_0, -EUCLEAN, "s_first_data_block 0 (1 for 1024-byte" },
    { "inodes count", too_many_inodes, -EUCLEAN, "superblock: s_inodes_count " },
    { "inodes per group 0", zero_ipg, -EUCLEAN, "s_inodes_per_group 0" },
    { "first inode 5", first_ino_5, -EUCLEAN, "s_first_ino 5" },
    { "larger than the device", larger_than_device, -EUCLEAN, "larger than the device" },
    { "no blocks", zero_blocks, -EUCLEAN, "s_blocks_count 1" },
    { "free blocks", free_too_many, -EUCLEAN, "s_free_blocks_count 20481" },
    { "reserved gdt blocks", reserved_gdt, -EUCLEAN, "s_reserved_gdt_blocks 257" },
    { "inode table fills the group", itable_fills_group, -EUCLEAN, "group 0 needs 1028 blocks" },
    { "uninit_bg: read-only", gdt_csum, 0, "unsupported ro_compat feature 0x10 (uninit_bg): read-only" },
    { "unknown ro_compat: read-only", unknown_ro, 0, "ro_compat feature 0x40000000 (unknown)" },
    { "compat features: fine", compat_only, 0, "" },
    { "error state: fine", error_state, 0, "" },
};

static void check_super_corruptions(const struct image *plain)
{
    for (size_t i = 0; i < ARRAY_SIZE(super_cases); i++) {
        struct ext2_super sb;
        struct ext2_geometry g;
        char why[WHY_LEN];
        memcpy(&sb, super_of(plain), sizeof(sb));
        super_cases[i].corrupt(&sb);
        int err = ext2_check_super(&sb, plain->size, &g, why, sizeof(why));
        if (err != super_cases[i].err || !strstr(why, super_cases[i].why) ||
            (!super_cases[i].why[0] && why[0]))
            if (check_report(__FILE__, __LINE__))
                fprintf(stderr, "%s: got %d \"%s\", want %d \"%s\"\n", super_cases[i].name,
                        err, why, super_cases[i].err, super_cases[i].why);
        if (err == 0)
            CHECK_INT(g.read_only, strstr(why, "read-only") != NULL);
    }
    /* The flags the cases above set on success. */
    struct ext2_super sb;
    struct ext2_geometry g;
    char why[WHY_LEN];
    memcpy(&sb, super_of(plain), sizeof(sb));
    error_state(&sb);
    CHECK_INT(ext2_check_super(&sb, plain->size, &g, why, sizeof(why)), 0);
    CHECK(g.unclean);
    gdt_csum(&sb);
    CHECK_INT(ext2_check_super(&sb, plain->size, &g, why, sizeof(why)), 0);
    CHECK_INT(g.ro_compat_unsupported, EXT4_FEATURE_RO_COMPAT_GDT_CSUM);

    /* A message cut to fit stays terminated; no buffer at all is allowed. */
    bad_magic(&sb);
    char small[12];
    memset(small, 'x', sizeof(small));
    CHECK_INT(ext2_check_super(&sb, plain->size, &g, small, sizeof(small)), -EINVAL);
    CHECK_STR(small, "no ext2 sup");
    CHECK_INT(ext2_check_super(&sb, plain->size, &g, NULL, 0), -EINVAL);
}

static void check_group_corruptions(const struct image *plain)
{
    const struct ext2_geometry *g = &plain->g;
    struct ext2_group_desc gd;
    char why[WHY_LEN];
    uint32_t last = g->groups - 1, end = g->blocks_count;

    gd = plain->gd[last];
    gd.bg_inode_table = end - 2;                    /* its tail past the end */
    CHECK_INT(ext2_check_group_desc(g, last, &gd, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "inode table at block 20478") != NULL);

    gd = plain->gd[last];
    gd.bg_inode_table = 0xfffffff0u;                /* far past it, no wrap */
    CHECK_INT(ext2_check_group_desc(g, last, &gd, why, sizeof(why)), -EUCLEAN);

    gd = plain->gd[1];
    gd.bg_block_bitmap = plain->gd[0].bg_block_bitmap;     /* in another group */
    CHECK_INT(ext2_check_group_desc(g, 1, &gd, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "group 1: block bitmap") != NULL);

    gd = plain->gd[1];
    gd.bg_inode_bitmap = ext2_group_first_block(g, 1);     /* on the superblock copy */
    CHECK_INT(ext2_check_group_desc(g, 1, &gd, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "inode bitmap") != NULL);

    gd = plain->gd[0];
    gd.bg_block_bitmap = gd.bg_inode_table + 3;            /* inside the table */
    CHECK_INT(ext2_check_group_desc(g, 0, &gd, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "overlaps the block bitmap") != NULL);

    gd = plain->gd[0];
    gd.bg_inode_bitmap = gd.bg_block_bitmap;
    CHECK_INT(ext2_check_group_desc(g, 0, &gd, why, sizeof(why)), -EUCLEAN);

    gd = plain->gd[last];
    gd.bg_free_blocks_count = (uint16_t)(ext2_group_blocks(g, last) + 1);
    CHECK_INT(ext2_check_group_desc(g, last, &gd, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "bg_free_blocks_count") != NULL);

    gd = plain->gd[0];
    gd.bg_used_dirs_count = (uint16_t)(g->inodes_per_group - gd.bg_free_inodes_count + 1);
    CHECK_INT(ext2_check_group_desc(g, 0, &gd, why, sizeof(why)), -EUCLEAN);

    CHECK_INT(ext2_check_group_desc(g, g->groups, &plain->gd[0], why, sizeof(why)), -EINVAL);

    /* Blocks an indirect block might point at. */
    CHECK_INT(ext2_check_data_block(g, &plain->gd[0], 0, why, sizeof(why)), -EUCLEAN);
    CHECK_INT(ext2_check_data_block(g, &plain->gd[0], end, why, sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "outside the filesystem") != NULL);
    CHECK_INT(ext2_check_data_block(g, &plain->gd[0], 0xffffffffu, why, sizeof(why)), -EUCLEAN);
    CHECK_INT(ext2_check_data_block(g, &plain->gd[0], 1, why, sizeof(why)), -EUCLEAN);
    CHECK_STR(why, "block 1 is metadata: group 0's superblock copy");
    CHECK_INT(ext2_check_data_block(g, &plain->gd[0], plain->gd[0].bg_inode_table + 1, why,
                                    sizeof(why)), -EUCLEAN);
    CHECK(strstr(why, "inode table") != NULL);
}

/* --- Directory blocks --- */

/* Writes an entry at offset; returns the offset after it. */
static uint32_t put_entry(uint8_t *block, uint32_t offset, uint32_t ino, uint16_t rec_len,
                          const char *name, uint8_t type)
{
    uint8_t *e = block + offset;
    uint8_t len = (uint8_t)strlen(name);
    memcpy(e, &ino, 4);
    memcpy(e + 4, &rec_len, 2);
    e[6] = len;
    e[7] = type;
    memcpy(e + 8, name, len);
    return offset + rec_len;
}

/* Walks block to the end: the count of used entries, or the error. */
static int walk(const uint8_t *block, uint32_t size, const struct ext2_geometry *g,
                char *why, size_t n)
{
    uint32_t offset = 0;
    struct ext2_dirent_view d;
    int r, used = 0;
    while ((r = ext2_dir_next(block, size, &offset, &d, g, why, n)) == 1)
        used++;
    return r < 0 ? r : used;
}

static void check_dir_blocks(const struct image *im)
{
    const struct ext2_geometry *g = &im->g;      /* filetype on */
    uint32_t bs = 1024, ino = g->first_ino;
    /* Each block is a heap copy of exactly its size, for ASan. */
    uint8_t *b = calloc(1, bs);
    char why[WHY_LEN];
    struct ext2_dirent_view d;
    char past[64], reserved[64];
    snprintf(past, sizeof(past), "inode %u (2 or %u..%u)", g->inodes_count + 1, g->first_ino,
             g->inodes_count);
    snprintf(reserved, sizeof(reserved), "inode 5 (2 or %u..%u)", g->first_ino, g->inodes_count);

    /* A good block: ".", "..", an unused entry, a file reaching the end. */
    uint32_t o = put_entry(b, 0, EXT2_ROOT_INO, 12, ".", EXT2_FT_DIR);
    o = put_entry(b, o, EXT2_ROOT_INO, 12, "..", EXT2_FT_DIR);
    o = put_entry(b, o, 0, 20, "gone", 0);
    put_entry(b, o, ino, (uint16_t)(bs - o), "file", EXT2_FT_REG_FILE);
    CHECK_INT(walk(b, bs, g, why, sizeof(why)), 3);
    CHECK_STR(why, "");
    uint32_t off = 24;
    CHECK_INT(ext2_dir_next(b, bs, &off, &d, g, why, sizeof(why)), 1);
    CHECK_INT(d.offset, 44);
    CHECK_INT(d.inode, ino);
    CHECK_INT(d.file_type, EXT2_FT_REG_FILE);
    CHECK(d.name_len == 4 && memcmp(d.name, "file", 4) == 0);
    CHECK_INT(ext2_dirent_slack(&d), bs - 44 - 12);
    CHECK_INT(off, bs);
    CHECK_INT(ext2_dir_next(b, bs, &off, &d, g, why, sizeof(why)), 0);
    CHECK_INT(ext2_dir_entry_at(b, bs, 24, &d, g, why, sizeof(why)), 0);
    CHECK_INT(d.inode, 0);
    CHECK_INT(ext2_dirent_slack(&d), 20);

    /* Without filetype, the type byte is not read. */
    struct ext2_geometry nofiletype = *g;
    nofiletype.filetype = false;
    CHECK_INT(ext2_dir_entry_at(b, bs, 44, &d, &nofiletype, why, sizeof(why)), 0);
    CHECK_INT(d.file_type, EXT2_FT_UNKNOWN);

    struct {
        const char *name;
        uint32_t ino;
        uint32_t rec_len;
        const char *entry;
        uint8_t type;
        const char *why;
    } bad[] = {
        { "rec_len crosses the block end", ino, 1024, "file", 1, "rec_len 1024 crosses the end" },
        { "rec_len below what the name needs", ino, 8, "file", 1, "rec_len 8 (a multiple of 4, at least 12" },
        { "rec_len zero", ino, 0, "file", 1, "rec_len 0" },
        { "rec_len not a multiple of 4", ino, 14, "file", 1, "rec_len 14" },
        { "inode past the count", g->inodes_count + 1, 12, "file", 1, past },
        { "reserved inode", 5, 12, "file", 1, reserved },
        { "empty name", ino, 12, "", 1, "with an empty name" },
        { "slash in the name", ino, 12, "a/b", 1, "name has a '/' at byte 1" },
        { "file type 9", ino, 12, "file", 9, "file_type 9" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        /* The bad entry follows ".", after a gap the walk must cross. */
        memset(b, 0, bs);
        o = put_entry(b, 0, EXT2_ROOT_INO, 12, ".", EXT2_FT_DIR);
        o = put_entry(b, o, 0, 12, "", 0);
        o = put_entry(b, o, bad[i].ino, (uint16_t)bad[i].rec_len, bad[i].entry, bad[i].type);
        if (o < bs && bad[i].rec_len)
            put_entry(b, o, 0, (uint16_t)(bs - o), "", 0);
        int r = walk(b, bs, g, why, sizeof(why));
        if (r != -EUCLEAN || !strstr(why, bad[i].why) || !strstr(why, "entry at offset 24"))
            if (check_report(__FILE__, __LINE__))
                fprintf(stderr, "%s: got %d \"%s\", want -EUCLEAN \"%s\"\n", bad[i].name, r,
                        why, bad[i].why);
    }

    /* An offset from a caller that does not land on an entry boundary. */
    CHECK_INT(ext2_dir_entry_at(b, bs, 2, &d, g, why, sizeof(why)), -EUCLEAN);
    CHECK_INT(ext2_dir_entry_at(b, bs, bs - 4, &d, g, why, sizeof(why)), -EUCLEAN);
    CHECK_INT(ext2_dir_entry_at(b, bs, bs + 4, &d, g, why, sizeof(why)), -EUCLEAN);

    /* The needed length: header and name, rounded to 4. */
    CHECK_INT(ext2_dir_rec_len(1), 12);
    CHECK_INT(ext2_dir_rec_len(4), 12);
    CHECK_INT(ext2_dir_rec_len(5), 16);
    CHECK_INT(ext2_dir_rec_len(255), 264);
    free(b);
}

int main(void)
{
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/swiod-ext2-XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 2;
    }
    char tree[96], cmd[512];
    snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
    mkdir(tree, 0755);
    make_tree(tree);

    for (size_t i = 0; i < ARRAY_SIZE(images); i++) {
        struct image *im = &images[i];
        char why[WHY_LEN];
        snprintf(im->path, sizeof(im->path), "%s/%s.img", tmpdir, im->name);
        snprintf(cmd, sizeof(cmd), "/sbin/mke2fs -q -F %s -d %s %s %uk >/dev/null",
                 im->mke2fs, tree, im->path, im->kib);
        run(cmd);
        load(im);
        int err = ext2_check_super(super_of(im), im->size, &im->g, why, sizeof(why));
        if (err)
            fprintf(stderr, "%s: %s\n", im->name, why);
        CHECK_INT(err, 0);
        CHECK_STR(why, "");
        if (err)
            continue;
        char *text = dumpe2fs(im);
        check_super_against_dumpe2fs(im, text);
        check_groups(im, text);
        check_tree(im);
        free(text);
        printf("%s: %u groups of %u blocks of %u bytes, checked\n", im->name, im->g.groups,
               im->g.blocks_per_group, im->g.block_size);
    }
    if (images[0].gd) {
        check_super_corruptions(&images[0]);
        check_group_corruptions(&images[0]);
        check_dir_blocks(&images[3]);
    }

    for (size_t i = 0; i < ARRAY_SIZE(images); i++) {
        free(images[i].data);
        free(images[i].gd);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    run(cmd);
    return check_exit("test_ext2_check");
}
