/*
 * test_vfs_mount.c - vfs_mount() finds file system types by name in what
 * was registered (register_filesystem()), and in nothing else: an unknown
 * type is -ENODEV with a log line, a registered one has its mount called
 * with the device, and a second type of a taken name is refused.  On
 * ram0 (the ramdisk), which no test type actually reads.
 */
#include "blkdev.h"
#include "kerrno.h"
#include "ktest.h"
#include "printk.h"
#include "vfs.h"

#define MNT "/testfs"             /* a path no other test mounts on */

static struct block_device *mounted_dev;   /* what test_type_mount was given */
static int test_type_calls;

/* A type whose mount only notes its call and refuses, so nothing is mounted. */
static int test_type_mount(struct block_device *bdev, struct super_block **out)
{
    (void)out;
    mounted_dev = bdev;
    test_type_calls++;
    return -EIO;
}

static struct file_system_type test_type = { .name = "testfs", .mount = test_type_mount };
static struct file_system_type ext2_again = { .name = "ext2", .mount = test_type_mount };

KTEST(vfs_mount_knows_only_registered_file_system_types)
{
    struct block_device *ram0 = blkdev_find("ram0");
    KASSERT(ram0 != NULL);

    uint32_t mark = log_mark();
    KASSERT_EQ(vfs_mount("ram0", MNT, "testfs"), -ENODEV);
    KASSERT(log_contains(mark, "vfs: unknown file system type testfs"));
    KASSERT_EQ(test_type_calls, 0);

    KASSERT_EQ(register_filesystem(&test_type), 0);
    KASSERT_EQ(vfs_mount("ram0", MNT, "testfs"), -EIO);
    KASSERT_EQ(test_type_calls, 1);
    KASSERT(mounted_dev == ram0);

    mark = log_mark();
    KASSERT_EQ(register_filesystem(&ext2_again), -EBUSY);
    KASSERT(log_contains(mark, "vfs: file system type ext2 is registered already"));
    KASSERT_EQ(vfs_umount(MNT), -ENOENT);   /* the refused mount left nothing */
}
