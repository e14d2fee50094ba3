/*
 * test_lockdep.c - the lock validator: consistent orders across tasks stay
 * quiet, and each kind of bug it knows is reported once, naming the task
 * and the locks: an AB-BA order, a three-lock cycle, recursion within a
 * class, releasing a lock not held, sleeping with a spinlock, exiting with
 * a mutex, and a spinlock taken both in an interrupt and with interrupts on.
 *
 * Each test uses locks of its own (classes of its own), because the
 * validator reports one bug once per boot: run by hand from the monitor a
 * second time, a "reported" test finds nothing to report and fails.
 */
#include <stdarg.h>
#include "ktest.h"
#include "lockdep.h"
#include "mutex.h"
#include "printk.h"
#include "sched.h"
#include "spinlock.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"

#define CLEAN_TASKS     3
#define CLEAN_ROUNDS    20

/* Where it was called from: a call site for direct lockdep calls. */
static __attribute__((noinline)) uint32_t this_site(void)
{
    return (uint32_t)__builtin_return_address(0);
}

/* log_contains with a formatted text. */
__attribute__((format(printf, 2, 3)))
static bool logged(uint32_t mark, const char *fmt, ...)
{
    char text[128];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return log_contains(mark, text);
}

struct ordered_locks {
    struct mutex outer, inner;
    struct spinlock innermost;
    volatile int finished;
};

/* Always outer, inner, innermost (any of them may be skipped), with yields
 * while holding the mutexes so the tasks really contend for them. */
static void take_in_order(void *arg)
{
    struct ordered_locks *l = arg;
    for (int round = 0; round < CLEAN_ROUNDS; round++) {
        bool outer = round % 3 != 1;
        if (outer)
            mutex_lock(&l->outer);
        mutex_lock(&l->inner);
        yield();
        uint32_t flags = spin_lock_irqsave(&l->innermost);
        spin_unlock_irqrestore(&l->innermost, flags);
        if (outer && round % 2) {
            mutex_unlock(&l->outer);        /* out of order is no bug */
            mutex_unlock(&l->inner);
        } else {
            mutex_unlock(&l->inner);
            if (outer)
                mutex_unlock(&l->outer);
        }
        yield();
    }
    uint32_t flags = irq_save();
    l->finished++;
    irq_restore(flags);
}

KTEST(lockdep_consistent_order_across_tasks_is_quiet)
{
    static struct ordered_locks l;
    mutex_init(&l.outer, "test_clean_outer");
    mutex_init(&l.inner, "test_clean_inner");
    spin_lock_init(&l.innermost, "test_clean_innermost");
    l.finished = 0;
    uint32_t reports = lockdep_reports;

    struct task *tasks[CLEAN_TASKS];
    for (int i = 0; i < CLEAN_TASKS; i++) {
        tasks[i] = task_create("test_orderly", take_in_order, &l, PRIO_NORMAL);
        KASSERT(tasks[i] != NULL);
    }
    for (int i = 0; i < CLEAN_TASKS; i++)
        KASSERT_EQ(task_join(tasks[i]), 0);
    KASSERT_EQ(l.finished, CLEAN_TASKS);
    KASSERT_EQ(lockdep_reports, reports);
    KASSERT_EQ(current->nr_held, 0);
}

KTEST(lockdep_ab_ba_order_reported)
{
    static struct mutex a, b;
    mutex_init(&a, "test_ab_a");
    mutex_init(&b, "test_ab_b");
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    mutex_lock(&a);
    mutex_lock(&b);
    mutex_unlock(&b);
    mutex_unlock(&a);
    KASSERT_EQ(lockdep_reports, reports);

    for (int i = 0; i < 2; i++) {       /* the second time is the same bug */
        mutex_lock(&b);
        mutex_lock(&a);
        mutex_unlock(&a);
        mutex_unlock(&b);
    }
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: possible deadlock (lock order cycle)"));
    KASSERT(logged(mark, "task %s wants test_ab_a at lockdep_ab_ba_order_reported+",
                   current->name));
    KASSERT(logged(mark, "#0 test_ab_b (mutex) taken at lockdep_ab_ba_order_reported+"));
    KASSERT(logged(mark, "test_ab_a -> test_ab_b, first seen in task %s", current->name));
    KASSERT(logged(mark, "*** DEADLOCK ***"));
}

KTEST(lockdep_three_lock_cycle_reported)
{
    static struct mutex a, b, c;
    mutex_init(&a, "test_cycle_a");
    mutex_init(&b, "test_cycle_b");
    mutex_init(&c, "test_cycle_c");
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    struct mutex *pairs[3][2] = { { &a, &b }, { &b, &c }, { &c, &a } };
    for (int i = 0; i < 3; i++) {
        mutex_lock(pairs[i][0]);
        mutex_lock(pairs[i][1]);
        mutex_unlock(pairs[i][1]);
        mutex_unlock(pairs[i][0]);
        KASSERT_EQ(lockdep_reports, reports + (i == 2));
    }
    KASSERT(logged(mark, "task %s wants test_cycle_a", current->name));
    KASSERT(logged(mark, "#0 test_cycle_c (mutex)"));
    KASSERT(logged(mark, "test_cycle_a -> test_cycle_b, first seen in task"));
    KASSERT(logged(mark, "test_cycle_b -> test_cycle_c, first seen in task"));
    KASSERT(logged(mark, "so test_cycle_c -> test_cycle_a would close a cycle"));

    /* The refused edge is not in the graph: the good orders stay quiet. */
    mutex_lock(&a);
    mutex_lock(&c);
    mutex_unlock(&c);
    mutex_unlock(&a);
    KASSERT_EQ(lockdep_reports, reports + 1);
}

/* Every lock initialised here is of one class. */
static void init_member(struct mutex *m)
{
    mutex_init(m, "test_same_class");
}

KTEST(lockdep_recursive_class_reported)
{
    static struct mutex first, second;
    init_member(&first);
    init_member(&second);
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    mutex_lock(&first);
    mutex_lock(&second);            /* two locks, but the validator cannot tell */
    mutex_unlock(&second);
    mutex_unlock(&first);
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: recursive locking"));
    KASSERT(logged(mark, "task %s wants test_same_class", current->name));
    KASSERT(logged(mark, "#0 test_same_class (mutex) taken at"));
    KASSERT_EQ(current->nr_held, 0);    /* both releases matched */
}

KTEST(lockdep_release_unheld_reported)
{
    static struct lock_class_key key;
    static struct lockdep_map map;
    lockdep_init_map(&map, "test_never_taken", &key, LOCK_MUTEX);
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    lockdep_release(&map, this_site());
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: releasing a lock that is not held"));
    KASSERT(logged(mark, "task %s releases test_never_taken at lockdep_release_unheld_reported+",
                   current->name));
}

KTEST(lockdep_sleep_holding_spinlock_reported)
{
    static struct spinlock lock;
    spin_lock_init(&lock, "test_sleep_spin");
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    uint32_t flags = spin_lock_irqsave(&lock);
    sleep_ms(10);
    spin_unlock_irqrestore(&lock, flags);
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: sleeping while holding a spinlock"));
    KASSERT(logged(mark, "task %s sleeps at", current->name));
    KASSERT(logged(mark, "called from lockdep_sleep_holding_spinlock_reported+"));
    KASSERT(logged(mark, "#0 test_sleep_spin (spinlock) taken at "
                         "lockdep_sleep_holding_spinlock_reported+"));
}

static void exit_holding(void *arg)
{
    mutex_lock(arg);
    task_exit(0);
}

KTEST(lockdep_exit_holding_mutex_reported)
{
    static struct mutex m;
    mutex_init(&m, "test_exit_mutex");
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    struct task *t = task_create("test_exiter", exit_holding, &m, PRIO_NORMAL);
    KASSERT(t != NULL);
    KASSERT_EQ(task_join(t), 0);
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: task exiting with locks held"));
    KASSERT(logged(mark, "task test_exiter exits while holding 1 lock:"));
    KASSERT(logged(mark, "#0 test_exit_mutex (mutex) taken at exit_holding+"));
}

static struct spinlock irq_lock;
static volatile bool irq_lock_taken;

static void take_in_interrupt(struct ktimer *t)
{
    (void)t;
    uint32_t flags = spin_lock_irqsave(&irq_lock);
    spin_unlock_irqrestore(&irq_lock, flags);
    irq_lock_taken = true;
}

KTEST(lockdep_spinlock_in_irq_and_with_irqs_on_reported)
{
    spin_lock_init(&irq_lock, "test_irq_spin");
    irq_lock_taken = false;
    uint32_t mark = log_mark(), reports = lockdep_reports;
    ktest_expect_reports(1);

    /* What a plain spin_lock() would tell the validator: the lock is held
     * with interrupts on.  On its own that is no bug. */
    KASSERT(irqs_enabled());
    lockdep_acquire(&irq_lock.dep_map, this_site());
    lockdep_release(&irq_lock.dep_map, this_site());
    KASSERT_EQ(lockdep_reports, reports);

    static struct ktimer timer;
    ktimer_add(&timer, 10, take_in_interrupt);
    for (int i = 0; i < 100 && !irq_lock_taken; i++)
        sleep_ms(10);
    KASSERT(irq_lock_taken);
    KASSERT_EQ(lockdep_reports, reports + 1);
    KASSERT(logged(mark, "lockdep: BUG: inconsistent IRQ usage"));
    KASSERT(logged(mark, "spinlock test_irq_spin was taken in an interrupt handler at "
                         "take_in_interrupt+"));
    KASSERT(logged(mark, "held with interrupts on by task %s at "
                         "lockdep_spinlock_in_irq_and_with_irqs_on_reported+", current->name));
}

/* A lock that is only tried cannot wait, so trying B while holding A and
 * later taking A while holding B is no deadlock, and no report. */
KTEST(lockdep_trylock_adds_no_order)
{
    static struct mutex a, b;
    mutex_init(&a, "test_try_a");
    mutex_init(&b, "test_try_b");
    uint32_t reports = lockdep_reports;
    mutex_lock(&a);
    KASSERT(mutex_trylock(&b));
    mutex_unlock(&b);
    mutex_unlock(&a);
    mutex_lock(&b);
    mutex_lock(&a);
    mutex_unlock(&a);
    mutex_unlock(&b);
    KASSERT_EQ(lockdep_reports, reports);
}
