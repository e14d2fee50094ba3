/*
 * mempool.h - memory that is there when the IO path needs it.
 *
 * A mempool keeps min_nr preallocated elements.  mempool_alloc() first asks
 * the allocator -- without reclaim and without IO, so that it cannot end up
 * waiting for the very IO it is on the way to do -- and takes a reserved
 * element when that fails.  When both are empty a caller that may sleep
 * waits until any element comes back to the pool, never for a particular
 * one, and then tries again: in task context it never fails.  GFP_ATOMIC
 * callers get NULL instead of waiting.
 *
 * mempool_free() refills the reserve first and wakes a waiter; only a full
 * pool hands elements back to the allocator.
 */
#pragma once
#include "gfp.h"
#include "wait.h"

typedef void *(*mempool_alloc_fn)(gfp_t gfp, void *pool_data);
typedef void (*mempool_free_fn)(void *element, void *pool_data);

struct mempool {
    const char *name;
    int min_nr;                 /* elements the reserve holds when full */
    int curr_nr;                /* elements in it now */
    void **elements;            /* the reserve */
    mempool_alloc_fn alloc;
    mempool_free_fn free;
    void *pool_data;
    struct wait_queue wait;     /* callers waiting for any element */
};

struct mempool *mempool_create(const char *name, int min_nr, mempool_alloc_fn alloc,
                               mempool_free_fn free, void *pool_data);
/* Elements of size bytes from kmalloc. */
struct mempool *mempool_create_kmalloc(const char *name, int min_nr, size_t size);
/* Every element must have come back. */
void mempool_destroy(struct mempool *pool);
void *mempool_alloc(struct mempool *pool, gfp_t gfp);
void mempool_free(void *element, struct mempool *pool);
