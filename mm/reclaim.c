/*
 * reclaim.c - the rules reclaim lives by, checked: the lock validator's
 * view of reclaim, and the run-time check that reclaim never waits for a
 * particular write (see include/reclaim.h).  Reclaim itself is vmscan.c.
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
#include "backtrace.h"
#include "lockdep.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"

#define REPORTS_IN_FULL 5           /* then only counted: reclaim=sync makes thousands */

uint32_t reclaim_violations;

static struct lock_class_key reclaim_key, reclaim_io_key;
struct lockdep_map reclaim_map = LOCKDEP_MAP_INIT("reclaim", &reclaim_key, LOCK_PSEUDO);
struct lockdep_map reclaim_io_map = LOCKDEP_MAP_INIT("reclaim_io", &reclaim_io_key, LOCK_PSEUDO);

void might_reclaim_lockdep(gfp_t gfp)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (!(gfp & __GFP_RECLAIM) || (current_flags() & PF_MEMALLOC))
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

/*
 * Invariant 1 of the design, enforced.  The waits this is called from are
 * exactly the ones that can close the 1999 cycle: the buffer or page being
 * written may need a lock the reclaiming task's caller holds, or a server
 * that is itself waiting for memory.
 */
void reclaim_may_not_wait(const char *what, const char *name)
{
    if (!(current->flags & PF_RECLAIM))
        return;
    if (reclaim_violations++ == REPORTS_IN_FULL)
        pr_err("reclaim: further waits in reclaim are counted, not printed\n");
    if (reclaim_violations > REPORTS_IN_FULL)
        return;
    pr_err("reclaim: BUG: task %s waits on %s (%s) while reclaiming\n", current->name, what,
           name);
    pr_err("reclaim:   reclaim must never wait for one particular write: that write may "
           "need what this task's caller holds\n");
    lockdep_print_held(current, LOG_ERR);
    backtrace_print(LOG_ERR, (uint32_t)__builtin_return_address(0),
                    (uint32_t)__builtin_frame_address(0));
}
