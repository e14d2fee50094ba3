/*
 * test_slab.c - object caches and kmalloc: random torture over mixed
 * sizes, cache life cycle, the page path for large sizes, and the debug
 * checks (red zone overflow, double free, pointers that are no object).
 */
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "slab.h"

#define TORTURE_OPS     20000
#define TORTURE_LIVE    512
#define MAX_TEST_SIZE   6000            /* past kmalloc-2048: the page path too */

struct object {
    uint8_t *p;
    uint32_t size;
};

static uint8_t tag_of(const uint8_t *p, uint32_t i) { return (uint8_t)(((uint32_t)p >> 3) + i * 7); }

static void fill(const struct object *o)
{
    for (uint32_t i = 0; i < o->size; i++)
        o->p[i] = tag_of(o->p, i);
}

static bool intact(const struct object *o)
{
    for (uint32_t i = 0; i < o->size; i++)
        if (o->p[i] != tag_of(o->p, i))
            return false;
    return true;
}

static uint32_t random_size(struct rng *r)
{
    switch (rng_below(r, 4)) {
    case 0:  return 1 + rng_below(r, 64);
    case 1:  return 1 + rng_below(r, 512);
    case 2:  return 1 + rng_below(r, KMALLOC_MAX_CACHED);
    default: return 1 + rng_below(r, MAX_TEST_SIZE);
    }
}

KTEST(slab_torture_mixed_sizes)
{
    static struct object live[TORTURE_LIVE];
    struct rng r;
    ktest_rng_init(&r);
    drain_hot_pages();
    uint32_t reports = slab_debug_reports + mm_debug_reports;
    int n = 0;

    for (int op = 0; op < TORTURE_OPS; op++) {
        if (n == 0 || (n < TORTURE_LIVE && rng_below(&r, 100) < 55)) {
            struct object o = { NULL, random_size(&r) };
            o.p = kmalloc(o.size, GFP_KERNEL);
            KASSERT(o.p != NULL);
            KASSERT_EQ((uint32_t)o.p % 8, 0);
            fill(&o);
            live[n++] = o;
        } else {
            int i = rng_below(&r, n);
            KASSERT(intact(&live[i]));
            kfree(live[i].p);
            live[i] = live[--n];
        }
    }
    while (n) {
        KASSERT(intact(&live[n - 1]));
        kfree(live[--n].p);
    }
    KASSERT_EQ(slab_debug_reports + mm_debug_reports, reports);
    KASSERT_EQ(buddy_check(), 0);
}

KTEST(slab_cache_create_fill_destroy)
{
    enum { COUNT = 200 };
    static void *objs[COUNT];
    struct kmem_cache *c = kmem_cache_create("test-48", 48);
    KASSERT(c != NULL);
    KASSERT(c->per_slab >= 8);
    for (int i = 0; i < COUNT; i++) {
        objs[i] = kmem_cache_alloc(c, GFP_KERNEL | __GFP_ZERO);
        KASSERT(objs[i] != NULL);
        for (int k = 0; k < 48; k++)
            KASSERT_EQ(((uint8_t *)objs[i])[k], 0);
        memset(objs[i], i, 48);
    }
    KASSERT_EQ(c->active, COUNT);
    KASSERT(c->nr_slabs >= COUNT / c->per_slab);
    KASSERT_EQ(kmem_cache_destroy(c), -EBUSY);      /* objects still out */
    for (int i = 0; i < COUNT; i++) {
        KASSERT_EQ(((uint8_t *)objs[i])[47], (uint8_t)i);   /* no two overlap */
        kmem_cache_free(c, objs[i]);
    }
    KASSERT_EQ(c->active, 0);
    KASSERT(c->nr_slabs <= 1);                      /* empty slabs went back */
    KASSERT_EQ(kmem_cache_destroy(c), 0);
}

/* kmalloc picks its class without a branch on the size: every edge of
 * every class, and 0 bytes, land in the smallest cache that fits. */
KTEST(kmalloc_size_classes_fit)
{
    for (uint32_t size = 0; size <= KMALLOC_MAX_CACHED; size = size < 16 ? size + 1 : size + 7) {
        uint32_t want = KMALLOC_MIN;
        while (want < size)
            want <<= 1;
        void *p = kmalloc(size, GFP_KERNEL);
        KASSERT(p != NULL);
        struct page *page = virt_to_page(p);
        while (page->flags & PG_tail)
            page--;
        KASSERT(page->flags & PG_slab);
        KASSERT_EQ(page->slab_cache->object_size, want);
        kfree(p);
    }
    void *p = kmalloc(KMALLOC_MAX_CACHED + 1, GFP_KERNEL);
    KASSERT(p != NULL && !(virt_to_page(p)->flags & PG_slab));
    kfree(p);
}

KTEST(kmalloc_large_sizes_use_whole_pages)
{
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();
    uint8_t *p = kmalloc(10000, GFP_KERNEL);
    KASSERT(p != NULL);
    KASSERT_EQ((uint32_t)p % PAGE_SIZE, 0);
    KASSERT_EQ(virt_to_page(p)->order, 2);          /* 10000 bytes: 4 pages */
    KASSERT(!(virt_to_page(p)->flags & PG_slab));
    memset(p, 0x5a, 10000);
    kfree(p);
    kfree(NULL);                                    /* allowed, does nothing */
    drain_hot_pages();
    KASSERT_EQ(nr_free_pages(), free0);
}

KTEST(slab_red_zone_overflow_reported)
{
    uint32_t mark = log_mark(), reports = slab_debug_reports;
    char *p = kmalloc(64, GFP_KERNEL);
    KASSERT(p != NULL);
    p[64] = 'A';                                    /* one byte too far */
    kfree(p);
    KASSERT_EQ(slab_debug_reports, reports + 1);
    KASSERT(log_contains(mark, "kmalloc-64 object"));
    KASSERT(log_contains(mark, "(size 64, allocated at slab_red_zone_overflow_reported+"));
    KASSERT(log_contains(mark, "written past its end (byte 64 is 0x41)"));

    ktest_expect_reports(1);
    char *q = kmalloc(64, GFP_KERNEL);              /* the slot is whole again */
    KASSERT(q != NULL);
    kfree(q);
    KASSERT_EQ(slab_debug_reports, reports + 1);
}

KTEST(slab_double_free_and_bad_pointers_reported)
{
    uint32_t mark = log_mark(), reports = slab_debug_reports;
    char *p = kmalloc(100, GFP_KERNEL);
    KASSERT(p != NULL);
    kfree(p + 8);                                   /* inside, not the start */
    KASSERT(log_contains(mark, "freed through a pointer 8 bytes into it"));
    KASSERT(log_contains(mark, "(size 128, allocated at slab_double_free_and_bad_pointers_reported+"));
    kfree(p);
    kfree(p);                                       /* twice */
    KASSERT(log_contains(mark, "double free (first freed at slab_double_free_and_bad_pointers_reported+"));

    struct kmem_cache *c = kmem_cache_create("test-wrong", 100);
    KASSERT(c != NULL);
    char *q = kmalloc(100, GFP_KERNEL);
    kmem_cache_free(c, q);                          /* not its cache */
    KASSERT(log_contains(mark, "freed to a cache it does not belong to"));
    KASSERT_EQ(slab_debug_reports, reports + 3);
    ktest_expect_reports(3);
    kfree(q);                                       /* it is still allocated */
    KASSERT_EQ(slab_debug_reports, reports + 3);
    KASSERT_EQ(kmem_cache_destroy(c), 0);
}

KTEST(slab_use_after_free_caught)
{
    uint32_t mark = log_mark(), reports = slab_debug_reports;
    uint32_t *p = kmalloc(32, GFP_KERNEL);
    KASSERT(p != NULL);
    kfree(p);
    p[2] = 0xdead;                                  /* after free */
    uint32_t *q = kmalloc(32, GFP_KERNEL);          /* LIFO: the same slot */
    KASSERT(q == p);
    KASSERT_EQ(slab_debug_reports, reports + 1);
    KASSERT(log_contains(mark, "written after free (byte 8)"));
    ktest_expect_reports(1);
    kfree(q);
}
