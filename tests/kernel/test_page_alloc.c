/*
 * test_page_alloc.c - the buddy allocator: random torture with tagged
 * blocks, exhaustion and full recovery, the reserve below the watermarks,
 * and the debug checks (double and bad frees, writes after free).
 */
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "test_helpers.h"

#define TORTURE_OPS     20000
#define TORTURE_PHASES  4
#define TORTURE_LIVE    256
#define TAG_MIX         0x9E3779B9u     /* any odd constant: spreads the tags */

struct block {
    struct page *page;
    unsigned order;
};

/* Every word of a block holds a tag made from its own physical address,
 * so a block that overlaps another, or is handed out twice, or is
 * scribbled on, shows up as a wrong tag. */
static void tag_block(const struct block *b)
{
    uint32_t *w = page_address(b->page);
    uint32_t base = page_to_phys(b->page);
    for (uint32_t i = 0; i < (PAGE_SIZE << b->order) / 4; i++)
        w[i] = (base + i * 4) * TAG_MIX;
}

static bool tag_intact(const struct block *b)
{
    const uint32_t *w = page_address(b->page);
    uint32_t base = page_to_phys(b->page);
    for (uint32_t i = 0; i < (PAGE_SIZE << b->order) / 4; i++)
        if (w[i] != (base + i * 4) * TAG_MIX)
            return false;
    return true;
}

/* Mostly small orders, as real kernels ask; now and then a large one. */
static unsigned random_order(struct rng *r)
{
    return rng_below(r, 10) ? rng_below(r, 4) : rng_below(r, MAX_ORDER + 1);
}

/* Free the block in slot i, checking its tag; the last slot fills the gap. */
static void free_slot(struct block *live, int *n, int i)
{
    KASSERT(tag_intact(&live[i]));
    free_pages(live[i].page, live[i].order);
    live[i] = live[--*n];
}

KTEST(page_alloc_torture_random_orders)
{
    static struct block live[TORTURE_LIVE];
    struct rng r;
    ktest_rng_init(&r);
    drain_hot_pages();
    uint32_t free0 = nr_free_pages(), reports0 = mm_debug_reports;
    int n = 0;
    uint32_t allocs = 0, failures = 0;

    for (int phase = 0; phase < TORTURE_PHASES; phase++) {
        for (int op = 0; op < TORTURE_OPS / TORTURE_PHASES; op++) {
            bool do_alloc = n == 0 || (n < TORTURE_LIVE && rng_below(&r, 100) < 55);
            if (do_alloc) {
                struct block b = { NULL, random_order(&r) };
                b.page = alloc_pages(GFP_KERNEL, b.order);
                if (!b.page) {
                    failures++;         /* large orders may not fit: fine */
                    continue;
                }
                KASSERT_EQ(page_to_pfn(b.page) % (1u << b.order), 0);
                tag_block(&b);
                live[n++] = b;
                allocs++;
            } else {
                free_slot(live, &n, rng_below(&r, n));
            }
        }
        KASSERT_EQ(buddy_check(), 0);
    }
    while (n)
        free_slot(live, &n, n - 1);
    drain_hot_pages();
    KASSERT_EQ(buddy_check(), 0);
    KASSERT_EQ(nr_free_pages(), free0);
    KASSERT_EQ(mm_debug_reports, reports0);
    pr_info("page_alloc torture: %u allocations, %u refused for size\n", allocs, failures);
}

/* Take every page there is (PF_MEMALLOC: the whole reserve too), give
 * them all back, and the free lists must look exactly as before. */
/* The hot list: a freed single page is the next one handed out (LIFO),
 * and more frees than it holds drain its coldest pages to the buddy lists
 * with the books still balanced. */
#define HOT_TEST_PAGES  100             /* well past the hot list's 32 */

KTEST(page_alloc_hot_list_lifo_and_drain)
{
    static struct page *pages[HOT_TEST_PAGES];
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();
    for (int i = 0; i < HOT_TEST_PAGES; i++) {
        pages[i] = alloc_page(GFP_KERNEL);
        KASSERT(pages[i] != NULL);
    }
    for (int i = 0; i < HOT_TEST_PAGES; i++) {
        free_page(pages[i]);
        KASSERT(pages[i]->flags & PG_hot);           /* on top: a drain takes the bottom */
        KASSERT_EQ(buddy_check(), 0);
    }
    KASSERT_EQ(nr_free_pages(), free0);
    struct page *again = alloc_page(GFP_KERNEL);
    KASSERT(again == pages[HOT_TEST_PAGES - 1]);    /* the last freed comes back first */
    KASSERT(!(again->flags & PG_hot));
    free_page(again);
    drain_hot_pages();
    KASSERT_EQ(buddy_check(), 0);
    KASSERT_EQ(nr_free_pages(), free0);
}

KTEST(page_alloc_exhaustion_returns_to_start)
{
    struct list_head taken = LIST_HEAD_INIT(taken);
    uint32_t before[MAX_ORDER + 1], after[MAX_ORDER + 1];
    drain_hot_pages();
    buddy_free_counts(before);
    uint32_t free0 = nr_free_pages();
    uint32_t failures0 = mm_stats()->failures[CTX_MEMALLOC];

    uint32_t saved = memalloc_noreclaim_save();
    uint32_t pages = 0;
    for (unsigned order = 3;; ) {           /* big blocks first, then the crumbs */
        struct page *p = alloc_pages(GFP_KERNEL, order);
        if (!p) {
            if (order == 0)
                break;
            order = 0;
            continue;
        }
        p->index = order;                   /* the list keeps the order for us */
        list_add(&p->lru, &taken);
        pages += 1u << order;
    }
    memalloc_noreclaim_restore(saved);

    KASSERT_EQ(nr_free_pages(), 0);
    KASSERT_EQ(pages, free0);
    KASSERT(mm_stats()->failures[CTX_MEMALLOC] >= failures0 + 2);
    while (!list_empty(&taken)) {
        struct page *p = list_first_entry(&taken, struct page, lru);
        list_del(&p->lru);
        free_pages(p, p->index);
    }
    drain_hot_pages();
    buddy_free_counts(after);
    for (int k = 0; k <= MAX_ORDER; k++)
        KASSERT_EQ(after[k], before[k]);
    KASSERT_EQ(buddy_check(), 0);
}

KTEST(page_alloc_reserve_watermarks)
{
    struct list_head held = LIST_HEAD_INIT(held);
    const struct watermarks *w = mm_watermarks();
    const struct mm_stats *st = mm_stats();
    uint32_t free0 = nr_free_pages();
    KASSERT(w->min > 0 && w->min < w->low && w->low < w->high);

    /* Ordinary allocations stop at min, whether or not they may do IO. */
    uint32_t noio_fail = st->failures[CTX_NOIO];
    KASSERT_EQ(fill_until_refused(GFP_NOIO, &held), w->min);
    KASSERT_EQ(st->failures[CTX_NOIO], noio_fail + 1);
    KASSERT_EQ(fill_until_refused(GFP_KERNEL, &held), w->min);

    /* A GFP_KERNEL caller inside a memalloc_noio scope counts as NOIO. */
    uint32_t saved = memalloc_noio_save();
    KASSERT_EQ(fill_until_refused(GFP_KERNEL, &held), w->min);
    KASSERT_EQ(st->failures[CTX_NOIO], noio_fail + 2);
    memalloc_noio_restore(saved);

    /* GFP_ATOMIC may take half the reserve; PF_MEMALLOC all of it. */
    KASSERT_EQ(fill_until_refused(GFP_ATOMIC, &held), w->min / 2);
    saved = memalloc_noreclaim_save();
    KASSERT_EQ(fill_until_refused(GFP_KERNEL, &held), 0);
    memalloc_noreclaim_restore(saved);

    free_page_list(&held);
    KASSERT_EQ(nr_free_pages(), free0);
}

KTEST(page_alloc_reports_bad_frees)
{
    uint32_t mark = log_mark(), reports = mm_debug_reports;
    struct page *p = alloc_page(GFP_KERNEL);
    struct page *big = alloc_pages(GFP_KERNEL, 2);
    KASSERT(p && big);
    free_page(p);
    uint32_t free_before = nr_free_pages();

    free_page(p);                           /* again */
    KASSERT_EQ(mm_debug_reports, reports + 1);
    KASSERT(log_contains(mark, "double free: the page is already free"));
    KASSERT(log_contains(mark, "page_alloc_reports_bad_frees+"));  /* names the call site */

    free_page(pfn_to_page(0));              /* never the allocator's */
    KASSERT(log_contains(mark, "never the allocator's (reserved)"));
    free_page(big + 1);                     /* inside an order-2 block */
    KASSERT(log_contains(mark, "inside a larger allocation"));
    free_pages(big, 1);                     /* wrong order */
    KASSERT(log_contains(mark, "smaller order than it was allocated with"));
    KASSERT_EQ(mm_debug_reports, reports + 4);
    KASSERT_EQ(nr_free_pages(), free_before);   /* every bad free was refused */

    ktest_expect_reports(4);
    free_pages(big, 2);                     /* the right way still works */
    KASSERT_EQ(mm_debug_reports, reports + 4);
    KASSERT_EQ(nr_free_pages(), free_before + 4);
}

KTEST(page_alloc_poisons_and_catches_use_after_free)
{
    uint32_t mark = log_mark(), reports = mm_debug_reports;
    uint32_t *z = get_zeroed_page(GFP_KERNEL);
    KASSERT(z);
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        KASSERT_EQ(z[i], 0);
    free_page_address(z);
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        KASSERT_EQ(z[i], PAGE_POISON);          /* freed memory is junk */

    z[100] = 0x12345678;                        /* a write after free ... */
    uint32_t *again = get_zeroed_page(GFP_KERNEL);   /* the hot list gives it back */
    KASSERT(again == z);
    KASSERT_EQ(mm_debug_reports, reports + 1);  /* ... is caught */
    KASSERT(log_contains(mark, "was written after it was freed: offset 0x190 holds 12345678"));
    ktest_expect_reports(1);
    KASSERT_EQ(again[100], 0);                  /* and __GFP_ZERO still zeroed it */
    free_page_address(again);
}
