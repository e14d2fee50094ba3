/*
 * buffer.h - the buffer cache: blocks of block devices, in memory.
 *
 * A buffer holds one block (1, 2 or 4 KiB) of one device, in its own page.
 * There is at most one buffer per (device, block, size).  The flags:
 *   BH_UPTODATE  the data is the block's current content (read, or written
 *                by the kernel since)
 *   BH_DIRTY     the data is newer than the disk; sync and the flush task
 *                write it
 *   BH_LOCKED    IO is in flight (or someone holds it to start IO); only
 *                the locker touches data and flags meanwhile
 *   BH_ERROR     the last IO failed
 *
 *   getblk    find or make the buffer, not reading it; holds a reference
 *   bread     getblk and read it if not up to date; NULL on IO error
 *   brelse    drop the reference
 *   mark_buffer_dirty, bwrite (write now and wait), wait_on_buffer
 *   sync_blockdev  write every dirty buffer of a device and wait
 *   bforget   the block was freed: its cached copy (dirty or not) must never
 *             reach the disk again, where the block may soon hold file data
 *
 * Unreferenced clean buffers sit on an LRU and are dropped, oldest first,
 * when the cache is over BUFFER_CACHE_MAX (reclaim may drop them later).
 * A flush task writes dirty buffers older than a few seconds.
 *
 * wait_on_buffer() sleeps until one particular IO completes: exactly what
 * reclaim must never do (invariant 1 of docs/design.md, reclaim never
 * waits for a write: reclaim_check_wait reports it).  All calls may sleep.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "wait.h"

#define BH_UPTODATE     0x1u
#define BH_DIRTY        0x2u
#define BH_LOCKED       0x4u
#define BH_ERROR        0x8u

#define BUFFER_CACHE_MAX 512            /* buffers kept, at most (about) */

struct block_device;
struct page;

struct buffer_head {
    struct block_device *bdev;
    uint32_t blocknr;               /* in units of size */
    uint32_t size;
    uint8_t *data;                  /* size bytes, in page */
    struct page *page;
    volatile uint32_t flags;        /* BH_*; changed with interrupts off */
    int refcount;                   /* users; 0: on the LRU */
    uint64_t dirtied_at;            /* tick it became dirty */
    struct list_head hash_link;     /* on its hash chain */
    struct list_head lru_link;      /* on the LRU while unreferenced */
    struct wait_queue wait;         /* woken when BH_LOCKED clears */
};

void buffer_init(void);
struct buffer_head *getblk(struct block_device *bdev, uint32_t block, uint32_t size);
struct buffer_head *bread(struct block_device *bdev, uint32_t block, uint32_t size);
void brelse(struct buffer_head *bh);
void mark_buffer_dirty(struct buffer_head *bh);
/* Write it now and wait: 0 or -EIO. */
int bwrite(struct buffer_head *bh);
void wait_on_buffer(struct buffer_head *bh);
/* Write every dirty buffer of bdev and wait: 0 or -EIO. */
int sync_blockdev(struct block_device *bdev);
void bforget(struct block_device *bdev, uint32_t block, uint32_t size);
/* Forget every buffer of bdev (after sync; none may be in use): unmount. */
void invalidate_bdev(struct block_device *bdev);

struct buffer_stats {
    uint32_t buffers, dirty, lookups, hits, reads, writes, dropped;
    uint32_t flushed;           /* of the writes, those the flush task started */
};
void buffer_stats(struct buffer_stats *out);
