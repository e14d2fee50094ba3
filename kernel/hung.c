/*
 * hung.c - the hang detector (see include/hung.h).
 *
 * Why the check and the report both run inside task_for_each, that is with
 * interrupts off: on one CPU that is a snapshot nothing can change, so a
 * cycle printed as DEADLOCK really existed at that instant, and no task
 * can be woken, joined and freed while we follow a pointer to it.  It is
 * also the only "lock" we may use: a wedged task may hold any real one.
 * printk and lockdep_print_held are safe here (they take no lock).  The
 * cost, a few dozen lines printed with interrupts off once per hang, is
 * paid only when something is already wrong.
 *
 * Everything read from another task is treated as possibly corrupt: a
 * task pointer must be mapped and carry TASK_MAGIC (task_join clears it
 * before freeing), a wait object must be mapped before it is read, and a
 * name must be a mapped, terminated string, or it is printed as "?".
 */
#include "hung.h"
#include "blkdev.h"
#include "cmdline.h"
#include "ksyms.h"
#include "mutex.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "vm.h"
#include "vsprintf.h"
#include "wait.h"

KERNEL_PARAM(hung_timeout, "20", "report tasks blocked uninterruptibly for over S seconds; 0: off");

#define DEFAULT_TIMEOUT_SECS 20
#define SCAN_INTERVAL_MS    1000
#define MAX_CHAIN           16      /* tasks followed before giving up */
#define MAX_NAME            64      /* longer lock or channel names are suspect */
#define PAGE_MASK_LOW       0xFFFu

uint32_t hung_reports;
uint32_t hung_deadlocks;
uint32_t hung_scans;
uint32_t hung_timeout_secs = DEFAULT_TIMEOUT_SECS;

/* ---- reading what may be corrupt ---------------------------------------- */

static bool task_ok(const struct task *t)
{
    return t && kernel_addr_mapped((uint32_t)t, sizeof(*t)) && t->magic == TASK_MAGIC;
}

/* s when it is a mapped string terminated within MAX_NAME bytes, else "?". */
static const char *name_ok(const char *s)
{
    if (!s)
        return "?";
    for (uint32_t i = 0; i < MAX_NAME; i++) {
        uint32_t addr = (uint32_t)s + i;
        /* Mapping changes only at page boundaries: check each page once. */
        if ((i == 0 || (addr & PAGE_MASK_LOW) == 0) && !kernel_addr_mapped(addr, 1))
            return "?";
        if (s[i] == '\0')
            return s;
    }
    return "?";
}

static const char *state_name(const struct task *t)
{
    return t->state <= TASK_DEAD ? task_state_name(t->state) : "in a corrupt state";
}

static bool blocked(const struct task *t)
{
    return t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE;
}

/* Task names are fixed arrays that a corrupt task may not terminate. */
#define TASK_FMT "%.*s"
#define TASK_ARG(t) TASK_NAME_LEN, (t)->name

/* ---- following who waits for whom --------------------------------------- */

/* The device whose swap-in read t waits for: swap-in marks the task
 * around its waits for a read (a completion's or swapin_wq's queue), so
 * a wait of another kind meanwhile -- a mutex on the way to submitting
 * the read -- is not that. */
static const struct block_device *swapin_wait(const struct task *t)
{
    return t->wait_kind == WAIT_QUEUE ? t->swapin_bdev : NULL;
}

struct task *describe_wait(const struct task *t, char *buf, size_t size)
{
    const char *what = name_ok(t->wchan);

    if (t->wait_kind == WAIT_MUTEX && kernel_addr_mapped((uint32_t)t->wait_obj,
                                                         sizeof(struct mutex))) {
        const struct mutex *m = t->wait_obj;
        const char *lock = name_ok(m->dep_map.name);
        if (!m->owner) {
            /* mutex_unlock hands the mutex to its first waiter, so a free
             * mutex with a waiter means a bug there: say it, do not guess. */
            ksnprintf(buf, size, "waits for mutex %s, which is free", lock);
            return NULL;
        }
        if (!task_ok(m->owner)) {
            ksnprintf(buf, size, "waits for mutex %s held by %p, which is not a task (freed or "
                      "corrupt)", lock, (void *)m->owner);
            return NULL;
        }
        char site[80];
        ksym_describe(m->owner_site, site, sizeof(site));
        ksnprintf(buf, size, "waits for mutex %s held by " TASK_FMT " since %s", lock,
                  TASK_ARG(m->owner), site);
        return m->owner;
    }
    if (t->wait_kind == WAIT_JOIN && task_ok(t->wait_obj)) {
        struct task *joined = (struct task *)t->wait_obj;
        ksnprintf(buf, size, "waits for " TASK_FMT " to exit", TASK_ARG(joined));
        return joined;
    }
    /* A swap-in read of a device that a task here serves: its own read or
     * another fault's (on swapin_wq, which names no one), it ends only
     * when that task answers.  Devices are never freed; their server's
     * task is cleared when it exits (blkdev_forget_server). */
    const struct block_device *bdev = swapin_wait(t);
    if (bdev && kernel_addr_mapped((uint32_t)bdev, sizeof(*bdev)) && bdev->server &&
        kernel_addr_mapped((uint32_t)bdev->server, sizeof(*bdev->server)) &&
        task_ok(bdev->server->task)) {
        struct task *server = bdev->server->task;
        ksnprintf(buf, size, "waits for the %.*s swap-in read of slot %u, which only "
                  TASK_FMT " can end (it answers %.*s's requests)", BDEV_NAME_LEN, bdev->name,
                  t->swapin_slot, TASK_ARG(server), BDEV_NAME_LEN, bdev->name);
        return server;
    }
    /* A wait queue that names the one task able to end its waits (the
     * buffers of a device an in-kernel server answers: blkdev.h). */
    const struct wait_queue *wq = t->wait_obj;
    if (t->wait_kind == WAIT_QUEUE && kernel_addr_mapped((uint32_t)wq, sizeof(*wq)) &&
        wq->owner && kernel_addr_mapped((uint32_t)wq->owner, sizeof(*wq->owner)) &&
        task_ok(*wq->owner)) {
        struct task *owner = *wq->owner;
        ksnprintf(buf, size, "waits on wait queue %s, which only " TASK_FMT " can end (it "
                  "answers the IO this waits for)", what, TASK_ARG(owner));
        return owner;
    }
    if (t->wait_kind == WAIT_MUTEX || t->wait_kind == WAIT_JOIN) {
        ksnprintf(buf, size, "waits on %s%s at %p, which is not mapped or not a task",
                  wait_kind_prefix(t->wait_kind), what, t->wait_obj);
        return NULL;
    }
    /* A wait queue, semaphore or sleep has no owner to follow. */
    ksnprintf(buf, size, "waits on %s%s (%s)", wait_kind_prefix(t->wait_kind), what,
              state_name(t));
    return NULL;
}

/*
 * Print the edge out of t, which is blocked, and return the task it waits
 * for; NULL when the chain ends at t.
 */
static struct task *follow(const struct task *t)
{
    char edge[WAIT_DESCRIPTION_LEN];
    struct task *next = describe_wait(t, edge, sizeof(edge));
    pr_err("hung:   " TASK_FMT " %s%s\n", TASK_ARG(t), edge,
           next ? "" : ": the chain ends here");
    return next;
}

/*
 * The lock validator records a mutex before its task blocks on it (to
 * report a deadlock before it happens), so the last entry of a task
 * waiting for a mutex is that mutex, not yet held: say so, or the list
 * reads as if the task held the very lock it is stuck on.
 */
void print_held_while_waiting(const char *subsystem, const struct task *t)
{
    const struct mutex *m = t->wait_obj;
    int nr = t->nr_held;
    if (t->wait_kind == WAIT_MUTEX && nr > 0 && nr <= MAX_HELD_LOCKS &&
        kernel_addr_mapped((uint32_t)m, sizeof(*m)) && t->held[nr - 1].map == &m->dep_map)
        pr_err("%s: locks held by " TASK_FMT " (the last, %s, is the one it waits for):\n",
               subsystem, TASK_ARG(t), name_ok(m->dep_map.name));
    else
        pr_err("%s: locks held by " TASK_FMT ":\n", subsystem, TASK_ARG(t));
    lockdep_print_held(t, LOG_ERR);
}

static void print_held(const struct task *t)
{
    print_held_while_waiting("hung", t);
}

/*
 * cycle[0..n-1] wait for each other in a ring.  Print the ring, and the
 * locks of its tasks other than start (whose locks the report began
 * with): they are part of this report and will not get one of their own.
 */
/* One task of a DEADLOCK line, with its pid when it is a process, and
 * what it waits for when that is not the next task itself but its IO (a
 * swap-in read the next one must answer). */
#define CYCLE_STEP_LEN  (TASK_NAME_LEN + 64)

static void cycle_step(char *buf, const struct task *t, bool last)
{
    char pid[16] = "", io[BDEV_NAME_LEN + 24] = "";
    if (t->proc)
        ksnprintf(pid, sizeof(pid), " (pid %u)", t->id);
    if (!last && swapin_wait(t))
        ksnprintf(io, sizeof(io), " -> %.*s swap-in read", BDEV_NAME_LEN, t->swapin_bdev->name);
    ksnprintf(buf, CYCLE_STEP_LEN, TASK_FMT "%s%s%s", TASK_ARG(t), pid, io, last ? "" : " -> ");
}

static void report_cycle(const struct task *start, struct task *const *cycle, int n)
{
    char line[(MAX_CHAIN + 1) * CYCLE_STEP_LEN + 16], step[CYCLE_STEP_LEN];
    int len = ksnprintf(line, sizeof(line), "DEADLOCK: ");
    for (int i = 0; i <= n && len < (int)sizeof(line); i++) {
        cycle_step(step, cycle[i % n], i == n);
        len += ksnprintf(line + len, sizeof(line) - len, "%s", step);
    }
    pr_err("hung: %s\n", line);
    hung_deadlocks++;
    for (int i = 0; i < n; i++) {
        if (cycle[i] != start)
            print_held(cycle[i]);
        /* Where each one waits, in its own code: the edges' why (a bread
         * under lock_super, reclaim entered from an allocation).  A user
         * process's task is named after its program; its id is its pid. */
        if (cycle[i]->proc)
            pr_err("hung: " TASK_FMT " is a user process, pid %u: its kernel stack starts at "
                   "a system call or a fault\n", TASK_ARG(cycle[i]), cycle[i]->id);
        pr_err("hung: where " TASK_FMT " waits:\n", TASK_ARG(cycle[i]));
        task_backtrace(cycle[i], LOG_ERR);
        cycle[i]->hang_reported = true;
    }
}

static void print_chain(struct task *start)
{
    struct task *seen[MAX_CHAIN];
    int n = 0;

    pr_err("hung: who waits for whom:\n");
    for (struct task *t = start; t;) {
        seen[n++] = t;
        if (!blocked(t)) {
            pr_err("hung:   " TASK_FMT " is %s: the chain ends here\n", TASK_ARG(t),
                   state_name(t));
            return;
        }
        struct task *next = follow(t);
        for (int i = 0; next && i < n; i++) {
            if (seen[i] == next) {
                report_cycle(start, seen + i, n - i);
                return;
            }
        }
        if (next && n == MAX_CHAIN) {
            pr_err("hung:   ... stopped after %d tasks\n", MAX_CHAIN);
            return;
        }
        t = next;
    }
}

/* ---- the scan ----------------------------------------------------------- */

static void report(struct task *t)
{
    hung_reports++;
    t->hang_reported = true;
    pr_err("hung: task \"" TASK_FMT "\" (id %u) blocked for %u s on %s%s (uninterruptible)\n",
           TASK_ARG(t), t->id, (uint32_t)((timer_ticks() - t->blocked_since) / HZ),
           wait_kind_prefix(t->wait_kind), name_ok(t->wchan));
    print_held(t);
    print_chain(t);
}

/*
 * The other way to be stuck: a PRIO_IO task that runs and runs without
 * ever waiting.  Every task of lower priority is starved -- it looks
 * runnable forever, and nothing blocked shows why.  (kswiod once looped
 * like that over files that were all busy.)  The IO tasks wait often by
 * design; one that has not for a whole timeout is spinning.
 */
static void report_spin(struct task *t)
{
    hung_reports++;
    t->hang_reported = true;
    pr_err("hung: task \"" TASK_FMT "\" (id %u, PRIO_IO) has run for %u s without waiting: "
           "every task of lower priority is starved (a livelock?)\n", TASK_ARG(t), t->id,
           (uint32_t)((timer_ticks() - t->blocked_since) / HZ));
    print_held(t);
}

/*
 * A livelock with no spinner: IO tasks that wait often but are woken at
 * once, again and again -- kswapd woken by every failed write, the kswiod
 * failing it -- keep the CPU between them, and no one of them runs a
 * whole timeout without waiting.  What shows it is the victim: a task of
 * normal priority that is runnable and has not had the CPU for twice the
 * timeout.  The IO tasks that could be starving it are listed.
 */
static void list_io_task(struct task *t, void *arg)
{
    (void)arg;
    if (t->magic == TASK_MAGIC && t->prio == PRIO_IO)
        pr_err("hung:   PRIO_IO task \"" TASK_FMT "\" (id %u) %s, %llu ticks run in all\n",
               TASK_ARG(t), t->id, t->state == TASK_RUNNING || t->state == TASK_RUNNABLE
                                       ? "runnable" : "waiting",
               (unsigned long long)t->runtime_ticks);
}

static void report_starved(struct task *t, uint64_t since)
{
    hung_reports++;
    t->hang_reported = true;
    pr_err("hung: task \"" TASK_FMT "\" (id %u) has been runnable for %u s without getting the "
           "CPU: tasks of higher priority keep it (a livelock?)\n", TASK_ARG(t), t->id,
           (uint32_t)((timer_ticks() - since) / HZ));
    task_for_each(list_io_task, NULL);
}

/*
 * Since when t has been stuck, as far as a hang goes.  A join is a wait
 * for work: a test that joins a hog (which may need minutes under load)
 * waits on purpose, and is stuck only while the task it joins is -- so
 * the clock of a joiner is that of the task at the end of its chain of
 * joins: not stuck at all while that one runs or sleeps on purpose
 * (TASK_SLEEPING: the shell that init= started, waiting for a person to
 * type, may wait for ever), and stuck no longer than that one has been
 * blocked.  A real hang behind a join (the joined task
 * waits for a mutex forever, say) is still reported, with the joiner.
 */
static uint64_t stuck_since(const struct task *t, uint64_t now)
{
    uint64_t since = t->blocked_since;
    for (int n = 0; n < MAX_CHAIN && t->wait_kind == WAIT_JOIN && task_ok(t->wait_obj); n++) {
        t = t->wait_obj;
        if (!blocked(t) || t->state == TASK_SLEEPING)
            return now;                 /* it is working, or waits for a person or a time */
        since = t->blocked_since > since ? t->blocked_since : since;
    }
    return since;
}

/* task_for_each callback, interrupts off; limit: ticks blocked (or, for an
 * IO task, running without a wait) that make a hang.  The clock is read
 * here, not before the walk, so that a task that blocked in between
 * cannot look blocked since the future. */
static void check_task(struct task *t, void *limit)
{
    if (t->magic != TASK_MAGIC || t->hang_reported || t == current)
        return;
    bool blocked = t->state == TASK_UNINTERRUPTIBLE;
    bool spinning = t->prio == PRIO_IO && (t->state == TASK_RUNNABLE || t->state == TASK_RUNNING);
    uint64_t now = timer_ticks();
    uint64_t since = blocked ? stuck_since(t, now) : t->blocked_since;
    if ((blocked || spinning) && now > since && now - since > *(uint64_t *)limit) {
        if (blocked)
            report(t);
        else
            report_spin(t);
    }
}

/* After check_task's pass, when no IO task is reported spinning.  Twice
 * the timeout: a single spinner, which starves others as long as it has
 * run, is reported first, as what it is. */
static void check_starved(struct task *t, void *limit)
{
    if (t->magic != TASK_MAGIC || t->hang_reported || t->prio != PRIO_NORMAL ||
        t->state != TASK_RUNNABLE)
        return;
    uint64_t now = timer_ticks();
    uint64_t since = t->last_ran > t->blocked_since ? t->last_ran : t->blocked_since;
    if (now > since && now - since > 2 * *(uint64_t *)limit)
        report_starved(t, since);
}

/* A PRIO_IO task reported for running without waiting and still at it:
 * the tasks it starves are its report's, not reported again. */
static void note_spinner(struct task *t, void *spinner)
{
    if (t->magic == TASK_MAGIC && t->prio == PRIO_IO && t->hang_reported &&
        (t->state == TASK_RUNNABLE || t->state == TASK_RUNNING))
        *(bool *)spinner = true;
}

static void khungtaskd(void *arg)
{
    (void)arg;
    for (;;) {
        sleep_ms(SCAN_INTERVAL_MS);
        uint32_t timeout = hung_timeout_secs;      /* a test may change it */
        if (timeout) {
            uint64_t limit = (uint64_t)timeout * HZ;
            task_for_each(check_task, &limit);
            bool spinner = false;
            task_for_each(note_spinner, &spinner);
            if (!spinner)
                task_for_each(check_starved, &limit);
        }
        hung_scans++;
    }
}

void hung_task_init(void)
{
    hung_timeout_secs = cmdline_get_u32("hung_timeout", DEFAULT_TIMEOUT_SECS);
    if (!task_create("khungtaskd", khungtaskd, NULL, PRIO_IO)) {
        pr_err("hung: cannot start khungtaskd (out of memory): hangs go unreported\n");
        return;
    }
    if (hung_timeout_secs)
        pr_info("hung: reporting tasks blocked uninterruptibly for over %u s\n",
                hung_timeout_secs);
    else
        pr_info("hung: hung_timeout=0: the hang detector is off\n");
}
