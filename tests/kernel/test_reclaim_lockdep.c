/*
 * test_reclaim_lockdep.c - the 1999 deadlock, found without deadlocking:
 * a lock held across a GFP_KERNEL allocation, and the same lock taken
 * inside reclaim, close a cycle through the reclaim pseudo-lock.
 */
#include "ktest.h"
#include "lockdep.h"
#include "mm.h"
#include "mutex.h"
#include "printk.h"
#include "slab.h"

KTEST(lockdep_lock_held_across_allocation_and_taken_in_reclaim)
{
    static struct mutex super_lock;
    mutex_init(&super_lock, "test_lock_super");
    uint32_t mark = log_mark(), reports = lockdep_reports;

    /* Task A: holds the lock while it allocates (the bitmap read). */
    mutex_lock(&super_lock);
    void *buffer = kmalloc(64, GFP_KERNEL);
    mutex_unlock(&super_lock);
    KASSERT(buffer != NULL);
    KASSERT_EQ(lockdep_reports, reports);          /* one order alone is fine */

    /* Reclaim writing a dirty page through the file system takes it too. */
    reclaim_enter(GFP_KERNEL);
    mutex_lock(&super_lock);
    mutex_unlock(&super_lock);
    reclaim_exit(GFP_KERNEL);

    KASSERT_EQ(lockdep_reports, reports + 1);
    ktest_expect_reports(1);
    KASSERT(log_contains(mark, "test_lock_super"));
    KASSERT(log_contains(mark, "reclaim"));
    kfree(buffer);
}

/* GFP_NOIO is the cure for a lock that reclaim's IO takes: holding the
 * lock across a GFP_NOIO allocation does not touch reclaim_io. */
KTEST(lockdep_noio_allocation_does_not_order_against_reclaim_io)
{
    static struct mutex io_lock;
    mutex_init(&io_lock, "test_io_path_lock");
    uint32_t reports = lockdep_reports;

    mutex_lock(&io_lock);
    void *buffer = kmalloc(64, GFP_NOIO);
    mutex_unlock(&io_lock);

    /* Reclaim that may do IO -- and so the IO path it waits for -- takes
     * the lock; with GFP_KERNEL above this would be reported. */
    reclaim_enter(GFP_KERNEL);
    reclaim_exit(GFP_KERNEL);           /* the nesting reclaim itself records */
    extern struct lockdep_map reclaim_io_map;
    lockdep_acquire(&reclaim_io_map, 0);
    mutex_lock(&io_lock);
    mutex_unlock(&io_lock);
    lockdep_release(&reclaim_io_map, 0);

    KASSERT_EQ(lockdep_reports, reports);
    kfree(buffer);
}
