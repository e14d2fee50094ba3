/*
 * semaphore.c - counting semaphores (see include/semaphore.h).
 *
 * The waiters are a FIFO of struct task_waiter living on the waiting
 * tasks' stacks, as a mutex's are.  up() hands its unit to the first
 * waiter rather than adding it to the count, so a task that comes later
 * cannot take it first.
 */
#include "semaphore.h"
#include "kerrno.h"
#include "sched.h"
#include "timer.h"
#include "wait.h"
#include "x86.h"

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
