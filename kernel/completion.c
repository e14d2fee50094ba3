/*
 * completion.c - completions (see include/completion.h): a count of
 * complete() calls and a wait queue to sleep on until one is there.
 */
#include "completion.h"
#include "x86.h"

void init_completion(struct completion *c, const char *name)
{
    c->done = 0;
    wait_queue_init(&c->wq, name);
}

void complete(struct completion *c)
{
    uint32_t flags = irq_save();
    c->done++;
    wake_up(&c->wq);
    irq_restore(flags);
    preempt_check_resched();
}

void complete_all(struct completion *c)
{
    uint32_t flags = irq_save();
    c->done = UINT32_MAX / 2;           /* enough for every waiter there will be */
    wake_up(&c->wq);
    irq_restore(flags);
    preempt_check_resched();
}

/* Take one completion if there is one: the condition both waits use. */
static bool try_consume(struct completion *c)
{
    uint32_t flags = irq_save();
    bool got = c->done > 0;
    if (got)
        c->done--;
    irq_restore(flags);
    return got;
}

void wait_for_completion(struct completion *c)
{
    wait_event(&c->wq, try_consume(c));
}

uint32_t wait_for_completion_timeout(struct completion *c, uint32_t ms)
{
    return wait_event_timeout(&c->wq, try_consume(c), ms);
}
