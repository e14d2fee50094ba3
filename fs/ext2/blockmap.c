/*
 * blockmap.c - an inode's block map: twelve direct blocks in i_block, then
 * a singly, doubly and triply indirect block (ext2_block_to_path gives the
 * way to any file block).  Looking a block up, giving a hole a block, and
 * cutting the map back at truncate.
 *
 * Every block number read from disk is checked (ext2_check_data_block)
 * before it is followed or freed, and so is that it is none of the
 * indirect blocks on the way to it: an indirect block naming itself (or
 * one above it) would otherwise be read as file data, and freed twice at
 * truncate.  i_blocks counts 512-byte units of every block the map owns,
 * indirect ones included, as e2fsck counts them.  The caller holds the
 * inode's mapping->lock (a directory: the namespace lock).
 */
#include "buffer.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "vsprintf.h"

/* May block, a block number read from disk, be followed?  0, or the
 * error with why filled in; nothing logged. */
static int block_valid(struct inode *inode, uint32_t block, char *why, size_t n)
{
    struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
    const struct ext2_group_desc *gd =
        block >= sbi->g.first_data_block && block < sbi->g.blocks_count
            ? &sbi->groups[ext2_block_group(&sbi->g, block)] : &sbi->groups[0];
    return ext2_check_data_block(&sbi->g, gd, block, why, n);
}

/* The same, with a corrupt block number reported as the file system's error. */
static int check_block(struct inode *inode, uint32_t block, const char *what)
{
    char why[EXT2_WHY_LEN], full[EXT2_WHY_LEN + 48];
    if (block_valid(inode, block, why, sizeof(why)) == 0)
        return 0;
    ksnprintf(full, sizeof(full), "inode %u: %s: %s", inode->ino, what, why);
    return ext2_error(inode->sb, -EUCLEAN, full);
}

/* Whether block is one of the n indirect blocks in above[]. */
static bool on_path(const uint32_t *above, int n, uint32_t block)
{
    for (int i = 0; i < n; i++)
        if (above[i] == block)
            return true;
    return false;
}

/* check_block, and block is none of the n indirect blocks above it on
 * this path (above[0] outermost): a map that loops is corrupt too. */
static int check_path_block(struct inode *inode, uint32_t block, const char *what,
                            const uint32_t *above, int n)
{
    int err = check_block(inode, block, what);
    if (!err && on_path(above, n, block)) {
        char why[EXT2_WHY_LEN];
        ksnprintf(why, sizeof(why), "inode %u: %s %u is also an indirect block above it: "
                  "the block map loops", inode->ino, what, block);
        err = ext2_error(inode->sb, -EUCLEAN, why);
    }
    return err;
}

/* How many of the slots from slot on (at most max, and at most left: the
 * slots to the end of its array) name the blocks that follow block on
 * disk, block's own slot included.  A block that fails its checks (above:
 * the n_above indirect blocks on the way) ends the run quietly: the lookup
 * of that file block meets it and reports it. */
static uint32_t run_length(struct inode *inode, const uint32_t *slot, uint32_t block,
                           uint32_t left, uint32_t max, const uint32_t *above, int n_above)
{
    char why[EXT2_WHY_LEN];
    uint32_t n = 1;
    while (n < max && n < left && slot[n] == block + n && !on_path(above, n_above, block + n) &&
           block_valid(inode, block + n, why, sizeof(why)) == 0)
        n++;
    return n;
}

/* A new block for the map, zeroed when it is an indirect block (a stale
 * block number in it would be followed). */
static int new_map_block(struct inode *inode, bool indirect, uint32_t *block)
{
    struct ext2_inode_info *ei = EXT2_I(inode);
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    int err = ext2_new_block(inode, ei->alloc_goal, block);
    if (err)
        return err;
    if (indirect) {
        struct buffer_head *bh = getblk(inode->sb->bdev, *block, bs);
        if (!bh) {
            ext2_free_block(inode->sb, *block);     /* nothing points at it yet */
            return -ENOMEM;
        }
        memset(bh->data, 0, bs);
        mark_buffer_dirty(bh);
        brelse(bh);
    }
    ei->alloc_goal = *block + 1;
    ei->i_blocks += bs / 512;
    return 0;
}

/* Walk the map to file_block, allocating the holes on the way if create.
 * With run (only without create): *run holds how many blocks the caller
 * wants from file_block on, and gets how many of them follow *disk_block
 * on disk (1 for a hole). */
static int walk(struct inode *inode, uint32_t file_block, bool create, uint32_t *disk_block,
                uint32_t *run)
{
    struct ext2_sb_info *sbi = EXT2_SB(inode->sb);
    struct ext2_inode_info *ei = EXT2_I(inode);
    struct ext2_block_path path;
    int depth = ext2_block_to_path(sbi->g.block_size, file_block, &path);
    if (depth < 0)
        return depth;
    /* Depth 1: a direct block; 2, 3, 4: through i_block[12], [13], [14]. */
    uint32_t *slot = &ei->i_block[depth == 1 ? path.index[0] : (uint32_t)(EXT2_IND_BLOCK + depth - 2)];
    struct buffer_head *bh = NULL;      /* holds *slot, or NULL: the inode does */
    uint32_t above[3];                  /* the indirect blocks passed, outermost first */
    bool inode_changed = false;
    int err = 0;
    for (int level = 1; ; level++) {
        uint32_t block = *slot;
        bool last = level == depth;
        if (!block && create) {
            if ((err = new_map_block(inode, !last, &block)) != 0)
                break;
            *slot = block;
            if (bh)
                mark_buffer_dirty(bh);
            inode_changed = true;       /* i_blocks, at least */
        } else if (block) {
            err = check_path_block(inode, block, last ? "data block" : "indirect block",
                                   above, level - 1);
            if (err)
                break;
        }
        if (last || !block) {
            *disk_block = block;
            if (run) {
                /* A direct block's slot is in i_block's direct part; an
                 * indirect one's is in its block. */
                uint32_t left = (depth == 1 ? EXT2_NDIR_BLOCKS : sbi->g.addr_per_block) -
                                path.index[depth - 1];
                *run = last && block ? run_length(inode, slot, block, left, *run, above,
                                                  depth - 1) : 1;
            }
            break;
        }
        above[level - 1] = block;
        brelse(bh);
        if (!(bh = bread(inode->sb->bdev, block, sbi->g.block_size))) {
            err = -EIO;
            break;
        }
        slot = &((uint32_t *)bh->data)[path.index[level]];
    }
    brelse(bh);
    if (inode_changed) {
        int e = ext2_write_inode(inode);
        if (!err)
            err = e;
    }
    return err;
}

int ext2_bmap(struct inode *inode, uint32_t file_block, uint32_t *disk_block)
{
    return walk(inode, file_block, false, disk_block, NULL);
}

int ext2_bmap_run(struct inode *inode, uint32_t file_block, uint32_t max, uint32_t *disk_block,
                  uint32_t *run)
{
    *run = max;
    return walk(inode, file_block, false, disk_block, run);
}

int ext2_get_block(struct inode *inode, uint32_t file_block, uint32_t *disk_block)
{
    return walk(inode, file_block, true, disk_block, NULL);
}

/* One cut of a map: what trim() shares down its recursion. */
struct trim_state {
    struct inode *inode;
    uint64_t keep;                      /* file blocks from here on go */
    bool dry;                           /* only check what would go: free nothing */
    uint32_t above[3];                  /* the indirect blocks on the way, outermost first */
};

/*
 * Free what *slot leads to that holds file blocks from t->keep on.  The
 * subtree holds file blocks base .. base + apb^level - 1 (level 0: *slot
 * is a data block); t->above[0..n-1] are the indirect blocks on the way
 * to it.  Clears *slot and sets *changed when it frees the block *slot
 * names.  Dry, it checks every block it would free and frees none.
 */
static int trim(struct trim_state *t, uint32_t *slot, int level, uint64_t base, int n,
                bool *changed)
{
    struct ext2_sb_info *sbi = EXT2_SB(t->inode->sb);
    uint64_t span = 1;
    for (int i = 0; i < level; i++)
        span *= sbi->g.addr_per_block;
    if (!*slot || base + span <= t->keep)
        return 0;
    int err = check_path_block(t->inode, *slot, level ? "indirect block" : "data block",
                               t->above, n);
    if (err)
        return err;
    if (level > 0) {
        t->above[n] = *slot;
        struct buffer_head *bh = bread(t->inode->sb->bdev, *slot, sbi->g.block_size);
        if (!bh)
            return -EIO;
        bool dirty = false;
        uint32_t *entries = (uint32_t *)bh->data;
        for (uint32_t i = 0; i < sbi->g.addr_per_block && !err; i++)
            err = trim(t, &entries[i], level - 1, base + i * (span / sbi->g.addr_per_block),
                       n + 1, &dirty);
        if (dirty)
            mark_buffer_dirty(bh);
        brelse(bh);
        if (err)
            return err;
    }
    if (base < t->keep || t->dry)
        return 0;                       /* partly kept: the block stays */
    /* -EUCLEAN: free already (logged): the map names the block twice, or
     * the bitmap lost it.  No file may keep a free block, so the slot is
     * cleared all the same and the cut goes on: stopping here would leave
     * the file half cut, its size saying one thing and its map another. */
    err = ext2_free_block(t->inode->sb, *slot);
    if (err && err != -EUCLEAN)
        return err;
    EXT2_I(t->inode)->i_blocks -= sbi->g.block_size / 512;
    *slot = 0;
    *changed = true;
    return 0;
}

/* trim() the whole map from file block keep on. */
static int trim_map(struct inode *inode, uint64_t keep, bool dry)
{
    struct ext2_inode_info *ei = EXT2_I(inode);
    uint32_t apb = EXT2_SB(inode->sb)->g.addr_per_block;
    struct trim_state t = { .inode = inode, .keep = keep, .dry = dry };
    bool changed = false;
    int err = 0;
    for (uint32_t i = 0; i < EXT2_NDIR_BLOCKS && !err; i++)
        err = trim(&t, &ei->i_block[i], 0, i, 0, &changed);
    uint64_t base = EXT2_NDIR_BLOCKS, span = apb;
    for (int level = 1; level <= 3 && !err; level++, base += span, span *= apb)
        err = trim(&t, &ei->i_block[EXT2_IND_BLOCK + level - 1], level, base, 0, &changed);
    return err;
}

int ext2_check_map(struct inode *inode)
{
    return ext2_fast_symlink(inode) ? 0 : trim_map(inode, 0, true);
}

int ext2_truncate(struct inode *inode)
{
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    uint64_t keep = (inode->size + bs - 1) / bs;
    if (ext2_fast_symlink(inode))
        return ext2_write_inode(inode);     /* i_block is its target */
    /* Check first, free after: a damaged map found halfway would leave
     * the file half freed, its size saying one thing and its map another. */
    int err = trim_map(inode, keep, true);
    if (err)
        return err;
    err = trim_map(inode, keep, false);
    EXT2_I(inode)->alloc_goal = 0;
    int e = ext2_write_inode(inode);
    return err ? err : e;
}
