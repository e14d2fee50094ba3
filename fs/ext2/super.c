/*
 * super.c - mounting ext2: read and check the superblock and every group
 * descriptor before trusting any of it (see include/ext2.h); writing them
 * back.
 *
 * A read-write mount clears EXT2_VALID_FS on disk at once and restores
 * the state it found at unmount, so a file system that was not unmounted
 * tells e2fsck so.  The superblock's free counts live in sbi->super
 * (under lock_super) and reach the disk at sync and unmount; a group
 * descriptor goes to its block in the buffer cache whenever it changes.
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
#include "vsprintf.h"

int ext2_error(const struct super_block *sb, int err, const char *why)
{
    pr_err("ext2: %s: %s\n", sb->bdev->name, why);
    return err;
}

/* Where the primary superblock lies in the block cache: byte 1024 is
 * block 1 with 1 KiB blocks, else inside block 0. */
static struct buffer_head *super_buffer(struct super_block *sb, uint32_t *offset)
{
    uint32_t bs = EXT2_SB(sb)->g.block_size;
    *offset = EXT2_SUPER_OFFSET % bs;
    return bread(sb->bdev, EXT2_SUPER_OFFSET / bs, bs);
}

int ext2_write_super(struct super_block *sb)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    if (sb->read_only)
        return 0;
    uint32_t offset;
    mutex_lock(&sbi->lock_super);
    struct buffer_head *bh = super_buffer(sb, &offset);
    if (bh) {
        sbi->super.s_wtime = vfs_now(sb);
        memcpy(bh->data + offset, &sbi->super, sizeof(sbi->super));
        mark_buffer_dirty(bh);
        brelse(bh);
    }
    mutex_unlock(&sbi->lock_super);
    return bh ? 0 : ext2_error(sb, -EIO, "cannot read the superblock's block to write it");
}

void ext2_write_group_desc(struct super_block *sb, uint32_t group)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    uint32_t block, offset;
    ext2_group_desc_location(&sbi->g, group, &block, &offset);
    struct buffer_head *bh = bread(sb->bdev, block, sbi->g.block_size);
    if (!bh) {
        ext2_error(sb, -EIO, "cannot read a group descriptor block to write it");
        return;
    }
    memcpy(bh->data + offset, &sbi->groups[group], sizeof(struct ext2_group_desc));
    mark_buffer_dirty(bh);
    brelse(bh);
}

static void free_super(struct super_block *sb)
{
    struct ext2_sb_info *sbi = EXT2_SB(sb);
    kfree(sbi->groups);
    kfree(sbi);
    kfree(sb);
}

static void ext2_put_super(struct super_block *sb)
{
    EXT2_SB(sb)->super.s_state = EXT2_SB(sb)->mount_state;
    ext2_write_super(sb);
    free_super(sb);
}

static const struct fs_ops ext2_ops = {
    .read_inode = ext2_read_inode,
    .drop_inode = ext2_drop_inode,
    .lookup = ext2_lookup,
    .readdir = ext2_readdir,
    .sync_fs = ext2_write_super,
    .put_super = ext2_put_super,
    .write_inode = ext2_write_inode,
    .truncate = ext2_truncate,
    .create = ext2_create,
    .unlink = ext2_unlink,
    .rename = ext2_rename,
    .aops = &ext2_aops,
};

/* The superblock lives at byte 1024 whatever the block size. */
static int read_super(struct super_block *sb, struct ext2_sb_info *sbi)
{
    uint64_t bytes = sb->bdev->nr_sectors * SECTOR_SIZE;
    if (bytes < EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE) {
        /* Else the read would fail with -EIO, blaming the disk. */
        char why[EXT2_WHY_LEN];
        ksnprintf(why, sizeof(why), "the device has %llu bytes, too few for a superblock "
                  "at byte %u", (unsigned long long)bytes, EXT2_SUPER_OFFSET);
        return ext2_error(sb, -EINVAL, why);
    }
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
    if (sb->bdev->read_only && !sbi->g.read_only) {
        /* Writes would fail one by one, each dirty page kept: refuse
         * them all at once instead (invariant 5, bad input fails one
         * operation). */
        pr_warn("ext2: %s: the device is read-only; mounting read-only\n", sb->bdev->name);
        sbi->g.read_only = true;
    }
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

/* Clear bits among the first nbits of a bitmap: free blocks or inodes. */
static uint32_t count_free(const uint8_t *map, uint32_t nbits)
{
    uint32_t free = 0;
    for (uint32_t i = 0; i < nbits; i++)
        free += !(map[i / 8] & (1u << (i % 8)));
    return free;
}

/* Does the bitmap at block say as many are free as the descriptor does?
 * 0 when it does; 1 when not (logged); -EIO when it cannot be read. */
static int check_bitmap(struct super_block *sb, uint32_t group, const char *what,
                        uint32_t block, uint32_t nbits, uint32_t counted)
{
    struct buffer_head *bh = bread(sb->bdev, block, EXT2_SB(sb)->g.block_size);
    if (!bh)
        return ext2_error(sb, -EIO, "cannot read a bitmap block");
    uint32_t free = count_free(bh->data, nbits);
    brelse(bh);
    /* Out of the cache again: the mount only looked.  As in Linux, a
     * group's bitmap is read when something is first allocated there --
     * with lock_super held, the read docs/deadlock-1999.md is about. */
    bforget(sb->bdev, block, EXT2_SB(sb)->g.block_size);
    if (free == counted)
        return 0;
    pr_err("ext2: %s: group %u: its %s bitmap (block %u) has %u free, its descriptor says "
           "%u; mounting read-only, e2fsck is needed\n", sb->bdev->name, group, what, block,
           free, counted);
    return 1;
}

/*
 * A bitmap that says a used block or inode is free would have the
 * allocator hand it out again -- one block in two files, and the first
 * file's data overwritten.  A bitmap that disagrees with its group's
 * free count is damaged, and the whole file system is then mounted
 * read-only: nothing is allocated from a bitmap that cannot be trusted.
 * (A bitmap and a count that lie together, as a debugfs freeb makes them,
 * only e2fsck's walk of every inode can find.)  1 when one disagrees.
 */
static int check_bitmaps(struct super_block *sb, struct ext2_sb_info *sbi)
{
    int bad = 0;
    for (uint32_t group = 0; group < sbi->g.groups; group++) {
        const struct ext2_group_desc *gd = &sbi->groups[group];
        int r = check_bitmap(sb, group, "block", gd->bg_block_bitmap,
                             ext2_group_blocks(&sbi->g, group), gd->bg_free_blocks_count);
        if (r >= 0)
            r = r | check_bitmap(sb, group, "inode", gd->bg_inode_bitmap,
                                 sbi->g.inodes_per_group, gd->bg_free_inodes_count);
        if (r < 0)
            return r;
        bad |= r;
    }
    return bad;
}

static int ext2_mount(struct block_device *bdev, struct super_block **out)
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
    int bitmaps_bad = err ? 0 : check_bitmaps(sb, sbi);
    if (bitmaps_bad < 0)
        err = bitmaps_bad;
    if (err) {
        invalidate_bdev(bdev);
        free_super(sb);
        return err;
    }
    sb->read_only = sbi->g.read_only || bitmaps_bad;
    /* No clock chip driver yet: time goes on from the last time the file
     * system was written or mounted. */
    struct ext2_super *es = &sbi->super;
    sb->time_base = es->s_wtime > es->s_mtime ? es->s_wtime : es->s_mtime;
    /* What the block map reaches, and without large_file what i_size
     * (32 bits, signed by convention) can say. */
    uint64_t map_bytes = ext2_max_file_blocks(sbi->g.block_size) * sbi->g.block_size;
    uint64_t size_limit = sbi->g.large_file ? UINT64_MAX : 0x7FFFFFFFu;
    sb->max_bytes = map_bytes < size_limit ? map_bytes : size_limit;
    /* -EIO when the device failed: the disk is gone, not damaged, and
     * e2fsck would be the wrong advice. */
    struct inode *root = iget_error(sb, EXT2_ROOT_INO, &err);
    if (root && !s_isdir(root->mode))
        err = ext2_error(sb, -EUCLEAN, "the root inode is not a directory");
    if (err) {
        iput(root);
        invalidate_bdev(bdev);
        free_super(sb);
        return err;
    }
    iput(root);
    sbi->mount_state = es->s_state;
    if (!sb->read_only) {
        es->s_state &= (uint16_t)~EXT2_VALID_FS;    /* "in use" until unmounted */
        es->s_mnt_count++;
        es->s_mtime = vfs_now(sb);
        if ((err = ext2_write_super(sb)) == 0)
            err = sync_blockdev(bdev);
        if (err) {
            invalidate_bdev(bdev);
            free_super(sb);
            return err;
        }
    }
    pr_info("ext2: %s: %u blocks of %u bytes, %u groups, %u inodes\n", bdev->name,
            sbi->g.blocks_count, sbi->g.block_size, sbi->g.groups, sbi->g.inodes_count);
    *out = sb;
    return 0;
}

static struct file_system_type ext2_fs_type = {
    .name = "ext2",
    .mount = ext2_mount,
};

int ext2_init(void)
{
    return register_filesystem(&ext2_fs_type);
}
