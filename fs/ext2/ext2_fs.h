/*
 * ext2_fs.h - what the kernel-side ext2 files share: the in-memory super
 * block and inode information, and the block map.  Private to fs/ext2/.
 *
 * Locking: lock_super (a mutex) serialises block and inode allocation, the
 * group descriptors and the superblock's counts -- and is held while the
 * bitmaps are read with bread(), the path of the 1999 report, kept on
 * purpose.  An inode's block map, size and i_blocks change under its
 * mapping's lock (taken before lock_super); directories change under the
 * VFS's namespace_lock (taken before both).
 *
 * Files: super.c (mount, superblock and descriptors written back),
 * balloc.c and ialloc.c (bitmaps), blockmap.c (the block map: lookup,
 * allocation, truncation), inode.c (inodes, reading and writing pages),
 * dir.c (directory entries), namei.c (create, unlink, rename).
 */
#pragma once
#include <stdbool.h>
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
    uint16_t mount_state;           /* s_state at mount, restored at unmount */
};

struct ext2_inode_info {
    uint32_t i_block[EXT2_N_BLOCKS];
    uint32_t i_flags;
    uint32_t i_blocks;              /* 512-byte units, indirect blocks included */
    uint32_t i_dtime;               /* set when the inode is freed */
    uint32_t alloc_goal;            /* where the next block should go; 0: the inode's group */
};

static inline struct ext2_sb_info *EXT2_SB(const struct super_block *sb) { return sb->fs_info; }
static inline struct ext2_inode_info *EXT2_I(const struct inode *i) { return i->fs_private; }

/* A symlink whose target (up to sizeof(i_block) bytes) is kept in i_block
 * instead of a data block: it owns no blocks, and i_block is no block map. */
static inline bool ext2_fast_symlink(const struct inode *inode)
{
    return (inode->mode & S_IFMT) == S_IFLNK && EXT2_I(inode)->i_blocks == 0;
}

/* super.c; the caller of ext2_write_group_desc holds lock_super. */
void ext2_write_group_desc(struct super_block *sb, uint32_t group);
int ext2_write_super(struct super_block *sb);

/* balloc.c, ialloc.c: each takes lock_super.  Blocks: near goal (0: in
 * inode's group).  Inodes: near dir.  -ENOSPC when there is none. */
int ext2_new_block(struct inode *inode, uint32_t goal, uint32_t *block);
int ext2_free_block(struct super_block *sb, uint32_t block);
int ext2_new_inode(struct inode *dir, bool is_dir, uint32_t *ino);
int ext2_free_inode(struct super_block *sb, uint32_t ino, bool is_dir);
/* The first clear bit of nbits at or after start, wrapping round; -1 if none. */
int ext2_find_zero_bit(const uint8_t *map, uint32_t nbits, uint32_t start);

/* blockmap.c; the caller holds the inode's mapping->lock (or, for a
 * directory, the namespace lock). */
/* The disk block holding file block file_block of inode, or 0 for a hole;
 * a negative errno for a corrupt map (logged, naming the inode). */
int ext2_bmap(struct inode *inode, uint32_t file_block, uint32_t *disk_block);
/* The same for a run: *run (1..max) blocks from file_block on lie at
 * *disk_block on, one after the other (a hole: *disk_block 0, *run 1).
 * One walk of the map instead of one per block, for pageio's batches. */
int ext2_bmap_run(struct inode *inode, uint32_t file_block, uint32_t max, uint32_t *disk_block,
                  uint32_t *run);
/* The same, giving a hole a new block (and any indirect blocks on the way,
 * zeroed), counted in i_blocks, with the inode written. */
int ext2_get_block(struct inode *inode, uint32_t file_block, uint32_t *disk_block);

/* pageio.c: many pages (consecutive or not, sorted by index) in one go. */
int ext2_readpages(struct address_space *mapping, struct page **pages, int n);
int ext2_writepages(struct address_space *mapping, struct page **pages, int n);
/* The address_space_ops readahead: start reading, return at once. */
int ext2_readahead(struct address_space *mapping, struct page **pages, int n);
/* Free every block past inode->size, indirect ones included, and write
 * the inode; a damaged map is found before anything is freed, and then
 * nothing is (-EUCLEAN, logged). */
int ext2_truncate(struct inode *inode);
/* Check every block of the map, as freeing it all would: 0 or -EUCLEAN
 * (logged, naming the inode and block), before a last unlink. */
int ext2_check_map(struct inode *inode);

/* inode.c */
int ext2_read_inode(struct inode *inode);
int ext2_write_inode(struct inode *inode);
/* Give a just-allocated inode number a fresh disk inode, so iget takes it;
 * -EUCLEAN (logged) when the disk inode still has links: in use, though
 * its bitmap said free. */
int ext2_init_inode(struct super_block *sb, uint32_t ino, uint32_t mode, uint32_t links);
void ext2_drop_inode(struct inode *inode);
extern const struct address_space_ops ext2_aops;

/* dir.c; the caller holds the namespace lock. */
int ext2_readdir(struct inode *dir, filldir_t fn, void *arg);
int ext2_lookup(struct inode *dir, const char *name, uint32_t len, uint32_t *ino);
int ext2_add_entry(struct inode *dir, const char *name, uint32_t len, struct inode *inode);
/* Point name at inode instead (rename over a file, a moved directory's ".."). */
int ext2_set_entry(struct inode *dir, const char *name, uint32_t len, struct inode *inode);
int ext2_delete_entry(struct inode *dir, const char *name, uint32_t len);
/* 1 when dir holds nothing but "." and "..", 0 if more, or an errno. */
int ext2_dir_is_empty(struct inode *dir);
/* A new directory's first block: "." and "..". */
int ext2_make_empty_dir(struct inode *dir, struct inode *parent);

/* namei.c */
int ext2_create(struct inode *dir, const char *name, uint32_t len, uint32_t mode);
int ext2_unlink(struct inode *dir, const char *name, uint32_t len, struct inode *victim);
int ext2_rename(struct inode *old_dir, const char *old_name, uint32_t old_len,
                struct inode *new_dir, const char *new_name, uint32_t new_len,
                struct inode *moved, struct inode *target);

/* Log "ext2: DEV: why" and return err. */
int ext2_error(const struct super_block *sb, int err, const char *why);
