/*
 * slab.c - object caches and kmalloc (see include/slab.h).
 *
 * Slot layout.  Without MM_DEBUG a slot is just the object, rounded up to
 * 8 bytes, and a free slot's first word links to the next free slot.  With
 * MM_DEBUG:
 *
 *     | object (size rounded to 8) | red zone (8 x 0xbb) | slot_meta |
 *
 * and the free link lives in slot_meta, so the whole object can hold
 * poison while it is free.
 *
 * Fast paths.  kmalloc of a cached size and kfree of a slab object that
 * leaves its slab neither full nor empty touch one slab and one count
 * (active, which kmem_cache_destroy needs); moving slabs between lists is
 * the rare case.
 */
#include "slab.h"
#include "kerrno.h"
#include "kstring.h"
#include "ksyms.h"
#include "mm.h"
#include "printk.h"
#include "vsprintf.h"
#include "x86.h"

#define SLOT_ALLOCATED  0xA110CA7Eu
#define SLOT_FREE       0xF7EEF7EEu
#define MAX_SLAB_ORDER  3
#define MIN_PER_SLAB    8
#define KMALLOC_CACHES  9               /* 8, 16, ... 2048 */

struct slot_meta {
    uint32_t state;                     /* SLOT_ALLOCATED or SLOT_FREE */
    uint32_t alloc_site;                /* who last allocated it */
    uint32_t free_site;                 /* who last freed it */
    void *next_free;
};

uint32_t slab_debug_reports;

static struct kmem_cache cache_of_caches;
static struct list_head all_caches = LIST_HEAD_INIT(all_caches);
static struct kmem_cache *kmalloc_caches[KMALLOC_CACHES];
static const char *const kmalloc_names[KMALLOC_CACHES] = {
    "kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-128",
    "kmalloc-256", "kmalloc-512", "kmalloc-1024", "kmalloc-2048",
};

static uint32_t round_up(uint32_t v, uint32_t to) { return (v + to - 1) & ~(to - 1); }

static struct slot_meta *meta_of(const struct kmem_cache *c, void *obj)
{
    return (struct slot_meta *)((char *)obj + c->meta_offset);
}

/* Without MM_DEBUG the link is the slot's first word: a constant the
 * fast paths need not load. */
static void **free_link(const struct kmem_cache *c, void *obj)
{
    return (void **)((char *)obj + (MM_DEBUG ? c->free_offset : 0));
}

/* The first page of the slab that holds page p (alloc_pages marks the
 * others PG_tail). */
static struct page *slab_head(struct page *p)
{
    while (p->flags & PG_tail)
        p--;
    return p;
}

static void cache_setup(struct kmem_cache *c, const char *name, size_t size)
{
    memset(c, 0, sizeof(*c));
    c->name = name;
    c->object_size = size;
    uint32_t object = round_up(size ? size : 1, 8);
    if (MM_DEBUG) {
        c->meta_offset = object + SLAB_RED_ZONE;
        c->free_offset = c->meta_offset + offsetof(struct slot_meta, next_free);
        c->slot_size = round_up(c->meta_offset + sizeof(struct slot_meta), 8);
    } else {
        c->slot_size = object;
    }
    while (c->order < MAX_SLAB_ORDER && (PAGE_SIZE << c->order) / c->slot_size < MIN_PER_SLAB)
        c->order++;
    c->per_slab = (PAGE_SIZE << c->order) / c->slot_size;
    list_init(&c->partial);
    list_init(&c->full);
    list_init(&c->free);
    uint32_t flags = irq_save();
    list_add_tail(&c->caches, &all_caches);
    irq_restore(flags);
}

/* ---- reports ---------------------------------------------------------------- */

/* Out of line and cold: kfree's fast path keeps its registers. */
static __attribute__((noinline, cold)) void report(const struct kmem_cache *c, const void *obj,
                                                   uint32_t site, const char *what, uint32_t at)
{
    char here[96], allocated[96];
    ksym_describe(at, here, sizeof(here));
    if (site)
        ksym_describe(site, allocated, sizeof(allocated));
    else
        strlcpy(allocated, "(unknown)", sizeof(allocated));
    pr_err("slab: BUG: %s object %p (size %u, allocated at %s): %s; at %s\n",
           c ? c->name : "?", obj, c ? c->object_size : 0, allocated, what, here);
    slab_debug_reports++;
}

/* MM_DEBUG at free: the red zone after the object must be untouched. */
static void check_red_zone(struct kmem_cache *c, void *obj, uint32_t at)
{
    uint8_t *red = (uint8_t *)obj + c->meta_offset - SLAB_RED_ZONE;
    for (int i = 0; i < SLAB_RED_ZONE; i++) {
        if (red[i] != SLAB_RED_BYTE) {
            char what[96];
            uint32_t first = (uint32_t)(red + i - (uint8_t *)obj);
            ksnprintf(what, sizeof(what), "written past its end (byte %u is 0x%02x)",
                      first, red[i]);
            report(c, obj, meta_of(c, obj)->alloc_site, what, at);
            memset(red, SLAB_RED_BYTE, SLAB_RED_ZONE);  /* report once */
            return;
        }
    }
}

/* MM_DEBUG at allocation: a free object must still hold only poison. */
static void check_poison(struct kmem_cache *c, void *obj, uint32_t at)
{
    const uint8_t *b = obj;
    for (uint32_t i = 0; i < c->meta_offset - SLAB_RED_ZONE; i++) {
        if (b[i] != SLAB_POISON_BYTE) {
            char what[64];
            ksnprintf(what, sizeof(what), "written after free (byte %u)", i);
            report(c, obj, meta_of(c, obj)->alloc_site, what, at);
            return;
        }
    }
}

/* ---- slabs -------------------------------------------------------------------- */

static struct page *new_slab(struct kmem_cache *c, gfp_t gfp)
{
    struct page *page = alloc_pages(gfp & ~__GFP_ZERO, c->order);
    if (!page)
        return NULL;
    for (uint32_t i = 0; i < (1u << c->order); i++)
        page[i].flags |= PG_slab;
    page->slab_cache = c;
    page->inuse = 0;
    page->freelist = NULL;
    char *base = page_address(page);
    for (int i = c->per_slab - 1; i >= 0; i--) {   /* slot 0 first on the list */
        void *obj = base + i * c->slot_size;
        if (MM_DEBUG) {
            memset(obj, SLAB_POISON_BYTE, c->meta_offset - SLAB_RED_ZONE);
            memset((char *)obj + c->meta_offset - SLAB_RED_ZONE, SLAB_RED_BYTE, SLAB_RED_ZONE);
            *meta_of(c, obj) = (struct slot_meta){ .state = SLOT_FREE };
        }
        *free_link(c, obj) = page->freelist;
        page->freelist = obj;
    }
    return page;
}

static void release_slab(struct kmem_cache *c, struct page *page)
{
    for (uint32_t i = 0; i < (1u << c->order); i++)
        page[i].flags &= ~PG_slab;
    page->slab_cache = NULL;
    free_pages(page, c->order);
}

/* ---- objects ------------------------------------------------------------------ */

/* Inlined into kmalloc and kmem_cache_alloc: the common path is short. */
static inline __attribute__((always_inline)) void *cache_alloc_at(struct kmem_cache *c, gfp_t gfp,
                                                                  uint32_t site)
{
    might_reclaim(gfp);         /* even when a free object is at hand: see reclaim_check.c */
    uint32_t flags = irq_save();
    if (list_empty(&c->partial)) {
        if (!list_empty(&c->free)) {
            list_move(c->free.next, &c->partial);
            c->nr_free_slabs--;
        } else {
            irq_restore(flags);                 /* the page allocator may sleep */
            struct page *page = new_slab(c, gfp);
            if (!page)
                return NULL;
            flags = irq_save();
            list_add(&page->lru, &c->partial);
            c->nr_slabs++;
        }
    }
    struct page *page = list_first_entry(&c->partial, struct page, lru);
    void *obj = page->freelist;
    page->freelist = *free_link(c, obj);
    if (++page->inuse == c->per_slab)
        list_move(&page->lru, &c->full);
    c->active++;
    irq_restore(flags);

    if (MM_DEBUG) {
        check_poison(c, obj, site);
        struct slot_meta *m = meta_of(c, obj);
        m->state = SLOT_ALLOCATED;
        m->alloc_site = site;
    }
    if (gfp & __GFP_ZERO)
        memset(obj, 0, c->object_size);
    return obj;
}

/* MM_DEBUG: is obj the start of an allocated slot of cache c? */
static bool free_is_valid(struct kmem_cache *c, struct page *page, void *obj, uint32_t at)
{
    uint32_t offset = (uint32_t)obj - (uint32_t)page_address(page);
    if (!(page->flags & PG_slab) || page->slab_cache != c) {
        report(c, obj, 0, "freed to a cache it does not belong to", at);
        return false;
    }
    if (offset / c->slot_size >= c->per_slab) {
        report(c, obj, 0, "past the last object of its slab", at);
        return false;
    }
    char what[128];
    if (offset % c->slot_size) {
        void *start = (char *)obj - offset % c->slot_size;
        ksnprintf(what, sizeof(what), "freed through a pointer %u bytes into it, "
                  "not the start of an object", offset % c->slot_size);
        report(c, start, meta_of(c, start)->alloc_site, what, at);
        return false;
    }
    struct slot_meta *m = meta_of(c, obj);
    if (m->state == SLOT_FREE) {
        char first[96];
        ksym_describe(m->free_site, first, sizeof(first));
        ksnprintf(what, sizeof(what), "double free (first freed at %s)", first);
        report(c, obj, m->alloc_site, what, at);
        return false;
    }
    if (m->state != SLOT_ALLOCATED) {
        report(c, obj, 0, "slot metadata overwritten", at);
        return false;
    }
    return true;
}

/*
 * A free that left its slab no longer full, or empty: move the slab to
 * the list it now belongs on.  Keep one empty slab for the next
 * allocation; return any other for the caller to release once interrupts
 * are back on (NULL: nothing to release).
 */
static inline __attribute__((always_inline)) struct page *slab_moves(struct kmem_cache *c,
                                                                     struct page *page)
{
    if (page->inuse + 1 == c->per_slab)
        list_move(&page->lru, &c->partial);
    if (page->inuse)
        return NULL;
    if (c->nr_free_slabs) {
        list_del(&page->lru);
        c->nr_slabs--;
        return page;
    }
    list_move(&page->lru, &c->free);
    c->nr_free_slabs++;
    return NULL;
}

/* page: the first page of the slab that holds obj. */
static inline __attribute__((always_inline)) void cache_free_at(struct kmem_cache *c,
                                                                struct page *page, void *obj,
                                                                uint32_t at)
{
    if (MM_DEBUG) {
        if (!free_is_valid(c, page, obj, at))
            return;
        check_red_zone(c, obj, at);
        memset(obj, SLAB_POISON_BYTE, c->meta_offset - SLAB_RED_ZONE);
        meta_of(c, obj)->state = SLOT_FREE;
        meta_of(c, obj)->free_site = at;
    }

    uint32_t flags = irq_save();
    *free_link(c, obj) = page->freelist;
    page->freelist = obj;
    c->active--;
    uint32_t was = page->inuse--;
    if (__builtin_expect(was == c->per_slab || was == 1, 0)) {
        struct page *empty = slab_moves(c, page);
        irq_restore(flags);
        if (empty)
            release_slab(c, empty);
        return;
    }
    irq_restore(flags);
}

void *kmem_cache_alloc(struct kmem_cache *c, gfp_t gfp)
{
    return cache_alloc_at(c, gfp, (uint32_t)__builtin_return_address(0));
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
    cache_free_at(c, slab_head(virt_to_page(obj)), obj, (uint32_t)__builtin_return_address(0));
}

/* ---- caches ------------------------------------------------------------------- */

struct kmem_cache *kmem_cache_create(const char *name, size_t size)
{
    struct kmem_cache *c = kmem_cache_alloc(&cache_of_caches, GFP_KERNEL);
    if (c)
        cache_setup(c, name, size);
    return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
    uint32_t flags = irq_save();
    if (c->active) {
        irq_restore(flags);
        pr_err("slab: cannot destroy %s: %u objects still allocated\n", c->name, c->active);
        return -EBUSY;
    }
    list_del(&c->caches);
    irq_restore(flags);
    while (!list_empty(&c->free)) {
        struct page *page = list_first_entry(&c->free, struct page, lru);
        list_del(&page->lru);
        release_slab(c, page);
    }
    kmem_cache_free(&cache_of_caches, c);
    return 0;
}

void slab_init(void)
{
    cache_setup(&cache_of_caches, "kmem_cache", sizeof(struct kmem_cache));
    for (int i = 0; i < KMALLOC_CACHES; i++)
        kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i], KMALLOC_MIN << i);
}

void slab_for_each_cache(void (*fn)(const struct kmem_cache *cache))
{
    list_for_each(link, &all_caches)
        fn(list_entry(link, struct kmem_cache, caches));
}

/* ---- kmalloc ------------------------------------------------------------------- */

static unsigned order_for(size_t size)
{
    unsigned order = 0;
    while ((PAGE_SIZE << order) < size)
        order++;
    return order;
}

void *kmalloc(size_t size, gfp_t gfp)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    size_t last = size - (size != 0);       /* the last byte's offset; 0 for 0 bytes */
    if (last < KMALLOC_MAX_CACHED) {
        /* The smallest class that fits: 8 << i > last, i.e. i is the bit
         * length of last less 3; the low bits set make it 0 up to 8 bytes,
         * with no branch. */
        int i = 32 - __builtin_clz(last | (KMALLOC_MIN - 1)) - 3;
        return kmalloc_caches[i] ? cache_alloc_at(kmalloc_caches[i], gfp, site) : NULL;
    }
    unsigned order = order_for(size);
    if (order > MAX_ORDER)
        return NULL;
    struct page *page = alloc_pages(gfp, order);
    return page ? page_address(page) : NULL;
}

/* The caller, for reports: a macro so that the release build, which
 * reports nothing on the fast path, does not even load it there. */
#define KFREE_CALLER ((uint32_t)__builtin_return_address(0))

void kfree(const void *ptr)
{
    if (!ptr)
        return;
    struct page *page = virt_to_page(ptr);
    if (page->flags & PG_slab) {
        struct page *head = slab_head(page);
        cache_free_at(head->slab_cache, head, (void *)ptr, KFREE_CALLER);
    } else if ((uint32_t)ptr % PAGE_SIZE == 0 && page->refcount > 0) {
        free_pages(page, page->order);
    } else {
        report(NULL, ptr, 0, "kfree of a pointer kmalloc did not return", KFREE_CALLER);
    }
}
