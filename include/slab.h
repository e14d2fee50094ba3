/*
 * slab.h - small objects: caches of fixed-size objects, and kmalloc.
 *
 * A kmem_cache hands out objects of one size from slabs: runs of pages
 * (PG_slab) cut into equal slots.  Each slab keeps its own free list; a
 * cache keeps its slabs on three lists -- partial (some objects free),
 * full, and free (all free; at most one kept, the rest go back to the page
 * allocator).
 *
 * kmalloc(size, gfp) uses the power-of-two caches kmalloc-8 .. kmalloc-2048
 * and whole pages above that; kfree() finds which from the struct page.
 * Both return NULL on failure and never panic.  kfree(NULL) does nothing.
 *
 * MM_DEBUG (test builds): every slot has a red zone after the object and
 * remembers who allocated it.  Freed objects are poisoned and checked when
 * handed out again; a red zone that was written (an overflow), a double
 * free or a kfree of a pointer that is no object is reported -- with the
 * object's size and allocation site -- and the free is refused.
 *
 * Locking: interrupts off around a cache's lists (irq_save: one CPU).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "gfp.h"
#include "list.h"

#define KMALLOC_MIN         8
#define KMALLOC_MAX_CACHED  2048
#define SLAB_RED_ZONE       8           /* bytes checked after each object */
#define SLAB_RED_BYTE       0xbb
#define SLAB_POISON_BYTE    0x6b

struct kmem_cache {
    const char *name;
    uint32_t object_size;       /* what the user asked for */
    uint32_t slot_size;         /* object, red zone and metadata */
    uint32_t free_offset;       /* where in a free slot its next-free link lives */
    uint32_t meta_offset;       /* MM_DEBUG: struct slot_meta, after the red zone */
    uint32_t per_slab;          /* slots in one slab */
    unsigned order;             /* a slab is 2^order pages */
    struct list_head partial, full, free;   /* slabs, by their struct page lru */
    uint32_t nr_slabs;
    uint32_t nr_free_slabs;
    uint32_t active;            /* objects handed out */
    struct list_head caches;    /* on the list of all caches */
};

void slab_init(void);
struct kmem_cache *kmem_cache_create(const char *name, size_t size);
/* -EBUSY when objects are still allocated. */
int kmem_cache_destroy(struct kmem_cache *cache);
void *kmem_cache_alloc(struct kmem_cache *cache, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *cache, void *obj);

void *kmalloc(size_t size, gfp_t gfp);
void kfree(const void *ptr);

/* Visit every cache (monitor 'slab'). */
void slab_for_each_cache(void (*fn)(const struct kmem_cache *cache));
/* Reports by the MM_DEBUG checks since boot. */
extern uint32_t slab_debug_reports;
