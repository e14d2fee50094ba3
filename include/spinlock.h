/*
 * spinlock.h - spinlocks for one CPU.
 *
 * On a uniprocessor a spinlock never spins: holding one means interrupts
 * are off (spin_lock_irqsave) and preemption is off, so nothing else can
 * run.  What it still does is check its use: taking a spinlock that is
 * already held panics and names the holder and both call sites (on one CPU
 * that can only be a self-deadlock), and the lock validator sees every
 * acquisition.  Never sleep while holding one.
 */
#pragma once
#include <stdint.h>
#include "lockdep.h"

struct task;

struct spinlock {
    uint32_t locked;
    struct task *owner;         /* who holds it, and ... */
    uint32_t site;              /* ... where they took it */
    struct lockdep_map dep_map;
};

#define spin_lock_init(lock, name_)                                             \
    do {                                                                        \
        static struct lock_class_key key_;                                      \
        spin_lock_init_key((lock), (name_), &key_);                             \
    } while (0)

void spin_lock_init_key(struct spinlock *lock, const char *name, struct lock_class_key *key);
/* Returns the interrupt flag to give back to spin_unlock_irqrestore. */
uint32_t spin_lock_irqsave(struct spinlock *lock);
void spin_unlock_irqrestore(struct spinlock *lock, uint32_t flags);
