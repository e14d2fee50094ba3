/*
 * current.c - the running context's task flags (see include/gfp.h).
 * There is one context until the scheduler arrives; then these become the
 * current task's flags word.
 */
#include "gfp.h"

static uint32_t boot_context_flags;

uint32_t current_flags(void)
{
    return boot_context_flags;
}

uint32_t memalloc_flag_save(uint32_t flag)
{
    uint32_t old = boot_context_flags & flag;
    boot_context_flags |= flag;
    return old;
}

void memalloc_flag_restore(uint32_t flag, uint32_t saved)
{
    boot_context_flags = (boot_context_flags & ~flag) | saved;
}
