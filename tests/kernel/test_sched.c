/*
 * test_sched.c - tasks and the scheduler: fair shares under preemption,
 * priorities, sleep accuracy, exit, join and stop.
 */
#include "kstring.h"
#include "ktest.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "mm.h"
#include "vm.h"

#define BUSY_TASKS      3
#define FAIR_RUN_MS     2000
#define FAIR_TOLERANCE  30      /* percent a share may differ from the mean */

static void spin_until_stopped(void *counter)
{
    while (!task_should_stop())
        (*(volatile uint32_t *)counter)++;
}

/* Three tasks that never yield still share the CPU: the timer preempts. */
KTEST(sched_busy_tasks_share_fairly)
{
    static uint32_t counts[BUSY_TASKS];
    struct task *t[BUSY_TASKS];
    for (int i = 0; i < BUSY_TASKS; i++) {
        counts[i] = 0;
        t[i] = task_create("busy", spin_until_stopped, &counts[i], PRIO_NORMAL);
        KASSERT(t[i] != NULL);
    }
    sleep_ms(FAIR_RUN_MS);
    uint64_t ticks[BUSY_TASKS], total = 0;
    for (int i = 0; i < BUSY_TASKS; i++) {
        ticks[i] = t[i]->runtime_ticks;
        total += ticks[i];
        task_stop(t[i]);
    }
    for (int i = 0; i < BUSY_TASKS; i++)
        KASSERT_EQ(task_join(t[i]), 0);
    uint64_t mean = total / BUSY_TASKS;
    pr_info("sched: runtime ticks %llu %llu %llu (mean %llu)\n", (unsigned long long)ticks[0],
            (unsigned long long)ticks[1], (unsigned long long)ticks[2], (unsigned long long)mean);
    KASSERT(total >= FAIR_RUN_MS * HZ / 1000 * 8 / 10);    /* they had most of the CPU */
    for (int i = 0; i < BUSY_TASKS; i++) {
        KASSERT(ticks[i] * 100 >= mean * (100 - FAIR_TOLERANCE));
        KASSERT(ticks[i] * 100 <= mean * (100 + FAIR_TOLERANCE));
        KASSERT(counts[i] > 0);
    }
}

/*
 * A task preempted by a more urgent one resumes its turn: two busy tasks
 * note which of them runs; a PRIO_IO task wakes every other tick, notes
 * the busy task it interrupted (when that task had some of its slice
 * left, so its turn was not over), and looks, at its next wake, at which busy task ran first after
 * it went back to sleep.  It must be the one it interrupted -- a task sent
 * to the back instead loses its turn to whichever task a steady waker
 * happens to interrupt least.
 */
#define RESUME_ROUNDS 40

struct resume_probe {
    struct task *volatile running;      /* the busy task that ran last */
    struct task *volatile first_after;  /* the first to run after the waker slept */
    volatile bool watching;             /* the waker slept; first_after not yet set */
    int checked, resumed;               /* the waker's verdicts */
};

static void busy_noting(void *arg)
{
    struct resume_probe *p = arg;
    while (!task_should_stop()) {
        if (p->watching) {
            p->first_after = current;
            p->watching = false;
        }
        p->running = current;
    }
}

static void wake_and_check(void *arg)
{
    struct resume_probe *p = arg;
    struct task *interrupted = NULL;
    for (int round = 0; round < RESUME_ROUNDS; round++) {
        sleep_ms(2 * 1000 / HZ);
        if (interrupted && !p->watching) {
            p->checked++;
            p->resumed += p->first_after == interrupted;
        }
        struct task *victim = p->running;
        /* The tick that woke us took one tick of the victim's slice: a
         * whole slice means the tick ended its turn and it was sent to the
         * back with a new one, as it should be. */
        bool turn_left = victim && victim->slice && victim->slice < TIME_SLICE_TICKS;
        interrupted = turn_left ? victim : NULL;
        p->watching = true;
    }
}

KTEST(sched_preempted_task_resumes_its_turn)
{
    static struct resume_probe p;
    p = (struct resume_probe){ NULL, NULL, false, 0, 0 };
    struct task *busy[2];
    for (int i = 0; i < 2; i++) {
        busy[i] = task_create("busy", busy_noting, &p, PRIO_NORMAL);
        KASSERT(busy[i] != NULL);
    }
    struct task *waker = task_create("waker", wake_and_check, &p, PRIO_IO);
    KASSERT(waker != NULL);
    KASSERT_EQ(task_join(waker), 0);
    for (int i = 0; i < 2; i++) {
        task_stop(busy[i]);
        KASSERT_EQ(task_join(busy[i]), 0);
    }
    pr_info("sched: %d of %d interrupted tasks resumed their turn first\n", p.resumed,
            p.checked);
    KASSERT(p.checked >= RESUME_ROUNDS / 4);
    KASSERT_EQ(p.resumed, p.checked);
}

struct priority_probe {
    volatile uint32_t bulk_progress;
    volatile uint32_t io_rounds;
    volatile uint32_t bulk_ran_during_io;
};

static void bulk_work(void *arg)
{
    struct priority_probe *p = arg;
    while (!task_should_stop())
        p->bulk_progress++;
}

/* The IO task wakes every 10 ms; while it is runnable, bulk work must not
 * run -- so the bulk counter never moves during an IO task's burst. */
static void io_work(void *arg)
{
    struct priority_probe *p = arg;
    while (!task_should_stop()) {
        sleep_ms(10);
        uint32_t before = p->bulk_progress;
        for (volatile int i = 0; i < 20000; i++)
            ;
        if (p->bulk_progress != before)
            p->bulk_ran_during_io++;
        p->io_rounds++;
    }
}

KTEST(sched_io_priority_runs_before_bulk)
{
    static struct priority_probe probe;
    probe = (struct priority_probe){ 0 };
    struct task *bulk = task_create("bulk", bulk_work, &probe, PRIO_BULK);
    struct task *io = task_create("io", io_work, &probe, PRIO_IO);
    KASSERT(bulk && io);
    sleep_ms(500);
    task_stop(io);
    task_stop(bulk);
    task_join(io);
    task_join(bulk);
    pr_info("sched: io rounds %u, bulk progress %u\n", probe.io_rounds, probe.bulk_progress);
    KASSERT(probe.io_rounds >= 20);             /* ~50 possible in 500 ms */
    KASSERT(probe.bulk_progress > 0);           /* bulk did run in between */
    KASSERT_EQ(probe.bulk_ran_during_io, 0);
}

KTEST(sched_sleep_ms_is_accurate)
{
    static const uint32_t wants[] = { 10, 50, 200 };
    for (unsigned i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
        uint64_t t0 = timer_uptime_ms();
        sleep_ms(wants[i]);
        uint64_t slept = timer_uptime_ms() - t0;
        pr_info("sched: sleep_ms(%u) took %llu ms\n", wants[i], (unsigned long long)slept);
        KASSERT(slept >= wants[i]);
        KASSERT(slept <= wants[i] + 2 * 1000 / HZ);   /* a tick of rounding, a tick late */
    }
}

static void exit_with(void *code)
{
    task_exit((int)(uint32_t)code);
}

static void return_normally(void *arg)
{
    *(volatile int *)arg = 1;
}

static void sleep_long(void *arg)
{
    (void)arg;
    sleep_ms(100000);               /* a stop request cuts this short */
    task_exit(task_should_stop() ? 7 : 0);
}

KTEST(sched_exit_join_and_stop)
{
    struct task *a = task_create("exit42", exit_with, (void *)42, PRIO_NORMAL);
    KASSERT(a != NULL);
    KASSERT_EQ(task_join(a), 42);

    volatile int ran = 0;
    struct task *b = task_create("returns", return_normally, (void *)&ran, PRIO_NORMAL);
    KASSERT_EQ(task_join(b), 0);
    KASSERT_EQ(ran, 1);

    struct task *c = task_create("sleeper", sleep_long, NULL, PRIO_NORMAL);
    sleep_ms(20);
    KASSERT_EQ(c->state, TASK_SLEEPING);
    KASSERT_STREQ(c->wchan, "sleep");
    uint64_t t0 = timer_uptime_ms();
    task_stop(c);
    KASSERT_EQ(task_join(c), 7);
    KASSERT(timer_uptime_ms() - t0 < 100);      /* woke at once, not after 100 s */
}

static void count_named(struct task *t, void *arg)
{
    uint32_t *n = arg;
    *n += strcmp(t->name, "detached") == 0;
}

static uint32_t tasks_named_detached(void)
{
    uint32_t n = 0;
    task_for_each(count_named, &n);
    return n;
}

/* A detached task that exits is freed by the idle task: it leaves the
 * task list (ps) once the CPU has had a moment with nothing to do --
 * whether it was detached before it exited or after. */
KTEST(sched_detached_task_freed_after_exit)
{
    struct task *a = task_create("detached", exit_with, (void *)1, PRIO_NORMAL);
    KASSERT(a != NULL);
    task_detach(a);                     /* before it ran */
    struct task *b = task_create("detached", exit_with, (void *)2, PRIO_IO);
    KASSERT(b != NULL);                 /* PRIO_IO: it ran and exited already */
    KASSERT_EQ(b->state, TASK_DEAD);
    task_detach(b);
    KASSERT_EQ(tasks_named_detached(), 2);
    sleep_ms(20);                       /* a, then idle */
    KASSERT_EQ(tasks_named_detached(), 0);
}

#define PRIVATE_VA 0x40000000u

struct space_probe {
    struct vm_space *space;
    volatile uint32_t seen;         /* what the task read at PRIVATE_VA */
};

static void read_private_page(void *arg)
{
    struct space_probe *p = arg;
    task_set_vm(p->space);
    yield();                        /* switched out and back: the space comes back too */
    p->seen = *(volatile uint32_t *)PRIVATE_VA;
}

/* A task with its own address space sees its own mapping, across
 * switches.  A kernel task runs on whichever space is loaded (sched.c's
 * lazy CR3), so the one that made it may see the mapping until the space
 * is destroyed -- and never after: its directory is unloaded first. */
KTEST(sched_task_runs_in_its_address_space)
{
    static struct space_probe p;
    struct page *frame = alloc_page(GFP_KERNEL | __GFP_ZERO);
    p.space = vm_space_create();
    KASSERT(frame && p.space);
    *(uint32_t *)page_address(frame) = 0x5EED;
    KASSERT_EQ(vm_map(p.space, PRIVATE_VA, page_to_phys(frame), 0), 0);
    p.seen = 0;

    struct task *t = task_create("spaced", read_private_page, &p, PRIO_NORMAL);
    KASSERT_EQ(task_join(t), 0);
    KASSERT_EQ(p.seen, 0x5EED);
    vm_space_destroy(p.space);
    KASSERT(!kernel_addr_mapped(PRIVATE_VA, 4));    /* not in what is loaded now */
    free_page(frame);
}
