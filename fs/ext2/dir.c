/*
 * dir.c - ext2 directories: walking their entries (every entry checked by
 * ext2_dir_entry_at before use), looking names up, and adding, changing
 * and removing entries.
 *
 * A directory block is a chain of entries whose rec_len reach the end of
 * the block.  A new entry takes the slack of an entry (all of an unused
 * one, or what a used one's name does not need, splitting it) or, when no
 * entry has room, a new block at the end of the directory.  A removed
 * entry is merged into the one before it, or, first in its block, marked
 * unused (inode 0).  A directory we change loses EXT2_INDEX_FL: its htree
 * index (dir_index) would no longer match, and read linearly the blocks
 * are an ordinary directory.  The caller holds the namespace lock.
 */
#include "buffer.h"
#include "ext2_fs.h"
#include "file_abi.h"
#include "kerrno.h"
#include "kstring.h"
#include "vsprintf.h"

#define NO_ENTRY UINT32_MAX

/* An entry's file_type (EXT2_FT_*, checked below EXT2_FT_MAX) as the
 * d_type readdir gives (vfs.h). */
static uint8_t dirent_type(uint8_t file_type)
{
    static const uint8_t types[EXT2_FT_MAX] = {
        [EXT2_FT_UNKNOWN] = DT_UNKNOWN, [EXT2_FT_REG_FILE] = DT_REG, [EXT2_FT_DIR] = DT_DIR,
        [EXT2_FT_CHRDEV] = DT_CHR, [EXT2_FT_BLKDEV] = DT_BLK, [EXT2_FT_FIFO] = DT_FIFO,
        [EXT2_FT_SOCK] = DT_SOCK, [EXT2_FT_SYMLINK] = DT_LNK,
    };
    return types[file_type];
}

int ext2_readdir(struct inode *dir, filldir_t fn, void *arg)
{
    struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
    uint32_t bs = sbi->g.block_size;
    uint32_t blocks = (uint32_t)((dir->size + bs - 1) / bs);
    for (uint32_t b = 0; b < blocks; b++) {
        uint32_t block;
        int err = ext2_bmap(dir, b, &block);
        if (err)
            return err;
        if (!block) {
            char why[EXT2_WHY_LEN];
            ksnprintf(why, sizeof(why), "directory %u has a hole at block %u", dir->ino, b);
            return ext2_error(dir->sb, -EUCLEAN, why);
        }
        struct buffer_head *bh = bread(dir->sb->bdev, block, bs);
        if (!bh)
            return -EIO;
        struct ext2_dirent_view d;
        uint32_t offset = 0;
        char why[EXT2_WHY_LEN];
        int r;
        while ((r = ext2_dir_next(bh->data, bs, &offset, &d, &sbi->g, why, sizeof(why))) > 0) {
            if (fn(arg, d.name, d.name_len, d.inode, dirent_type(d.file_type))) {
                brelse(bh);
                return 0;
            }
        }
        brelse(bh);
        if (r < 0) {
            char full[EXT2_WHY_LEN + 48];
            ksnprintf(full, sizeof(full), "directory %u, block %u: %s", dir->ino, block, why);
            return ext2_error(dir->sb, r, full);
        }
    }
    return 0;
}

struct lookup_state {
    const char *name;
    uint32_t len;
    uint32_t ino;
};

static int match(void *arg, const char *name, uint32_t len, uint32_t ino, uint32_t type)
{
    struct lookup_state *st = arg;
    (void)type;
    if (len != st->len || memcmp(name, st->name, len) != 0)
        return 0;
    st->ino = ino;
    return 1;
}

int ext2_lookup(struct inode *dir, const char *name, uint32_t len, uint32_t *ino)
{
    struct lookup_state st = { name, len, 0 };
    int err = ext2_readdir(dir, match, &st);
    if (err)
        return err;
    if (!st.ino)
        return -ENOENT;
    *ino = st.ino;
    return 0;
}

/* ---- changing directories --------------------------------------------------- */

static int dir_corrupt(struct inode *dir, uint32_t b, const char *why)
{
    char full[EXT2_WHY_LEN + 48];
    ksnprintf(full, sizeof(full), "directory %u, block %u: %s", dir->ino, b, why);
    return ext2_error(dir->sb, -EUCLEAN, full);
}

/* Block b of the directory, read: NULL and *err set on failure. */
static struct buffer_head *dir_block(struct inode *dir, uint32_t b, int *err)
{
    uint32_t block;
    if ((*err = ext2_bmap(dir, b, &block)) != 0)
        return NULL;
    if (!block) {
        *err = dir_corrupt(dir, b, "a hole");
        return NULL;
    }
    struct buffer_head *bh = bread(dir->sb->bdev, block, EXT2_SB(dir->sb)->g.block_size);
    if (!bh)
        *err = -EIO;
    return bh;
}

static uint32_t dir_blocks(struct inode *dir)
{
    uint32_t bs = EXT2_SB(dir->sb)->g.block_size;
    return (uint32_t)((dir->size + bs - 1) / bs);
}

/* Where an entry is: its block (held), its offset, the offset of the entry
 * before it in the block or NO_ENTRY. */
struct dir_slot {
    struct buffer_head *bh;
    uint32_t block, offset, prev;
};

/* Visit every entry, used or not; fn returns nonzero to stop there, with
 * *slot describing the entry (and holding its block). */
static int dir_walk(struct inode *dir, int (*fn)(const struct ext2_dirent_view *d, void *arg),
                    void *arg, struct dir_slot *slot)
{
    struct ext2_sb_info *sbi = EXT2_SB(dir->sb);
    uint32_t bs = sbi->g.block_size;
    for (uint32_t b = 0; b < dir_blocks(dir); b++) {
        int err;
        struct buffer_head *bh = dir_block(dir, b, &err);
        if (!bh)
            return err;
        uint32_t prev = NO_ENTRY;
        for (uint32_t off = 0; off < bs; ) {
            struct ext2_dirent_view d;
            char why[EXT2_WHY_LEN];
            if (ext2_dir_entry_at(bh->data, bs, off, &d, &sbi->g, why, sizeof(why)) < 0) {
                brelse(bh);
                return dir_corrupt(dir, b, why);
            }
            if (fn(&d, arg)) {
                *slot = (struct dir_slot){ bh, b, off, prev };
                return 1;
            }
            prev = off;
            off += d.rec_len;
        }
        brelse(bh);
    }
    return 0;
}

static int match_name(const struct ext2_dirent_view *d, void *arg)
{
    const struct lookup_state *st = arg;
    return d->inode && d->name_len == st->len && memcmp(d->name, st->name, st->len) == 0;
}

static int find_entry(struct inode *dir, const char *name, uint32_t len, struct dir_slot *slot)
{
    struct lookup_state st = { name, len, 0 };
    int r = dir_walk(dir, match_name, &st, slot);
    return r == 1 ? 0 : r == 0 ? -ENOENT : r;
}

static struct ext2_dir_entry_2 *entry(const struct dir_slot *slot, uint32_t offset)
{
    return (struct ext2_dir_entry_2 *)(slot->bh->data + offset);
}

static uint8_t file_type(const struct inode *inode)
{
    if (!EXT2_SB(inode->sb)->g.filetype)
        return 0;               /* without the feature the byte is name_len's high half */
    switch (inode->mode & S_IFMT) {
    case S_IFREG: return EXT2_FT_REG_FILE;
    case S_IFDIR: return EXT2_FT_DIR;
    case S_IFLNK: return EXT2_FT_SYMLINK;
    default: return EXT2_FT_UNKNOWN;
    }
}

static void put_entry(uint8_t *at, struct inode *inode, uint32_t rec_len, const char *name,
                      uint32_t len)
{
    struct ext2_dir_entry_2 *de = (struct ext2_dir_entry_2 *)at;
    de->inode = inode->ino;
    de->rec_len = (uint16_t)rec_len;
    de->name_len = (uint8_t)len;
    de->file_type = file_type(inode);
    memcpy(de->name, name, len);
}

/* The directory was changed: its times, and no more htree (see the top). */
static int dir_changed(struct inode *dir)
{
    EXT2_I(dir)->i_flags &= ~EXT2_INDEX_FL;
    dir->mtime = vfs_now(dir->sb);
    return ext2_write_inode(dir);
}

static int has_room(const struct ext2_dirent_view *d, void *arg)
{
    return ext2_dirent_slack(d) >= *(uint32_t *)arg;
}

/* A new block at the end of the directory, zeroed; held.  The map must
 * have none there yet: a damaged i_size (0, say) short of the blocks the
 * map holds would otherwise have the entries of a block in use zeroed. */
static struct buffer_head *grow_dir(struct inode *dir, int *err)
{
    uint32_t bs = EXT2_SB(dir->sb)->g.block_size, block, end = dir_blocks(dir);
    mutex_lock(&dir->mapping.lock);
    *err = ext2_bmap(dir, end, &block);
    if (!*err && block) {
        char why[EXT2_WHY_LEN];
        ksnprintf(why, sizeof(why), "directory %u: its size %llu ends before its block %u "
                  "(block %u)", dir->ino, (unsigned long long)dir->size, end, block);
        *err = ext2_error(dir->sb, -EUCLEAN, why);
    }
    if (!*err)
        *err = ext2_get_block(dir, end, &block);
    mutex_unlock(&dir->mapping.lock);
    if (*err)
        return NULL;
    struct buffer_head *bh = getblk(dir->sb->bdev, block, bs);
    if (!bh) {
        *err = -ENOMEM;
        return NULL;
    }
    memset(bh->data, 0, bs);
    dir->size += bs;
    return bh;
}

int ext2_add_entry(struct inode *dir, const char *name, uint32_t len, struct inode *inode)
{
    uint32_t need = ext2_dir_rec_len(len), bs = EXT2_SB(dir->sb)->g.block_size;
    struct dir_slot slot;
    int err = dir_walk(dir, has_room, &need, &slot);
    if (err < 0)
        return err;
    if (err == 1) {
        struct ext2_dir_entry_2 *de = entry(&slot, slot.offset);
        uint32_t at = slot.offset, rec_len = de->rec_len;
        if (de->inode) {                /* split: the old entry keeps what it needs */
            uint32_t used = ext2_dir_rec_len(de->name_len);
            de->rec_len = (uint16_t)used;
            at += used;
            rec_len -= used;
        }
        put_entry(slot.bh->data + at, inode, rec_len, name, len);
        mark_buffer_dirty(slot.bh);
        brelse(slot.bh);
        return dir_changed(dir);
    }
    struct buffer_head *bh = grow_dir(dir, &err);
    if (!bh)
        return err;
    put_entry(bh->data, inode, bs, name, len);
    mark_buffer_dirty(bh);
    brelse(bh);
    return dir_changed(dir);
}

int ext2_set_entry(struct inode *dir, const char *name, uint32_t len, struct inode *inode)
{
    struct dir_slot slot;
    int err = find_entry(dir, name, len, &slot);
    if (err)
        return err;
    entry(&slot, slot.offset)->inode = inode->ino;
    entry(&slot, slot.offset)->file_type = file_type(inode);
    mark_buffer_dirty(slot.bh);
    brelse(slot.bh);
    return dir_changed(dir);
}

int ext2_delete_entry(struct inode *dir, const char *name, uint32_t len)
{
    struct dir_slot slot;
    int err = find_entry(dir, name, len, &slot);
    if (err)
        return err;
    struct ext2_dir_entry_2 *de = entry(&slot, slot.offset);
    if (slot.prev != NO_ENTRY)
        entry(&slot, slot.prev)->rec_len += de->rec_len;
    else
        de->inode = 0;
    mark_buffer_dirty(slot.bh);
    brelse(slot.bh);
    return dir_changed(dir);
}

/* Stops readdir at the first name that is not "." or "..", and says so. */
static int not_dot(void *arg, const char *name, uint32_t len, uint32_t ino, uint32_t type)
{
    (void)ino, (void)type;
    bool dot = (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
    if (!dot)
        *(bool *)arg = true;
    return !dot;
}

int ext2_dir_is_empty(struct inode *dir)
{
    bool other = false;
    int err = ext2_readdir(dir, not_dot, &other);
    return err ? err : !other;
}

int ext2_make_empty_dir(struct inode *dir, struct inode *parent)
{
    uint32_t bs = EXT2_SB(dir->sb)->g.block_size, dot = ext2_dir_rec_len(1);
    int err;
    struct buffer_head *bh = grow_dir(dir, &err);
    if (!bh)
        return err;
    put_entry(bh->data, dir, dot, ".", 1);
    put_entry(bh->data + dot, parent, bs - dot, "..", 2);
    mark_buffer_dirty(bh);
    brelse(bh);
    return dir_changed(dir);
}
