/*
 * test_hung.c - the hang detector: what it reports, what it leaves alone,
 * and how it follows who waits for whom.
 *
 * Each test lowers hung_timeout_secs to one second itself (so it works the
 * same under test=all, with no command line), builds its situation out of
 * tasks, waits for khungtaskd to look -- counting its scans rather than
 * guessing at time -- and then undoes everything it can before asserting,
 * so that a failure does not leave a one-second threshold and blocked tasks
 * behind to fail the tests after it.  Only the deadlock cannot be undone:
 * its two tasks stay blocked for the rest of the boot, harmlessly, already
 * reported (hang_reported stays set as they never wake).
 */
#include "blkdev.h"
#include "cmdline.h"
#include "completion.h"
#include "hung.h"
#include "mm.h"
#include "ktest.h"
#include "mutex.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "vsprintf.h"
#include "wait.h"
#include "x86.h"

#define TEST_TIMEOUT_SECS   1
#define WAIT_LIMIT_MS       10000   /* threshold + scan period + a wide margin */
#define POLL_MS             50

/* Sleep until *counter >= want, for at most ms; true if it got there. */
static bool wait_for_count(const uint32_t *counter, uint32_t want, uint32_t ms)
{
    for (uint32_t waited = 0; *(const volatile uint32_t *)counter < want; waited += POLL_MS) {
        if (waited >= ms)
            return false;
        sleep_ms(POLL_MS);
    }
    return true;
}

/* Wait until khungtaskd has finished n more scans: each one a full look. */
static bool wait_for_scans(uint32_t n)
{
    return wait_for_count(&hung_scans, hung_scans + n, n * 1000 + WAIT_LIMIT_MS);
}

static void wait_until_locked(const struct mutex *m)
{
    for (int i = 0; i < 100 && !mutex_is_locked(m); i++)
        sleep_ms(10);
    KASSERT(mutex_is_locked(m));
}


/* Sleep (TASK_SLEEPING) until task_stop(): sleep_ms returns early then. */
static void nap_until_stopped(void *arg)
{
    (void)arg;
    while (!task_should_stop())
        sleep_ms(60000);
}

/* Hold a mutex, napping, until task_stop(). */
static void hold_until_stopped(void *arg)
{
    struct mutex *m = arg;
    mutex_lock(m);
    nap_until_stopped(NULL);
    mutex_unlock(m);
}

static void lock_and_unlock(void *arg)
{
    struct mutex *m = arg;
    mutex_lock(m);
    mutex_unlock(m);
}

/* Start a task that takes m and holds it until stopped; once it holds m,
 * the task that will block on m.  Returns the holder. */
static struct task *start_holder_then(struct mutex *m, const char *holder_name,
                                      const char *waiter_name, struct task **waiter)
{
    struct task *holder = task_create(holder_name, hold_until_stopped, m, PRIO_NORMAL);
    KASSERT(holder);
    wait_until_locked(m);
    *waiter = task_create(waiter_name, lock_and_unlock, m, PRIO_NORMAL);
    KASSERT(*waiter);
    return holder;
}

KTEST(hung_task_timeout_follows_command_line)
{
    /* hung_task_init() read hung_timeout= (specs.py passes 7). */
    KASSERT_EQ(hung_timeout_secs, cmdline_get_u32("hung_timeout", 20));
    /* ... and khungtaskd runs: without it every other test here is moot. */
    KASSERT(wait_for_scans(1));
}

/* Blocked uninterruptibly, but never for a whole threshold at a time. */
static void short_waits_until_stopped(void *arg)
{
    struct completion *never = arg;
    while (!task_should_stop())
        wait_for_completion_timeout(never, 400);
}

KTEST(hung_task_sleeping_or_briefly_blocked_not_reported)
{
    static struct completion never;
    init_completion(&never, "hung-test-never");
    uint32_t saved = hung_timeout_secs, reports = hung_reports;
    hung_timeout_secs = TEST_TIMEOUT_SECS;

    struct task *nap = task_create("hung-nap", nap_until_stopped, NULL, PRIO_NORMAL);
    struct task *brief = task_create("hung-brief", short_waits_until_stopped, &never,
                                     PRIO_NORMAL);
    KASSERT(nap && brief);
    /* Three scans: the nap is over two thresholds old at the last one. */
    bool scanned = wait_for_scans(3);
    bool nap_slept = nap->state == TASK_SLEEPING;

    task_stop(nap);
    task_stop(brief);
    task_join(nap);
    task_join(brief);
    hung_timeout_secs = saved;

    KASSERT(scanned);
    KASSERT(nap_slept);
    KASSERT_EQ(hung_reports, reports);
}

/* task_join(arg), uninterruptibly. */
static void join_task(void *arg)
{
    task_join(arg);
}

/* Runs (never blocking for long) until stopped: a hog at work. */
static void work_until_stopped(void *arg)
{
    (void)arg;
    while (!task_should_stop())
        for (uint64_t until = timer_uptime_ms() + 100; timer_uptime_ms() < until;)
            ;
}

/* A task joining one that runs fn: three scans, and no report. */
static void joiner_not_reported(void (*fn)(void *), const char *name)
{
    uint32_t saved = hung_timeout_secs, reports = hung_reports;
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    struct task *joined = task_create(name, fn, NULL, PRIO_NORMAL);
    struct task *joiner = task_create("hung-joiner", join_task, joined, PRIO_NORMAL);
    KASSERT(joined && joiner);
    /* Three scans: the joiner is over two thresholds old at the last one. */
    bool scanned = wait_for_scans(3);
    bool joining = joiner->state == TASK_UNINTERRUPTIBLE && joiner->wait_kind == WAIT_JOIN;

    task_stop(joined);
    task_join(joiner);                  /* which joined (and freed) the other */
    hung_timeout_secs = saved;

    KASSERT(scanned);
    KASSERT(joining);
    KASSERT_EQ(hung_reports, reports);
}

/* A join is a wait for work: a task that joins a task that runs is not
 * hung, however long the work takes (swap_full's kmain joins a hog for
 * many seconds).  Its clock is the joined task's. */
KTEST(hung_task_joining_a_working_task_not_reported)
{
    joiner_not_reported(work_until_stopped, "hung-worker");
}

/* Nor is one that joins a task sleeping on purpose: kmain joins the
 * program init= started, and the shell waits for a person for ever. */
KTEST(hung_task_joining_a_sleeping_task_not_reported)
{
    joiner_not_reported(nap_until_stopped, "hung-napper");
}

KTEST(hung_task_chain_ends_without_deadlock)
{
    static struct mutex m;
    mutex_init(&m, "hung-chain-m");
    uint32_t saved = hung_timeout_secs, reports = hung_reports, mark = log_mark();
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    ktest_expect_reports(1);

    struct task *waiter;
    struct task *holder = start_holder_then(&m, "chain-holder", "chain-waiter", &waiter);
    bool reported = wait_for_count(&hung_reports, reports + 1, WAIT_LIMIT_MS);

    task_stop(holder);                  /* it unlocks; the waiter gets m and exits */
    task_join(holder);
    task_join(waiter);
    hung_timeout_secs = saved;

    KASSERT(reported);
    KASSERT(log_contains(mark, "hung: task \"chain-waiter\""));
    KASSERT(log_contains(mark, " s on mutex hung-chain-m (uninterruptible)"));
    KASSERT(log_contains(mark, "hung: locks held by chain-waiter (the last, hung-chain-m, "
                               "is the one it waits for):"));
    KASSERT(log_contains(mark, "chain-waiter waits for mutex hung-chain-m held by "
                               "chain-holder since hold_until_stopped+"));
    KASSERT(log_contains(mark, "chain-holder waits on sleep (sleeping): the chain ends here"));
    KASSERT(!log_contains(mark, "DEADLOCK"));
    KASSERT_EQ(hung_reports, reports + 1);
}


/* A synchronous bio of a device whose requests a task here answers (ram0
 * lent a server for the test, stalled): the waiter in submit_bio_wait()
 * is followed to that server, as a swap-in read of the server's own page
 * on nbd0 would be.  Undone after: ram0 unstalled (the read ends), its
 * server taken back. */
static void *bio_buf;

static void read_a_sector(void *arg)
{
    struct block_device *dev = arg;
    KASSERT_EQ(blkdev_rw(dev, 0, bio_buf, SECTOR_SIZE, BIO_READ), 0);
}

KTEST(hung_bio_wait_followed_to_the_device_server)
{
    struct block_device *dev = blkdev_find("ram0");
    KASSERT(dev != NULL);
    KASSERT(dev->server == NULL);
    bio_buf = get_zeroed_page(GFP_KERNEL);
    KASSERT(bio_buf != NULL);
    static struct lock_class_key key;
    static struct blk_server srv = {
        .map = LOCKDEP_MAP_INIT("hung-test request", &key, LOCK_PSEUDO),
    };
    uint32_t saved = hung_timeout_secs, reports = hung_reports, mark = log_mark();
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    ktest_expect_reports(1);

    srv.task = task_create("bio-server", nap_until_stopped, NULL, PRIO_NORMAL);
    KASSERT(srv.task);
    dev->server = &srv;
    blkdev_stall(dev, true);
    struct task *waiter = task_create("bio-waiter", read_a_sector, dev, PRIO_NORMAL);
    KASSERT(waiter);
    bool reported = wait_for_count(&hung_reports, reports + 1, WAIT_LIMIT_MS);

    blkdev_stall(dev, false);           /* the read ends; the waiter exits */
    task_join(waiter);
    dev->server = NULL;
    task_stop(srv.task);
    task_join(srv.task);
    hung_timeout_secs = saved;
    free_page_address(bio_buf);

    KASSERT(reported);
    KASSERT(log_contains(mark, "hung: task \"bio-waiter\""));
    KASSERT(log_contains(mark, "bio-waiter waits on wait queue bio, which only bio-server can "
                               "end (it answers the IO this waits for)"));
    KASSERT(log_contains(mark, "bio-server waits on sleep (sleeping): the chain ends here"));
    KASSERT_EQ(hung_reports, reports + 1);
}

KTEST(hung_task_join_chain_followed_to_mutex_owner)
{
    static struct mutex m;
    mutex_init(&m, "hung-join-m");
    uint32_t saved = hung_timeout_secs, reports = hung_reports, mark = log_mark();
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    /* Both the joiner and the task it joins are blocked past the threshold,
     * and neither is part of a cycle: one report each. */
    ktest_expect_reports(2);

    struct task *joined;
    struct task *holder = start_holder_then(&m, "join-holder", "join-joined", &joined);
    struct task *joiner = task_create("join-joiner", join_task, joined, PRIO_NORMAL);
    KASSERT(joiner);
    bool reported = wait_for_count(&hung_reports, reports + 2, WAIT_LIMIT_MS);

    task_stop(holder);
    task_join(holder);
    task_join(joiner);                  /* which joined (and freed) join-joined */
    hung_timeout_secs = saved;

    KASSERT(reported);
    KASSERT(log_contains(mark, "hung: task \"join-joiner\""));
    KASSERT(log_contains(mark, "on the exit of join-joined (uninterruptible)"));
    KASSERT(log_contains(mark, "hung: task \"join-joined\""));
    KASSERT(log_contains(mark, "hung: locks held by join-joiner:"));
    KASSERT(log_contains(mark, "join-joiner waits for join-joined to exit"));
    KASSERT(log_contains(mark, "join-joined waits for mutex hung-join-m held by join-holder"));
    KASSERT(log_contains(mark, "join-holder waits on sleep (sleeping): the chain ends here"));
    KASSERT(!log_contains(mark, "DEADLOCK"));
    KASSERT_EQ(hung_reports, reports + 2);
}

KTEST(hung_task_corrupt_wait_chain_reported_not_followed)
{
    /* A mapped pointer that is not a task (its "magic" is 0), and a wait
     * channel name in the unmapped user half: the reporter must print
     * them as suspect rather than follow them into a fault. */
    static uint32_t not_a_task[64];
    static struct mutex m;
    mutex_init(&m, "hung-corrupt-m");
    uint32_t saved = hung_timeout_secs, reports = hung_reports, mark = log_mark();
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    ktest_expect_reports(1);

    struct task *waiter;
    struct task *holder = start_holder_then(&m, "corrupt-holder", "corrupt-waiter", &waiter);
    for (int i = 0; i < 100 && waiter->state != TASK_UNINTERRUPTIBLE; i++)
        sleep_ms(10);
    KASSERT_EQ(waiter->state, TASK_UNINTERRUPTIBLE);
    uint32_t flags = irq_save();        /* khungtaskd must see both or neither */
    m.owner = (struct task *)not_a_task;
    waiter->wchan = (const char *)0x0bad0004;
    irq_restore(flags);
    bool reported = wait_for_count(&hung_reports, reports + 1, WAIT_LIMIT_MS);

    m.owner = holder;                   /* mend it, so that the holder may unlock */
    task_stop(holder);
    task_join(holder);
    task_join(waiter);
    hung_timeout_secs = saved;

    char held_by[96];
    ksnprintf(held_by, sizeof(held_by), "corrupt-waiter waits for mutex hung-corrupt-m held "
              "by %p, which is not a task", (void *)not_a_task);
    KASSERT(reported);
    KASSERT(log_contains(mark, "hung: task \"corrupt-waiter\""));
    KASSERT(log_contains(mark, " s on mutex ? (uninterruptible)"));
    KASSERT(log_contains(mark, held_by));
    KASSERT_EQ(hung_reports, reports + 1);
}

/* Take two mutexes, pausing in between so that the other task can take
 * its first: the classic AB-BA deadlock once both go for their second. */
struct lock_order {
    struct mutex *first, *second;
};

static void lock_in_order(void *arg)
{
    const struct lock_order *o = arg;
    mutex_lock(o->first);
    sleep_ms(100);
    mutex_lock(o->second);              /* never returns when the test works */
    mutex_unlock(o->second);
    mutex_unlock(o->first);
}

KTEST(hung_task_two_task_deadlock_reported)
{
    /* Static: the wedged tasks use them for the rest of the boot.  Two
     * mutex_init sites make two lock classes, so the validator sees AB-BA. */
    static struct mutex m1, m2;
    static struct lock_order a_order = { &m1, &m2 }, b_order = { &m2, &m1 };
    mutex_init(&m1, "deadlock-m1");
    mutex_init(&m2, "deadlock-m2");
    uint32_t saved = hung_timeout_secs, reports = hung_reports, mark = log_mark();
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    /* The validator reports the AB-BA order as the second task takes its
     * second lock; the hang detector reports the deadlock once, for both
     * tasks of the cycle. */
    ktest_expect_reports(2);

    struct task *a = task_create("deadlock-a", lock_in_order, &a_order, PRIO_NORMAL);
    struct task *b = task_create("deadlock-b", lock_in_order, &b_order, PRIO_NORMAL);
    KASSERT(a && b);
    bool reported = wait_for_count(&hung_reports, reports + 1, WAIT_LIMIT_MS);
    /* Two more scans: the other task of the cycle must not be reported again. */
    bool scanned = wait_for_scans(2);
    hung_timeout_secs = saved;

    KASSERT(reported);
    KASSERT(scanned);
    KASSERT_EQ(hung_reports, reports + 1);
    KASSERT_EQ(a->state, TASK_UNINTERRUPTIBLE);
    KASSERT_EQ(b->state, TASK_UNINTERRUPTIBLE);
    KASSERT(log_contains(mark, "on mutex deadlock-m2 (uninterruptible)") ||
            log_contains(mark, "on mutex deadlock-m1 (uninterruptible)"));
    KASSERT(log_contains(mark, "deadlock-a waits for mutex deadlock-m2 held by deadlock-b "
                               "since lock_in_order+"));
    KASSERT(log_contains(mark, "deadlock-b waits for mutex deadlock-m1 held by deadlock-a "
                               "since lock_in_order+"));
    /* Which task the report starts from depends on the order of the scan. */
    KASSERT(log_contains(mark, "hung: DEADLOCK: deadlock-a -> deadlock-b -> deadlock-a") ||
            log_contains(mark, "hung: DEADLOCK: deadlock-b -> deadlock-a -> deadlock-b"));
    KASSERT(log_contains(mark, "hung: locks held by deadlock-a (the last, deadlock-m2, "
                               "is the one it waits for):"));
    KASSERT(log_contains(mark, "hung: locks held by deadlock-b (the last, deadlock-m1, "
                               "is the one it waits for):"));
}

/* An IO-priority task that runs and never waits. */
static void spin_at_io_priority(void *arg)
{
    uint64_t until = timer_uptime_ms() + *(uint32_t *)arg;
    while (timer_uptime_ms() < until)
        ;
}

/* A PRIO_IO task that runs for longer than the timeout without waiting
 * starves everything below it: reported once, by name, as a livelock.
 * When the machine is slow the tasks it starves may pass the threshold
 * too before it ends; each of those reports names a starved task, and is
 * right. */
KTEST(hung_io_task_that_never_waits_reported)
{
    static uint32_t spin_ms = (TEST_TIMEOUT_SECS + 2) * 1000;
    uint32_t saved = hung_timeout_secs, reports = hung_reports;
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    uint32_t mark = log_mark();
    struct task *t = task_create("hung-spinner", spin_at_io_priority, &spin_ms, PRIO_IO);
    KASSERT(t != NULL);
    KASSERT_EQ(task_join(t), 0);
    hung_timeout_secs = saved;
    uint32_t made = hung_reports - reports;
    KASSERT(made >= 1);
    KASSERT(log_contains(mark, "hung: task \"hung-spinner\""));
    KASSERT(log_contains(mark, "without waiting: every task of lower priority is starved"));
    if (made > 1)
        KASSERT(log_contains(mark, "without getting the CPU: tasks of higher priority keep it"));
    ktest_expect_reports(made);
}

/* Two PRIO_IO tasks that take turns, each waking the other and waiting:
 * neither runs a whole timeout without waiting, yet one of them always
 * has the CPU. */
struct pingpong {
    struct wait_queue wq;
    volatile int turn;
    uint64_t until;
};

struct pinger {
    struct pingpong *pp;
    int me;
};

static void take_turns(void *arg)
{
    struct pinger *p = arg;
    struct pingpong *pp = p->pp;
    while (timer_uptime_ms() < pp->until) {
        wait_event(&pp->wq, pp->turn == p->me || timer_uptime_ms() >= pp->until);
        pp->turn = !p->me;
        wake_up(&pp->wq);
    }
    wake_up(&pp->wq);
}

static void note_ran(void *arg)
{
    *(volatile bool *)arg = true;
}

/* A livelock with no spinner: a task of normal priority that stays
 * runnable for the timeout without getting the CPU is reported, with the
 * IO tasks that kept it. */
KTEST(hung_starved_normal_task_reported)
{
    static struct pingpong pp;
    static struct pinger p[2];
    static bool victim_ran;
    uint32_t saved = hung_timeout_secs, reports = hung_reports;
    hung_timeout_secs = TEST_TIMEOUT_SECS;
    uint32_t mark = log_mark();
    /* The victim is starved after twice the timeout: the pingers go on
     * for longer, with a scan to spare. */
    pp = (struct pingpong){ .until = timer_uptime_ms() + (2 * TEST_TIMEOUT_SECS + 2) * 1000,
                            .turn = -1 };
    wait_queue_init(&pp.wq, "pingpong");
    victim_ran = false;
    /* The pingers (they run at once and wait: nobody's turn yet), the
     * victim (runnable, not run: this task goes on), then the first turn
     * -- from then on the pingers keep the CPU from this task too. */
    struct task *t[2];
    for (int i = 0; i < 2; i++) {
        p[i] = (struct pinger){ &pp, i };
        t[i] = task_create(i ? "hung-pong" : "hung-ping", take_turns, &p[i], PRIO_IO);
        KASSERT(t[i] != NULL);
    }
    struct task *victim = task_create("hung-victim", note_ran, &victim_ran, PRIO_NORMAL);
    KASSERT(victim != NULL);
    pp.turn = 0;
    wake_up(&pp.wq);
    for (int i = 0; i < 2; i++)
        KASSERT_EQ(task_join(t[i]), 0);
    KASSERT_EQ(task_join(victim), 0);
    hung_timeout_secs = saved;
    uint32_t n = hung_reports - reports;
    ktest_expect_reports(n);        /* this task and bdflush are starved too */
    KASSERT(victim_ran);
    KASSERT(log_contains(mark, "hung: task \"hung-victim\""));
    KASSERT(log_contains(mark, "without getting the CPU: tasks of higher priority keep it"));
    KASSERT(log_contains(mark, "PRIO_IO task \"hung-ping\""));
}
