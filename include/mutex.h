/*
 * mutex.h - sleeping locks that know their owner, and counting semaphores.
 *
 * mutex_lock() sleeps (uninterruptibly) while another task owns the mutex;
 * mutex_unlock() hands it to the longest waiter, so no waiter starves.
 * The owner and the call site where it locked are recorded: the hang
 * detector follows "waits for mutex M, owned by task T" chains through
 * them.  Only the owner may unlock; unlocking someone else's mutex panics.
 *
 * A semaphore is a count: down() takes one, sleeping while there is none;
 * up() gives one back and wakes a waiter.  It has no owner.
 *
 * Neither may be used from an interrupt handler, nor with a spinlock held.
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

struct semaphore {
    int count;
    const char *name;
    struct list_head waiters;   /* struct task_waiter */
};

void sema_init(struct semaphore *s, const char *name, int count);
void down(struct semaphore *s);
/* 0 when taken, -ETIMEDOUT after ms. */
int down_timeout(struct semaphore *s, uint32_t ms);
void up(struct semaphore *s);
