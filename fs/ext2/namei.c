/*
 * namei.c - ext2's directory operations for the VFS: create (files and
 * directories), unlink (both), rename.  The VFS holds the namespace lock
 * and has checked the names and the types (vfs_namei.c).
 *
 * Link counts: a file has one per name; a directory has two (its name and
 * its own ".") plus one per subdirectory (their ".."), so making or
 * removing a subdirectory changes its parent's count too.  An inode whose
 * count reaches 0 is freed at its last iput (ext2_drop_inode), not here:
 * someone may still have it open.
 */
#include "ext2_fs.h"
#include "kerrno.h"

int ext2_create(struct inode *dir, const char *name, uint32_t len, uint32_t mode)
{
    struct super_block *sb = dir->sb;
    bool is_dir = s_isdir(mode);
    uint32_t ino;
    int err = ext2_new_inode(dir, is_dir, &ino);
    if (err)
        return err;
    if ((err = ext2_init_inode(sb, ino, mode, is_dir ? 2 : 1)) != 0) {
        /* -EUCLEAN: the inode is in use after all, and its bit, set now,
         * is right at last; clearing it would bring the lie back. */
        if (err != -EUCLEAN)
            ext2_free_inode(sb, ino, is_dir);
        return err;
    }
    struct inode *inode = iget(sb, ino);
    if (!inode) {
        ext2_free_inode(sb, ino, is_dir);
        return -EIO;
    }
    if (is_dir)
        err = ext2_make_empty_dir(inode, dir);
    if (!err)
        err = ext2_add_entry(dir, name, len, inode);
    if (!err && is_dir) {
        dir->nlink++;                   /* the new ".." */
        err = ext2_write_inode(dir);
    }
    if (err) {
        inode->nlink = 0;               /* iput gives back what it got */
        ext2_write_inode(inode);
    }
    iput(inode);
    return err;
}

/* Before victim's last name goes: its blocks will be freed at its last
 * iput, with no one left to tell.  A damaged map refuses the unlink now,
 * while the file is still whole, instead of leaving it half freed. */
static int check_last_link(struct inode *victim)
{
    return s_isdir(victim->mode) || victim->nlink <= 1 ? ext2_check_map(victim) : 0;
}

int ext2_unlink(struct inode *dir, const char *name, uint32_t len, struct inode *victim)
{
    int err = check_last_link(victim);
    if (err)
        return err;
    if (s_isdir(victim->mode)) {
        int empty = ext2_dir_is_empty(victim);
        if (empty <= 0)
            return empty < 0 ? empty : -ENOTEMPTY;
    }
    if ((err = ext2_delete_entry(dir, name, len)) != 0)
        return err;
    if (s_isdir(victim->mode)) {
        victim->nlink = 0;              /* its name and its "." */
        dir->nlink--;                   /* its ".." */
        err = ext2_write_inode(dir);
    } else {
        victim->nlink--;
    }
    int e = ext2_write_inode(victim);
    return err ? err : e;
}

int ext2_rename(struct inode *old_dir, const char *old_name, uint32_t old_len,
                struct inode *new_dir, const char *new_name, uint32_t new_len,
                struct inode *moved, struct inode *target)
{
    bool is_dir = s_isdir(moved->mode);
    int err;
    /* The new name first: if that fails (no space) the old one still stands. */
    if (target) {
        if (is_dir && (err = ext2_dir_is_empty(target)) <= 0)
            return err < 0 ? err : -ENOTEMPTY;
        if ((err = check_last_link(target)) != 0)
            return err;
        if ((err = ext2_set_entry(new_dir, new_name, new_len, moved)) != 0)
            return err;
        if (is_dir) {
            target->nlink = 0;
            new_dir->nlink--;           /* target's "..", replaced by moved's below */
        } else {
            target->nlink--;
        }
        if ((err = ext2_write_inode(target)) != 0)
            return err;
    } else if ((err = ext2_add_entry(new_dir, new_name, new_len, moved)) != 0) {
        return err;
    }
    /* Both names now lead to moved; should the old one refuse to go (a
     * read error), the file simply has one more name than its link count
     * says, which e2fsck repairs -- the data stays reachable either way. */
    if ((err = ext2_delete_entry(old_dir, old_name, old_len)) != 0)
        return err;
    if (is_dir && old_dir != new_dir) {
        if ((err = ext2_set_entry(moved, "..", 2, new_dir)) != 0)
            return err;
        old_dir->nlink--;
        new_dir->nlink++;
    }
    if (is_dir && (err = ext2_write_inode(old_dir)) != 0)
        return err;
    return ext2_write_inode(new_dir);
}
