/*
 * semaphore.h - counting semaphores.
 *
 * A semaphore is a count: down() takes one, sleeping while there is none;
 * up() gives one back and hands it to the longest waiter.  It has no
 * owner (for a lock that has one, see include/mutex.h), so the hang
 * detector cannot follow a waiter further than the semaphore.
 *
 * A semaphore may not be used from an interrupt handler, nor with a
 * spinlock held.
 */
#pragma once
#include <stdint.h>
#include "list.h"

struct semaphore {
    int count;                  /* units free; irq_save */
    const char *name;           /* the wait channel shown for its waiters */
    struct list_head waiters;   /* struct task_waiter, first come first served; irq_save */
};

void sema_init(struct semaphore *s, const char *name, int count);
void down(struct semaphore *s);
/* 0 when taken, -ETIMEDOUT after ms. */
int down_timeout(struct semaphore *s, uint32_t ms);
void up(struct semaphore *s);
