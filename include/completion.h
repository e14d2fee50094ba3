/*
 * completion.h - "this happened", waited for.
 *
 * complete() lets one waiter through, complete_all() every waiter there
 * will ever be; wait_for_completion() returns at once if it already
 * happened.  Each complete() is consumed by one wait, so a completion
 * counts.  complete() and complete_all() may be called from interrupt
 * handlers; the waits may not.
 */
#pragma once
#include <stdint.h>
#include "wait.h"

struct completion {
    uint32_t done;              /* complete() calls not yet consumed; irq_save */
    struct wait_queue wq;       /* its waiters; named after the completion */
};

void init_completion(struct completion *c, const char *name);
void complete(struct completion *c);
void complete_all(struct completion *c);
void wait_for_completion(struct completion *c);
/* The ms left (> 0) when it completed, 0 on timeout. */
uint32_t wait_for_completion_timeout(struct completion *c, uint32_t ms);
