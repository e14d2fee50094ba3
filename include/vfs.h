/*
 * vfs.h - a minimal virtual file system: mounts, path lookup, inodes, and
 * the file operations the monitor and the tests use.
 *
 * There is no root file system: the name space is the mount table (a list:
 * any number of mounts).  A path is absolute; its longest mounted prefix
 * picks the file system, and the rest is looked up one component at a time
 * from that file system's root.
 *
 * Limits, and what hitting them gives (never a silent cut): a path of
 * VFS_PATH_MAX bytes or more (Linux's PATH_MAX, counting the terminating
 * NUL) and a component longer than VFS_NAME_MAX (ext2's 255) are refused
 * with -ENAMETOOLONG by every call that takes a path, vfs_mount included.
 *
 * Inodes are cached per super block while referenced: iget/iput.  A file
 * system provides struct fs_ops; all of it may sleep.  Functions return 0
 * or a byte count, or a negative errno (-ENOENT, -ENOTDIR, -EIO, -EUCLEAN
 * for a corrupt file system, -EROFS, -EINVAL, -EEXIST, -ENOSPC,
 * -ENOTEMPTY, -EXDEV).
 *
 * Writing.  vfs_write copies into page cache pages (the file system's
 * prepare_write gives them disk blocks first, so -ENOSPC is the writer's)
 * and marks them dirty; kswiod writes them, through the file system's
 * writepages: when a file has more than VFS_DIRTY_PAGES_MAX dirty pages
 * (vfs_write hands them over and goes on), when reclaim picks one, and at
 * vfs_fsync, vfs_sync, unmount and the last iput of the inode, which wait
 * for it.  Inode fields go to the file system's buffers at once
 * (write_inode); sync writes the buffers.
 *
 * Locks, outermost first: sb->namespace_lock (every directory change and
 * every directory read of one file system: one lock where Linux has one
 * per directory, which also makes rename simple), sb->inode_lock, an
 * inode's mapping->lock (its pages, size and block map), then the file
 * system's own (ext2: lock_super).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "file_abi.h"            /* the mode bits */
#include "list.h"
#include "mutex.h"
#include "pagemap.h"

#define VFS_PATH_MAX    4096        /* bytes, with the NUL: the longest path is 4095 */
#define VFS_NAME_MAX    255

static inline bool s_isdir(uint32_t mode) { return (mode & S_IFMT) == S_IFDIR; }
static inline bool s_isreg(uint32_t mode) { return (mode & S_IFMT) == S_IFREG; }

struct super_block;

struct inode {
    struct super_block *sb;
    uint32_t ino;
    uint32_t mode;
    uint32_t nlink;
    uint64_t size;
    uint32_t mtime;                 /* also written as ctime and atime */
    int refcount;                   /* under the super block's inode_lock */
    struct address_space mapping;   /* the file's pages */
    struct list_head sb_link;       /* on sb->inodes */
    void *fs_private;               /* the file system's own */
};

/* readdir calls it per entry; a nonzero return stops the walk.  type is
 * the entry's d_type (DT_REG, DT_DIR, ...: file_abi.h), DT_UNKNOWN when
 * the file system does not keep it. */
typedef int (*filldir_t)(void *arg, const char *name, uint32_t name_len, uint32_t ino,
                         uint32_t type);

struct fs_ops {
    /* Fill a new inode's fields (ino set) from disk. */
    int (*read_inode)(struct inode *inode);
    /* Free the file system's part of an inode nobody uses any more. */
    void (*drop_inode)(struct inode *inode);
    int (*lookup)(struct inode *dir, const char *name, uint32_t len, uint32_t *ino);
    int (*readdir)(struct inode *dir, filldir_t fn, void *arg);
    /* Write what the file system keeps in memory to its buffers: the
     * superblock's counts.  Not the inodes' pages: the VFS does those. */
    int (*sync_fs)(struct super_block *sb);
    /* Unmount, after the VFS wrote every page: mark the file system
     * clean (in its buffers; the VFS syncs them after) and free it. */
    void (*put_super)(struct super_block *sb);

    /* Writing; the VFS checks sb->read_only, names and types first. */
    /* Copy the inode's fields to its disk copy. */
    int (*write_inode)(struct inode *inode);
    /* Free the blocks past inode->size (already set, pages already
     * dropped, mapping->lock held) and write the inode.  On an error the
     * VFS puts the old size back: a file system refuses before freeing. */
    int (*truncate)(struct inode *inode);
    /* A new empty file or, when s_isdir(mode), directory named name in dir;
     * namespace_lock held, name not in dir. */
    int (*create)(struct inode *dir, const char *name, uint32_t len, uint32_t mode);
    /* Remove the entry name from dir; the inode is freed at its last iput. */
    int (*unlink)(struct inode *dir, const char *name, uint32_t len, struct inode *victim);
    /* Move the entry; target is the inode new_name names now, or NULL. */
    int (*rename)(struct inode *old_dir, const char *old_name, uint32_t old_len,
                  struct inode *new_dir, const char *new_name, uint32_t new_len,
                  struct inode *moved, struct inode *target);
    const struct address_space_ops *aops;
};

struct super_block {
    struct block_device *bdev;
    const struct fs_ops *ops;
    bool read_only;
    uint32_t root_ino;
    uint32_t time_base;             /* seconds since 1970 at boot, as the fs guesses it */
    uint64_t max_bytes;             /* the largest file the format can hold */
    struct mutex namespace_lock;    /* directory contents (see above) */
    struct mutex inode_lock;        /* the inode list and reference counts */
    struct list_head inodes;
    void *fs_info;                  /* the file system's own */
};

struct kstat {
    uint32_t ino, mode, nlink, mtime;
    uint64_t size;
};

/* A kind of file system vfs_mount() can mount, as Linux's.  Registered
 * once at boot, after vfs_init(), by the file system (ext2_init()), and
 * never removed; the VFS names no file system itself. */
struct file_system_type {
    const char *name;               /* what vfs_mount()'s fstype names: "ext2" */
    /* Read and check bdev's file system: 0 and *out, or a negative errno
     * after a log line saying what is wrong. */
    int (*mount)(struct block_device *bdev, struct super_block **out);
    struct list_head link;          /* on the VFS's list; under the mount table's lock */
};

void vfs_init(void);
/* Add fs to the types vfs_mount() knows: 0, or -EBUSY when one of that
 * name is there already (said in the log). */
int register_filesystem(struct file_system_type *fs);
/* Mount dev (a block device name) at path with file system type fstype:
 * -ENODEV when no registered type has that name. */
int vfs_mount(const char *dev, const char *path, const char *fstype);
/* Unmount path: 0, or -ENOENT, -EBUSY (files in use; still mounted), or
 * the error of writing it back -- then it is unmounted all the same
 * (logged): a dead device must not keep a mount forever. */
int vfs_umount(const char *path);
/* Call fn for every mount, in the order they were made: its device, where
 * it is mounted, whether read-only.  A view: only trylocks the mount
 * table, and gives -EBUSY while a mount or umount holds it (one stuck on
 * a dead device must not wedge the monitor too). */
int vfs_for_each_mount(void (*fn)(void *arg, const char *dev, const char *path,
                                  bool read_only), void *arg);
int vfs_sync(void);

int vfs_lookup(const char *path, struct inode **out);
/* The same for the first len bytes of path (the parent of a path's last
 * component, without copying it). */
int vfs_lookup_len(const char *path, size_t len, struct inode **out);
/* The inode, referenced; NULL on error, logged, and *err says which:
 * -ENOMEM, or the file system's (-EIO: the device failed, so the disk,
 * not the file system, is to blame; -EUCLEAN: the inode is damaged). */
struct inode *iget_error(struct super_block *sb, uint32_t ino, int *err);
struct inode *iget(struct super_block *sb, uint32_t ino);    /* the same, no errno */
void iput(struct inode *inode);

int vfs_stat(const char *path, struct kstat *st);
/* Read up to len bytes at off; returns the bytes read (0 at the end). */
int vfs_read(struct inode *inode, uint64_t off, void *buf, uint32_t len);
/* fn must not call back into the VFS's directory operations (the
 * namespace lock is held); iget is fine. */
int vfs_readdir(struct inode *dir, filldir_t fn, void *arg);

#define VFS_DIRTY_PAGES_MAX 64      /* per file, before vfs_write hands them to kswiod */

/* Seconds since 1970, as well as swiod knows (no clock chip driver yet:
 * the file system's last write time plus the uptime). */
uint32_t vfs_now(const struct super_block *sb);
/* Write len bytes at off, growing the file; returns the bytes written
 * (fewer only when an error stopped it after some) or an errno. */
int vfs_write(struct inode *inode, uint64_t off, const void *buf, uint32_t len);
/* Cut or extend (with a hole) the file to size bytes. */
int vfs_truncate(struct inode *inode, uint64_t size);
/* Write the file's dirty pages and then every dirty buffer of its device. */
int vfs_fsync(struct inode *inode);
int vfs_create(const char *path);
int vfs_mkdir(const char *path);
int vfs_unlink(const char *path);              /* a file */
int vfs_rmdir(const char *path);               /* an empty directory */
/* Move old to new in the same file system, replacing a file (or an empty
 * directory, when old is one) at new. */
int vfs_rename(const char *old_path, const char *new_path);
