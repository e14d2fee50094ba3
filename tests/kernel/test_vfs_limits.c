/*
 * test_vfs_limits.c - the VFS's limits on names and paths are reached
 * exactly and refused explicitly: a path of VFS_PATH_MAX - 1 bytes (255-byte
 * names, one directory inside the other) works in every call, one byte
 * more is -ENAMETOOLONG in every call, and so is a 256-byte name -- never
 * a cut name, and never a -ENOENT that hides why.
 *
 * KTEST_MANUAL: hda must be a private copy of an ext2 image;
 * tests/harness/ext2_tests.py provides it and then runs e2fsck -fn and
 * reads the deepest file back with debugfs (LONG_PATH_TEXT).
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "slab.h"
#include "vfs.h"

#define MNT "/mnt"
#define LONG_PATH_TEXT "at the end of a path of 4095 bytes\n"

/* path (VFS_PATH_MAX + 2 bytes of room) := MNT, then directories named
 * 255 times their level's letter, made on the way, until one name of at
 * most 255 bytes makes the path VFS_PATH_MAX - 1 long.  Returns the length. */
static size_t make_deep_dirs(char *path)
{
    size_t len = strlcpy(path, MNT, VFS_PATH_MAX);
    for (char c = 'a'; VFS_PATH_MAX - 1 - len - 1 > VFS_NAME_MAX; c++) {
        path[len] = '/';
        memset(path + len + 1, c, VFS_NAME_MAX);
        len += 1 + VFS_NAME_MAX;
        path[len] = '\0';
        KASSERT_EQ(vfs_mkdir(path), 0);
    }
    return len;
}

/* Append '/' and a name of n 'z's. */
static void append_name(char *path, size_t len, size_t n)
{
    path[len] = '/';
    memset(path + len + 1, 'z', n);
    path[len + 1 + n] = '\0';
}

static void check_file(const char *path, const char *text)
{
    struct inode *inode;
    char buf[64];
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    int n = vfs_read(inode, 0, buf, sizeof(buf));
    iput(inode);
    KASSERT_EQ(n, (int)strlen(text));
    KASSERT(memcmp(buf, text, n) == 0);
}

KTEST_MANUAL(vfs_paths_of_4095_bytes_work_longer_ones_are_refused)
{
    char *path = kmalloc(VFS_PATH_MAX + 2, GFP_KERNEL);
    char *name = kmalloc(sizeof(MNT) + 1 + VFS_NAME_MAX + 1, GFP_KERNEL);
    KASSERT(path && name);
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);

    /* The longest path: VFS_PATH_MAX - 1 bytes, every call takes it. */
    size_t dirs = make_deep_dirs(path);
    append_name(path, dirs, VFS_PATH_MAX - 1 - dirs - 1);
    KASSERT_EQ(strlen(path), VFS_PATH_MAX - 1);
    KASSERT_EQ(vfs_create(path), 0);
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    KASSERT_EQ(vfs_write(inode, 0, LONG_PATH_TEXT, strlen(LONG_PATH_TEXT)),
               (int)strlen(LONG_PATH_TEXT));
    iput(inode);
    struct kstat st;
    KASSERT_EQ(vfs_stat(path, &st), 0);
    KASSERT_EQ(st.size, strlen(LONG_PATH_TEXT));

    /* One byte more: refused by every call, whatever the rest of it. */
    char *too_long = kmalloc(VFS_PATH_MAX + 2, GFP_KERNEL);
    KASSERT(too_long);
    memcpy(too_long, path, dirs);
    append_name(too_long, dirs, VFS_PATH_MAX - dirs - 1);
    KASSERT_EQ(strlen(too_long), VFS_PATH_MAX);
    KASSERT_EQ(vfs_lookup(too_long, &inode), -ENAMETOOLONG);
    KASSERT_EQ(vfs_stat(too_long, &st), -ENAMETOOLONG);
    KASSERT_EQ(vfs_create(too_long), -ENAMETOOLONG);
    KASSERT_EQ(vfs_mkdir(too_long), -ENAMETOOLONG);
    KASSERT_EQ(vfs_unlink(too_long), -ENAMETOOLONG);
    KASSERT_EQ(vfs_rename(path, too_long), -ENAMETOOLONG);
    KASSERT_EQ(vfs_mount("hdb", too_long, "ext2"), -ENAMETOOLONG);
    kfree(too_long);

    /* A name of 255 bytes is fine; of 256 it is refused, not looked for. */
    strlcpy(name, MNT, sizeof(MNT));
    append_name(name, strlen(MNT), VFS_NAME_MAX);
    KASSERT_EQ(vfs_create(name), 0);
    KASSERT_EQ(vfs_stat(name, &st), 0);
    append_name(name, strlen(MNT), VFS_NAME_MAX + 1);
    KASSERT_EQ(vfs_create(name), -ENAMETOOLONG);
    KASSERT_EQ(vfs_stat(name, &st), -ENAMETOOLONG);
    KASSERT_EQ(vfs_rename(path, name), -ENAMETOOLONG);

    /* And all of it is on the disk. */
    KASSERT_EQ(vfs_umount(MNT), 0);
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    check_file(path, LONG_PATH_TEXT);
    KASSERT_EQ(vfs_umount(MNT), 0);
    kfree(name);
    kfree(path);
}
