/*
 * test_ext2_write.c - writing ext2 through the VFS, judged from both sides.
 *
 * KTEST_MANUAL: each needs hda to be a private copy of an ext2 image
 * (tools/mkimages), which tests/harness/ext2_tests.py provides; the harness
 * then runs e2fsck -fn on the image and compares files with debugfs.  Each
 * test also checks what it can from inside: read back before and after an
 * unmount, the errno of every refusal.
 *
 * File contents come from ext2_pattern_byte(seed, i); ext2_tests.py
 * computes the same bytes.
 */
#include "cmdline.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "printk.h"
#include "slab.h"
#include "file.h"
#include "vfs.h"
#include "vsprintf.h"

#define MNT "/mnt"
#define CHUNK 1000                      /* not a divisor of a page or a block: partial writes */

static uint8_t ext2_pattern_byte(uint32_t seed, uint32_t i)
{
    return (uint8_t)(((i * 131u + seed) ^ (i >> 8)) & 0xff);
}

/* The disk under test: hda, or ext2_dev= (nbd0, for the NBD tests). */
static void mount_disk(void)
{
    const char *dev = cmdline_get("ext2_dev");
    KASSERT_EQ(vfs_mount(dev ? dev : "hda", MNT, "ext2"), 0);
}

/* Write size pattern bytes to path (made first), CHUNK bytes a call. */
static int write_pattern(const char *path, uint32_t seed, uint32_t size)
{
    int err = vfs_create(path);
    if (err)
        return err;
    struct inode *inode;
    if ((err = vfs_lookup(path, &inode)) != 0)
        return err;
    uint8_t *buf = kmalloc(CHUNK, GFP_KERNEL);
    KASSERT(buf);
    for (uint32_t off = 0; off < size && !err; off += CHUNK) {
        uint32_t n = size - off < CHUNK ? size - off : CHUNK;
        for (uint32_t i = 0; i < n; i++)
            buf[i] = ext2_pattern_byte(seed, off + i);
        int w = vfs_write(inode, off, buf, n);
        err = w < 0 ? w : (uint32_t)w != n ? -ENOSPC : 0;
    }
    kfree(buf);
    iput(inode);
    return err;
}

static void verify_pattern(const char *path, uint32_t seed, uint32_t size)
{
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    KASSERT_EQ(inode->size, size);
    uint8_t *buf = kmalloc(CHUNK, GFP_KERNEL);
    KASSERT(buf);
    for (uint32_t off = 0; off < size; off += CHUNK) {
        uint32_t n = size - off < CHUNK ? size - off : CHUNK;
        KASSERT_EQ(vfs_read(inode, off, buf, CHUNK), n);
        for (uint32_t i = 0; i < n; i++)
            if (buf[i] != ext2_pattern_byte(seed, off + i))
                ktest_fail(__FILE__, __LINE__, "%s: byte %u is 0x%x, expected 0x%x", path,
                           off + i, buf[i], ext2_pattern_byte(seed, off + i));
    }
    kfree(buf);
    iput(inode);
}

/* Sizes around each block-map boundary: direct -> indirect at 12 KiB
 * (1 KiB blocks) and 48 KiB (4 KiB blocks), indirect -> doubly indirect
 * at 268 KiB (1 KiB blocks).  The harness knows the same list. */
static const uint32_t boundary_sizes[] = {
    0, 1, 4095, 4097, 12287, 12288, 12289, 49151, 49152, 49153,
    274431, 274432, 274433, 300000,
};
#define NSIZES (sizeof(boundary_sizes) / sizeof(boundary_sizes[0]))

KTEST_MANUAL(ext2_write_boundary_files_read_back)
{
    char path[64];
    mount_disk();
    KASSERT_EQ(vfs_mkdir(MNT "/w"), 0);
    for (uint32_t i = 0; i < NSIZES; i++) {
        ksnprintf(path, sizeof(path), MNT "/w/size-%u", boundary_sizes[i]);
        KASSERT_EQ(write_pattern(path, i + 1, boundary_sizes[i]), 0);
        verify_pattern(path, i + 1, boundary_sizes[i]);     /* from the page cache */
    }
    KASSERT_EQ(vfs_umount(MNT), 0);
    mount_disk();
    for (uint32_t i = 0; i < NSIZES; i++) {
        ksnprintf(path, sizeof(path), MNT "/w/size-%u", boundary_sizes[i]);
        verify_pattern(path, i + 1, boundary_sizes[i]);     /* from the disk */
    }
    KASSERT_EQ(vfs_umount(MNT), 0);
}

#define DIRS 5
#define FILES_PER_DIR 200      /* 1000 files in all */

KTEST_MANUAL(ext2_write_many_files_created_and_removed)
{
    char path[64];
    mount_disk();
    for (int d = 0; d < DIRS; d++) {
        ksnprintf(path, sizeof(path), MNT "/many-%d", d);
        KASSERT_EQ(vfs_mkdir(path), 0);
        KASSERT_EQ(vfs_mkdir(path), -EEXIST);
        for (int f = 0; f < FILES_PER_DIR; f++) {
            ksnprintf(path, sizeof(path), MNT "/many-%d/file-with-a-longish-name-%03d", d, f);
            KASSERT_EQ(write_pattern(path, (uint32_t)(d * 1000 + f), (uint32_t)(f * 37)), 0);
        }
    }
    /* Every other file everywhere, then all of the last directory and the
     * directory itself: entries merge, blocks and inodes go back. */
    for (int d = 0; d < DIRS; d++)
        for (int f = 0; f < FILES_PER_DIR; f += (d == DIRS - 1 ? 1 : 2)) {
            ksnprintf(path, sizeof(path), MNT "/many-%d/file-with-a-longish-name-%03d", d, f);
            KASSERT_EQ(vfs_unlink(path), 0);
            KASSERT_EQ(vfs_unlink(path), -ENOENT);
        }
    ksnprintf(path, sizeof(path), MNT "/many-%d", DIRS - 1);
    KASSERT_EQ(vfs_rmdir(path), 0);
    /* Names freed in the middle of blocks are used again. */
    for (int f = 0; f < FILES_PER_DIR; f += 4) {
        ksnprintf(path, sizeof(path), MNT "/many-0/new-%03d", f);
        KASSERT_EQ(write_pattern(path, 7, 100), 0);
    }
    KASSERT_EQ(vfs_umount(MNT), 0);
    mount_disk();
    for (int d = 0; d < DIRS - 1; d++)
        for (int f = 1; f < FILES_PER_DIR; f += 2) {
            ksnprintf(path, sizeof(path), MNT "/many-%d/file-with-a-longish-name-%03d", d, f);
            verify_pattern(path, (uint32_t)(d * 1000 + f), (uint32_t)(f * 37));
        }
    struct kstat st;
    ksnprintf(path, sizeof(path), MNT "/many-%d", DIRS - 1);
    KASSERT_EQ(vfs_stat(path, &st), -ENOENT);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

#define FILL_CHUNK (64 * 1024)

/* Append pattern bytes to path until the disk is full; returns the size. */
static uint32_t fill(const char *path, uint32_t seed)
{
    KASSERT_EQ(vfs_create(path), 0);
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    uint8_t *buf = kmalloc(FILL_CHUNK, GFP_KERNEL);
    KASSERT(buf);
    uint32_t size = 0;
    for (;;) {
        for (uint32_t i = 0; i < FILL_CHUNK; i++)
            buf[i] = ext2_pattern_byte(seed, size + i);
        int n = vfs_write(inode, size, buf, FILL_CHUNK);
        if (n < 0) {
            KASSERT_EQ(n, -ENOSPC);
            break;
        }
        size += (uint32_t)n;
        if (n < FILL_CHUNK)
            break;
    }
    kfree(buf);
    KASSERT_EQ(inode->size, size);
    iput(inode);
    pr_info("test ext2_write_fill: %s holds %u bytes when the disk is full\n", path, size);
    return size;
}

KTEST_MANUAL(ext2_write_fill_until_enospc_then_reuse)
{
    mount_disk();
    uint32_t first = fill(MNT "/fill-1", 11);
    KASSERT(first > 1024 * 1024);
    /* Inodes are left, blocks are not: the file is made, its data refused. */
    KASSERT_EQ(write_pattern(MNT "/one-more", 1, 5000), -ENOSPC);
    KASSERT_EQ(vfs_unlink(MNT "/one-more"), 0);
    verify_pattern(MNT "/fill-1", 11, first);
    KASSERT_EQ(vfs_unlink(MNT "/fill-1"), 0);
    uint32_t second = fill(MNT "/fill-2", 12);
    KASSERT(second + 64 * 1024 >= first && first + 64 * 1024 >= second);
    /* Cut it back to 100 KiB (freeing indirect blocks), then write again. */
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(MNT "/fill-2", &inode), 0);
    KASSERT_EQ(vfs_truncate(inode, 100 * 1024), 0);
    iput(inode);
    KASSERT_EQ(write_pattern(MNT "/after", 13, 200 * 1024), 0);
    KASSERT_EQ(vfs_umount(MNT), 0);
    mount_disk();
    verify_pattern(MNT "/fill-2", 12, 100 * 1024);
    verify_pattern(MNT "/after", 13, 200 * 1024);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

KTEST_MANUAL(ext2_rename_and_rmdir_semantics)
{
    struct kstat st, st2;
    mount_disk();
    KASSERT_EQ(vfs_mkdir(MNT "/r"), 0);
    KASSERT_EQ(vfs_mkdir(MNT "/r/sub"), 0);
    KASSERT_EQ(write_pattern(MNT "/r/sub/f", 21, 3000), 0);
    KASSERT_EQ(vfs_rmdir(MNT "/r"), -ENOTEMPTY);
    KASSERT_EQ(vfs_rmdir(MNT "/r/sub/f"), -ENOTDIR);
    KASSERT_EQ(vfs_unlink(MNT "/r/sub"), -EISDIR);
    KASSERT_EQ(vfs_stat(MNT "/r", &st), 0);
    KASSERT_EQ(st.nlink, 3);                            /* name, ".", sub's ".." */

    /* Over an existing file: the target's data goes, the source's stays. */
    KASSERT_EQ(write_pattern(MNT "/r/a", 22, 20000), 0);
    KASSERT_EQ(write_pattern(MNT "/r/b", 23, 300000), 0);
    KASSERT_EQ(vfs_rename(MNT "/r/a", MNT "/r/b"), 0);
    KASSERT_EQ(vfs_stat(MNT "/r/a", &st), -ENOENT);
    verify_pattern(MNT "/r/b", 22, 20000);
    /* Across directories, a file and a directory. */
    KASSERT_EQ(vfs_rename(MNT "/r/b", MNT "/r/sub/moved"), 0);
    KASSERT_EQ(vfs_mkdir(MNT "/other"), 0);
    KASSERT_EQ(vfs_rename(MNT "/r/sub", MNT "/other/sub2"), 0);
    KASSERT_EQ(vfs_stat(MNT "/r", &st), 0);
    KASSERT_EQ(st.nlink, 2);
    KASSERT_EQ(vfs_stat(MNT "/other", &st), 0);
    KASSERT_EQ(st.nlink, 3);
    KASSERT_EQ(vfs_stat(MNT "/other/sub2/..", &st2), 0);
    KASSERT_EQ(st2.ino, st.ino);                        /* ".." follows the move */
    KASSERT_EQ(vfs_rename(MNT "/other", MNT "/other/sub2/loop"), -EINVAL);
    KASSERT_EQ(vfs_rename(MNT "/nothing", MNT "/x"), -ENOENT);
    KASSERT_EQ(vfs_rename(MNT "/other/sub2", MNT "/r/sub"), 0);   /* back */
    KASSERT_EQ(vfs_rmdir(MNT "/other"), 0);
    /* A directory over an empty directory; not over a full one. */
    KASSERT_EQ(vfs_mkdir(MNT "/empty-dir"), 0);
    KASSERT_EQ(vfs_rename(MNT "/r", MNT "/empty-dir"), 0);
    KASSERT_EQ(vfs_mkdir(MNT "/r"), 0);
    KASSERT_EQ(vfs_rename(MNT "/r", MNT "/empty-dir"), -ENOTEMPTY);
    KASSERT_EQ(vfs_rename(MNT "/r", MNT "/empty-dir/sub/moved"), -ENOTDIR);
    KASSERT_EQ(vfs_rename(MNT "/empty-dir/sub/moved", MNT "/r"), -EISDIR);
    KASSERT_EQ(vfs_rmdir(MNT "/r"), 0);
    /* Truncate inside the file: the tail reads as zeros when it grows back. */
    KASSERT_EQ(write_pattern(MNT "/t", 24, 50000), 0);
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(MNT "/t", &inode), 0);
    KASSERT_EQ(vfs_truncate(inode, 5000), 0);
    KASSERT_EQ(vfs_truncate(inode, 9000), 0);
    uint8_t byte = 1;
    KASSERT_EQ(vfs_read(inode, 6000, &byte, 1), 1);
    KASSERT_EQ(byte, 0);
    KASSERT_EQ(vfs_truncate(inode, 5000), 0);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
    mount_disk();
    verify_pattern(MNT "/empty-dir/sub/moved", 22, 20000);
    verify_pattern(MNT "/empty-dir/sub/f", 21, 3000);
    verify_pattern(MNT "/t", 24, 5000);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

/* Open files keep a position: reads and writes move it, lseek sets it (a
 * write past the end leaves a hole of zeros), O_APPEND writes at the end,
 * O_TRUNC empties, and the access mode is enforced. */
KTEST_MANUAL(vfs_open_files_read_write_lseek)
{
    mount_disk();
    int err;
    struct file *f = file_open(MNT "/opened", O_RDWR | O_CREAT, &err);
    KASSERT(f != NULL);
    KASSERT_EQ(file_write(f, "hello, ", 7), 7);
    KASSERT_EQ(file_write(f, "world", 5), 5);
    KASSERT_EQ(file_lseek(f, 0, SEEK_CUR), 12);
    char buf[32] = { 0 };
    KASSERT_EQ(file_lseek(f, 7, SEEK_SET), 7);
    KASSERT_EQ(file_read(f, buf, sizeof(buf)), 5);
    KASSERT(memcmp(buf, "world", 5) == 0);
    KASSERT_EQ(file_read(f, buf, sizeof(buf)), 0);          /* at the end */
    KASSERT_EQ(file_lseek(f, 4000, SEEK_END), 4012);        /* past the end ... */
    KASSERT_EQ(file_write(f, "!", 1), 1);                   /* ... leaves a hole */
    KASSERT_EQ(file_lseek(f, -5000, SEEK_CUR), -EINVAL);
    /* Without large_file, i_size stops short of 2 GiB: no wrap-around. */
    KASSERT_EQ(file_lseek(f, 0x80000000LL, SEEK_SET), 0x80000000LL);
    KASSERT_EQ(file_write(f, "x", 1), -EFBIG);
    KASSERT_EQ(file_lseek(f, 4012, SEEK_SET), 4012);
    KASSERT_EQ(file_lseek(f, 0, 7), -EINVAL);
    struct kstat st;
    file_stat(f, &st);
    KASSERT_EQ(st.size, 4013);
    file_put(f);

    f = file_open(MNT "/opened", O_WRONLY | O_APPEND, &err);
    KASSERT(f != NULL);
    KASSERT_EQ(file_read(f, buf, 1), -EBADF);
    KASSERT_EQ(file_write(f, "?", 1), 1);                   /* at 4013, the end */
    file_put(f);

    f = file_open(MNT "/opened", O_RDONLY, &err);
    KASSERT_EQ(file_write(f, "x", 1), -EBADF);
    KASSERT_EQ(file_lseek(f, 12, SEEK_SET), 12);
    KASSERT_EQ(file_read(f, buf, 4), 4);
    for (int i = 0; i < 4; i++)
        KASSERT_EQ(buf[i], 0);                              /* the hole reads as zeros */
    file_put(f);

    f = file_open(MNT "/truncated", O_WRONLY | O_CREAT, &err);
    KASSERT_EQ(file_write(f, "0123456789", 10), 10);
    file_put(f);
    f = file_open(MNT "/truncated", O_WRONLY | O_TRUNC, &err);
    KASSERT_EQ(file_write(f, "ab", 2), 2);
    file_put(f);
    /* 70 MiB in, with 1 KiB blocks, is past 12 + 256 + 65536 KiB: the
     * byte lands under the triple indirect block (e2fsck checks the map). */
    f = file_open(MNT "/sparse-triple", O_RDWR | O_CREAT, &err);
    KASSERT(f != NULL);
    KASSERT_EQ(file_lseek(f, 70 << 20, SEEK_SET), 70 << 20);
    KASSERT_EQ(file_write(f, "T", 1), 1);
    file_put(f);
    KASSERT_EQ(vfs_umount(MNT), 0);
    mount_disk();
    f = file_open(MNT "/sparse-triple", O_RDONLY, &err);
    KASSERT(f != NULL);
    KASSERT_EQ(file_lseek(f, (70 << 20) - 2, SEEK_SET), (70 << 20) - 2);
    KASSERT_EQ(file_read(f, buf, 8), 3);
    KASSERT(buf[0] == 0 && buf[1] == 0 && buf[2] == 'T');
    file_put(f);

    KASSERT(file_open(MNT "/missing", O_RDONLY, &err) == NULL);
    KASSERT_EQ(err, -ENOENT);
    KASSERT(file_open(MNT, O_WRONLY, &err) == NULL);
    KASSERT_EQ(err, -EISDIR);
    KASSERT_EQ(vfs_umount(MNT), 0);
}
