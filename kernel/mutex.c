/*
 * mutex.c - mutexes and semaphores (see include/mutex.h).
 *
 * Both keep their waiters in a FIFO of struct task_waiter living on the
 * waiting tasks' stacks.  A mutex is handed over: unlock makes the first
 * waiter the owner before waking it, so a task that comes later cannot
 * overtake it.
 */
#include "mutex.h"
#include "kerrno.h"
#include "ksyms.h"
#include "panic.h"
#include "sched.h"
#include "timer.h"
#include "wait.h"
#include "x86.h"

void mutex_init_key(struct mutex *m, const char *name, struct lock_class_key *key)
{
    m->owner = NULL;
    m->owner_site = 0;
    list_init(&m->waiters);
    lockdep_init_map(&m->dep_map, name, key, LOCK_MUTEX);
}

static void mutex_lock_at(struct mutex *m, uint32_t site)
{
    if (irq_depth)
        panic("mutex_lock(%s) in an interrupt handler", m->dep_map.name);
    lockdep_acquire(&m->dep_map, site);     /* first: report a deadlock before it happens */
    struct task_waiter w = { .task = current };
    uint32_t flags = irq_save();
    if (!m->owner) {
        m->owner = current;
    } else {
        list_add_tail(&w.link, &m->waiters);
        /* mutex_unlock hands it over; a wake-up before that is the same
         * wait going on, checked once (set_wait_again). */
        set_wait(TASK_UNINTERRUPTIBLE, WAIT_MUTEX, m, m->dep_map.name);
        for (;;) {
            schedule();
            if (m->owner == current)
                break;
            set_wait_again(TASK_UNINTERRUPTIBLE, WAIT_MUTEX, m, m->dep_map.name);
        }
    }
    m->owner_site = site;
    irq_restore(flags);
}

void mutex_lock(struct mutex *m)
{
    mutex_lock_at(m, (uint32_t)__builtin_return_address(0));
}

bool mutex_trylock(struct mutex *m)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    uint32_t flags = irq_save();
    bool got = !m->owner;
    if (got) {
        m->owner = current;
        m->owner_site = site;
    }
    irq_restore(flags);
    if (got)
        lockdep_acquire_trylock(&m->dep_map, site);
    return got;
}

void mutex_unlock(struct mutex *m)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (m->owner != current) {
        char here[96];
        ksym_describe(site, here, sizeof(here));
        panic("mutex_unlock(%s) at %s by %s, but the owner is %s", m->dep_map.name, here,
              current->name, m->owner ? m->owner->name : "nobody");
    }
    lockdep_release(&m->dep_map, site);
    uint32_t flags = irq_save();
    m->owner = NULL;
    if (!list_empty(&m->waiters)) {
        struct task_waiter *w = list_first_entry(&m->waiters, struct task_waiter, link);
        list_del(&w->link);
        m->owner = w->task;
        wake_up_task(w->task);
    }
    irq_restore(flags);
    preempt_check_resched();
}

void sema_init(struct semaphore *s, const char *name, int count)
{
    s->count = count;
    s->name = name;
    list_init(&s->waiters);
}

/* Wait for a unit; 0 when taken, -ETIMEDOUT when ms (if nonzero) ran out. */
static int down_common(struct semaphore *s, uint32_t ms)
{
    uint64_t end = timer_ticks() + ms_to_ticks(ms);
    int ret = 0;
    struct task_waiter w = { .task = current };
    uint32_t flags = irq_save();
    if (s->count > 0) {
        s->count--;
        irq_restore(flags);
        return 0;
    }
    list_add_tail(&w.link, &s->waiters);
    for (bool first = true; w.task; first = false) {   /* up() hands a unit over: clears it */
        uint64_t now = timer_ticks();
        if (ms && now >= end) {
            list_del(&w.link);
            ret = -ETIMEDOUT;
            break;
        }
        if (first)
            set_wait(TASK_UNINTERRUPTIBLE, WAIT_SEMAPHORE, s, s->name);
        else                                /* woken early: the same wait, checked once */
            set_wait_again(TASK_UNINTERRUPTIBLE, WAIT_SEMAPHORE, s, s->name);
        if (ms)
            schedule_timeout((uint32_t)((end - now) * (1000 / HZ)));
        else
            schedule();
    }
    irq_restore(flags);
    return ret;
}

void down(struct semaphore *s)
{
    down_common(s, 0);
}

int down_timeout(struct semaphore *s, uint32_t ms)
{
    return down_common(s, ms ? ms : 1);
}

void up(struct semaphore *s)
{
    uint32_t flags = irq_save();
    if (list_empty(&s->waiters)) {
        s->count++;
    } else {
        struct task_waiter *w = list_first_entry(&s->waiters, struct task_waiter, link);
        list_del(&w->link);
        struct task *t = w->task;
        w->task = NULL;                     /* the unit is theirs */
        wake_up_task(t);
    }
    irq_restore(flags);
    preempt_check_resched();
}
