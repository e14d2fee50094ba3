/*
 * ext2_check.h - checking ext2 metadata before trusting it, and the pure
 * arithmetic of the format (where groups, descriptors and inodes are, how
 * a file block maps to i_block and indirect blocks).
 *
 * Everything read from a disk is hostile until one of these functions has
 * accepted it: the mount code checks the superblock and every group
 * descriptor, the block map code every block number it is about to follow,
 * the directory code every entry.  A rejected structure fails that one
 * operation with a message; it never panics the kernel and never lets a
 * later step read or write outside the filesystem or over its metadata.
 * Pure code: no kernel headers, so it is unit-tested and fuzzed on the host
 * (tests/host/test_ext2_check.c, fuzz_ext2_check.c).
 *
 * The checkers return 0, or a negative errno: -EUCLEAN when the metadata is
 * corrupt, -EINVAL when it is valid ext2 that swiod does not support.  On
 * failure they write the reason into why[n] (always terminated, cut to fit),
 * naming the field, block or entry and its value, without a prefix, so
 * that the caller prints it after what it knows:
 *     printk("ext2: %s: %s\n", dev->name, why)
 *     -> "ext2: hda: unsupported incompat feature 0x40 (extents)"
 * On success why holds "" (or, from ext2_check_super, the reason for a
 * read-only mount).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "ext2_disk.h"

/* What the kernel supports.  Anything else incompatible refuses the mount;
 * anything else read-only-compatible forces a read-only mount. */
#define EXT2_SUPPORTED_INCOMPAT     EXT2_FEATURE_INCOMPAT_FILETYPE
#define EXT2_SUPPORTED_RO_COMPAT    (EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER | \
                                     EXT2_FEATURE_RO_COMPAT_LARGE_FILE)

/* The shape of a filesystem, derived from a superblock that
 * ext2_check_super accepted.  Constant for the life of a mount. */
struct ext2_geometry {
    uint32_t rev_level;             /* EXT2_GOOD_OLD_REV or EXT2_DYNAMIC_REV */
    uint32_t block_size;            /* 1024, 2048 or 4096 */
    uint32_t block_bits;            /* log2(block_size) */
    uint32_t blocks_count;          /* blocks in the filesystem */
    uint32_t first_data_block;      /* 1 for 1 KiB blocks, else 0 */
    uint32_t blocks_per_group;
    uint32_t groups;                /* block groups; the last may be short */
    uint32_t inodes_count;          /* valid inode numbers are 1..inodes_count */
    uint32_t inodes_per_group;
    uint32_t inode_size;            /* bytes per inode table slot */
    uint32_t first_ino;             /* first inode for files; below it, reserved */
    uint32_t inodes_per_block;
    uint32_t inode_table_blocks;    /* per group */
    uint32_t desc_per_block;        /* group descriptors per block */
    uint32_t desc_blocks;           /* blocks of the descriptor table */
    uint32_t reserved_gdt_blocks;   /* after each descriptor table copy */
    uint32_t addr_per_block;        /* block numbers per indirect block */
    bool sparse_super;              /* superblock copies only in some groups */
    bool filetype;                  /* directory entries carry file_type */
    bool large_file;                /* i_size_high extends regular files */
    bool read_only;                 /* unknown ro_compat features: never write */
    uint32_t ro_compat_unsupported; /* ... which ones */
    bool unclean;                   /* not unmounted cleanly, or errors recorded: e2fsck advised */
};

/*
 * Check the superblock (the 1024 bytes at EXT2_SUPER_OFFSET) of a device of
 * device_bytes bytes, and fill *g.  Refuses: a bad magic, a revision other
 * than 0 and 1, block sizes other than 1, 2, 4 KiB, fragments, counts that
 * contradict each other or the device size, incompat features other than
 * filetype.  Accepts unknown ro_compat features with g->read_only set and
 * the reason in why.
 */
int ext2_check_super(const struct ext2_super *sb, uint64_t device_bytes,
                     struct ext2_geometry *g, char *why, size_t n);

/*
 * Check descriptor number group (< g->groups): its bitmaps and inode table
 * lie inside its own group, after the superblock and descriptor copies,
 * without overlapping each other, and its counts fit the group.
 */
int ext2_check_group_desc(const struct ext2_geometry *g, uint32_t group,
                          const struct ext2_group_desc *gd, char *why, size_t n);

/*
 * Check that block may hold file data or an indirect block: inside the
 * filesystem and not any group's metadata (superblock and descriptor
 * copies, reserved descriptor blocks, bitmaps, inode table).  gd is the
 * checked descriptor of the block's group, ext2_block_group(g, block)
 * (any descriptor will do when the block is out of range).  Block 0 is a
 * hole in a block map and is the caller's to handle; here it is refused.
 */
int ext2_check_data_block(const struct ext2_geometry *g, const struct ext2_group_desc *gd,
                          uint32_t block, char *why, size_t n);

/* Check an inode number read from disk (a directory entry): 1..inodes_count. */
int ext2_check_ino(const struct ext2_geometry *g, uint32_t ino, char *why, size_t n);

/* --- Where things are (arguments must be in range; nothing is checked) --- */

/* Whether group holds a superblock and descriptor table copy: every group,
 * or with sparse_super only 0, 1 and the powers of 3, 5 and 7. */
bool ext2_group_has_super(const struct ext2_geometry *g, uint32_t group);

/* The group's first block, its size in blocks (the last group may be
 * short), and how many blocks at its start the superblock, descriptor and
 * reserved descriptor copies take (0 when it has no copy). */
uint32_t ext2_group_first_block(const struct ext2_geometry *g, uint32_t group);
uint32_t ext2_group_blocks(const struct ext2_geometry *g, uint32_t group);
uint32_t ext2_group_super_blocks(const struct ext2_geometry *g, uint32_t group);

/* The group a block (first_data_block..blocks_count-1) belongs to. */
uint32_t ext2_block_group(const struct ext2_geometry *g, uint32_t block);

/* Where the primary copy of group's descriptor lies: block and byte offset. */
void ext2_group_desc_location(const struct ext2_geometry *g, uint32_t group,
                              uint32_t *block, uint32_t *offset);

/* The group of inode ino (checked, 1..inodes_count), and where it lies,
 * given that group's checked descriptor: block and byte offset. */
uint32_t ext2_inode_group(const struct ext2_geometry *g, uint32_t ino);
void ext2_inode_location(const struct ext2_geometry *g, const struct ext2_group_desc *gd,
                         uint32_t ino, uint32_t *block, uint32_t *offset);

/* --- Block maps --- */

/*
 * The path from an inode's i_block to file block number file_block:
 * depth 1 is i_block[index[0]] directly (index[0] < 12); depth 2 goes
 * through the indirect block i_block[12]; depth 3 through i_block[13] and
 * one more; depth 4 through i_block[14] and two more.  index[1..depth-1]
 * are the slots in each indirect block on the way, outermost first.
 */
struct ext2_block_path {
    uint32_t depth;                 /* 1..4 */
    uint32_t index[4];
};

/* Fill *path for file_block with blocks of block_size bytes; returns the
 * depth, or -ERANGE past what the triple indirect block can reach, or
 * -EINVAL for a block size that is not a power of two of at least 1024. */
int ext2_block_to_path(uint32_t block_size, uint32_t file_block, struct ext2_block_path *path);

/* How many blocks a block map can address: 12 + a + a^2 + a^3, a = block_size / 4. */
uint64_t ext2_max_file_blocks(uint32_t block_size);

/* --- Directory blocks --- */

/* One directory entry, as ext2_dir_entry_at decoded and checked it. */
struct ext2_dirent_view {
    uint32_t offset;                /* of the entry in its block */
    uint32_t inode;                 /* 0: unused space */
    uint32_t rec_len;               /* bytes to the next entry */
    uint32_t name_len;
    uint8_t file_type;              /* EXT2_FT_*; EXT2_FT_UNKNOWN without filetype */
    const char *name;               /* into the block, name_len bytes, not terminated */
};

/* The bytes an entry with a name of name_len bytes needs: the 8-byte
 * header and the name, rounded up to 4. */
static inline uint32_t ext2_dir_rec_len(uint32_t name_len)
{
    return (EXT2_DIR_ENTRY_HEADER + name_len + EXT2_DIR_ROUND - 1) & ~(uint32_t)(EXT2_DIR_ROUND - 1);
}

/* Bytes at the end of an entry that a new entry could take when it is
 * split: all of it if unused, else what its own name does not need. */
static inline uint32_t ext2_dirent_slack(const struct ext2_dirent_view *d)
{
    return d->inode ? d->rec_len - ext2_dir_rec_len(d->name_len) : d->rec_len;
}

/*
 * Decode and check the entry at offset in a directory block of block_size
 * bytes, used or not: offset on a 4-byte boundary with room for a header;
 * rec_len a multiple of 4, at least what name_len needs, not past the
 * block end; and for a used entry an inode number in range and not
 * reserved (the root excepted), a name of 1..255 bytes without '/' or NUL,
 * and a known file_type.  Returns 0 or -EUCLEAN.
 */
int ext2_dir_entry_at(const uint8_t *block, uint32_t block_size, uint32_t offset,
                      struct ext2_dirent_view *out, const struct ext2_geometry *g,
                      char *why, size_t n);

/*
 * The next used entry at or after *offset (start with 0): returns 1 with
 * *out filled and *offset moved past it, 0 at the end of the block, or
 * -EUCLEAN for a corrupt entry (the rest of the block cannot be trusted).
 * Unused entries (inode 0) are skipped.
 */
int ext2_dir_next(const uint8_t *block, uint32_t block_size, uint32_t *offset,
                  struct ext2_dirent_view *out, const struct ext2_geometry *g,
                  char *why, size_t n);
