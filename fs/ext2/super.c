/*
 * super.c - mounting ext2: read and check the superblock and every group
 * descriptor before trusting any of it (see include/ext2.h).
 */
#include "blkdev.h"
#include "buffer.h"
#include "ext2.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"

int ext2_error(const struct super_block *sb, int err, const char *why)
{
    pr_err("ext2: %s: %s\n", sb->bdev->name, why);
    return err;
}

static void ext2_put_super(struct super_block *sb)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    kfree(sbi->groups);
    kfree(sbi);
    kfree(sb);
}

static const struct fs_ops ext2_ops = {
    .read_inode = ext2_read_inode,
    .drop_inode = ext2_drop_inode,
    .lookup = ext2_lookup,
    .readdir = ext2_readdir,
    .put_super = ext2_put_super,
    .aops = &ext2_aops,
};

/* The superblock lives at byte 1024 whatever the block size. */
static int read_super(struct super_block *sb, struct ext2_sb_info *sbi)
{
    uint8_t *page = get_zeroed_page(GFP_KERNEL);
    if (!page)
        return -ENOMEM;
    int err = blkdev_rw(sb->bdev, EXT2_SUPER_OFFSET / SECTOR_SIZE, page, EXT2_SUPER_SIZE,
                        BIO_READ);
    if (!err)
        memcpy(&sbi->super, page, sizeof(sbi->super));
    free_page_address(page);
    if (err)
        return ext2_error(sb, err, "cannot read the superblock");
    char why[EXT2_WHY_LEN];
    err = ext2_check_super(&sbi->super, sb->bdev->nr_sectors * SECTOR_SIZE, &sbi->g, why,
                           sizeof(why));
    if (err)
        return ext2_error(sb, err, why);
    if (sbi->g.read_only)
        pr_warn("ext2: %s: %s; mounting read-only\n", sb->bdev->name, why);
    if (sbi->g.unclean)
        pr_warn("ext2: %s: not cleanly unmounted or errors recorded; e2fsck is advised\n",
                sb->bdev->name);
    return 0;
}

static int read_group_descriptors(struct super_block *sb, struct ext2_sb_info *sbi)
{
    const struct ext2_geometry *g = &sbi->g;
    sbi->groups = kmalloc(g->groups * sizeof(struct ext2_group_desc), GFP_KERNEL);
    if (!sbi->groups)
        return -ENOMEM;
    for (uint32_t group = 0; group < g->groups; group++) {
        uint32_t block, offset;
        ext2_group_desc_location(g, group, &block, &offset);
        struct buffer_head *bh = bread(sb->bdev, block, g->block_size);
        if (!bh)
            return ext2_error(sb, -EIO, "cannot read the group descriptors");
        memcpy(&sbi->groups[group], bh->data + offset, sizeof(struct ext2_group_desc));
        brelse(bh);
        char why[EXT2_WHY_LEN];
        int err = ext2_check_group_desc(g, group, &sbi->groups[group], why, sizeof(why));
        if (err)
            return ext2_error(sb, err, why);
    }
    return 0;
}

int ext2_mount(struct block_device *bdev, struct super_block **out)
{
    struct super_block *sb = kmalloc(sizeof(*sb), GFP_KERNEL | __GFP_ZERO);
    struct ext2_sb_info *sbi = kmalloc(sizeof(*sbi), GFP_KERNEL | __GFP_ZERO);
    if (!sb || !sbi) {
        kfree(sb);
        kfree(sbi);
        return -ENOMEM;
    }
    sb->bdev = bdev;
    sb->ops = &ext2_ops;
    sb->fs_info = sbi;
    sb->root_ino = EXT2_ROOT_INO;
    mutex_init(&sb->inode_lock, "ext2 inodes");
    list_init(&sb->inodes);
    mutex_init(&sbi->lock_super, "lock_super");

    int err = read_super(sb, sbi);
    if (!err)
        err = read_group_descriptors(sb, sbi);
    if (err) {
        invalidate_bdev(bdev);
        ext2_put_super(sb);
        return err;
    }
    /* Writing arrives with block and inode allocation; until then every
     * mount is read-only, and says so. */
    sb->read_only = true;
    struct inode *root = iget(sb, EXT2_ROOT_INO);
    if (!root || !s_isdir(root->mode)) {
        if (root)
            ext2_error(sb, -EUCLEAN, "the root inode is not a directory");
        iput(root);
        invalidate_bdev(bdev);
        ext2_put_super(sb);
        return -EUCLEAN;
    }
    iput(root);
    pr_info("ext2: %s: %u blocks of %u bytes, %u groups, %u inodes\n", bdev->name,
            sbi->g.blocks_count, sbi->g.block_size, sbi->g.groups, sbi->g.inodes_count);
    *out = sb;
    return 0;
}
