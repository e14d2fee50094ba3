/*
 * wait.h - wait queues (completions, built on them, are
 * include/completion.h).
 *
 * A wait queue is a list of tasks waiting for some condition.  The waiter
 * checks the condition after putting itself on the queue and setting its
 * state, so a wake_up() that comes in between is never lost:
 *
 *     wait_event(wq, cond)               sleep until cond (uninterruptible)
 *     wait_event_state(wq, cond, state)  the same in TASK_SLEEPING, for
 *                                        waits that may last forever by
 *                                        design (console input)
 *     wait_event_timeout(wq, cond, ms)   the same, for at most ms; returns
 *                                        the ms left (> 0) if cond came
 *                                        true, 0 if the time ran out
 *     wake_up(wq)                        wake every waiter; each rechecks
 *
 * wake_up() may be called from interrupt handlers.  The condition is read
 * with interrupts on: make it a plain read of something the waker writes.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "sched.h"

struct wait_queue {
    struct list_head waiters;   /* struct task_waiter */
    const char *name;           /* the wait channel shown for its waiters */
    /* Where the one task that ends these waits is named, when one task
     * does; NULL (wait_queue_init's default) when nobody in particular
     * does -- an interrupt, any of several tasks.  The hang detector
     * follows a waiter to that task, as it follows a mutex to its owner:
     * a buffer of nbd0 served by nbdsrv is read only when nbdsrv answers
     * (blkdev.h, struct blk_server).  A pointer to the pointer, because
     * the task is chosen after the queue is made. */
    struct task *const *owner;
};

/* A task on a wait queue, a mutex or a semaphore: lives on its stack. */
struct task_waiter {
    struct list_head link;
    struct task *task;
};

void wait_queue_init(struct wait_queue *wq, const char *name);
/* Put the current task on wq (once) and set its state and wait channel. */
void prepare_to_wait(struct wait_queue *wq, struct task_waiter *w, enum task_state state);
/* Take it off again and make it running. */
void finish_wait(struct wait_queue *wq, struct task_waiter *w);
void wake_up(struct wait_queue *wq);

#define wait_event_state(wq, cond, state)                                       \
    do {                                                                        \
        struct task_waiter w_ = { .task = 0 };                                  \
        for (;;) {                                                              \
            prepare_to_wait((wq), &w_, (state));                                \
            if (cond)                                                           \
                break;                                                          \
            schedule();                                                         \
        }                                                                       \
        finish_wait((wq), &w_);                                                 \
    } while (0)

#define wait_event(wq, cond) wait_event_state((wq), (cond), TASK_UNINTERRUPTIBLE)

#define wait_event_timeout(wq, cond, ms)                                        \
    ({                                                                          \
        struct task_waiter w_ = { .task = 0 };                                  \
        uint32_t left_ = (ms);                                                  \
        for (;;) {                                                              \
            prepare_to_wait((wq), &w_, TASK_UNINTERRUPTIBLE);                   \
            if (cond) {                                                         \
                left_ = left_ ? left_ : 1;                                      \
                break;                                                          \
            }                                                                   \
            if (!left_)                                                         \
                break;                                                          \
            left_ = schedule_timeout(left_);                                    \
        }                                                                       \
        finish_wait((wq), &w_);                                                 \
        left_;                                                                  \
    })
