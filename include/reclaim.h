/*
 * reclaim.h - getting memory back: the policy, the two daemons, the rule
 * reclaim lives by, and the counters that show it working.
 *
 * kswapd (mm/vmscan.c) wakes when free memory falls below the low
 * watermark and reclaims until it is above the high one; an allocation
 * that finds less than min reclaims directly (try_to_free_pages, mm.h).
 * Either way reclaim frees clean pages and hands dirty ones to kswiod
 * (mm/kswiod.c), the one task that writes pages: it never waits for a
 * write.  When nothing can be freed at once it sleeps on "some page was
 * freed", with a timeout, and gives up after a bounded number of rounds.
 *
 * reclaim=sync on the command line is the 1999 policy, kept to show what
 * goes wrong: reclaim writes a dirty page itself and waits for that write.
 *
 * The rule, checked at run time: a task in reclaim (PF_RECLAIM) must not
 * wait on a buffer, on page writeback, or on a mutex that may be held
 * across IO (mutex_init_io).  reclaim_may_not_wait() is called on each of
 * those waits; inside reclaim it reports the task with its stack, counts
 * in reclaim_violations (which fails the running test) -- and lets the
 * wait go ahead, so that the consequence can be seen too.
 */
#pragma once
#include <stdint.h>

struct block_device;
struct page;

enum reclaim_policy { RECLAIM_KSWIOD, RECLAIM_SYNC };
extern enum reclaim_policy reclaim_policy;

/* Counts since boot; read them as a snapshot (monitor vmstat). */
struct vm_event_counts {
    uint32_t pgscan;            /* pages reclaim looked at */
    uint32_t pgsteal;           /* pages reclaim freed */
    uint32_t pgwrite;           /* dirty pages reclaim handed to kswiod */
    uint32_t pswpout;           /* pages written to swap */
    uint32_t pswpin;            /* pages read from swap */
    uint32_t swapin_readahead;  /* of those, read around a fault and left in the swap
                                 * cache for another space (or none) */
    uint32_t kswapd_wakeups;
    uint32_t direct_reclaims;   /* allocations that reclaimed themselves */
    uint32_t reclaim_waits;     /* rounds that slept on "a page was freed" */
    uint32_t reclaim_failures;  /* direct reclaims that gave up */
    uint32_t oom_kills;         /* tasks ended: no memory for their fault */
    uint32_t bus_errors;        /* tasks ended: a page of theirs could not be read */
    uint32_t kswiod_queued;     /* page writes handed to kswiod */
    uint32_t kswiod_completed;  /* ... and finished */
    uint32_t kswiod_errors;     /* ... and failed (the page stayed) */
    uint32_t kswiod_bios;       /* bios it submitted */
};
extern struct vm_event_counts vm_events;
extern uint32_t reclaim_violations;

/* Start kswapd and kswiod; read reclaim= from the command line. */
void reclaim_init(void);
void reclaim_may_not_wait(const char *what, const char *name);

/* Reclaim until target pages are freed or a bounded number of passes
 * find nothing, the way kswapd does; the number freed.  For the monitor
 * and tests: it shows reclaim at work on demand. */
uint32_t reclaim_some(uint32_t target);

/* Give bdev a kswiod of its own (kswiod/NAME), if it has none yet: the
 * device will take page writes (swapon, mount).  0 or -ENOMEM. */
int kswiod_attach(struct block_device *bdev);
/* The kswiods' queues now, over all devices: pages waiting, in flight. */
void kswiod_counts(uint32_t *queued, uint32_t *in_flight);
/* Wait until no kswiod has anything queued or in flight (tests, swapoff,
 * sync); never from reclaim. */
void kswiod_drain(void);
/* The page cache's writeback: give the file's kswiod a dirty file page
 * (PG_dirty already cleared, wb_mapping set; it comes off the LRU): 0,
 * or -EAGAIN when that queue is full -- kswiod_wait_room(bdev) then waits
 * (not in reclaim) for room.  kswiod_kick() starts every kswiod on what
 * was queued. */
int kswiod_write_page(struct page *page);
void kswiod_wait_room(struct block_device *bdev);
void kswiod_kick(void);
/* Invariant 2 of the design, checked where page writes are issued: the
 * current task must be a kswiod (under reclaim=sync, reclaim too).  Any
 * other writer is reported and counted in reclaim_violations. */
void kswiod_check_writer(const char *what);
/* The LRU lists' lengths. */
void lru_counts(uint32_t *active, uint32_t *inactive);

/* The page cache's side of the LRU (mm/lru.c): a new cache page (owner
 * and index set) becomes reclaimable; a page leaves the cache (its owner
 * is cleared where reclaim looks for it). */
void lru_add_cache_page(struct page *page);
void page_disown(struct page *page);
