/*
 * wait.c - wait queues (see include/wait.h).
 */
#include "wait.h"
#include "x86.h"

void wait_queue_init(struct wait_queue *wq, const char *name)
{
    list_init(&wq->waiters);
    wq->name = name;
    wq->owner = NULL;
}

void prepare_to_wait(struct wait_queue *wq, struct task_waiter *w, enum task_state state)
{
    uint32_t flags = irq_save();
    if (w->task != current) {           /* the first time round the loop */
        w->task = current;
        list_add_tail(&w->link, &wq->waiters);
        set_wait(state, WAIT_QUEUE, wq, wq->name);
    } else {
        set_wait_again(state, WAIT_QUEUE, wq, wq->name);
    }
    irq_restore(flags);
}

void finish_wait(struct wait_queue *wq, struct task_waiter *w)
{
    (void)wq;
    uint32_t flags = irq_save();
    current->state = TASK_RUNNING;
    if (w->task == current)
        list_del(&w->link);
    w->task = NULL;
    irq_restore(flags);
}

void wake_up(struct wait_queue *wq)
{
    uint32_t flags = irq_save();
    list_for_each(link, &wq->waiters)
        wake_up_task(list_entry(link, struct task_waiter, link)->task);
    irq_restore(flags);
    preempt_check_resched();
}
