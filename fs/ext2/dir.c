/*
 * dir.c - ext2 directories: walking their entries (every entry checked by
 * ext2_dir_next before use) and looking names up.
 */
#include "buffer.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "vsprintf.h"

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
            if (fn(arg, d.name, d.name_len, d.inode, d.file_type)) {
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
