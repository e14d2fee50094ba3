/*
 * spinlock.c - spinlocks for one CPU (see include/spinlock.h).
 */
#include "spinlock.h"
#include "ksyms.h"
#include "panic.h"
#include "sched.h"
#include "x86.h"

void spin_lock_init_key(struct spinlock *lock, const char *name, struct lock_class_key *key)
{
    lock->locked = 0;
    lock->owner = NULL;
    lock->site = 0;
    lockdep_init_map(&lock->dep_map, name, key, LOCK_SPIN);
}

uint32_t spin_lock_irqsave(struct spinlock *lock)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    uint32_t flags = irq_save();
    lockdep_acquire(&lock->dep_map, site);
    if (lock->locked) {
        /* One CPU and interrupts off: nobody can ever release it. */
        char here[96], there[96];
        ksym_describe(site, here, sizeof(here));
        ksym_describe(lock->site, there, sizeof(there));
        panic("spinlock %s taken at %s by %s is already held by %s since %s",
              lock->dep_map.name, here, current->name,
              lock->owner ? lock->owner->name : "?", there);
    }
    lock->locked = 1;
    lock->owner = current;
    lock->site = site;
    preempt_disable();
    return flags;
}

void spin_unlock_irqrestore(struct spinlock *lock, uint32_t flags)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (!lock->locked || lock->owner != current) {
        char here[96];
        ksym_describe(site, here, sizeof(here));
        panic("spin_unlock(%s) at %s by %s, but it is %s", lock->dep_map.name, here,
              current->name, lock->locked ? "held by another task" : "not held");
    }
    lock->locked = 0;
    lock->owner = NULL;
    lockdep_release(&lock->dep_map, site);
    irq_restore(flags);
    preempt_enable();       /* a wake-up while we held it may want the CPU now */
}
