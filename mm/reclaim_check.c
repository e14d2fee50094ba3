/*
 * reclaim_check.c - the rules reclaim lives by, checked: the lock validator's
 * view of reclaim, and the run-time check that reclaim never waits for a
 * particular write (see include/reclaim.h).  Reclaim itself is vmscan.c.
 *
 * The wait check.  Reclaim may sleep on "a page was freed": any page will
 * do, so no particular write, lock or server is waited for; and on a
 * timer of at most RECLAIM_WAIT_MS, which ends whatever anyone else does.
 * Any other wait may be for one particular write -- a buffer, a page
 * lock, writeback, a completion, a mempool element, a mutex whose owner
 * is waiting for IO -- and that write may need what this task's caller
 * holds (lock_super, in 1999) or a server that is itself waiting for
 * memory.  set_wait(), which every wait goes through, calls the check
 * for a task with PF_RECLAIM, so no kind of wait can be missed, however
 * it is spelled.  A wait is checked when it is prepared: wait_event()
 * records it before testing its condition, so a wait reclaim must not
 * make is reported even on a run where the condition already held and
 * nothing slept -- like the lock validator's, the verdict does not
 * depend on the timing.  (A mutex or semaphore records a wait only when
 * it has to sleep; whether a lock may be taken inside reclaim at all is
 * the validator's question, through the pseudo-locks above.)
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
#include "hung.h"
#include "internal.h"
#include "lockdep.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "timer.h"
#include "vsprintf.h"
#include "wait.h"

#define REPORTS_IN_FULL 5           /* then only counted: reclaim=sync makes thousands */

uint32_t reclaim_violations;
static uint32_t wait_reports;       /* since reclaim_reports_rearm: printed while few */

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

/* A sleep's ticks to go (WAIT_SLEEP: wait_obj is the tick it ends at). */
static uint64_t sleep_ticks_left(const struct task *t)
{
    uint64_t end = *(const uint64_t *)t->wait_obj, now = timer_ticks();
    return end > now ? end - now : 0;
}

/* The two waits reclaim may make (see the top of this file). */
static bool reclaim_may_wait(const struct task *t)
{
    if (t->wait_kind == WAIT_QUEUE)
        return t->wait_obj == &page_freed_wq;
    if (t->wait_kind == WAIT_SLEEP)
        return sleep_ticks_left(t) <= ms_to_ticks(RECLAIM_WAIT_MS);
    return false;
}

/*
 * Invariant 1 of the design, enforced: current, in reclaim, has just
 * recorded a wait (set_wait).  Anything but the two allowed waits is
 * reported -- what it waits on, the task that can end the wait when one
 * can (a mutex's owner, a wait queue's named owner), the locks held and
 * both stacks -- and counted in reclaim_violations, which fails the
 * running test; then the wait goes ahead, so that its consequence can be
 * seen too.
 */
void reclaim_check_wait(void)
{
    const struct task *t = current;
    if (reclaim_may_wait(t))
        return;
    reclaim_violations++;
    if (wait_reports++ == REPORTS_IN_FULL)
        pr_err("reclaim: further waits in reclaim are counted, not printed\n");
    if (wait_reports > REPORTS_IN_FULL)
        return;
    char edge[WAIT_DESCRIPTION_LEN], sleep[24] = "";
    struct task *owner = describe_wait(t, edge, sizeof(edge));
    if (t->wait_kind == WAIT_SLEEP)
        ksnprintf(sleep, sizeof(sleep), " (%u ms)", (uint32_t)(sleep_ticks_left(t) * (1000 / HZ)));
    pr_err("reclaim: BUG: task %s waits on %s%s%s while reclaiming\n", t->name,
           wait_kind_prefix(t->wait_kind), t->wchan, sleep);
    pr_err("reclaim:   reclaim may sleep only on \"page freed\" or a timer of at most %u ms;\n",
           RECLAIM_WAIT_MS);
    pr_err("reclaim:   any other wait may be for one particular write, and that write may "
           "need what this task's caller holds\n");
    if (owner)
        pr_err("reclaim:   %s %s\n", t->name, edge);
    print_held_while_waiting("reclaim", t);
    pr_err("reclaim: where %s waits:\n", t->name);
    const uint32_t *frame = __builtin_frame_address(0);    /* from set_wait on */
    backtrace_print(LOG_ERR, frame[1], frame[0]);
    if (owner) {
        pr_err("reclaim: where %s, which can end that wait, is:\n", owner->name);
        task_backtrace(owner, LOG_ERR);
    }
}

void reclaim_reports_rearm(void)
{
    wait_reports = 0;
}
