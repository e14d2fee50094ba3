/*
 * reclaim.c - getting memory back when an allocation cannot be met, and
 * the lock validator's view of it.
 *
 * try_to_free_pages() is the one place the page allocator calls when an
 * allocation that may sleep finds free memory at its watermark.  Reclaim
 * proper -- the LRU lists, handing dirty pages to kswiod, sleeping on "any
 * page was freed" -- arrives with issue 6; until then there is nothing that
 * can be given back, so it reports no progress and the allocation fails.
 *
 * The pseudo-locks.  Whether an allocation actually enters reclaim depends
 * on timing; the locks reclaim will take do not.  So every allocation that
 * may reclaim "touches" the pseudo-lock reclaim (and reclaim_io when it
 * may start IO): acquire and release at once, which records "every lock
 * held now is held across reclaim".  Reclaim holds the same pseudo-locks
 * while it runs, which records "every lock taken now is taken inside
 * reclaim".  A lock in both sets closes a cycle, and the validator reports
 * the 1999 deadlock the first time both orders are seen.
 *
 * reclaim_io is the outer of the two: reclaim that may start IO is also
 * reclaim, so it takes reclaim_io first, then reclaim.  Never the other
 * way round: "reclaim -> reclaim_io" would let a lock held across a
 * GFP_NOIO allocation (-> reclaim) and taken by the IO path under
 * reclaim_io look like a cycle, when GFP_NOIO is precisely the cure.
 */
#include "lockdep.h"
#include "mm.h"

static struct lock_class_key reclaim_key, reclaim_io_key;
struct lockdep_map reclaim_map = LOCKDEP_MAP_INIT("reclaim", &reclaim_key, LOCK_PSEUDO);
struct lockdep_map reclaim_io_map = LOCKDEP_MAP_INIT("reclaim_io", &reclaim_io_key, LOCK_PSEUDO);

void might_reclaim(gfp_t gfp)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (!LOCKDEP || !(gfp & __GFP_RECLAIM) || (current_flags() & PF_MEMALLOC))
        return;
    if (gfp & __GFP_IO) {
        lockdep_acquire(&reclaim_io_map, site);
        lockdep_release(&reclaim_io_map, site);
    }
    lockdep_acquire(&reclaim_map, site);
    lockdep_release(&reclaim_map, site);
}

void reclaim_enter(gfp_t gfp)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (gfp & __GFP_IO)
        lockdep_acquire(&reclaim_io_map, site);
    lockdep_acquire(&reclaim_map, site);
}

void reclaim_exit(gfp_t gfp)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    lockdep_release(&reclaim_map, site);
    if (gfp & __GFP_IO)
        lockdep_release(&reclaim_io_map, site);
}

uint32_t try_to_free_pages(gfp_t gfp, unsigned order)
{
    (void)order;
    reclaim_enter(gfp);
    uint32_t saved = memalloc_noreclaim_save();     /* reclaim must not recurse */
    uint32_t freed = 0;                             /* nothing to free yet: issue 6 */
    memalloc_noreclaim_restore(saved);
    reclaim_exit(gfp);
    return freed;
}
