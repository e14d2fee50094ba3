/*
 * inode.c - ext2 inodes: reading them, their block maps, and reading file
 * pages through the maps.  Every block number read from disk is checked
 * before it is followed (ext2_check_data_block).
 */
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
    if (raw->i_links_count == 0) {
        ksnprintf(why, sizeof(why), "inode %u is free (no links) but in use", inode->ino);
        err = -EUCLEAN;
    } else if (type != EXT2_S_IFREG && type != EXT2_S_IFDIR && type != EXT2_S_IFLNK) {
        ksnprintf(why, sizeof(why), "inode %u has a type swiod does not handle (mode %06o)",
                  inode->ino, raw->i_mode);
        err = -EINVAL;
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
        inode->size = raw->i_size;
        if (type == EXT2_S_IFREG && EXT2_SB(sb)->g.large_file)
            inode->size |= (uint64_t)raw->i_size_high << 32;
        memcpy(ei->i_block, raw->i_block, sizeof(ei->i_block));
        ei->i_flags = raw->i_flags;
        ei->i_blocks = raw->i_blocks;
        inode->fs_private = ei;
    }
    brelse(bh);
    return err ? ext2_error(sb, err, why) : 0;
}

void ext2_drop_inode(struct inode *inode)
{
    kfree(inode->fs_private);
}

/* A block number read from disk: may it be followed? */
static int check_block(struct inode *inode, uint32_t block, const char *what)
{
    struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
    char why[EXT2_WHY_LEN], full[EXT2_WHY_LEN + 48];
    const struct ext2_group_desc *gd =
        block >= sbi->g.first_data_block && block < sbi->g.blocks_count
            ? &sbi->groups[ext2_block_group(&sbi->g, block)] : &sbi->groups[0];
    if (ext2_check_data_block(&sbi->g, gd, block, why, sizeof(why)) == 0)
        return 0;
    ksnprintf(full, sizeof(full), "inode %u: %s: %s", inode->ino, what, why);
    return ext2_error(inode->sb, -EUCLEAN, full);
}

int ext2_bmap(struct inode *inode, uint32_t file_block, uint32_t *disk_block)
{
    struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
    struct ext2_block_path path;
    int depth = ext2_block_to_path(sbi->g.block_size, file_block, &path);
    if (depth < 0)
        return depth;
    /* Depth 1: a direct block; 2, 3, 4: through i_block[12], [13], [14]. */
    uint32_t slot = depth == 1 ? path.index[0] : (uint32_t)(EXT2_IND_BLOCK + depth - 2);
    uint32_t block = EXT2_I(inode)->i_block[slot];
    for (int level = 1; level < depth && block; level++) {
        int err = check_block(inode, block, "indirect block");
        if (err)
            return err;
        struct buffer_head *bh = bread(inode->sb->bdev, block, sbi->g.block_size);
        if (!bh)
            return -EIO;
        block = ((const uint32_t *)bh->data)[path.index[level]];
        brelse(bh);
    }
    if (block) {
        int err = check_block(inode, block, "data block");
        if (err)
            return err;
    }
    *disk_block = block;
    return 0;
}

/* Fill a page of file data: each block through the map, holes and the
 * part past the end of the file as zeros. */
static int ext2_readpage(struct address_space *mapping, struct page *page)
{
    struct inode *inode = mapping->host;
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    uint8_t *dst = page_address(page);
    uint32_t first = page->index * (PAGE_SIZE / bs);
    for (uint32_t i = 0; i < PAGE_SIZE / bs; i++, dst += bs) {
        uint32_t block = 0;
        if ((uint64_t)(first + i) * bs < inode->size) {
            int err = ext2_bmap(inode, first + i, &block);
            if (err)
                return err;
        }
        if (!block) {
            memset(dst, 0, bs);
            continue;
        }
        struct buffer_head *bh = bread(inode->sb->bdev, block, bs);
        if (!bh)
            return -EIO;
        memcpy(dst, bh->data, bs);
        brelse(bh);
    }
    return 0;
}

const struct address_space_ops ext2_aops = { .readpage = ext2_readpage };
