/*
 * test_mempool.c - a mempool hands out its reserve when the allocator has
 * nothing, and a caller that finds both empty waits for any element to come
 * back -- then gets it.
 */
#include "ktest.h"
#include "mempool.h"
#include "sched.h"
#include "slab.h"

#define POOL_SIZE   4
#define ELEMENT     128

static volatile bool allocator_empty;   /* the test plays an exhausted allocator */

static void *test_alloc(gfp_t gfp, void *data)
{
    (void)data;
    return allocator_empty ? NULL : kmalloc(ELEMENT, gfp);
}

static void test_free(void *e, void *data)
{
    (void)data;
    kfree(e);
}

struct pool_probe {
    struct mempool *pool;
    void *got;
};

static void take_one(void *arg)
{
    struct pool_probe *p = arg;
    p->got = mempool_alloc(p->pool, GFP_KERNEL);
}

KTEST(mempool_waiter_woken_by_any_return)
{
    static struct pool_probe p;
    void *held[POOL_SIZE];
    allocator_empty = false;
    p.pool = mempool_create("test-pool", POOL_SIZE, test_alloc, test_free, NULL);
    KASSERT(p.pool != NULL);
    KASSERT_EQ(p.pool->curr_nr, POOL_SIZE);

    allocator_empty = true;
    for (int i = 0; i < POOL_SIZE; i++) {
        held[i] = mempool_alloc(p.pool, GFP_KERNEL);        /* from the reserve */
        KASSERT(held[i] != NULL);
    }
    KASSERT_EQ(p.pool->curr_nr, 0);
    KASSERT(mempool_alloc(p.pool, GFP_ATOMIC) == NULL);     /* may not wait */

    p.got = NULL;
    struct task *t = task_create("pool-waiter", take_one, &p, PRIO_NORMAL);
    sleep_ms(30);
    KASSERT(p.got == NULL);
    KASSERT_EQ(t->state, TASK_UNINTERRUPTIBLE);
    KASSERT_STREQ(t->wchan, "test-pool");

    mempool_free(held[2], p.pool);          /* any element, not a particular one */
    task_join(t);
    KASSERT(p.got == held[2]);

    allocator_empty = false;
    mempool_free(p.got, p.pool);
    for (int i = 0; i < POOL_SIZE; i++)
        if (i != 2)
            mempool_free(held[i], p.pool);
    KASSERT_EQ(p.pool->curr_nr, POOL_SIZE);
    mempool_destroy(p.pool);
}
