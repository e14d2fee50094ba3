/*
 * mutex.c - mutexes (see include/mutex.h).
 *
 * A mutex keeps its waiters in a FIFO of struct task_waiter living on the
 * waiting tasks' stacks.  It is handed over: unlock makes the first
 * waiter the owner before waking it, so a task that comes later cannot
 * overtake it.
 */
#include "mutex.h"
#include "ksyms.h"
#include "panic.h"
#include "sched.h"
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
