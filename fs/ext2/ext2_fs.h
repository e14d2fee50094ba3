/*
 * ext2_fs.h - what the kernel-side ext2 files share: the in-memory super
 * block and inode information, and the block map.  Private to fs/ext2/.
 *
 * Locking: lock_super (a mutex) serialises block and inode allocation and
 * the group descriptors -- and is held while the bitmaps are read with
 * bread(), the path of the 1999 report, kept on purpose.  An inode's block
 * map is read under its mapping's lock.
 */
#pragma once
#include <stdint.h>
#include "ext2_check.h"
#include "mutex.h"
#include "vfs.h"

#define EXT2_WHY_LEN 160

struct ext2_sb_info {
    struct ext2_geometry g;
    struct ext2_super super;        /* the primary superblock, as read */
    struct ext2_group_desc *groups; /* g.groups descriptors, each checked */
    struct mutex lock_super;
};

struct ext2_inode_info {
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_flags;
    uint32_t i_blocks;
};

static inline struct ext2_sb_info *EXT2_SB(const struct super_block *sb) { return sb->fs_info; }
static inline struct ext2_inode_info *EXT2_I(const struct inode *i) { return i->fs_private; }

/* inode.c */
int ext2_read_inode(struct inode *inode);
void ext2_drop_inode(struct inode *inode);
/* The disk block holding file block file_block of inode, or 0 for a hole;
 * a negative errno for a corrupt map (logged, naming the inode). */
int ext2_bmap(struct inode *inode, uint32_t file_block, uint32_t *disk_block);
extern const struct address_space_ops ext2_aops;

/* dir.c */
int ext2_readdir(struct inode *dir, filldir_t fn, void *arg);
int ext2_lookup(struct inode *dir, const char *name, uint32_t len, uint32_t *ino);

/* Log "ext2: DEV: why" and return err. */
int ext2_error(const struct super_block *sb, int err, const char *why);
