/*
 * balloc.c - allocating and freeing ext2 blocks through the block bitmaps.
 *
 * Bit i of a group's block bitmap is block ext2_group_first_block + i; a
 * set bit is a block in use.  Every change also moves the group's free
 * count (its descriptor, written back to the descriptor block at once)
 * and the superblock's (written back at sync and unmount).
 *
 * All of it runs under lock_super, and the bitmap is read with bread()
 * while the lock is held.  That is the path of the January 1999 deadlock
 * report, kept on purpose: if the device is an NBD whose server needs
 * memory to answer the read, and reclaim would write a dirty page of this
 * file system itself, reclaim would need lock_super -- held by us, waiting
 * for the server.  swiod's answer is that reclaim never writes (kswiod
 * does), not a different lock here.  For the same reason nothing here
 * allocates with GFP_KERNEL while holding the lock: bread's buffers come
 * GFP_NOIO, which may reclaim clean pages but starts no writes.
 */
#include "buffer.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "printk.h"
#include "vsprintf.h"

int ext2_find_zero_bit(const uint8_t *map, uint32_t nbits, uint32_t start)
{
    for (uint32_t n = 0, i = start < nbits ? start : 0; n < nbits; n++, i = i + 1 < nbits ? i + 1 : 0)
        if (!(map[i / 8] & (1u << (i % 8))))
            return (int)i;
    return -1;
}

int ext2_new_block(struct inode *inode, uint32_t goal, uint32_t *block)
{
    struct super_block *sb = inode->sb;
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    const struct ext2_geometry *g = &sbi->g;
    if (goal < g->first_data_block || goal >= g->blocks_count)
        goal = ext2_group_first_block(g, ext2_inode_group(g, inode->ino));
    uint32_t first_group = ext2_block_group(g, goal);
    int err = -ENOSPC;
    mutex_lock(&sbi->lock_super);
    for (uint32_t n = 0; n < g->groups; n++) {
        uint32_t group = (first_group + n) % g->groups;
        struct ext2_group_desc *gd = &sbi->groups[group];
        if (gd->bg_free_blocks_count == 0)
            continue;
        /* bread under lock_super: the 1999 path (see the top of the file). */
        struct buffer_head *bh = bread(sb->bdev, gd->bg_block_bitmap, g->block_size);
        if (!bh) {
            err = -EIO;
            break;
        }
        uint32_t base = ext2_group_first_block(g, group);
        int bit = ext2_find_zero_bit(bh->data, ext2_group_blocks(g, group),
                                     n == 0 ? goal - base : 0);
        if (bit < 0) {
            brelse(bh);
            char why[EXT2_WHY_LEN];
            ksnprintf(why, sizeof(why), "group %u: free blocks count %u, but its bitmap is full",
                      group, gd->bg_free_blocks_count);
            err = ext2_error(sb, -EUCLEAN, why);
            break;
        }
        char why[EXT2_WHY_LEN];
        if (ext2_check_data_block(g, gd, base + (uint32_t)bit, why, sizeof(why)) < 0) {
            brelse(bh);             /* a clear bit over metadata: the bitmap lies */
            err = ext2_error(sb, -EUCLEAN, why);
            break;
        }
        bh->data[bit / 8] |= (uint8_t)(1u << (bit % 8));
        mark_buffer_dirty(bh);
        brelse(bh);
        gd->bg_free_blocks_count--;
        ext2_write_group_desc(sb, group);
        sbi->super.s_free_blocks_count--;
        *block = base + (uint32_t)bit;
        err = 0;
        break;
    }
    mutex_unlock(&sbi->lock_super);
    return err;
}

int ext2_free_block(struct super_block *sb, uint32_t block)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    const struct ext2_geometry *g = &sbi->g;
    char why[EXT2_WHY_LEN];
    if (block < g->first_data_block || block >= g->blocks_count) {
        ksnprintf(why, sizeof(why), "freeing block %u, outside the file system", block);
        return ext2_error(sb, -EUCLEAN, why);
    }
    uint32_t group = ext2_block_group(g, block), bit = block - ext2_group_first_block(g, group);
    struct ext2_group_desc *gd = &sbi->groups[group];
    int err = 0;
    mutex_lock(&sbi->lock_super);
    struct buffer_head *bh = bread(sb->bdev, gd->bg_block_bitmap, g->block_size);  /* 1999 */
    if (!bh) {
        err = -EIO;
    } else if (!(bh->data[bit / 8] & (1u << (bit % 8)))) {
        ksnprintf(why, sizeof(why), "freeing block %u, which is free already", block);
        err = ext2_error(sb, -EUCLEAN, why);
    } else {
        /* A freed indirect or directory block may still be cached, even
         * dirty: forget it before the bit is clear, while lock_super keeps
         * the block from being handed out again -- else the cached copy
         * could overwrite its next owner's data. */
        bforget(sb->bdev, block, g->block_size);
        bh->data[bit / 8] &= (uint8_t)~(1u << (bit % 8));
        mark_buffer_dirty(bh);
        gd->bg_free_blocks_count++;
        ext2_write_group_desc(sb, group);
        sbi->super.s_free_blocks_count++;
    }
    brelse(bh);
    mutex_unlock(&sbi->lock_super);
    return err;
}
