/*
 * test_reclaim_waits.c - the wait check behind invariant 1, reclaim
 * never waits for a write, can fail: a task in reclaim that waits on
 * anything but "a page was freed" or a short timer is reported and
 * counted, whatever kind of wait it is; those two are not.
 *
 * Each test makes one wait in reclaim's context -- PF_MEMALLOC and
 * PF_RECLAIM, set as try_to_free_pages sets them -- and demands exactly
 * one report (announced, so the test passes because of it, not despite
 * it) that says what was waited on and, when one task can end the wait,
 * names that task and shows where it is.  Where another task must end
 * the wait, a helper started before does so END_AFTER_MS later, so the
 * waiter really sleeps; a wait whose condition already holds is reported
 * all the same (submit_bio_wait on ram0, which completes at once): the
 * check judges the wait, not the timing.
 */
#include "blkdev.h"
#include "completion.h"
#include "gfp.h"
#include "ktest.h"
#include "mempool.h"
#include "mm.h"
#include "mutex.h"
#include "semaphore.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "wait.h"

#define END_AFTER_MS    50      /* under MEMPOOL_RETRY_MS: one wait, not a retry */
#define LONG_SLEEP_MS   (RECLAIM_WAIT_MS * 5)   /* kswapd's nap, were it taken in reclaim */

/* wait(arg) in reclaim's context; the number of waits reported. */
static uint32_t reported_in_reclaim(void (*wait)(void *arg), void *arg)
{
    uint32_t v0 = reclaim_violations;
    uint32_t saved = memalloc_flag_save(PF_MEMALLOC | PF_RECLAIM);
    wait(arg);
    memalloc_flag_restore(PF_MEMALLOC | PF_RECLAIM, saved);
    return reclaim_violations - v0;
}

/* wait(arg), in reclaim, is reported once, in a report that contains each
 * of the NULL-terminated says. */
static void expect_reported(void (*wait)(void *arg), void *arg, const char *const *says)
{
    uint32_t mark = log_mark();
    uint32_t reports = reported_in_reclaim(wait, arg);
    ktest_expect_reports(reports);
    KASSERT_EQ(reports, 1);
    for (; *says; says++)
        if (!log_contains(mark, *says))
            ktest_fail(__FILE__, __LINE__, "the report does not say \"%s\"", *says);
}

/* ---- helpers that end a wait from another task ------------------------- */

struct ender {
    void (*end)(void *arg);
    void *arg;
};

static void end_later(void *arg)
{
    struct ender *e = arg;
    sleep_ms(END_AFTER_MS);
    e->end(e->arg);
}

/* Start a task that runs e->end after END_AFTER_MS, and let it begin its
 * sleep, so that a report shows it there. */
static struct task *start_ender(const char *name, struct ender *e)
{
    struct task *t = task_create(name, end_later, e, PRIO_NORMAL);
    KASSERT(t != NULL);
    sleep_ms(1);
    return t;
}

/* ---- waits reclaim must not make ---------------------------------------- */

static void read_a_page(void *bio)
{
    submit_bio_wait(bio);
}

KTEST(reclaim_wait_submit_bio_wait_reported)
{
    struct block_device *ram0 = blkdev_find("ram0");
    KASSERT(ram0 != NULL);
    struct page *page = alloc_page(GFP_KERNEL);
    KASSERT(page != NULL);
    struct bio *bio = bio_alloc(GFP_NOIO);
    bio->bdev = ram0;
    bio->sector = 0;
    bio->op = BIO_READ;
    KASSERT_EQ(bio_add_page(bio, page, PAGE_SIZE, 0), 0);
    expect_reported(read_a_page, bio, (const char *const[]){
        "reclaim: BUG: task kmain waits on wait queue bio while reclaiming",
        "] submit_bio_wait+", NULL});
    KASSERT_EQ(bio->status, 0);
    bio_put(bio);
    free_page(page);
}

static void wait_briefly(void *done)
{
    wait_for_completion_timeout(done, END_AFTER_MS);
}

/* A timeout does not make a wait for one particular event harmless: the
 * event may need what reclaim's caller holds, and every round waits. */
KTEST(reclaim_wait_for_completion_timeout_reported)
{
    struct completion never;
    init_completion(&never, "test-never-done");
    expect_reported(wait_briefly, &never, (const char *const[]){
        "waits on wait queue test-never-done while reclaiming",
        "] wait_for_completion_timeout+", NULL});
}

/* A page being read, as PG_locked is waited for in the page cache and at
 * swap-in; the queue names the task that will end the read, as a device
 * served in this kernel does (blkdev.h). */
static struct page *locked_page;
static struct wait_queue page_lock_wq;

static void unlock_page(void *arg)
{
    (void)arg;
    locked_page->flags &= ~PG_locked;
    wake_up(&page_lock_wq);
}

static void wait_on_locked_page(void *arg)
{
    (void)arg;
    wait_event(&page_lock_wq, !(locked_page->flags & PG_locked));
}

KTEST(reclaim_wait_on_page_lock_reported)
{
    static struct task *reader;
    locked_page = alloc_page(GFP_KERNEL);
    KASSERT(locked_page != NULL);
    locked_page->flags |= PG_locked;
    wait_queue_init(&page_lock_wq, "test page lock");
    page_lock_wq.owner = &reader;
    struct ender e = { unlock_page, NULL };
    reader = start_ender("test-reader", &e);
    expect_reported(wait_on_locked_page, NULL, (const char *const[]){
        "waits on wait queue test page lock while reclaiming",
        "kmain waits on wait queue test page lock, which only test-reader can end",
        "reclaim: where test-reader, which can end that wait, is:", "] end_later+", NULL});
    KASSERT_EQ(task_join(reader), 0);
    free_page(locked_page);
}

/* A mempool of one element: its allocator makes the reserve's element and
 * then has nothing, so only that element coming back ends a wait. */
struct pool_wait {
    struct mempool *pool;
    void *element;
    bool made;                  /* the allocator has made its one element */
};

static void *first_only(gfp_t gfp, void *arg)
{
    struct pool_wait *p = arg;
    if (p->made)
        return NULL;
    p->made = true;
    return kmalloc(64, gfp);
}

static void free_element(void *element, void *arg)
{
    (void)arg;
    kfree(element);
}

static void give_back(void *arg)
{
    struct pool_wait *p = arg;
    mempool_free(p->element, p->pool);
}

static void take_element(void *arg)
{
    struct pool_wait *p = arg;
    p->element = mempool_alloc(p->pool, GFP_NOIO);
}

KTEST(reclaim_wait_on_mempool_reported)
{
    struct pool_wait p = { .made = false };
    p.pool = mempool_create("test-pool", 1, first_only, free_element, &p);
    KASSERT(p.pool != NULL);
    p.element = mempool_alloc(p.pool, GFP_NOIO);        /* the reserve's one element */
    KASSERT(p.element != NULL);
    struct ender e = { give_back, &p };
    struct task *t = start_ender("test-freer", &e);
    expect_reported(take_element, &p, (const char *const[]){
        "waits on wait queue test-pool while reclaiming", "] mempool_alloc+", NULL});
    KASSERT(p.element != NULL);
    KASSERT_EQ(task_join(t), 0);
    mempool_free(p.element, p.pool);
    mempool_destroy(p.pool);
}

static void up_later(void *sem) { up(sem); }
static void take_unit(void *sem) { down(sem); }

KTEST(reclaim_wait_on_semaphore_reported)
{
    struct semaphore sem;
    sema_init(&sem, "test-sem", 0);
    struct ender e = { up_later, &sem };
    struct task *t = start_ender("test-upper", &e);
    expect_reported(take_unit, &sem, (const char *const[]){
        "waits on semaphore test-sem while reclaiming", NULL});
    KASSERT_EQ(task_join(t), 0);
}

/* A mutex like the mount table's or swapon's: nothing marks it as held
 * across IO, and its owner may be waiting for IO all the same. */
static struct mutex unmarked;

static void hold_then_unlock(void *arg)
{
    (void)arg;
    mutex_lock(&unmarked);
    sleep_ms(END_AFTER_MS);
    mutex_unlock(&unmarked);
}

static void lock_unmarked(void *arg)
{
    (void)arg;
    mutex_lock(&unmarked);
    mutex_unlock(&unmarked);
}

KTEST(reclaim_wait_on_unmarked_mutex_reported)
{
    mutex_init(&unmarked, "test-unmarked");
    struct task *owner = task_create("mutex-owner", hold_then_unlock, NULL, PRIO_NORMAL);
    KASSERT(owner != NULL);
    for (int i = 0; i < 10 && !mutex_is_locked(&unmarked); i++)
        sleep_ms(1);
    KASSERT(mutex_is_locked(&unmarked));
    expect_reported(lock_unmarked, NULL, (const char *const[]){
        "waits on mutex test-unmarked while reclaiming",
        "kmain waits for mutex test-unmarked held by mutex-owner since hold_then_unlock+",
        "reclaim: where mutex-owner, which can end that wait, is:", NULL});
    KASSERT_EQ(task_join(owner), 0);
}

static void nothing(void *arg) { (void)arg; }

static void join_it(void *t)
{
    task_join(t);
}

KTEST(reclaim_wait_for_task_exit_reported)
{
    struct ender e = { nothing, NULL };
    struct task *t = start_ender("test-exiting", &e);
    expect_reported(join_it, t, (const char *const[]){
        "waits on the exit of test-exiting while reclaiming",
        "kmain waits for test-exiting to exit", NULL});
}

/* sleep_ms(ms), with ms passed as the argument. */
static void sleep_for(void *ms)
{
    sleep_ms((uint32_t)(uintptr_t)ms);
}

KTEST(reclaim_wait_long_sleep_reported)
{
    expect_reported(sleep_for, (void *)LONG_SLEEP_MS, (const char *const[]){
        "reclaim: BUG: task kmain waits on sleep (",
        "reclaim may sleep only on \"page freed\" or a timer of at most", NULL});
}

/* ---- the waits reclaim may make ----------------------------------------- */

static void wait_for_any_free(void *arg)
{
    (void)arg;
    wait_on_page_freed(RECLAIM_WAIT_MS);
}

KTEST(reclaim_waits_on_page_freed_and_short_timer_allowed)
{
    KASSERT_EQ(reported_in_reclaim(wait_for_any_free, NULL), 0);
    KASSERT_EQ(reported_in_reclaim(sleep_for, (void *)RECLAIM_WAIT_MS), 0);
}
