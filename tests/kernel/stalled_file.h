/*
 * stalled_file.h - a file whose writeback is stuck on a stalled device,
 * for the tests and the benchmark that show a stall staying with its
 * device (test_writeback_stall.c, bench=swap_during_stall).
 *
 * stalled_file_start mounts dev on /mnt, dirties a shared mapping of a
 * sparse file there, stalls dev (blkdev_stall: a server holding its
 * requests) and has reclaim hand the file's pages to dev's kswiod, which
 * then blocks in ext2_writepages.  stalled_file_finish lets dev go,
 * fsyncs, checks every word through the mapping and unmounts.
 */
#pragma once
#include <stdint.h>

struct block_device;
struct inode;
struct vm_space;

struct stalled_file {
    struct block_device *dev;
    struct inode *inode;
    struct vm_space *space;
    uint32_t seed;
    uint32_t bad;               /* words that did not read back (stalled_file_finish) */
};

/* 0 with pages of the file handed to dev's kswiod and stuck, or an errno
 * (-EAGAIN: reclaim handed none over). */
int stalled_file_start(struct stalled_file *f, struct block_device *dev, uint32_t seed);
/* The file's pages still waiting for their write. */
uint32_t stalled_file_waiting(const struct stalled_file *f);
/* 0, or the first errno; f->bad then says how many words differed. */
int stalled_file_finish(struct stalled_file *f);
