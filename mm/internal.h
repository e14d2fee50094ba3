/*
 * mm/internal.h - what the files of mm/ share about pages on their way
 * between memory and disk.  Nothing outside mm/ includes it.
 *
 * page_lock (a spinlock, interrupts off) protects, for every page: the
 * LRU lists and PG_lru/PG_active, the swap cache and PG_swapcache, and the
 * link between an anonymous page and its PTE (owner, index, and the PTE
 * itself while it changes between "maps this page" and "names its swap
 * slot").  A page's state moves only under it, in steps that never sleep;
 * whoever must sleep (to read, to allocate) first takes a reference.
 *
 * A page's references: its mapping (the PTE of an anonymous page, or the
 * page cache), the swap cache, kswiod while it writes the page, anyone
 * looking at it.  The LRU holds none: the last put_page takes the page
 * off the LRU.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "mm.h"
#include "spinlock.h"

struct block_device;
struct vm_area;
struct vm_space;
struct swap_area;
struct wait_queue;

extern struct spinlock page_lock;
/* What reclaim sleeps on when a round freed nothing (wait_on_page_freed):
 * the one wait queue its wait check (reclaim_check.c) lets it sleep on. */
extern struct wait_queue page_freed_wq;

/* ---- LRU (lru.c); page_lock held for all but lru_init ---------------- */
enum lru_list { LRU_INACTIVE, LRU_ACTIVE };
void lru_init(void);
/* Onto the head (most recent end) of a list. */
void lru_add(struct page *page, enum lru_list lru);
/* Onto the tail of the inactive list: the next page reclaim looks at. */
void lru_rotate(struct page *page);
void lru_del(struct page *page);
/* Take the page at the tail of a list off it, with a reference; NULL when
 * the list is empty. */
struct page *lru_isolate(enum lru_list lru);
/* The page at the tail of a list, left there; NULL when it is empty. */
struct page *lru_tail(enum lru_list lru);
uint32_t lru_count(enum lru_list lru);
/* Anonymous pages on both lists together. */
uint32_t lru_count_anon(void);

/* put_page's step under page_lock, for a walk that holds it: one
 * reference fewer; true when it was the last -- the page is off the LRU
 * and the caller must free_page it once it has let go of the lock. */
bool put_page_locked(struct page *page);

/* ---- swap cache (swap_state.c) ------------------------------------------
 * A page in the swap cache is the copy of one swap slot: its data is in
 * the slot (clean) or on its way there (dirty, or under writeback).  The
 * cache holds a reference.  page_lock held for all three. */
struct page *swap_cache_find(uint32_t entry);
void swap_cache_add(struct page *page, struct swap_area *area, uint32_t slot);
/* Out of the cache; the caller still holds a reference and puts it. */
void swap_cache_del(struct page *page);
/* A PTE let go of a slot (a swap PTE dropped, or a PTE of its cached page
 * unmapped or copied on write): one reference fewer (swap.h); on the
 * last, release the slot, and the cached page with it.  A slot under
 * writeback is released by kswiod when the write ends.  Takes page_lock;
 * the _locked form is called with it held and returns the page the
 * caller must put_page once it has let go of the lock (or NULL). */
void swap_entry_free(uint32_t entry);
struct page *swap_entry_free_locked(uint32_t entry);
/* swapoff: the resident pages that keep a copy in area give it up (they
 * become dirty); pages under writeback are left for the next call. */
void swap_cache_release_area(struct swap_area *area);
/* Slots in use are more than half of all: keep fewer swap-cache copies. */
bool swap_mostly_full(void);
/* Pages in the swap cache now, on the LRU or not. */
uint32_t swap_cache_count(void);

/* ---- areas (fault.c) and file mappings (file_mmap.c) ------------------ */
/* A new area of s, s->mmap_lock held; 0, -EINVAL (unaligned, outside the
 * user half, or overlapping another) or -ENOMEM. */
int vm_add_area(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot,
                struct vm_area **area);
/* The PTE bits page gets in area a: the area's protection and software
 * bits (vm.h), less PTE_WRITE for an anonymous page shared copy-on-write
 * (anon_pte_prot) and for a file's page in a private area (a write
 * copies it).  page_lock held when page is anonymous. */
uint32_t vm_area_page_prot(const struct vm_area *a, const struct page *page);
/* A file area's faults (file_mmap.c): filemap_fault maps the file's page
 * at va (read-only in a private area); filemap_cow_fault, a write in a
 * private area where nothing or the file's page is mapped, maps a copy
 * of it, an anonymous page.  0, -ENOMEM, -ENXIO (past the end of the
 * file) or the read's error. */
int filemap_fault(struct vm_area *area, uint32_t va);
int filemap_cow_fault(struct vm_area *area, uint32_t va);
/* mprotect, mlock and munlock, s->mmap_lock held: the areas of s over
 * [start, end), split at its edges, get prot (PTE_WRITE or 0; -1 keeps
 * theirs) and vm_flags set and clear; their PTEs follow.  0, -ENOMEM (a
 * page of the range in no area, or no memory to split) or -EACCES (see
 * vm_change_range).
 * vm_locked_pages: the pages s would have VM_LOCKED if [start,
 * end) were locked too.  vm_populate: fault in every page of [start, end)
 * of the current space (mlock): 0 or -ENOMEM. */
int vm_change_areas(struct vm_space *s, uint32_t start, uint32_t end, int prot, uint32_t set,
                    uint32_t clear);
uint32_t vm_locked_pages(struct vm_space *s, uint32_t start, uint32_t end);
int vm_populate(struct vm_space *s, uint32_t start, uint32_t end);
/* fork: copy every area of parent into child (empty; parent->mmap_lock held):
 * 0 or -ENOMEM, with what was copied left for vm_space_destroy. */
int vm_copy_areas(struct vm_space *child, struct vm_space *parent);
/* A file area made by copying another: it maps the same file too. */
void filemap_dup_area(struct vm_area *area);
/* A file area a is split: b, a copy of it with start and pgoff moved
 * on, takes [b->start, a->end) and the file gets one more area. */
void filemap_split_area(struct vm_area *a, struct vm_area *b);
/* Take [start, end) (page aligned) out of s's areas, freeing their pages
 * and slots; s->mmap_lock held.  0 or -ENOMEM (an area to split, and no
 * memory for its half). */
int vm_remove_range(struct vm_space *s, uint32_t start, uint32_t end);
/* Unmap the file's pages that a file area maps (their dirty bits become
 * PG_dirty); a private area's anonymous pages are left for the caller. */
void filemap_unmap_pages(struct vm_area *area);
/* A file area goes: off the file's list, and its reference to the file
 * dropped (the last one may write the file back: it may sleep). */
void filemap_detach_area(struct vm_area *area);
/* The reverse map of anonymous pages (fault.c; struct anon_vma in vm.h),
 * page_lock held for each:
 *   anon_ptes(page)    the PTE bits of every PTE that maps page, or'ed
 *                      (PTE_ACCESSED, PTE_DIRTY, PTE_LOCKED...); 0: unmapped
 *   anon_ptes_clear(page, bits)  clear bits in each of them
 *   anon_unmap_to_swap(page)  each becomes page->swap, a swap PTE: the slot
 *                      must already count one reference per mapping PTE
 *   anon_remap_swap(page, entry)  each swap PTE naming entry maps page
 *                      again (a failed swap write: the page is the copy)
 *   anon_page_mapped(page, s, va)  page is mapped at va in s: PG_anon, its
 *                      family, its index, one more in mapcount
 *   anon_exclusive(page)  one PTE maps page and nothing else holds its
 *                      slot: a write may go in place (copy-on-write)
 *   anon_pte_prot(page, prot)  prot, less PTE_WRITE for a private page
 *                      that is not exclusive */
uint32_t anon_ptes(const struct page *page);
void anon_ptes_clear(struct page *page, uint32_t bits);
void anon_unmap_to_swap(struct page *page);
void anon_remap_swap(struct page *page, uint32_t entry);
void anon_page_mapped(struct page *page, struct vm_space *s, uint32_t va);
bool anon_exclusive(const struct page *page);
uint32_t anon_pte_prot(const struct page *page, uint32_t prot);

/* ---- kswiod (kswiod.c) --------------------------------------------------- */
/* Hand a page under writeback (PG_writeback set, off the LRU) to its
 * device's kswiod, which takes a reference; false when that queue is
 * full.  page_lock held.  kswiod_kick (reclaim.h) then wakes the kswiods:
 * once per batch, so that the pages of a batch -- neighbours on disk --
 * can go out in one bio. */
bool kswiod_queue_page(struct page *page);
/* No room in bdev's queue (or it has no kswiod): its dirty pages stay. */
bool kswiod_full(const struct block_device *bdev);
/* Some device's queue is full: its dirty pages can go nowhere for now. */
bool kswiod_congested(void);
/* reclaim=sync: write the page (PG_writeback set, off the LRU) from the
 * calling task, outside every kswiod's queue and limits, and wait for it:
 * the 1999 way, reported as the wait in reclaim it is. */
void writepage_sync(struct page *page);
void kswiod_init(void);
/* Sleep until page's writeback ends.  Never from reclaim: it is exactly
 * what reclaim must not do, and is reported when it does (reclaim=sync). */
void wait_on_page_writeback(struct page *page);
