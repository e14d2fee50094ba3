/*
 * vfs.h - a minimal virtual file system: mounts, path lookup, inodes, and
 * the file operations the monitor and the tests use.
 *
 * There is no root file system: the name space is the mount table.  A path
 * is absolute; its longest mounted prefix picks the file system, and the
 * rest is looked up one component at a time from that file system's root.
 *
 * Inodes are cached per super block while referenced: iget/iput.  A file
 * system provides struct fs_ops; all of it may sleep.  Functions return 0
 * or a byte count, or a negative errno (-ENOENT, -ENOTDIR, -EIO, -EUCLEAN
 * for a corrupt file system, -EROFS, -EINVAL).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "mutex.h"
#include "pagecache.h"

#define VFS_PATH_MAX    128
#define VFS_NAME_MAX    255
#define MAX_MOUNTS      8

/* Mode bits, as ext2 and POSIX have them. */
#define S_IFMT      0170000
#define S_IFREG     0100000
#define S_IFDIR     0040000
#define S_IFLNK     0120000
static inline bool s_isdir(uint32_t mode) { return (mode & S_IFMT) == S_IFDIR; }
static inline bool s_isreg(uint32_t mode) { return (mode & S_IFMT) == S_IFREG; }

struct super_block;

struct inode {
    struct super_block *sb;
    uint32_t ino;
    uint32_t mode;
    uint32_t nlink;
    uint64_t size;
    uint32_t mtime;
    int refcount;                   /* under the super block's inode_lock */
    struct address_space mapping;   /* the file's pages */
    struct list_head sb_link;       /* on sb->inodes */
    void *fs_private;               /* the file system's own */
};

/* readdir calls it per entry; a nonzero return stops the walk. */
typedef int (*filldir_t)(void *arg, const char *name, uint32_t name_len, uint32_t ino,
                         uint32_t type);

struct fs_ops {
    /* Fill a new inode's fields (ino set) from disk. */
    int (*read_inode)(struct inode *inode);
    /* Free the file system's part of an inode nobody uses any more. */
    void (*drop_inode)(struct inode *inode);
    int (*lookup)(struct inode *dir, const char *name, uint32_t len, uint32_t *ino);
    int (*readdir)(struct inode *dir, filldir_t fn, void *arg);
    void (*put_super)(struct super_block *sb);
    int (*sync_fs)(struct super_block *sb);
    const struct address_space_ops *aops;
};

struct super_block {
    struct block_device *bdev;
    const struct fs_ops *ops;
    bool read_only;
    uint32_t root_ino;
    struct mutex inode_lock;        /* the inode list and reference counts */
    struct list_head inodes;
    void *fs_info;                  /* the file system's own */
};

struct kstat {
    uint32_t ino, mode, nlink, mtime;
    uint64_t size;
};

/* Mount dev (a block device name) at path with file system type fstype. */
int vfs_mount(const char *dev, const char *path, const char *fstype);
int vfs_umount(const char *path);
int vfs_sync(void);
/* Visit the mount table: path, device. */
void vfs_for_each_mount(void (*fn)(const char *path, struct super_block *sb, void *arg),
                        void *arg);

int vfs_lookup(const char *path, struct inode **out);
struct inode *iget(struct super_block *sb, uint32_t ino);    /* NULL: error, logged */
void iput(struct inode *inode);

int vfs_stat(const char *path, struct kstat *st);
/* Read up to len bytes at off; returns the bytes read (0 at the end). */
int vfs_read(struct inode *inode, uint64_t off, void *buf, uint32_t len);
int vfs_readdir(struct inode *dir, filldir_t fn, void *arg);
