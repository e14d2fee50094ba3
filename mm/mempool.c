/*
 * mempool.c - reserved elements for the IO path (see include/mempool.h).
 */
#include "mempool.h"
#include "printk.h"
#include "slab.h"
#include "x86.h"

#define MEMPOOL_RETRY_MS 100    /* also retry the allocator this often */

struct mempool *mempool_create(const char *name, int min_nr, mempool_alloc_fn alloc,
                               mempool_free_fn free, void *pool_data)
{
    struct mempool *pool = kmalloc(sizeof(*pool), GFP_KERNEL | __GFP_ZERO);
    if (!pool)
        return NULL;
    pool->elements = kmalloc(min_nr * sizeof(void *), GFP_KERNEL);
    if (!pool->elements) {
        kfree(pool);
        return NULL;
    }
    pool->name = name;
    pool->min_nr = min_nr;
    pool->alloc = alloc;
    pool->free = free;
    pool->pool_data = pool_data;
    wait_queue_init(&pool->wait, name);
    while (pool->curr_nr < min_nr) {
        void *e = alloc(GFP_KERNEL, pool_data);
        if (!e) {
            pool->min_nr = pool->curr_nr;   /* what there is to give back */
            mempool_destroy(pool);
            return NULL;
        }
        pool->elements[pool->curr_nr++] = e;
    }
    return pool;
}

static void *kmalloc_element(gfp_t gfp, void *size) { return kmalloc((size_t)size, gfp); }
static void kfree_element(void *element, void *size) { (void)size; kfree(element); }

struct mempool *mempool_create_kmalloc(const char *name, int min_nr, size_t size)
{
    return mempool_create(name, min_nr, kmalloc_element, kfree_element, (void *)size);
}

void mempool_destroy(struct mempool *pool)
{
    if (pool->curr_nr != pool->min_nr && pool->elements)
        pr_err("mempool %s: destroyed with %d of %d elements still out\n", pool->name,
               pool->min_nr - pool->curr_nr, pool->min_nr);
    while (pool->curr_nr)
        pool->free(pool->elements[--pool->curr_nr], pool->pool_data);
    kfree(pool->elements);
    kfree(pool);
}

static void *take_reserved(struct mempool *pool)
{
    void *e = NULL;
    uint32_t flags = irq_save();
    if (pool->curr_nr > 0)
        e = pool->elements[--pool->curr_nr];
    irq_restore(flags);
    return e;
}

void *mempool_alloc(struct mempool *pool, gfp_t gfp)
{
    for (;;) {
        /* Never reclaim or start IO from here: the caller may be the IO
         * that reclaim is waiting for. */
        void *e = pool->alloc(gfp & ~(__GFP_RECLAIM | __GFP_IO), pool->pool_data);
        if (e)
            return e;
        if ((e = take_reserved(pool)))
            return e;
        if (!(gfp & __GFP_RECLAIM))
            return NULL;
        /* Any element coming back will do; the timeout also retries the
         * allocator, which may have memory again by then. */
        wait_event_timeout(&pool->wait, pool->curr_nr > 0, MEMPOOL_RETRY_MS);
    }
}

void mempool_free(void *element, struct mempool *pool)
{
    if (!element)
        return;
    uint32_t flags = irq_save();
    if (pool->curr_nr < pool->min_nr) {
        pool->elements[pool->curr_nr++] = element;
        irq_restore(flags);
        wake_up(&pool->wait);
        return;
    }
    irq_restore(flags);
    pool->free(element, pool->pool_data);
}
