/*
 * ialloc.c - allocating and freeing ext2 inodes through the inode bitmaps.
 *
 * Bit i of group n's inode bitmap is inode n * inodes_per_group + i + 1.
 * Like the block allocator (see balloc.c for why this matters) it reads
 * the bitmaps with bread() while holding lock_super -- the 1999 path, on
 * purpose -- and moves the free counts of the group descriptor (written
 * back at once) and of the superblock (at sync), and bg_used_dirs_count
 * for directories.  A new inode goes into its parent's group if it can.
 */
#include "buffer.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "vsprintf.h"

int ext2_new_inode(struct inode *dir, bool is_dir, uint32_t *ino)
{
    struct super_block *sb = dir->sb;
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    const struct ext2_geometry *g = &sbi->g;
    uint32_t first_group = ext2_inode_group(g, dir->ino);
    int err = -ENOSPC;
    mutex_lock(&sbi->lock_super);
    for (uint32_t n = 0; n < g->groups; n++) {
        uint32_t group = (first_group + n) % g->groups;
        struct ext2_group_desc *gd = &sbi->groups[group];
        if (gd->bg_free_inodes_count == 0)
            continue;
        struct buffer_head *bh = bread(sb->bdev, gd->bg_inode_bitmap, g->block_size);  /* 1999 */
        if (!bh) {
            err = -EIO;
            break;
        }
        /* The reserved inodes (below first_ino) are never handed out, even
         * if a bitmap forgot to mark them. */
        uint32_t start = group == 0 ? g->first_ino - 1 : 0;
        int bit = ext2_find_zero_bit(bh->data, g->inodes_per_group, start);
        if (bit >= 0 && group == 0 && (uint32_t)bit < start)
            bit = -1;
        if (bit < 0) {
            brelse(bh);
            char why[EXT2_WHY_LEN];
            ksnprintf(why, sizeof(why), "group %u: free inodes count %u, but its bitmap is full",
                      group, gd->bg_free_inodes_count);
            err = ext2_error(sb, -EUCLEAN, why);
            break;
        }
        bh->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
        mark_buffer_dirty(bh);
        brelse(bh);
        gd->bg_free_inodes_count--;
        if (is_dir)
            gd->bg_used_dirs_count++;
        ext2_write_group_desc(sb, group);
        sbi->super.s_free_inodes_count--;
        *ino = group * g->inodes_per_group + (uint32_t)bit + 1;
        err = 0;
        break;
    }
    mutex_unlock(&sbi->lock_super);
    return err;
}

int ext2_free_inode(struct super_block *sb, uint32_t ino, bool is_dir)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    const struct ext2_geometry *g = &sbi->g;
    char why[EXT2_WHY_LEN];
    if (ext2_check_ino(g, ino, why, sizeof(why)) < 0 || ino < g->first_ino)
        return ext2_error(sb, -EUCLEAN, "freeing a reserved or impossible inode");
    uint32_t group = ext2_inode_group(g, ino), bit = (ino - 1) % g->inodes_per_group;
    struct ext2_group_desc *gd = &sbi->groups[group];
    int err = 0;
    mutex_lock(&sbi->lock_super);
    struct buffer_head *bh = bread(sb->bdev, gd->bg_inode_bitmap, g->block_size);  /* 1999 */
    if (!bh) {
        err = -EIO;
    } else if (!(bh->data[bit / 8] & (1u << (bit % 8)))) {
        ksnprintf(why, sizeof(why), "freeing inode %u, which is free already", ino);
        err = ext2_error(sb, -EUCLEAN, why);
    } else {
        bh->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
        mark_buffer_dirty(bh);
        gd->bg_free_inodes_count++;
        if (is_dir)
            gd->bg_used_dirs_count--;
        ext2_write_group_desc(sb, group);
        sbi->super.s_free_inodes_count++;
    }
    brelse(bh);
    mutex_unlock(&sbi->lock_super);
    return err;
}
