/*
 * test_buffer.c - the buffer cache on ram0: one buffer per block, reads
 * that hit, writes that reach the disk only when synced, and an LRU that
 * keeps the cache bounded without dropping anything dirty.
 */
#include "blkdev.h"
#include "buffer.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "slab.h"

#define BLOCK 1024

static uint8_t *read_raw(struct block_device *dev, uint32_t block)
{
    static uint8_t raw[BLOCK] __attribute__((aligned(512)));
    KASSERT_EQ(blkdev_rw(dev, block * (BLOCK / SECTOR_SIZE), raw, BLOCK, BIO_READ), 0);
    return raw;
}

KTEST(buffer_cache_reads_writes_and_syncs)
{
    struct block_device *dev = blkdev_find("ram0");
    KASSERT(dev);
    struct buffer_stats s0, s1;
    buffer_stats(&s0);

    struct buffer_head *a = bread(dev, 10, BLOCK);
    KASSERT(a && (a->flags & BH_UPTODATE));
    struct buffer_head *b = bread(dev, 10, BLOCK);
    KASSERT(a == b);                                /* one buffer per block */
    buffer_stats(&s1);
    KASSERT_EQ(s1.hits, s0.hits + 1);
    KASSERT_EQ(s1.reads, s0.reads + 1);             /* the second was a hit */
    brelse(b);

    memset(a->data, 0xA5, BLOCK);
    mark_buffer_dirty(a);
    KASSERT(read_raw(dev, 10)[0] != 0xA5);          /* not on disk yet */
    KASSERT_EQ(sync_blockdev(dev), 0);
    KASSERT(!(a->flags & BH_DIRTY));
    KASSERT_EQ(read_raw(dev, 10)[BLOCK - 1], 0xA5);
    memset(a->data, 0x3C, BLOCK);
    KASSERT_EQ(bwrite(a), 0);
    KASSERT_EQ(read_raw(dev, 10)[7], 0x3C);
    brelse(a);

    KASSERT(bread(dev, dev->nr_sectors, BLOCK) == NULL);   /* past the end: an error */
}

KTEST(buffer_cache_stays_bounded_and_keeps_dirty_data)
{
    struct block_device *dev = blkdev_find("ram0");
    KASSERT(dev);
    struct buffer_head *dirty = bread(dev, 3, BLOCK);
    KASSERT(dirty);
    memset(dirty->data, 0x77, BLOCK);
    mark_buffer_dirty(dirty);
    brelse(dirty);                                  /* unreferenced but dirty */

    for (uint32_t blk = 100; blk < 100 + 2 * BUFFER_CACHE_MAX; blk++) {
        struct buffer_head *bh = bread(dev, blk, BLOCK);
        KASSERT(bh);
        brelse(bh);
    }
    struct buffer_stats s;
    buffer_stats(&s);
    KASSERT(s.buffers <= BUFFER_CACHE_MAX + 1);
    KASSERT(s.dropped >= BUFFER_CACHE_MAX);

    struct buffer_head *again = getblk(dev, 3, BLOCK);  /* still cached, still dirty */
    KASSERT(again == dirty);
    KASSERT(again->flags & BH_DIRTY);
    KASSERT_EQ(again->data[5], 0x77);
    brelse(again);
    KASSERT_EQ(sync_blockdev(dev), 0);
    KASSERT_EQ(read_raw(dev, 3)[5], 0x77);
}
