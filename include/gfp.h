/*
 * gfp.h - allocation contexts: what an allocation may do to find memory.
 *
 *   GFP_KERNEL  may sleep, may reclaim, and reclaim may queue page writes
 *   GFP_NOIO    may sleep and reclaim clean pages, but start no IO: for
 *               code on the IO path, which must not wait for itself
 *   GFP_ATOMIC  never sleeps; may use part of the reserve below the min
 *               watermark (interrupt handlers, code holding spinlocks)
 *   __GFP_ZERO  hand the memory out zeroed
 *
 * Task flags change every allocation a task makes:
 *   PF_MEMALLOC       the task is reclaim itself or the IO path: it may use
 *                     the whole reserve and never reclaims (it would recurse)
 *   PF_MEMALLOC_NOIO  every allocation behaves as GFP_NOIO (a scope set by
 *                     memalloc_noio_save/restore, for callees that say
 *                     GFP_KERNEL without knowing they are on the IO path)
 *   PF_RECLAIM        the task is reclaiming (direct reclaim or kswapd):
 *                     any wait but "a page was freed" and a short timer
 *                     is reported (set_wait, mm/reclaim_check.c)
 *   PF_RECLAIM_WRITES the task reclaims under reclaim=sync and writes a
 *                     page itself (mm/kswiod.c writepage_sync): the one
 *                     page writer besides the kswiods
 *
 * The flags live in the current task (sched.h).
 */
#pragma once
#include <stdint.h>
#include "sched.h"

typedef unsigned int gfp_t;

#define __GFP_RECLAIM   0x01u   /* may sleep and reclaim */
#define __GFP_IO        0x02u   /* reclaim may start page writes */
#define __GFP_HIGH      0x04u   /* may dip into part of the reserve */
#define __GFP_ZERO      0x08u   /* zero the memory */

#define GFP_KERNEL      (__GFP_RECLAIM | __GFP_IO)
#define GFP_NOIO        (__GFP_RECLAIM)
#define GFP_ATOMIC      (__GFP_HIGH)

#define PF_MEMALLOC         0x01u
#define PF_MEMALLOC_NOIO    0x02u
#define PF_RECLAIM          0x04u   /* in reclaim: must not wait for any one write */
#define PF_RECLAIM_WRITES   0x08u   /* reclaim=sync: writing a page itself, the 1999 way */

static inline uint32_t current_flags(void) { return current->flags; }

/* Set one flag for a scope; restore it to what save returned, so that
 * scopes nest: an inner restore does not clear an outer scope's flag. */
static inline uint32_t memalloc_flag_save(uint32_t flag)
{
    uint32_t old = current->flags & flag;
    current->flags |= flag;
    return old;
}
static inline void memalloc_flag_restore(uint32_t flag, uint32_t saved)
{
    current->flags = (current->flags & ~flag) | saved;
}

static inline uint32_t memalloc_noio_save(void) { return memalloc_flag_save(PF_MEMALLOC_NOIO); }
static inline void memalloc_noio_restore(uint32_t saved) { memalloc_flag_restore(PF_MEMALLOC_NOIO, saved); }
static inline uint32_t memalloc_noreclaim_save(void) { return memalloc_flag_save(PF_MEMALLOC); }
static inline void memalloc_noreclaim_restore(uint32_t saved) { memalloc_flag_restore(PF_MEMALLOC, saved); }
