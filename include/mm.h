/*
 * mm.h - physical memory: addresses, struct page and the buddy allocator.
 *
 * Addresses.  All RAM up to LOWMEM_LIMIT is mapped at KERNEL_VMA +
 * physical (the direct map), so phys_to_virt()/virt_to_phys() are sums.
 *
 * Pages.  One struct page per physical frame (mem_map[pfn]).  A free block
 * of 2^order frames is on free_area[order] and its first page has PG_buddy;
 * an allocated block's first page has refcount 1 and its other pages
 * PG_tail.  Single freed pages first go to a short LIFO "hot" list
 * (PG_hot), which the next single-page allocation takes from without
 * splitting or merging anything -- what Linux's per-CPU lists are for.  Frames the allocator never owned (BIOS areas, the kernel image,
 * early allocations, anything past the direct map) are PG_reserved.
 *
 * Allocating.  alloc_pages(gfp, order) returns the first page of 2^order
 * contiguous frames, or NULL: it never panics.  Ordinary allocations stop
 * at the min watermark; GFP_ATOMIC may go down to half of it; a task with
 * PF_MEMALLOC may take everything (it is what frees memory).  An allocation
 * that may sleep and fails the watermark calls try_to_free_pages() (mm/
 * vmscan.c), then tries again.  free_pages() must get the same order.
 *
 * Checking (MM_DEBUG, on in every test build): freed frames are filled
 * with PAGE_POISON and checked when handed out again; freeing a page that
 * is free, reserved, inside another allocation or of the wrong order is
 * reported with the call sites involved and refused; buddy_check() walks
 * every free list.  A report never panics; it counts in mm_debug_reports.
 *
 * Locking: interrupts off around the free lists, which on one CPU is all a
 * spinlock would do (and the allocator stays out of the lock validator's
 * graph).  Any context may free; only GFP_ATOMIC from interrupts.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "gfp.h"
#include "list.h"

#ifndef MM_DEBUG
#define MM_DEBUG 1
#endif

#define KERNEL_VMA          0xC0000000u
#define PAGE_SHIFT          12
#define PAGE_SIZE           4096u
#define LOWMEM_LIMIT        (768u << 20)    /* the direct map's extent */
#define BOOT_MAPPED_BYTES   (16u << 20)     /* what boot.asm maps */
#define MAX_ORDER           10              /* blocks of up to 2^10 pages, 4 MiB */
#define PAGE_POISON         0x6b6b6b6bu     /* "kkkk": a freed page's content */

static inline void *phys_to_virt(uint32_t phys) { return (void *)(phys + KERNEL_VMA); }
static inline uint32_t virt_to_phys(const void *virt) { return (uint32_t)virt - KERNEL_VMA; }

/* Linker symbols (linker.ld). */
extern char kernel_phys_start[], kernel_phys_end[], kernel_end[];
extern char kernel_text_start[], kernel_text_end[], kernel_ro_end[];

enum page_flag {
    PG_reserved  = 1u << 0,     /* not the allocator's */
    PG_locked    = 1u << 1,     /* page or swap cache: being read (read-ahead in flight) */
    PG_dirty     = 1u << 2,     /* newer than its copy on disk */
    PG_writeback = 1u << 3,     /* being written out */
    PG_lru       = 1u << 4,     /* on an LRU list */
    PG_swapcache = 1u << 5,     /* in the swap cache */
    PG_slab      = 1u << 6,     /* holds slab objects */
    PG_buddy     = 1u << 7,     /* first page of a free block */
    PG_tail      = 1u << 8,     /* inside an allocated block, not its first page */
    PG_poisoned  = 1u << 9,     /* filled with PAGE_POISON when freed */
    PG_hot       = 1u << 10,    /* free, on the hot list of single pages */
    PG_uptodate  = 1u << 11,    /* page cache: holds the file's current data; swap
                                   cache: the swap-in read succeeded */
    PG_anon      = 1u << 12,    /* anonymous memory: owner is a vm_space */
    PG_active    = 1u << 13,    /* on the active LRU list (else inactive) */
    PG_referenced = 1u << 14,   /* page cache: read since reclaim last looked */
    PG_reclaim   = 1u << 15,    /* under writeback for reclaim: free it when written */
    PG_readahead = 1u << 16,    /* page or swap cache: reaching it starts the next
                                 * read-ahead window */
};

struct kmem_cache;
struct address_space;

struct page {
    uint32_t flags;             /* enum page_flag */
    int32_t refcount;           /* 0 when free; 1 when just allocated */
    struct list_head lru;       /* free list while free; LRU, kswiod queue or slab list */
    uint8_t order;              /* order of the block this page heads */
    uint8_t wb_epoch;           /* PG_writeback of a file page: its mapping's writeback
                                 * epoch, odd or even, when it was handed over */
    uint16_t mapcount;          /* PG_anon: the PTEs that map it (after fork, more than
                                 * one: copy-on-write); page_lock */
    union {
        struct {                /* page cache and anonymous memory (reverse lookup) */
            void *owner;        /* address_space, or (PG_anon) the anon_vma (fork
                                 * family, vm.h) of the spaces whose PTEs name it;
                                 * NULL: none (no PTE maps it or names its slot) */
            uint32_t index;     /* page index in the file, or virtual page number */
            union {
                uint32_t swap;  /* PG_swapcache or PG_writeback of an anonymous
                                 * page: its slot, as a swap entry (swap.h) */
                struct address_space *wb_mapping;  /* PG_writeback of a file
                                 * page: the mapping it is written for */
            };
        };
        struct {                /* PG_slab */
            struct kmem_cache *slab_cache;
            void *freelist;     /* first free object in this slab */
            uint32_t inuse;     /* objects handed out */
        };
    };
    uint32_t alloc_site;        /* MM_DEBUG: who last allocated ... */
    uint32_t free_site;         /* ... and freed this block */
};

/* Changing page flags outside page_lock (mm/internal.h), as the page cache
 * does: one indivisible instruction each, so that a change made under
 * the lock meanwhile (the LRU's, kswiod's) is never undone by a stale
 * read-modify-write. */
static inline void set_page_flags(struct page *p, uint32_t f)
{
    __atomic_fetch_or(&p->flags, f, __ATOMIC_RELAXED);
}
static inline void clear_page_flags(struct page *p, uint32_t f)
{
    __atomic_fetch_and(&p->flags, ~f, __ATOMIC_RELAXED);
}

extern struct page *mem_map;
extern uint32_t max_pfn;        /* frames below this have a struct page */

static inline uint32_t page_to_pfn(const struct page *p) { return (uint32_t)(p - mem_map); }
static inline struct page *pfn_to_page(uint32_t pfn) { return &mem_map[pfn]; }
static inline uint32_t page_to_phys(const struct page *p) { return page_to_pfn(p) << PAGE_SHIFT; }
static inline void *page_address(const struct page *p) { return phys_to_virt(page_to_phys(p)); }
static inline struct page *virt_to_page(const void *v) { return pfn_to_page(virt_to_phys(v) >> PAGE_SHIFT); }

struct page *alloc_pages(gfp_t gfp, unsigned order);
void free_pages(struct page *page, unsigned order);
static inline struct page *alloc_page(gfp_t gfp) { return alloc_pages(gfp, 0); }
static inline void free_page(struct page *page) { free_pages(page, 0); }
/* A zeroed page's kernel address, or NULL; free with free_page_address. */
static inline void *get_zeroed_page(gfp_t gfp)
{
    struct page *p = alloc_pages(gfp | __GFP_ZERO, 0);
    return p ? page_address(p) : NULL;
}
static inline void free_page_address(void *addr) { free_pages(virt_to_page(addr), 0); }

/* References (mm/lru.c): whoever keeps a page -- a mapping, the swap or
 * page cache, kswiod while it writes it, reclaim while it looks at it --
 * holds one; the last put_page takes it off the LRU and frees it. */
void get_page(struct page *page);
void put_page(struct page *page);

/* mm/vmscan.c.  try_to_free_pages: free some memory for an allocation
 * that may sleep; 0 when reclaim gave up (worth retrying otherwise, even
 * if others took what it freed).  might_reclaim: tell
 * the lock validator that this allocation could enter reclaim (every
 * allocation that may reclaim calls it).  reclaim_enter/exit: bracket
 * reclaim itself, holding the pseudo-locks reclaim and reclaim_io. */
uint32_t try_to_free_pages(gfp_t gfp, unsigned order);
/* The allocator's nudge: free memory fell below the low watermark. */
void wakeup_kswapd(void);
/* Sleep until some page is freed, or can be (page_freed: a write ended),
 * at most ms; false when none was.  Reclaim's only sleep. */
bool wait_on_page_freed(uint32_t ms);
void page_freed(void);
/* mm/reclaim_check.c */
void might_reclaim_lockdep(gfp_t gfp);
static inline void might_reclaim(gfp_t gfp)
{
    if (LOCKDEP)                /* nothing at all in a release build */
        might_reclaim_lockdep(gfp);
}
void reclaim_enter(gfp_t gfp);
void reclaim_exit(gfp_t gfp);

struct watermarks {
    uint32_t min, low, high;    /* in pages */
};

/* Allocation counts per context: what kind of caller asked.  Failures are
 * counted in every build; allocations and frees only with MM_DEBUG (the
 * release build's fast paths count nothing). */
enum alloc_context { CTX_KERNEL, CTX_NOIO, CTX_ATOMIC, CTX_MEMALLOC, CTX_COUNT };

struct mm_stats {
    uint32_t allocs[CTX_COUNT];
    uint32_t failures[CTX_COUNT];
    uint32_t frees;
};

void mm_init(void);
uint32_t nr_free_pages(void);
uint32_t nr_managed_pages(void);        /* pages the allocator owns, free or not */
const struct watermarks *mm_watermarks(void);
/* Free blocks of each order (counts[0..MAX_ORDER]). */
void buddy_free_counts(uint32_t counts[MAX_ORDER + 1]);
const struct mm_stats *mm_stats(void);
const char *alloc_context_name(enum alloc_context ctx);
/* Walk every free list; print each problem; return how many. */
int buddy_check(void);
/* Reports by the checks above since boot. */
extern uint32_t mm_debug_reports;
/* Return the pages held in the per-CPU hot list to the buddy lists. */
void drain_hot_pages(void);

/* Early allocator: until mm_init() has run, the only source of memory.
 * Never freed; NULL when exhausted. */
void early_alloc_init(void);
void *early_alloc(size_t size, size_t align);
void early_alloc_usage(uint32_t *used, uint32_t *total);
/* Stop the early allocator and return the first physical byte it never
 * handed out; mm_init() frees everything from there. */
uint32_t early_alloc_close(void);
