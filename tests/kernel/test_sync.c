/*
 * test_sync.c - wait queues, completions, mutexes, semaphores, spinlocks:
 * the semantics (timeouts, wake-ups that come first, hand-over) and
 * exclusion under preemption, checked by invariants that break if it fails.
 */
#include "completion.h"
#include "kerrno.h"
#include "ktest.h"
#include "mutex.h"
#include "semaphore.h"
#include "sched.h"
#include "spinlock.h"
#include "timer.h"
#include "wait.h"
#include "x86.h"

static struct wait_queue flag_wq;
static volatile bool flag;

static void raise_flag(struct ktimer *t)
{
    (void)t;
    flag = true;
    wake_up(&flag_wq);                  /* from the timer interrupt */
}

KTEST(wait_event_timeout_and_wake_up)
{
    wait_queue_init(&flag_wq, "test-flag");
    flag = false;
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(wait_event_timeout(&flag_wq, flag, 50), 0);     /* nobody raises it */
    uint64_t waited = timer_uptime_ms() - t0;
    KASSERT(waited >= 50 && waited <= 70);

    struct ktimer timer = { 0 };
    ktimer_add(&timer, 30, raise_flag);
    t0 = timer_uptime_ms();
    uint32_t left = wait_event_timeout(&flag_wq, flag, 1000);
    KASSERT(flag);
    KASSERT(left > 0 && left <= 1000 - 20);
    KASSERT(timer_uptime_ms() - t0 < 100);

    flag = false;
    ktimer_add(&timer, 20, raise_flag);
    wait_event(&flag_wq, flag);                                 /* no timeout */
    KASSERT(flag);
    KASSERT(list_empty(&flag_wq.waiters));
}

struct completion_probe {
    struct completion go;
    volatile int finished;
};

static void wait_for_go(void *arg)
{
    struct completion_probe *p = arg;
    wait_for_completion(&p->go);
    uint32_t flags = irq_save();
    p->finished++;
    irq_restore(flags);
}

KTEST(completion_before_wait_all_and_timeout)
{
    static struct completion_probe p;
    init_completion(&p.go, "test-go");
    p.finished = 0;

    complete(&p.go);                            /* before anyone waits */
    uint64_t t0 = timer_uptime_ms();
    wait_for_completion(&p.go);                 /* returns at once */
    KASSERT(timer_uptime_ms() - t0 < 20);
    KASSERT_EQ(wait_for_completion_timeout(&p.go, 30), 0);     /* consumed: times out */

    struct task *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = task_create("waiter", wait_for_go, &p, PRIO_NORMAL);
    sleep_ms(20);
    for (int i = 0; i < 3; i++) {
        KASSERT_EQ(t[i]->state, TASK_UNINTERRUPTIBLE);
        KASSERT_STREQ(t[i]->wchan, "test-go");
    }
    KASSERT_EQ(p.finished, 0);
    complete_all(&p.go);
    for (int i = 0; i < 3; i++)
        task_join(t[i]);
    KASSERT_EQ(p.finished, 3);
}

#define MUTEX_TASKS     4
#define MUTEX_ROUNDS    500

struct mutex_probe {
    struct mutex lock;
    uint32_t counter;               /* protected by lock */
    volatile int inside;            /* tasks in the critical section: 0 or 1 */
    volatile int violations;
};

static void hammer_mutex(void *arg)
{
    struct mutex_probe *p = arg;
    for (int i = 0; i < MUTEX_ROUNDS; i++) {
        mutex_lock(&p->lock);
        if (p->inside++ != 0 || p->lock.owner != current)
            p->violations++;
        uint32_t v = p->counter;
        if (i % 8 == 0)
            yield();                /* let the others try while we hold it */
        p->counter = v + 1;
        p->inside--;
        mutex_unlock(&p->lock);
    }
}

KTEST(mutex_excludes_under_preemption)
{
    static struct mutex_probe p;
    mutex_init(&p.lock, "test-counter");
    p.counter = 0;
    p.inside = p.violations = 0;
    struct task *t[MUTEX_TASKS];
    for (int i = 0; i < MUTEX_TASKS; i++)
        t[i] = task_create("hammer", hammer_mutex, &p, PRIO_NORMAL);
    for (int i = 0; i < MUTEX_TASKS; i++)
        task_join(t[i]);
    KASSERT_EQ(p.violations, 0);
    KASSERT_EQ(p.counter, MUTEX_TASKS * MUTEX_ROUNDS);
    KASSERT(!mutex_is_locked(&p.lock));

    mutex_lock(&p.lock);
    KASSERT(p.lock.owner == current);
    KASSERT(!mutex_trylock(&p.lock) || !"trylock of a held mutex succeeded");
    mutex_unlock(&p.lock);
    KASSERT(mutex_trylock(&p.lock));
    mutex_unlock(&p.lock);
}

#define SEM_UNITS       2
#define SEM_TASKS       5

struct sem_probe {
    struct semaphore sem;
    volatile int holders;
    volatile int most;
};

static void use_unit(void *arg)
{
    struct sem_probe *p = arg;
    for (int i = 0; i < 50; i++) {
        down(&p->sem);
        uint32_t flags = irq_save();
        if (++p->holders > p->most)
            p->most = p->holders;
        irq_restore(flags);
        yield();
        flags = irq_save();
        p->holders--;
        irq_restore(flags);
        up(&p->sem);
    }
}

KTEST(semaphore_counts_units)
{
    static struct sem_probe p;
    sema_init(&p.sem, "test-units", SEM_UNITS);
    p.holders = p.most = 0;
    struct task *t[SEM_TASKS];
    for (int i = 0; i < SEM_TASKS; i++)
        t[i] = task_create("unit", use_unit, &p, PRIO_NORMAL);
    for (int i = 0; i < SEM_TASKS; i++)
        task_join(t[i]);
    KASSERT_EQ(p.most, SEM_UNITS);              /* used fully, never more */
    KASSERT_EQ(p.sem.count, SEM_UNITS);

    down(&p.sem);
    down(&p.sem);
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(down_timeout(&p.sem, 40), -ETIMEDOUT);
    KASSERT(timer_uptime_ms() - t0 >= 40);
    up(&p.sem);
    KASSERT_EQ(down_timeout(&p.sem, 40), 0);
    up(&p.sem);
    up(&p.sem);
}

KTEST(spinlock_disables_interrupts_and_preemption)
{
    static struct spinlock lock;
    spin_lock_init(&lock, "test-spin");
    KASSERT(irqs_enabled());
    uint32_t flags = spin_lock_irqsave(&lock);
    KASSERT(!irqs_enabled());
    KASSERT_EQ(current->preempt_count, 1);
    KASSERT(lock.owner == current);
    spin_unlock_irqrestore(&lock, flags);
    KASSERT(irqs_enabled());
    KASSERT_EQ(current->preempt_count, 0);
}
