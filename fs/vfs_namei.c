/*
 * vfs_namei.c - changing directories: create, mkdir, unlink, rmdir and
 * rename by path (see include/vfs.h).
 *
 * Each call finds the parent directory of the last path component with
 * vfs_lookup, then takes the file system's namespace_lock and does
 * everything else under it: the check that the name is (or is not)
 * there, the checks on the inodes involved and the file system's change.
 * So no other directory change on that file system can slip in between
 * the check and the change.
 */
#include "blkdev.h"
#include "kerrno.h"
#include "kstring.h"
#include "printk.h"
#include "vfs.h"

/* The parent directory of a path's last component, and the component. */
struct nameidata {
    struct inode *dir;              /* referenced */
    const char *name;               /* into the path */
    uint32_t len;
};

static int lookup_parent(const char *path, struct nameidata *nd)
{
    if (path[0] != '/')
        return -EINVAL;
    size_t n = strlen(path);
    if (n >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    while (n > 1 && path[n - 1] == '/')         /* "dir/" names dir */
        n--;
    size_t slash = n - 1;
    while (path[slash] != '/')
        slash--;
    nd->name = path + slash + 1;
    nd->len = (uint32_t)(n - slash - 1);
    if (nd->len == 0 || (nd->len == 1 && nd->name[0] == '.') ||
        (nd->len == 2 && nd->name[0] == '.' && nd->name[1] == '.'))
        return -EINVAL;
    if (nd->len > VFS_NAME_MAX)
        return -ENAMETOOLONG;
    int err = vfs_lookup_len(path, slash ? slash : 1, &nd->dir);
    if (err)
        return err;
    if (!s_isdir(nd->dir->mode)) {
        iput(nd->dir);
        return -ENOTDIR;
    }
    if (nd->dir->sb->read_only) {
        iput(nd->dir);
        return -EROFS;
    }
    return 0;
}

/* The inode name names in nd->dir (namespace_lock held): 0 and *out
 * referenced, or -ENOENT, or another error. */
static int lookup_child(struct nameidata *nd, struct inode **out)
{
    struct super_block *sb = nd->dir->sb;
    uint32_t ino;
    int err = sb->ops->lookup(nd->dir, nd->name, nd->len, &ino);
    if (err)
        return err;
    *out = iget_error(sb, ino, &err);
    return *out ? 0 : err;
}

static int create(const char *path, uint32_t mode)
{
    struct nameidata nd;
    int err = lookup_parent(path, &nd);
    if (err)
        return err;
    struct super_block *sb = nd.dir->sb;
    mutex_lock(&sb->namespace_lock);
    uint32_t ino;
    if (nd.dir->nlink == 0)
        err = -ENOENT;                  /* removed since we looked it up */
    else if ((err = sb->ops->lookup(nd.dir, nd.name, nd.len, &ino)) == 0)
        err = -EEXIST;
    else if (err == -ENOENT)
        err = sb->ops->create(nd.dir, nd.name, nd.len, mode);
    mutex_unlock(&sb->namespace_lock);
    iput(nd.dir);
    return err;
}

int vfs_create(const char *path) { return create(path, S_IFREG | 0644); }
int vfs_mkdir(const char *path) { return create(path, S_IFDIR | 0755); }

static int remove(const char *path, bool want_dir)
{
    struct nameidata nd;
    int err = lookup_parent(path, &nd);
    if (err)
        return err;
    struct super_block *sb = nd.dir->sb;
    struct inode *victim = NULL;
    mutex_lock(&sb->namespace_lock);
    err = lookup_child(&nd, &victim);
    if (!err && s_isdir(victim->mode) != want_dir)
        err = want_dir ? -ENOTDIR : -EISDIR;
    if (!err)
        err = sb->ops->unlink(nd.dir, nd.name, nd.len, victim);
    mutex_unlock(&sb->namespace_lock);
    iput(victim);                       /* the last one frees it on disk */
    iput(nd.dir);
    return err;
}

int vfs_unlink(const char *path) { return remove(path, false); }
int vfs_rmdir(const char *path) { return remove(path, true); }

/* Whether dir is ancestor or lies below it (namespace_lock held): moving
 * ancestor into dir would cut a loop out of the tree. */
static int is_below(struct inode *dir, struct inode *ancestor)
{
    struct super_block *sb = dir->sb;
    uint32_t ino = dir->ino;
    for (int depth = 0; depth < 4096; depth++) {
        if (ino == ancestor->ino)
            return 1;
        if (ino == sb->root_ino)
            return 0;
        int err;
        struct inode *d = iget_error(sb, ino, &err);
        if (!d)
            return err;
        err = sb->ops->lookup(d, "..", 2, &ino);
        iput(d);
        if (err)
            return err;
    }
    /* A damaged image: a ".." that names the directory itself, or one below. */
    pr_err("vfs: %s: the \"..\" entries above directory %u never reach the root (a loop); "
           "e2fsck is needed\n", sb->bdev->name, dir->ino);
    return -EUCLEAN;
}

int vfs_rename(const char *old_path, const char *new_path)
{
    struct nameidata from, to;
    int err = lookup_parent(old_path, &from);
    if (err)
        return err;
    if ((err = lookup_parent(new_path, &to)) != 0) {
        iput(from.dir);
        return err;
    }
    struct super_block *sb = from.dir->sb;
    struct inode *moved = NULL, *target = NULL;
    if (to.dir->sb != sb) {
        err = -EXDEV;
        goto out;
    }
    mutex_lock(&sb->namespace_lock);
    err = lookup_child(&from, &moved);
    if (!err) {
        err = lookup_child(&to, &target);
        if (err == -ENOENT)
            err = 0, target = NULL;
    }
    if (!err && to.dir->nlink == 0)
        err = -ENOENT;
    if (!err && target == moved)
        goto unlock;                    /* two names of one file: nothing to do */
    if (!err && target && s_isdir(target->mode) != s_isdir(moved->mode))
        err = s_isdir(target->mode) ? -EISDIR : -ENOTDIR;
    if (!err && s_isdir(moved->mode) && from.dir != to.dir) {
        int below = is_below(to.dir, moved);
        err = below < 0 ? below : below ? -EINVAL : 0;
    }
    if (!err)
        err = sb->ops->rename(from.dir, from.name, from.len, to.dir, to.name, to.len,
                              moved, target);
unlock:
    mutex_unlock(&sb->namespace_lock);
out:
    iput(target);
    iput(moved);
    iput(to.dir);
    iput(from.dir);
    return err;
}
