/*
 * current.c - the running context's task flags (see include/gfp.h).
 * There is one context until the scheduler arrives; then these become the
 * current task's flags word.
 */
#include "gfp.h"

uint32_t current_task_flags;

uint32_t memalloc_flag_save(uint32_t flag)
{
    uint32_t old = current_task_flags & flag;
    current_task_flags |= flag;
    return old;
}

void memalloc_flag_restore(uint32_t flag, uint32_t saved)
{
    current_task_flags = (current_task_flags & ~flag) | saved;
}
