/*
 * bench=ext2: write a 32 MiB file on the ext2 file system on hda and sync
 * it, then unmount (which drops every cached page and buffer), mount again
 * and read it back cold.  Wall-clock seconds from the TSC; make bench
 * runs it without -icount, on a fresh 64 MiB ext2 image.
 */
#include "kbench.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"
#include "vfs.h"
#include "x86.h"

#define FILE_BYTES  (32u << 20)
#define CHUNK       (64u << 10)
#define MOUNT       "/bench"
#define FILE        MOUNT "/bench.bin"

static uint64_t us_since(uint64_t t0, uint64_t hz)
{
    return (rdtsc() - t0) * 1000000 / hz;
}

/* Write the file and sync; the microseconds, or 0 after an error. */
static uint64_t write_and_sync(uint8_t *buf, uint64_t hz)
{
    struct inode *inode;
    int err = vfs_create(FILE);
    if (!err)
        err = vfs_lookup(FILE, &inode);
    if (err) {
        pr_err("bench ext2: cannot create %s: %d\n", FILE, err);
        return 0;
    }
    uint64_t t0 = rdtsc();
    for (uint32_t off = 0; off < FILE_BYTES && err >= 0; off += CHUNK)
        err = vfs_write(inode, off, buf, CHUNK);
    if (err >= 0)
        err = vfs_fsync(inode);
    if (err >= 0)
        err = vfs_sync();
    uint64_t us = us_since(t0, hz);
    iput(inode);
    if (err < 0)
        pr_err("bench ext2: writing failed: %d\n", err);
    return err < 0 ? 0 : us;
}

static uint64_t read_cold(uint8_t *buf, uint64_t hz)
{
    struct inode *inode;
    if (vfs_lookup(FILE, &inode) < 0)
        return 0;
    uint64_t t0 = rdtsc();
    int n = 1;
    for (uint32_t off = 0; off < FILE_BYTES && n > 0; off += CHUNK)
        n = vfs_read(inode, off, buf, CHUNK);
    uint64_t us = us_since(t0, hz);
    iput(inode);
    return n > 0 ? us : 0;
}

KBENCH(ext2)
{
    uint8_t *buf = kmalloc(CHUNK, GFP_KERNEL);
    if (!buf || vfs_mount("hda", MOUNT, "ext2") < 0) {
        pr_err("bench ext2: needs an ext2 file system on hda\n");
        kfree(buf);
        return;
    }
    for (uint32_t i = 0; i < CHUNK; i++)
        buf[i] = (uint8_t)(i * 31 + 7);
    uint64_t hz = bench_tsc_hz();
    uint64_t write_us = write_and_sync(buf, hz);
    int err = vfs_umount(MOUNT);
    if (!err)
        err = vfs_mount("hda", MOUNT, "ext2");
    uint64_t read_us = err ? 0 : read_cold(buf, hz);
    vfs_umount(MOUNT);
    kfree(buf);
    if (write_us && read_us) {
        bench_report_seconds("ext2", "write_32MiB_sync_s", write_us);
        bench_report_seconds("ext2", "read_32MiB_cold_s", read_us);
    }
}
