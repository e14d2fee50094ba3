/*
 * pagemap.h - the page cache: file data in pages, by (file, index).  The
 * code is mm/filemap.c; both names are Linux's.
 *
 * Each file has an address_space: the pages of it that are in memory,
 * found by their index (file offset / PAGE_SIZE).  A page in the cache has
 * page->owner = the address_space and page->index set, so reclaim can find
 * its way back from a page to its file.
 *
 * Reading: read_cache_page() returns the page holding index, reading it
 * through the file system's readpage if it is not cached or not up to
 * date, with a reference held: put_cache_page() drops it.  The file
 * system's readpage fills the whole page (zeros past the end of the file,
 * and for holes).
 *
 * Writing (the caller holds mapping->lock for all of these):
 *   grab_cache_page     the page for index, read first if it is not up to
 *                       date (a partial write keeps the rest), referenced
 *   prepare_write (op)  before copying in [from, to) of the page: the file
 *                       system gives those bytes disk blocks, so that
 *                       -ENOSPC reaches the writer, not the writeback
 *   set_page_dirty      the page is newer than the disk (PG_dirty)
 *
 * Writeback.  Every page write is kswiod's (mm/kswiod.c): the dirty pages
 * of a file are handed to it (mapping_start_writeback), and whoever needs
 * them on disk waits (mapping_write_and_wait: fsync, sync, the last
 * iput).  kswiod writes them in batches of consecutive queued pages of one
 * file with pagecache_write_pages, through the file system's writepages
 * (or writepage, one page at a time), which allocate blocks for parts
 * that have none (a page dirtied through a mapping) and wait for the IO.
 *
 * Reclaim.  Every cached page is on the LRU (mm/).  Reclaim frees a
 * clean page nobody else holds, and hands a dirty one to kswiod the same
 * way; it only ever trylocks the mapping.
 *
 * A dead device (blkdev_dead: its driver says every write will fail, for
 * good).  Retrying its pages would only loop -- reclaim handing the same
 * pages to kswiod, kswiod failing them at once -- so once the file's
 * device is dead its dirty pages are not handed to kswiod any more: they
 * stay dirty in memory (nothing is lost while the kernel runs), reclaim
 * passes them over (PCR_UNWRITABLE), kswiod says so once per file, and
 * fsync gives -EIO for as long as they are there.  After any other failed
 * write reclaim passes the file's dirty pages over for a while too
 * (WRITE_RETRY_MS), and the next fsync returns the error.  A page under writeback counts
 * in mapping->nr_writeback until kswiod is done with it, and the inode is
 * not freed before that count is 0 (mapping_wait_writeback): kswiod may
 * still have to write it.
 *
 * Locking: mapping->lock (a mutex) serialises lookups, insertions,
 * readpage and writepage for one file -- and, for the file system, the
 * file's size and block map.  It is taken before the file system's own
 * locks (ext2's lock_super).  All calls may sleep.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "mutex.h"

struct page;
struct inode;
struct address_space;

struct address_space_ops {
    /* Fill page (index page->index) from disk: 0 or a negative errno. */
    int (*readpage)(struct address_space *mapping, struct page *page);
    /* Write page to disk and wait: 0 or a negative errno (-EIO, -ENOSPC).
     * kswiod will call it for one page at a time. */
    int (*writepage)(struct address_space *mapping, struct page *page);
    /* Optional: writepage for n pages sorted by index, their IO all in
     * flight at once (writeback); 0 or the first error. */
    int (*writepages)(struct address_space *mapping, struct page **pages, int n);
    /* Optional: start reading n pages sorted by index (each PG_locked and
     * with a reference for the IO) and return without waiting; when all
     * of it has ended -- in interrupt context, perhaps -- call
     * pagecache_readahead_end(pages, n, 0 or an errno) (pages: a copy).
     * A negative errno means nothing was started. */
    int (*readahead)(struct address_space *mapping, struct page **pages, int n);
    /* Give bytes [from, to) of page disk blocks before they are written. */
    int (*prepare_write)(struct address_space *mapping, struct page *page,
                         uint32_t from, uint32_t to);
};

struct address_space {
    struct inode *host;
    const struct address_space_ops *ops;
    struct mutex lock;
    struct list_head pages;         /* struct cached_page, by insertion */
    uint32_t nrpages;
    uint32_t nrdirty;               /* pages with PG_dirty; under lock */
    uint32_t nr_writeback;          /* pages given to kswiod and not yet done (atomic) */
    uint32_t wb_epoch;              /* pages handed over now count in nr_wb_epoch[wb_epoch
                                     * & 1]; under lock (see mapping_write_and_wait) */
    uint32_t nr_wb_epoch[2];        /* nr_writeback by the epoch's parity (atomic) */
    int wb_error;                   /* a write of kswiod's failed: for the next fsync */
    uint64_t wb_retry_ms;           /* ... and reclaim leaves its dirty pages until this
                                     * uptime (a backoff, not a loop); under lock */
    bool dead_said;                 /* "the device is dead" logged for this file; under lock */
    uint32_t wb_waiters;            /* tasks in mapping_wait_writeback (atomic): kswiod
                                     * then waits for the lock instead of yielding */
    struct list_head mmaps;         /* struct vm_area mapping the file (mm/file_mmap.c) */
    uint32_t ra_next;               /* first page after the last read-ahead window; under lock */
};

void pagecache_init(void);
/* The block device the file lives on. */
struct block_device *mapping_bdev(const struct address_space *mapping);
void mapping_init(struct address_space *mapping, struct inode *host,
                  const struct address_space_ops *ops);
/* The end of a read-ahead window's IO (see readahead above): any context. */
void pagecache_readahead_end(struct page **pages, int n, int err);
/* NULL and *err set on failure. */
struct page *read_cache_page(struct address_space *mapping, uint32_t index, int *err);
void put_cache_page(struct page *page);

/* Writing: the caller holds mapping->lock (see above). */
struct page *grab_cache_page(struct address_space *mapping, uint32_t index, int *err);
/* grab_cache_page with its memory taken first and mapping->lock after:
 * the lock is held on return, whatever the result.  A writer takes the
 * lock page by page this way and never holds it across an allocation
 * that may reclaim with IO -- kswiod may need it to write this file. */
struct page *lock_cache_page(struct address_space *mapping, uint32_t index, int *err);
void set_page_dirty(struct address_space *mapping, struct page *page);
/* Hand every dirty page to kswiod (mapping->lock held; it is let go and
 * taken again while kswiod's queue is full).  The caller then calls
 * kswiod_kick() once it has let go of the lock, so kswiod can take it. */
void mapping_start_writeback(struct address_space *mapping);
/* Wait for the file's writeback, write every dirty page and wait again:
 * 0, or the first error of kswiod's writes of the file since the last
 * call (the pages that failed stay dirty).  mapping->lock not held.
 * Only the pages handed to kswiod before each wait began are waited for
 * (with, at worst, those handed over while an earlier fsync's pages end):
 * a writer that goes on dirtying the file cannot keep fsync waiting. */
int mapping_write_and_wait(struct address_space *mapping);

/* Reclaim's side (mm/vmscan.c), mapping->lock held (by trylock): a page
 * mapped and used since last time is kept (PCR_REFERENCED); otherwise it
 * is unmapped, and freed if it is clean and nobody else holds it
 * (PCR_FREED: the cache's reference is gone, the caller's is the last),
 * or, if it is dirty and may_write, counted as under writeback
 * (PCR_DIRTY: the caller gives it to kswiod);
 * PCR_UNWRITABLE: dirty, and its device is dead -- it can go nowhere. */
enum pagecache_reclaim { PCR_BUSY, PCR_REFERENCED, PCR_FREED, PCR_DIRTY, PCR_UNWRITABLE };
enum pagecache_reclaim pagecache_reclaim_page(struct address_space *mapping, struct page *page,
                                              bool may_write);
/* PCR_DIRTY, but the page cannot be handed over after all (kswiod's
 * queue filled meanwhile): it is dirty again.  mapping->lock held. */
void pagecache_writeback_cancel(struct address_space *mapping, struct page *page);
/* kswiod's side: write up to PAGECACHE_WRITE_BATCH pages of one file
 * (same wb_mapping), unless they left the cache meanwhile.  Without wait
 * the mapping is only trylocked -- kswiod must not sit behind a writer
 * that is itself waiting for memory, unless someone waits for the file's
 * writeback -- and PAGECACHE_BUSY means "busy, try again later", nothing
 * done (reclaim=sync waits, and is reported for it).  Else 0 or an errno:
 * the pages are dirty again and fsync will say so.  Either way kswiod
 * then clears PG_writeback and, last of all, calls pagecache_writeback_end
 * (after which the mapping may be gone). */
#define PAGECACHE_WRITE_BATCH 64
#define PAGECACHE_BUSY 1
int pagecache_write_pages(struct page **pages, int n, bool wait);
void pagecache_writeback_end(struct address_space *mapping, struct page **pages, int n);
/* Sleep until kswiod has no page of mapping left to write. */
void mapping_wait_writeback(struct address_space *mapping);

/* Drop every page (the file is going away, or the cache is cleared),
 * dirty or not: write them first if they matter. */
void truncate_mapping(struct address_space *mapping);
/* Drop the pages from index start on; the caller holds mapping->lock. */
void truncate_mapping_from(struct address_space *mapping, uint32_t start);
