/*
 * vfs.c - mounts, path lookup, the inode cache and file reads and writes
 * (see include/vfs.h).  Directory changes are in vfs_namei.c.
 */
#include "vfs.h"
#include "blkdev.h"
#include "buffer.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "slab.h"
#include "timer.h"

/* A mounted file system; on the mounts list, under mount_lock. */
struct mount {
    struct list_head link;
    struct super_block *sb;
    char path[];                    /* where it is mounted, NUL-terminated */
};

static struct list_head mounts = LIST_HEAD_INIT(mounts);
static struct list_head fs_types = LIST_HEAD_INIT(fs_types);   /* struct file_system_type */
static struct mutex mount_lock;     /* the mount table and fs_types */

void vfs_init(void)
{
    mutex_init(&mount_lock, "mount table");
}

/* The registered type called name, or NULL.  mount_lock held. */
static struct file_system_type *find_filesystem(const char *name)
{
    list_for_each(link, &fs_types) {
        struct file_system_type *fs = list_entry(link, struct file_system_type, link);
        if (strcmp(fs->name, name) == 0)
            return fs;
    }
    return NULL;
}

int register_filesystem(struct file_system_type *fs)
{
    mutex_lock(&mount_lock);
    bool taken = find_filesystem(fs->name) != NULL;
    if (!taken)
        list_add_tail(&fs->link, &fs_types);
    mutex_unlock(&mount_lock);
    if (taken) {
        pr_err("vfs: file system type %s is registered already\n", fs->name);
        return -EBUSY;
    }
    return 0;
}

/* A path's length, or -ENAMETOOLONG (-EINVAL when not absolute). */
static int path_len(const char *path)
{
    if (path[0] != '/')
        return -EINVAL;
    int n = 0;
    while (path[n] && n < VFS_PATH_MAX)     /* not past the limit, however long */
        n++;
    return n < VFS_PATH_MAX ? n : -ENAMETOOLONG;
}

/* The first len bytes of path, under the mount mount_path: "/mnt/a/b"
 * under "/mnt" leaves "/a/b", "/mnt" itself leaves ""; NULL when not under. */
static const char *under(const char *mount_path, const char *path, size_t len)
{
    size_t n = strlen(mount_path);
    if (strcmp(mount_path, "/") == 0)
        return path;
    if (n > len || strncmp(path, mount_path, n) != 0 || (n < len && path[n] != '/'))
        return NULL;
    return path + n;
}

/* The mount whose path is the longest prefix of path's first len bytes;
 * *rest is what is left (up to path + len). */
static struct mount *find_mount(const char *path, size_t len, const char **rest)
{
    struct mount *best = NULL;
    size_t best_len = 0;
    list_for_each(link, &mounts) {
        struct mount *m = list_entry(link, struct mount, link);
        const char *r = under(m->path, path, len);
        if (r && (!best || strlen(m->path) > best_len)) {
            best = m;
            best_len = strlen(m->path);
            *rest = r;
        }
    }
    return best;
}

int vfs_mount(const char *dev, const char *path, const char *fstype)
{
    int len = path_len(path);
    if (len < 0)
        return len;
    struct block_device *bdev = blkdev_find(dev);
    if (!bdev) {
        pr_err("vfs: no block device %s\n", dev);
        return -ENOENT;
    }
    mutex_lock(&mount_lock);
    struct file_system_type *type = find_filesystem(fstype);   /* never removed */
    mutex_unlock(&mount_lock);
    if (!type) {
        pr_err("vfs: unknown file system type %s\n", fstype);
        return -ENODEV;
    }
    struct mount *new = kmalloc(sizeof(*new) + len + 1, GFP_KERNEL);
    if (!new)
        return -ENOMEM;
    memcpy(new->path, path, len + 1);
    mutex_lock(&mount_lock);
    list_for_each(link, &mounts) {
        struct mount *m = list_entry(link, struct mount, link);
        if (strcmp(m->path, path) == 0 || m->sb->bdev == bdev) {
            mutex_unlock(&mount_lock);
            kfree(new);
            pr_err("vfs: %s or %s is mounted already\n", path, dev);
            return -EBUSY;
        }
    }
    int err = kswiod_attach(bdev);          /* its dirty pages will need a writer */
    if (!err)
        err = type->mount(bdev, &new->sb);
    if (!err) {
        mutex_init(&new->sb->namespace_lock, "namespace");
        list_add_tail(&new->link, &mounts);
        pr_info("vfs: mounted %s on %s%s\n", dev, path,
                new->sb->read_only ? " (read-only)" : "");
    }
    mutex_unlock(&mount_lock);
    if (err)
        kfree(new);
    return err;
}

int vfs_for_each_mount(void (*fn)(void *arg, const char *dev, const char *path,
                                   bool read_only), void *arg)
{
    if (!mutex_trylock(&mount_lock))
        return -EBUSY;
    list_for_each(link, &mounts) {
        const struct mount *m = list_entry(link, struct mount, link);
        fn(arg, m->sb->bdev->name, m->path, m->sb->read_only);
    }
    mutex_unlock(&mount_lock);
    return 0;
}

int vfs_umount(const char *path)
{
    mutex_lock(&mount_lock);
    struct mount *m = NULL;
    list_for_each(link, &mounts)
        if (strcmp(list_entry(link, struct mount, link)->path, path) == 0)
            m = list_entry(link, struct mount, link);
    if (!m) {
        mutex_unlock(&mount_lock);
        return -ENOENT;
    }
    struct super_block *sb = m->sb;
    mutex_lock(&sb->inode_lock);
    bool busy = !list_empty(&sb->inodes);
    mutex_unlock(&sb->inode_lock);
    if (busy) {
        mutex_unlock(&mount_lock);
        pr_err("vfs: %s is busy (files in use)\n", path);
        return -EBUSY;
    }
    /* No inode is in use, so every page was written at its last iput. */
    struct block_device *bdev = sb->bdev;
    int err = sb->ops->sync_fs ? sb->ops->sync_fs(sb) : 0;
    sb->ops->put_super(sb);             /* marks it clean, in the buffers */
    int sync_err = sync_blockdev(bdev);
    invalidate_bdev(bdev);
    list_del(&m->link);
    mutex_unlock(&mount_lock);
    kfree(m);
    if (err || sync_err)
        pr_err("vfs: unmounted %s, but writing it back to %s failed (%d)\n", path, bdev->name,
               err ? err : sync_err);
    return err ? err : sync_err;
}

/* Write every dirty page of every inode in use on sb and wait for them
 * (kswiod writes them, and takes no inode_lock). */
static int sync_inodes(struct super_block *sb)
{
    if (sb->read_only)
        return 0;
    int err = 0;
    mutex_lock(&sb->inode_lock);
    list_for_each(link, &sb->inodes) {
        int e = mapping_write_and_wait(&list_entry(link, struct inode, sb_link)->mapping);
        if (e && !err)
            err = e;
    }
    mutex_unlock(&sb->inode_lock);
    return err;
}

int vfs_sync(void)
{
    int err = 0;
    mutex_lock(&mount_lock);
    list_for_each(link, &mounts) {
        struct super_block *sb = list_entry(link, struct mount, link)->sb;
        int e = sync_inodes(sb);
        int e2 = sb->ops->sync_fs ? sb->ops->sync_fs(sb) : 0;
        if (!e)
            e = e2;
        if (!e)
            e = sync_blockdev(sb->bdev);
        if (e && !err)
            err = e;
    }
    mutex_unlock(&mount_lock);
    return err;
}

/* ---- inodes ---------------------------------------------------------------- */

struct inode *iget_error(struct super_block *sb, uint32_t ino, int *err)
{
    *err = 0;
    mutex_lock(&sb->inode_lock);
    list_for_each(link, &sb->inodes) {
        struct inode *i = list_entry(link, struct inode, sb_link);
        if (i->ino == ino) {
            i->refcount++;
            mutex_unlock(&sb->inode_lock);
            return i;
        }
    }
    struct inode *inode = kmalloc(sizeof(*inode), GFP_KERNEL | __GFP_ZERO);
    if (!inode) {
        mutex_unlock(&sb->inode_lock);
        *err = -ENOMEM;
        return NULL;
    }
    inode->sb = sb;
    inode->ino = ino;
    inode->refcount = 1;
    mapping_init(&inode->mapping, inode, sb->ops->aops);
    if ((*err = sb->ops->read_inode(inode)) < 0) {
        mutex_unlock(&sb->inode_lock);
        kfree(inode);
        return NULL;
    }
    list_add(&inode->sb_link, &sb->inodes);
    mutex_unlock(&sb->inode_lock);
    return inode;
}

struct inode *iget(struct super_block *sb, uint32_t ino)
{
    int err;
    return iget_error(sb, ino, &err);
}

void iput(struct inode *inode)
{
    if (!inode)
        return;
    struct super_block *sb = inode->sb;
    /* The page cache lives only as long as the inode (there is no inode
     * cache of unused inodes yet): the last user writes the dirty pages
     * before they go.  Not under inode_lock, which writeback must not
     * hold up; nobody can dirty a page without a reference, so the check
     * is made again under it. */
    for (;;) {
        mutex_lock(&sb->inode_lock);
        if (inode->refcount > 1) {
            inode->refcount--;
            mutex_unlock(&sb->inode_lock);
            return;
        }
        if (!inode->nlink || sb->read_only ||
            (!inode->mapping.nrdirty && !inode->mapping.nr_writeback)) {
            inode->refcount = 0;
            list_del(&inode->sb_link);
            mutex_unlock(&sb->inode_lock);
            break;
        }
        mutex_unlock(&sb->inode_lock);
        int err = mapping_write_and_wait(&inode->mapping);
        if (err) {
            pr_err("vfs: %s: inode %u: writing its pages failed (%d); they are lost\n",
                   sb->bdev->name, inode->ino, err);
            mutex_lock(&inode->mapping.lock);
            truncate_mapping_from(&inode->mapping, 0);
            mutex_unlock(&inode->mapping.lock);
        }
    }
    truncate_mapping(&inode->mapping);
    mapping_wait_writeback(&inode->mapping);    /* kswiod lets go of the mapping */
    if (sb->ops->drop_inode)
        sb->ops->drop_inode(inode);     /* frees an unlinked inode on disk */
    kfree(inode);
}

/* ---- paths ------------------------------------------------------------------- */

int vfs_lookup(const char *path, struct inode **out)
{
    int len = path_len(path);
    return len < 0 ? len : vfs_lookup_len(path, (size_t)len, out);
}

int vfs_lookup_len(const char *path, size_t len, struct inode **out)
{
    if (len >= VFS_PATH_MAX)
        return -ENAMETOOLONG;
    const char *rest = NULL, *end = path + len;
    mutex_lock(&mount_lock);
    struct mount *m = len && path[0] == '/' ? find_mount(path, len, &rest) : NULL;
    struct super_block *sb = m ? m->sb : NULL;
    /* Hold the root before letting go of the mount table: a held inode
     * makes an unmount that comes now say "busy" instead of freeing sb. */
    struct inode *dir = sb ? iget(sb, sb->root_ino) : NULL;
    mutex_unlock(&mount_lock);
    if (!sb)
        return -ENOENT;
    if (!dir)
        return -EIO;
    while (rest < end) {
        while (rest < end && *rest == '/')
            rest++;
        uint32_t n = 0;
        while (rest + n < end && rest[n] != '/')
            n++;
        if (!n)
            break;
        int err = 0;
        uint32_t ino;
        if (n > VFS_NAME_MAX)
            err = -ENAMETOOLONG;        /* no file system here could hold it */
        else if (!s_isdir(dir->mode))
            err = -ENOTDIR;
        if (!err) {
            mutex_lock(&sb->namespace_lock);
            err = sb->ops->lookup(dir, rest, n, &ino);
            mutex_unlock(&sb->namespace_lock);
        }
        iput(dir);
        if (err)
            return err;
        if (!(dir = iget_error(sb, ino, &err)))
            return err;
        rest += n;
    }
    *out = dir;
    return 0;
}

int vfs_stat(const char *path, struct kstat *st)
{
    struct inode *inode;
    int err = vfs_lookup(path, &inode);
    if (err)
        return err;
    *st = (struct kstat){ inode->ino, inode->mode, inode->nlink, inode->mtime, inode->size };
    iput(inode);
    return 0;
}

int vfs_read(struct inode *inode, uint64_t off, void *buf, uint32_t len)
{
    if (s_isdir(inode->mode))
        return -EISDIR;
    if (off >= inode->size)
        return 0;
    if (len > inode->size - off)
        len = (uint32_t)(inode->size - off);
    uint8_t *dst = buf;
    uint32_t done = 0;
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in_page = (uint32_t)(pos % PAGE_SIZE);
        uint32_t n = PAGE_SIZE - in_page < len - done ? PAGE_SIZE - in_page : len - done;
        int err;
        struct page *page = read_cache_page(&inode->mapping, (uint32_t)(pos / PAGE_SIZE), &err);
        if (!page)
            return done ? (int)done : err;
        memcpy(dst + done, (uint8_t *)page_address(page) + in_page, n);
        put_cache_page(page);
        done += n;
    }
    return (int)done;
}

int vfs_readdir(struct inode *dir, filldir_t fn, void *arg)
{
    if (!s_isdir(dir->mode))
        return -ENOTDIR;
    mutex_lock(&dir->sb->namespace_lock);
    int err = dir->sb->ops->readdir(dir, fn, arg);
    mutex_unlock(&dir->sb->namespace_lock);
    return err;
}

/* ---- writing ------------------------------------------------------------------ */

uint32_t vfs_now(const struct super_block *sb)
{
    return sb->time_base + (uint32_t)(timer_uptime_ms() / 1000);
}

static int check_writable(struct inode *inode)
{
    if (inode->sb->read_only)
        return -EROFS;
    return s_isreg(inode->mode) ? 0 : (s_isdir(inode->mode) ? -EISDIR : -EINVAL);
}

int vfs_write(struct inode *inode, uint64_t off, const void *buf, uint32_t len)
{
    int err = check_writable(inode);
    if (err)
        return err;
    if (off > inode->sb->max_bytes || len > inode->sb->max_bytes - off)
        return -EFBIG;
    struct address_space *mapping = &inode->mapping;
    const struct address_space_ops *aops = mapping->ops;
    const uint8_t *src = buf;
    uint32_t done = 0;
    /* The file's lock page by page, each page's memory taken before it
     * (lock_cache_page): kswiod may need the lock to write this file's
     * dirty pages, which the allocation's reclaim may be waiting for. */
    while (done < len) {
        uint64_t pos = off + done;
        uint32_t in_page = (uint32_t)(pos % PAGE_SIZE);
        uint32_t n = PAGE_SIZE - in_page < len - done ? PAGE_SIZE - in_page : len - done;
        struct page *page = lock_cache_page(mapping, (uint32_t)(pos / PAGE_SIZE), &err);
        if (page) {
            err = aops->prepare_write(mapping, page, in_page, in_page + n);
            if (!err) {
                memcpy((uint8_t *)page_address(page) + in_page, src + done, n);
                set_page_dirty(mapping, page);
                done += n;
                if (pos + n > inode->size)
                    inode->size = pos + n;
            }
            put_cache_page(page);
        }
        if (err)
            break;
        mutex_unlock(&mapping->lock);
    }
    if (!err)
        mutex_lock(&mapping->lock);
    struct super_block *sb = inode->sb;
    if (err)
        sb->ops->truncate(inode);       /* free blocks a failed page was given */
    inode->mtime = vfs_now(sb);
    int e = sb->ops->write_inode(inode);
    if (!err && !e && mapping->nrdirty > VFS_DIRTY_PAGES_MAX)
        mapping_start_writeback(mapping);   /* kswiod writes them; we go on */
    mutex_unlock(&mapping->lock);
    kswiod_kick();
    if (!err)
        err = e;
    return done ? (int)done : err;
}

int vfs_truncate(struct inode *inode, uint64_t size)
{
    int err = check_writable(inode);
    if (err)
        return err;
    if (size > inode->sb->max_bytes)
        return -EFBIG;
    struct address_space *mapping = &inode->mapping;
    mutex_lock(&mapping->lock);
    uint32_t in_page = (uint32_t)(size % PAGE_SIZE);
    if (in_page && size < inode->size) {
        /* The tail of the last page must read as zeros if the file grows
         * again: clear it in the cache, where the next writepage takes it. */
        struct page *page = grab_cache_page(mapping, (uint32_t)(size / PAGE_SIZE), &err);
        if (!page) {
            mutex_unlock(&mapping->lock);
            return err;
        }
        memset((uint8_t *)page_address(page) + in_page, 0, PAGE_SIZE - in_page);
        set_page_dirty(mapping, page);
        put_cache_page(page);
    }
    truncate_mapping_from(mapping, (uint32_t)((size + PAGE_SIZE - 1) / PAGE_SIZE));
    uint64_t old_size = inode->size;
    inode->size = size;
    inode->mtime = vfs_now(inode->sb);
    err = inode->sb->ops->truncate(inode);
    if (err)
        inode->size = old_size;     /* refused (a damaged map): its blocks are all there */
    mutex_unlock(&mapping->lock);
    return err;
}

int vfs_fsync(struct inode *inode)
{
    if (inode->sb->read_only)
        return 0;
    int err = mapping_write_and_wait(&inode->mapping);
    int e = sync_blockdev(inode->sb->bdev);
    return err ? err : e;
}
