/*
 * inode.c - ext2 inodes: reading and writing them, freeing them at their
 * last iput once unlinked, and moving file pages to and from disk through
 * their block maps (blockmap.c).
 *
 * Inode fields go to the inode table block in the buffer cache whenever
 * they change (ext2_write_inode); sync writes the block.  File data does
 * not go through the buffer cache: a page's blocks are read and written
 * straight between the page and the disk, so no block lives in memory
 * twice.  (A freed block's buffer is dropped -- bforget -- before the
 * block can hold data.)
 */
#include "blkdev.h"
#include "buffer.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"
#include "vsprintf.h"

/* Check ino and find its 128 bytes in the inode table; the caller releases *bh. */
static int locate_inode(struct super_block *sb, uint32_t ino, struct buffer_head **bh,
                        struct ext2_inode **raw)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    char why[EXT2_WHY_LEN];
    if (ext2_check_ino(&sbi->g, ino, why, sizeof(why)) < 0)
        return ext2_error(sb, -EUCLEAN, why);
    uint32_t group = ext2_inode_group(&sbi->g, ino), block, offset;
    ext2_inode_location(&sbi->g, &sbi->groups[group], ino, &block, &offset);
    *bh = bread(sb->bdev, block, sbi->g.block_size);
    if (!*bh) {
        ksnprintf(why, sizeof(why), "inode %u: cannot read inode table block %u", ino, block);
        return ext2_error(sb, -EIO, why);
    }
    *raw = (struct ext2_inode *)((*bh)->data + offset);
    return 0;
}

int ext2_read_inode(struct inode *inode)
{
    struct super_block *sb = inode->sb;
    struct buffer_head *bh = NULL;
    struct ext2_inode *raw = NULL;
    int err = locate_inode(sb, inode->ino, &bh, &raw);
    if (err)
        return err;
    char why[EXT2_WHY_LEN];
    uint32_t type = raw->i_mode & EXT2_S_IFMT;
    uint64_t size = raw->i_size;
    if (type == EXT2_S_IFREG && EXT2_SB(sb)->g.large_file)
        size |= (uint64_t)raw->i_size_high << 32;
    if (raw->i_links_count == 0) {
        ksnprintf(why, sizeof(why), "inode %u is free (no links) but in use", inode->ino);
        err = -EUCLEAN;
    } else if (type != EXT2_S_IFREG && type != EXT2_S_IFDIR && type != EXT2_S_IFLNK) {
        ksnprintf(why, sizeof(why), "inode %u has a type swiod does not handle (mode %06o)",
                  inode->ino, raw->i_mode);
        err = -EINVAL;
    } else if (size > sb->max_bytes) {
        ksnprintf(why, sizeof(why), "inode %u: size %llu is more than the block map holds",
                  inode->ino, (unsigned long long)size);
        err = -EUCLEAN;
    } else if (raw->i_flags & (EXT4_EXTENTS_FL | EXT4_INLINE_DATA_FL | EXT2_COMPR_FL)) {
        ksnprintf(why, sizeof(why), "inode %u uses flags swiod does not handle (0x%x)",
                  inode->ino, raw->i_flags);
        err = -EINVAL;
    }
    struct ext2_inode_info *ei = err ? NULL : kmalloc(sizeof(*ei), GFP_KERNEL);
    if (!err && !ei) {
        brelse(bh);
        return -ENOMEM;
    }
    if (!err) {
        inode->mode = raw->i_mode;
        inode->nlink = raw->i_links_count;
        inode->mtime = raw->i_mtime;
        inode->size = size;
        memcpy(ei->i_block, raw->i_block, sizeof(ei->i_block));
        ei->i_flags = raw->i_flags;
        ei->i_blocks = raw->i_blocks;
        ei->i_dtime = raw->i_dtime;
        ei->alloc_goal = 0;
        inode->fs_private = ei;
    }
    brelse(bh);
    return err ? ext2_error(sb, err, why) : 0;
}

int ext2_write_inode(struct inode *inode)
{
    struct super_block *sb = inode->sb;
    struct ext2_inode_info *ei = EXT2_I(inode);
    struct buffer_head *bh;
    struct ext2_inode *raw;
    int err = locate_inode(sb, inode->ino, &bh, &raw);
    if (err)
        return err;
    raw->i_mode = (uint16_t)inode->mode;
    raw->i_links_count = (uint16_t)inode->nlink;
    raw->i_size = (uint32_t)inode->size;
    if (s_isreg(inode->mode) && EXT2_SB(sb)->g.large_file)
        raw->i_size_high = (uint32_t)(inode->size >> 32);
    raw->i_mtime = raw->i_ctime = inode->mtime;
    raw->i_dtime = ei->i_dtime;
    raw->i_blocks = ei->i_blocks;
    raw->i_flags = ei->i_flags;
    memcpy(raw->i_block, ei->i_block, sizeof(raw->i_block));
    mark_buffer_dirty(bh);
    brelse(bh);
    return 0;
}

int ext2_init_inode(struct super_block *sb, uint32_t ino, uint32_t mode, uint32_t links)
{
    struct buffer_head *bh;
    struct ext2_inode *raw;
    int err = locate_inode(sb, ino, &bh, &raw);
    if (err)
        return err;
    if (raw->i_links_count) {
        /* A freed inode has no links (unlink wrote 0 before it was
         * freed): this one is a file a directory still names, and the
         * bitmap that called it free is damaged. */
        char why[EXT2_WHY_LEN];
        ksnprintf(why, sizeof(why), "inode %u is free in its bitmap but has %u links: the "
                  "bitmap is wrong, the inode is not reused", ino, raw->i_links_count);
        brelse(bh);
        return ext2_error(sb, -EUCLEAN, why);
    }
    /* The whole slot, as Linux does: with 256-byte inodes the extra part
     * (i_extra_isize 0) must not keep a previous owner's fields. */
    memset(raw, 0, EXT2_SB(sb)->g.inode_size);
    raw->i_mode = (uint16_t)mode;
    raw->i_links_count = (uint16_t)links;
    raw->i_atime = raw->i_ctime = raw->i_mtime = vfs_now(sb);
    mark_buffer_dirty(bh);
    brelse(bh);
    return 0;
}

/* The last iput of an inode no directory names: give back its blocks and
 * the inode itself.  e2fsck wants a nonzero i_dtime on a freed inode. */
static void delete_inode(struct inode *inode)
{
    mutex_lock(&inode->mapping.lock);
    inode->size = 0;
    int err = ext2_truncate(inode);
    mutex_unlock(&inode->mapping.lock);
    EXT2_I(inode)->i_dtime = vfs_now(inode->sb);
    if (!err)
        err = ext2_write_inode(inode);
    if (!err)
        err = ext2_free_inode(inode->sb, inode->ino, s_isdir(inode->mode));
    if (err)
        pr_err("ext2: %s: inode %u: freeing it failed (%d); e2fsck will find it\n",
               inode->sb->bdev->name, inode->ino, err);
}

void ext2_drop_inode(struct inode *inode)
{
    if (inode->nlink == 0 && !inode->sb->read_only)
        delete_inode(inode);
    kfree(inode->fs_private);
}

/* One page is a batch of one (pageio.c): holes read as zeros, and a hole
 * gets a block on writeback only if the page holds something other than
 * zeros there.  Writing may allocate, taking lock_super inside the
 * mapping's lock the caller holds.  kswiod will call writepage. */
static int ext2_readpage(struct address_space *mapping, struct page *page)
{
    return ext2_readpages(mapping, &page, 1);
}

static int ext2_writepage(struct address_space *mapping, struct page *page)
{
    return ext2_writepages(mapping, &page, 1);
}

/* Give the blocks under bytes [from, to) of the page disk blocks now, so
 * that a full disk fails the write() and not the later writeback. */
static int ext2_prepare_write(struct address_space *mapping, struct page *page, uint32_t from,
                              uint32_t to)
{
    struct inode *inode = mapping->host;
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    uint32_t first = page->index * (PAGE_SIZE / bs);
    for (uint32_t i = from / bs; i * bs < to; i++) {
        uint32_t block;
        int err = ext2_get_block(inode, first + i, &block);
        if (err)
            return err;
    }
    return 0;
}

const struct address_space_ops ext2_aops = {
    .readpage = ext2_readpage,
    .readahead = ext2_readahead,
    .writepage = ext2_writepage,
    .writepages = ext2_writepages,
    .prepare_write = ext2_prepare_write,
};
