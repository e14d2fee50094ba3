/*
 * pagecache.h - the page cache: file data in pages, by (file, index).
 *
 * Each file has an address_space: the pages of it that are in memory,
 * found by their index (file offset / PAGE_SIZE).  A page in the cache has
 * page->owner = the address_space and page->index set, so reclaim can find
 * its way back from a page to its file.
 *
 * read_cache_page() returns the page holding index, reading it through the
 * file system's readpage if it is not cached or not up to date, with a
 * reference held: put_cache_page() drops it.  The file system's readpage
 * fills the whole page (zeros past the end of the file, and for holes).
 *
 * Locking: mapping->lock (a mutex) serialises lookups, insertions and
 * readpage for one file.  May sleep.
 */
#pragma once
#include <stdint.h>
#include "list.h"
#include "mutex.h"

struct page;
struct inode;
struct address_space;

struct address_space_ops {
    /* Fill page (index page->index) from disk: 0 or a negative errno. */
    int (*readpage)(struct address_space *mapping, struct page *page);
};

struct address_space {
    struct inode *host;
    const struct address_space_ops *ops;
    struct mutex lock;
    struct list_head pages;         /* struct cached_page, by insertion */
    uint32_t nrpages;
};

void mapping_init(struct address_space *mapping, struct inode *host,
                  const struct address_space_ops *ops);
/* NULL and *err set on failure. */
struct page *read_cache_page(struct address_space *mapping, uint32_t index, int *err);
void put_cache_page(struct page *page);
/* Drop every page (the file is going away, or the cache is cleared). */
void truncate_mapping(struct address_space *mapping);
