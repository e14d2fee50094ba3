/*
 * test_readahead.c - the page cache's asynchronous read-ahead on ext2.
 *
 * KTEST_MANUAL: each needs a fresh, empty ext2 file system on hda, which
 * tests/harness/mmap_tests.py makes (and judges with e2fsck -fn after).
 *
 *   readahead_next_window_in_flight  a cold read of page 0 leaves two
 *       windows in the cache (the second one being read while the first is
 *       consumed); reaching the second window's first page starts a third;
 *       every byte read sequentially is the pattern written
 *   readahead_truncated_in_flight    a file truncated to 0 while its
 *       read-ahead is still in flight: the IO's pages are freed when it
 *       ends, not before (the debug build's poison check would see the
 *       disk writing into a freed page), and the file reads back empty
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "pagemap.h"
#include "printk.h"
#include "sched.h"
#include "slab.h"
#include "vfs.h"

#define MNT         "/mnt"
#define FILE_PAGES  512                 /* 2 MiB: eight windows of 64 pages */
#define WINDOW      64                  /* mm/filemap.c's READAHEAD_PAGES */

static uint8_t pattern(uint32_t i) { return (uint8_t)(i * 7 + (i >> 12)); }

/* A file of FILE_PAGES pattern pages, on disk, and not in the cache: the
 * file system is mounted again. */
static void make_cold_file(const char *path)
{
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
    KASSERT_EQ(vfs_create(path), 0);
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(path, &inode), 0);
    uint8_t *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
    KASSERT(buf);
    for (uint32_t p = 0; p < FILE_PAGES; p++) {
        for (uint32_t i = 0; i < PAGE_SIZE; i++)
            buf[i] = pattern(p * PAGE_SIZE + i);
        KASSERT_EQ(vfs_write(inode, (uint64_t)p * PAGE_SIZE, buf, PAGE_SIZE), (int)PAGE_SIZE);
    }
    kfree(buf);
    KASSERT_EQ(vfs_fsync(inode), 0);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
    KASSERT_EQ(vfs_mount("hda", MNT, "ext2"), 0);
}

KTEST_MANUAL(readahead_next_window_in_flight)
{
    make_cold_file(MNT "/seq");
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(MNT "/seq", &inode), 0);
    struct address_space *mapping = &inode->mapping;
    KASSERT_EQ(mapping->nrpages, 0);

    int err = 0;
    struct page *page = read_cache_page(mapping, 0, &err);
    KASSERT(page != NULL);
    put_cache_page(page);
    pr_info("readahead: after page 0, %u pages cached\n", mapping->nrpages);
    KASSERT_EQ(mapping->nrpages, 2 * WINDOW);       /* this window and the next */
    for (uint32_t i = 1; i < WINDOW; i++) {
        KASSERT((page = read_cache_page(mapping, i, &err)) != NULL);
        put_cache_page(page);
    }
    KASSERT_EQ(mapping->nrpages, 2 * WINDOW);       /* nothing new inside a window */
    KASSERT((page = read_cache_page(mapping, WINDOW, &err)) != NULL);
    put_cache_page(page);
    pr_info("readahead: after page %u, %u pages cached\n", WINDOW, mapping->nrpages);
    KASSERT_EQ(mapping->nrpages, 3 * WINDOW);       /* the mark started the third */

    uint8_t *buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
    KASSERT(buf);
    for (uint32_t p = 0; p < FILE_PAGES; p++) {
        KASSERT_EQ(vfs_read(inode, (uint64_t)p * PAGE_SIZE, buf, PAGE_SIZE), (int)PAGE_SIZE);
        for (uint32_t i = 0; i < PAGE_SIZE; i++)
            if (buf[i] != pattern(p * PAGE_SIZE + i))
                ktest_fail(__FILE__, __LINE__, "page %u byte %u reads 0x%02x, not 0x%02x", p,
                           i, buf[i], pattern(p * PAGE_SIZE + i));
    }
    kfree(buf);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}

KTEST_MANUAL(readahead_truncated_in_flight)
{
    make_cold_file(MNT "/cut");
    struct inode *inode;
    KASSERT_EQ(vfs_lookup(MNT "/cut", &inode), 0);
    uint32_t free0 = nr_free_pages();
    uint8_t byte;
    KASSERT_EQ(vfs_read(inode, 0, &byte, 1), 1);   /* starts two windows */
    KASSERT_EQ(byte, pattern(0));
    KASSERT_EQ(vfs_truncate(inode, 0), 0);          /* the second is likely still being read */
    KASSERT_EQ(inode->mapping.nrpages, 0);
    KASSERT_EQ(vfs_read(inode, 0, &byte, 1), 0);
    /* Every page comes back once its IO has ended; each allocation checks
     * the poison of what it gets (a write after free is a report, which
     * fails the test). */
    for (int tries = 0; nr_free_pages() + 8 < free0 && tries < 100; tries++)
        sleep_ms(10);
    KASSERT(nr_free_pages() + 8 >= free0);
    /* Take every free page (no reclaim), so the freed ones are among them. */
    struct list_head held = LIST_HEAD_INIT(held);
    struct page *p;
    uint32_t taken = 0;
    while ((p = alloc_page(0)) != NULL) {
        list_add(&p->lru, &held);
        taken++;
    }
    while (!list_empty(&held)) {
        p = list_first_entry(&held, struct page, lru);
        list_del(&p->lru);
        free_page(p);
    }
    pr_info("readahead: %u free pages checked for poison\n", taken);
    iput(inode);
    KASSERT_EQ(vfs_umount(MNT), 0);
}
