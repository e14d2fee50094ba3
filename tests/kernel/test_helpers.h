/*
 * test_helpers.h - small pieces several kernel tests share.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "gfp.h"
#include "list.h"

/* Recurse with a 256-byte frame per call until the stack runs out (the
 * depth limit only hides the recursion from the compiler, which rightly
 * warns about an endless one).  Used to overflow stacks on purpose. */
uint32_t recurse_deeply(volatile uint32_t depth);

/* Allocate single pages in the given context until refused; return how
 * many pages are then still free.  The pages go on list (by page->lru);
 * free_page_list gives them back.  Under memalloc_noreclaim_save it
 * takes free memory to zero, the emergency reserve included. */
uint32_t fill_until_refused(gfp_t gfp, struct list_head *list);
void free_page_list(struct list_head *list);

/* nbd0, which the NBD tests' harness connects (nbd=); without it the
 * test fails at once, saying so. */
struct block_device *test_nbd0(void);
/* nbd_pattern_round_trip's checks on dev (test_nbd.c): the seeded image
 * reads back, the region of write_sector= is written three ways. */
void nbd_pattern_checks(struct block_device *dev);

/* The kernel's report counters, read at the start of a test. */
struct report_counts {
    uint32_t reclaim;           /* reclaim_violations */
    uint32_t lockdep;           /* lockdep_reports */
};
struct report_counts report_counts_now(void);

/* Under reclaim=sync reclaim writes pages itself and waits for them:
 * every such wait since `since` is reported, and when the write goes
 * through ext2 the lock validator sees lock_super taken inside reclaim
 * (and held across allocations elsewhere): the 1999 cycle.  The running
 * test then demands at least one wait report and announces all of them.
 * Under the default policy it does nothing. */
void expect_reclaim_sync_reports(struct report_counts since);

/* A task of normal priority that sleeps PINGER_SLEEP_MS at a time and
 * notes how late each sleep ends: PRIO_IO tasks that loop (a livelock)
 * starve it.  Start pinger_task with a zeroed struct pinger, set stop and
 * join it. */
#define PINGER_SLEEP_MS 50
struct pinger {
    volatile bool stop;
    uint32_t pings;
    uint32_t worst_late_ms;
};
void pinger_task(void *arg);
