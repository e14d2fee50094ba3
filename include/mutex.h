/*
 * mutex.h - sleeping locks that know their owner (semaphores, which have
 * none, are include/semaphore.h).
 *
 * mutex_lock() sleeps (uninterruptibly) while another task owns the mutex;
 * mutex_unlock() hands it to the longest waiter, so no waiter starves.
 * The owner and the call site where it locked are recorded: the hang
 * detector follows "waits for mutex M, owned by task T" chains through
 * them.  Only the owner may unlock; unlocking someone else's mutex panics.
 *
 * A mutex may not be used from an interrupt handler, nor with a spinlock
 * held.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "lockdep.h"

struct task;

struct mutex {
    struct task *owner;         /* NULL when free */
    uint32_t owner_site;        /* where the owner locked it */
    struct list_head waiters;   /* struct task_waiter, first come first served */
    struct lockdep_map dep_map;
};

#define mutex_init(m, name_)                                                    \
    do {                                                                        \
        static struct lock_class_key key_;                                      \
        mutex_init_key((m), (name_), &key_);                                    \
    } while (0)

void mutex_init_key(struct mutex *m, const char *name, struct lock_class_key *key);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
static inline bool mutex_is_locked(const struct mutex *m) { return m->owner != 0; }
