/*
 * page_alloc.c - the buddy page allocator (see include/mm.h).
 *
 * free_area[k] lists the free blocks of 2^k pages.  Allocating order k
 * takes the smallest free block of order >= k and splits it, putting the
 * unused halves back one order at a time.  Freeing a block looks at its
 * buddy (the block it was split from: pfn ^ 2^k); while the buddy is free
 * and of the same order the two merge and the search goes one order up.
 *
 * Single pages skip all that in the common case: a freed page goes to the
 * hot list, and the next single-page allocation takes it back.  The hot
 * list is short; when it fills, half of it goes back to the buddy lists.
 * It is a stack linked through lru.next alone (NULL at the bottom), so a
 * push and a pop are two stores each.
 *
 * The fast paths (alloc_pages and free_pages of one page, the hot list
 * not empty, free memory above the low watermark) count nothing and ask
 * nobody: above low every context may allocate and kswapd has no reason
 * to wake, so the caller's context need not even be classified.  What
 * they skip -- per-context counts, watermark checks -- happens in the
 * general path, alloc_pages_at; the counts of allocations and frees are
 * kept only with MM_DEBUG, whose checks cost far more anyway.
 */
#include "mm.h"
#include "bootinfo.h"
#include "internal.h"
#include "kstring.h"
#include "ksyms.h"
#include "printk.h"
#include "slab.h"
#include "vm.h"
#include "wait.h"
#include "x86.h"

#define HOT_MAX     32          /* pages on the hot list at most */
#define HOT_BATCH   16          /* pages returned to the buddy lists at once */

struct free_area {
    struct list_head blocks;    /* first pages of free blocks, PG_buddy */
    uint32_t nr_blocks;
};

struct page *mem_map;
uint32_t max_pfn;
uint32_t mm_debug_reports;

static struct free_area free_area[MAX_ORDER + 1];
static struct list_head *hot_top;   /* the hot stack: lru of its top page, or NULL */
static uint32_t hot_count;
static uint32_t free_count;     /* pages free, in the buddy lists or hot */
static uint32_t managed_count;
static struct watermarks wmark;
static struct mm_stats stats;
struct wait_queue page_freed_wq;            /* reclaim waits for any free (internal.h) */
static uint32_t page_events;                /* frees, and writebacks that ended */

/* ---- reports ---------------------------------------------------------- */

static void describe(uint32_t site, char *buf, unsigned size)
{
    if (site)
        ksym_describe(site, buf, size);
    else
        strlcpy(buf, "(unknown)", size);
}

/* A misuse of the allocator: say what and where, count it, go on. */
static void report_bad_free(const struct page *p, unsigned order, uint32_t site,
                            const char *what)
{
    char here[96], allocated[96], freed[96];
    describe(site, here, sizeof(here));
    describe(p->alloc_site, allocated, sizeof(allocated));
    describe(p->free_site, freed, sizeof(freed));
    pr_err("mm: BUG: free_pages(pfn %05x, order %u) at %s: %s\n", page_to_pfn(p), order,
           here, what);
    pr_err("mm:   page last allocated at %s, last freed at %s\n", allocated, freed);
    mm_debug_reports++;
}

/* ---- free lists --------------------------------------------------------- */

static void add_free_block(struct page *p, unsigned order)
{
    p->flags |= PG_buddy;
    p->order = order;
    list_add(&p->lru, &free_area[order].blocks);
    free_area[order].nr_blocks++;
}

static void del_free_block(struct page *p, unsigned order)
{
    list_del(&p->lru);
    p->flags &= ~PG_buddy;
    free_area[order].nr_blocks--;
}

/* Put a block back, merging with its buddy as far as possible. */
static void merge_and_add(uint32_t pfn, unsigned order)
{
    while (order < MAX_ORDER) {
        uint32_t buddy_pfn = pfn ^ (1u << order);
        if (buddy_pfn + (1u << order) > max_pfn)
            break;
        struct page *buddy = pfn_to_page(buddy_pfn);
        if (!(buddy->flags & PG_buddy) || buddy->order != order)
            break;
        del_free_block(buddy, order);
        pfn &= ~(1u << order);      /* the merged block starts at the lower half */
        order++;
    }
    add_free_block(pfn_to_page(pfn), order);
}

static struct page *take_block(unsigned order)
{
    unsigned k = order;
    while (k <= MAX_ORDER && list_empty(&free_area[k].blocks))
        k++;
    if (k > MAX_ORDER)
        return NULL;
    struct page *p = list_first_entry(&free_area[k].blocks, struct page, lru);
    del_free_block(p, k);
    while (k > order) {             /* split: keep the lower half, free the upper */
        k--;
        add_free_block(p + (1u << k), k);
    }
    return p;
}

/* The hot stack, interrupts off.  pop needs hot_count > 0. */
static inline struct page *hot_pop(void)
{
    struct page *p = list_entry(hot_top, struct page, lru);
    hot_top = hot_top->next;
    hot_count--;
    p->flags &= ~PG_hot;
    return p;
}

static inline void hot_push(struct page *p)
{
    p->flags |= PG_hot;
    p->lru.next = hot_top;
    hot_top = &p->lru;
    hot_count++;
}

/* Give the n coldest (bottom) pages of the hot stack to the buddy lists. */
static void drain_hot(uint32_t n)
{
    if (n > hot_count)
        n = hot_count;
    struct list_head **link = &hot_top;
    for (uint32_t keep = hot_count - n; keep; keep--)
        link = &(*link)->next;
    struct list_head *cold = *link;
    *link = NULL;
    hot_count -= n;
    while (cold) {
        struct page *p = list_entry(cold, struct page, lru);
        cold = cold->next;
        p->flags &= ~PG_hot;
        merge_and_add(page_to_pfn(p), 0);
    }
}

void drain_hot_pages(void)
{
    uint32_t flags = irq_save();
    drain_hot(hot_count);
    irq_restore(flags);
}

/* ---- allocation ---------------------------------------------------------- */

/*
 * Who is asking decides how deep into the reserve the allocation may go:
 * how many free pages must remain after it.
 */
static uint32_t classify(gfp_t gfp, enum alloc_context *ctx)
{
    if (current_flags() & PF_MEMALLOC) {
        *ctx = CTX_MEMALLOC;                /* reclaim and IO: everything */
        return 0;
    }
    if (gfp & __GFP_HIGH) {
        *ctx = CTX_ATOMIC;                  /* cannot wait: half the reserve */
        return wmark.min / 2;
    }
    *ctx = (gfp & __GFP_IO) ? CTX_KERNEL : CTX_NOIO;
    return wmark.min;
}

/* A PF_MEMALLOC_NOIO scope makes every allocation GFP_NOIO. */
static inline gfp_t gfp_in_scope(gfp_t gfp)
{
    return (current_flags() & PF_MEMALLOC_NOIO) ? gfp & ~__GFP_IO : gfp;
}

static inline __attribute__((always_inline)) struct page *take_pages(unsigned order,
                                                                     uint32_t floor)
{
    uint32_t flags = irq_save();
    struct page *p = NULL;
    if (free_count >= floor + (1u << order)) {
        p = order == 0 && hot_count ? hot_pop() : take_block(order);
        if (p)
            free_count -= 1u << order;
    }
    irq_restore(flags);
    return p;
}

/* MM_DEBUG: a poisoned page must still hold only poison. */
static void check_poison(struct page *p, unsigned order)
{
    for (uint32_t i = 0; i < (1u << order); i++) {
        if (!(p[i].flags & PG_poisoned))
            continue;
        p[i].flags &= ~PG_poisoned;
        const uint32_t *w = page_address(&p[i]);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) {
            if (w[k] != PAGE_POISON) {
                char freed[96];
                describe(p->free_site, freed, sizeof(freed));
                pr_err("mm: BUG: pfn %05x was written after it was freed: offset 0x%x holds "
                       "%08x, not poison; freed at %s\n", page_to_pfn(&p[i]), k * 4, w[k], freed);
                mm_debug_reports++;
                break;
            }
        }
    }
}

/*
 * Nothing above the floor: the one place an allocation asks for memory
 * back, then tries again -- a few times, since what reclaim frees may be
 * taken by others first, or (for order > 0) be scattered.  Reclaim itself
 * (PF_MEMALLOC) must not recurse into it.  Out of line, so that the
 * common path stays short.
 */
#define RECLAIM_RETRIES 16

static __attribute__((noinline)) struct page *alloc_pages_slow(gfp_t gfp, unsigned order,
                                                               uint32_t floor,
                                                               enum alloc_context ctx)
{
    struct page *p = NULL;
    for (int i = 0; !p && i < RECLAIM_RETRIES && order <= MAX_ORDER &&
                    (gfp & __GFP_RECLAIM) && ctx != CTX_MEMALLOC; i++) {
        if (!try_to_free_pages(gfp, order))
            break;
        p = take_pages(order, floor);
    }
    return p;
}

/* What every allocation ends with, on either path. */
static inline __attribute__((always_inline)) struct page *prep_new_page(struct page *p,
                                                                        gfp_t gfp, unsigned order,
                                                                        uint32_t site)
{
    if (MM_DEBUG) {
        check_poison(p, order);
        p->alloc_site = site;
    }
    p->refcount = 1;
    p->mapcount = 0;                    /* no PTE maps a new page */
    p->order = order;
    for (uint32_t i = 1; i < (1u << order); i++)
        p[i].flags |= PG_tail;
    if (gfp & __GFP_ZERO)
        memset(page_address(p), 0, PAGE_SIZE << order);
    return p;
}

/* The general path: any order, any amount of free memory. */
static __attribute__((noinline)) struct page *alloc_pages_at(gfp_t gfp, unsigned order,
                                                             uint32_t site)
{
    gfp = gfp_in_scope(gfp);
    enum alloc_context ctx;
    uint32_t floor = classify(gfp, &ctx);
    struct page *p = order <= MAX_ORDER ? take_pages(order, floor) : NULL;
    if (__builtin_expect(!p, 0))
        p = alloc_pages_slow(gfp, order, floor, ctx);
    if (!p) {
        stats.failures[ctx]++;
        return NULL;
    }
    if (MM_DEBUG)
        stats.allocs[ctx]++;
    if (__builtin_expect(free_count < wmark.low, 0))
        wakeup_kswapd();
    return prep_new_page(p, gfp, order, site);
}

struct page *alloc_pages(gfp_t gfp, unsigned order)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    might_reclaim(gfp_in_scope(gfp));      /* even when a page is at hand: see reclaim_check.c */
    if (order == 0) {
        uint32_t flags = irq_save();
        if (__builtin_expect(hot_count && free_count > wmark.low, 1)) {
            struct page *p = hot_pop();
            free_count--;
            irq_restore(flags);
            if (MM_DEBUG) {
                enum alloc_context ctx;
                classify(gfp_in_scope(gfp), &ctx);
                stats.allocs[ctx]++;
            }
            return prep_new_page(p, gfp, 0, site);
        }
        irq_restore(flags);
    }
    return alloc_pages_at(gfp, order, site);
}

/* ---- freeing ------------------------------------------------------------- */

/* MM_DEBUG: is this a block that was handed out, whole, with this order? */
static bool free_is_valid(struct page *p, unsigned order, uint32_t site)
{
    if (p < mem_map || p >= mem_map + max_pfn || ((uint32_t)p - (uint32_t)mem_map) % sizeof(*p)) {
        pr_err("mm: BUG: free_pages(%p) at %08x: not a struct page\n", (void *)p, site);
        mm_debug_reports++;
        return false;
    }
    const char *what = NULL;
    if (p->flags & PG_reserved)
        what = "the page was never the allocator's (reserved)";
    else if (p->flags & PG_tail)
        what = "the page is inside a larger allocation, not its first page";
    else if (p->refcount == 0)
        what = "double free: the page is already free";
    else if (p->flags & (PG_lru | PG_swapcache | PG_writeback))
        what = "the page is still on an LRU list, in the swap cache or being written";
    else if (p->order != order)
        what = order > p->order ? "freed with a larger order than it was allocated with"
                                : "freed with a smaller order than it was allocated with";
    if (what) {
        report_bad_free(p, order, site, what);
        return false;
    }
    return true;
}

/* Blocks of more than one page: back to the buddy lists at once. */
static __attribute__((noinline)) void free_block(struct page *p, unsigned order)
{
    for (uint32_t i = 1; i < (1u << order); i++)
        p[i].flags &= ~PG_tail;
    p->refcount = 0;
    uint32_t flags = irq_save();
    free_count += 1u << order;
    merge_and_add(page_to_pfn(p), order);
    irq_restore(flags);
}

void free_pages(struct page *p, unsigned order)
{
    if (MM_DEBUG) {
        uint32_t site = (uint32_t)__builtin_return_address(0);
        if (!free_is_valid(p, order, site))
            return;
        p->free_site = site;
        memset(page_address(p), PAGE_POISON & 0xFF, PAGE_SIZE << order);
        for (uint32_t i = 0; i < (1u << order); i++)
            p[i].flags |= PG_poisoned;
        stats.frees++;
    }
    if (order) {
        free_block(p, order);
    } else {
        p->refcount = 0;
        uint32_t flags = irq_save();
        hot_push(p);
        free_count++;
        if (hot_count > HOT_MAX)
            drain_hot(HOT_BATCH);
        irq_restore(flags);
    }
    if (!list_empty(&page_freed_wq.waiters))    /* the common case: nobody waits */
        page_freed();
}

void page_freed(void)
{
    page_events++;
    if (!list_empty(&page_freed_wq.waiters))
        wake_up(&page_freed_wq);
}

bool wait_on_page_freed(uint32_t ms)
{
    uint32_t seen = page_events;
    return wait_event_timeout(&page_freed_wq, page_events != seen, ms) > 0;
}

/* ---- set-up and queries --------------------------------------------------- */

/* Hand the frames [start, end) to the allocator as aligned blocks. */
static void free_range(uint32_t start, uint32_t end)
{
    while (start < end) {
        unsigned order = MAX_ORDER;
        while (order && ((start & ((1u << order) - 1)) || start + (1u << order) > end))
            order--;
        for (uint32_t i = 0; i < (1u << order); i++)
            pfn_to_page(start + i)->flags &= ~PG_reserved;
        merge_and_add(start, order);
        free_count += 1u << order;
        managed_count += 1u << order;
        start += 1u << order;
    }
}

static uint32_t isqrt(uint32_t n)
{
    uint32_t r = 0;
    while ((r + 1) * (r + 1) <= n)
        r++;
    return r;
}

/*
 * Watermarks as Linux sizes them: min_free_kbytes = sqrt(16 * lowmem KiB),
 * so the reserve grows slower than memory; low and high sit 25% and 50%
 * above min.
 */
static void set_watermarks(void)
{
    uint32_t min_kib = isqrt(16 * (managed_count * (PAGE_SIZE / 1024)));
    wmark.min = min_kib / (PAGE_SIZE / 1024);
    wmark.low = wmark.min + wmark.min / 4;
    wmark.high = wmark.min + wmark.min / 2;
}

/*
 * mm_init - take over memory from the early allocator: the struct pages,
 * the kernel's page tables (vm_init), then every free frame to the buddy
 * lists, and the slab caches on top.
 */
void mm_init(void)
{
    for (int k = 0; k <= MAX_ORDER; k++)
        list_init(&free_area[k].blocks);
    wait_queue_init(&page_freed_wq, "page freed");

    uint64_t top = 0;
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        if (r->type == MEM_REGION_AVAILABLE && r->base + r->length > top)
            top = r->base + r->length;
    }
    if (top > LOWMEM_LIMIT) {
        pr_warn("mm: ignoring %llu MiB above the %u MiB direct map\n",
                (unsigned long long)((top - LOWMEM_LIMIT) >> 20), LOWMEM_LIMIT >> 20);
        top = LOWMEM_LIMIT;
    }
    max_pfn = (uint32_t)(top >> PAGE_SHIFT);
    mem_map = early_alloc(max_pfn * sizeof(struct page), PAGE_SIZE);
    if (!mem_map) {
        pr_err("mm: no room for %u struct pages; no page allocator\n", max_pfn);
        max_pfn = 0;
        return;
    }
    for (uint32_t pfn = 0; pfn < max_pfn; pfn++)
        mem_map[pfn] = (struct page){ .flags = PG_reserved };
    vm_init(max_pfn);           /* its page tables come from the early allocator too */

    /* Everything available from 1 MiB up, except what boot already used:
     * the kernel image, the boot information and the early allocations. */
    uint32_t first_free = early_alloc_close() >> PAGE_SHIFT;
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        if (r->type != MEM_REGION_AVAILABLE)
            continue;
        uint64_t start = (r->base + PAGE_SIZE - 1) >> PAGE_SHIFT;
        uint64_t end = (r->base + r->length) >> PAGE_SHIFT;
        if (start < first_free)
            start = first_free;
        if (end > max_pfn)
            end = max_pfn;
        if (start < end)
            free_range((uint32_t)start, (uint32_t)end);
    }
    set_watermarks();
    slab_init();
    pr_info("mm: %u pages (%u KiB) free; watermarks min %u low %u high %u pages\n",
            free_count, free_count * 4, wmark.min, wmark.low, wmark.high);
}

uint32_t nr_free_pages(void) { return free_count; }
uint32_t nr_managed_pages(void) { return managed_count; }
const struct watermarks *mm_watermarks(void) { return &wmark; }
const struct mm_stats *mm_stats(void) { return &stats; }

const char *alloc_context_name(enum alloc_context ctx)
{
    static const char *const names[CTX_COUNT] = {
        [CTX_KERNEL] = "GFP_KERNEL", [CTX_NOIO] = "GFP_NOIO",
        [CTX_ATOMIC] = "GFP_ATOMIC", [CTX_MEMALLOC] = "PF_MEMALLOC",
    };
    return names[ctx];
}

void buddy_free_counts(uint32_t counts[MAX_ORDER + 1])
{
    uint32_t flags = irq_save();
    for (int k = 0; k <= MAX_ORDER; k++)
        counts[k] = free_area[k].nr_blocks;
    irq_restore(flags);
}

/*
 * buddy_check - every free block is where and what it claims to be: the
 * right order, aligned to it, inside memory, not overlapping another, and
 * the counts add up.  Marks pages with a scratch bit to catch overlap.
 */
#define PG_checked  (1u << 31)

static int check_block(struct page *p, unsigned order, const char *list)
{
    uint32_t pfn = page_to_pfn(p);
    int problems = 0;
    if (pfn & ((1u << order) - 1) || pfn + (1u << order) > max_pfn) {
        pr_err("buddy_check: %s block at pfn %05x of order %u is misaligned or past memory\n",
               list, pfn, order);
        return 1;
    }
    if (p->order != order) {
        pr_err("buddy_check: pfn %05x on the order-%u list says order %u\n", pfn, order, p->order);
        problems++;
    }
    for (uint32_t i = 0; i < (1u << order); i++) {
        if (p[i].flags & (PG_checked | PG_reserved | PG_tail) || p[i].refcount) {
            pr_err("buddy_check: pfn %05x in a free %s block is counted twice, reserved, "
                   "or in use (flags %x, refcount %d)\n", pfn + i, list, p[i].flags,
                   p[i].refcount);
            problems++;
        }
        p[i].flags |= PG_checked;
    }
    return problems;
}

int buddy_check(void)
{
    uint32_t flags = irq_save();
    int problems = 0;
    uint32_t pages = 0;
    for (unsigned k = 0; k <= MAX_ORDER; k++) {
        uint32_t blocks = 0;
        list_for_each(link, &free_area[k].blocks) {
            struct page *p = list_entry(link, struct page, lru);
            if (!(p->flags & PG_buddy)) {
                pr_err("buddy_check: pfn %05x on the order-%u list lacks PG_buddy\n",
                       page_to_pfn(p), k);
                problems++;
            }
            problems += check_block(p, k, "buddy");
            blocks++;
            pages += 1u << k;
        }
        if (blocks != free_area[k].nr_blocks) {
            pr_err("buddy_check: order %u lists %u blocks but counts %u\n", k, blocks,
                   free_area[k].nr_blocks);
            problems++;
        }
    }
    uint32_t hot = 0;
    for (struct list_head *link = hot_top; link && hot <= hot_count; link = link->next) {
        struct page *p = list_entry(link, struct page, lru);
        if (!(p->flags & PG_hot)) {
            pr_err("buddy_check: pfn %05x on the hot list lacks PG_hot\n", page_to_pfn(p));
            problems++;
        }
        problems += check_block(p, 0, "hot");
        hot++;
    }
    if (hot != hot_count || pages + hot != free_count) {
        pr_err("buddy_check: counted %u buddy + %u hot pages, books say %u + %u\n",
               pages, hot, free_count - hot_count, hot_count);
        problems++;
    }
    for (uint32_t pfn = 0; pfn < max_pfn; pfn++)
        mem_map[pfn].flags &= ~PG_checked;
    irq_restore(flags);
    return problems;
}
