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
 * The rule, checked at run time: a task in reclaim (PF_RECLAIM) may sleep
 * only on "a page was freed" (wait_on_page_freed) and on a timer of at
 * most RECLAIM_WAIT_MS.  set_wait(), which every wait goes through, calls
 * reclaim_check_wait() for such a task; any other wait -- a buffer, a page
 * lock, page writeback, a completion, a mempool, a mutex, a semaphore, a
 * join, a longer sleep -- is reported with the task's stack and, when one
 * task can end the wait, that task's, and counted in reclaim_violations
 * (which fails the running test); then the wait goes ahead, so that the
 * consequence can be seen too.  The first REPORTS_IN_FULL reports (of
 * each test: the runner rearms) are printed in full, the rest counted.
 */
#pragma once
#include <stdint.h>

/* Reclaim's longest sleep: a round that freed nothing waits this long for
 * "a page was freed"; a plain timer this short is allowed too. */
#define RECLAIM_WAIT_MS 20

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
    uint32_t swapin_faults;     /* faults on a swap PTE (swap_in_page calls) */
    uint32_t swapin_reads;      /* read requests (bios) swap-in issued */
    uint32_t swapin_waits;      /* faults that found their page being read, and waited */
    uint32_t swapin_ra_windows; /* read-ahead windows started (sequential faults) */
    uint32_t swapin_ra_async;   /* ... of them by reaching a marker, ahead of the faults */
    uint32_t swapin_ra_pages;   /* pages read by windows */
    uint64_t swapin_tsc;        /* TSC cycles spent in swap_in_page, over all faults */
    uint64_t swapin_read_tsc;   /* ... of which waiting for reads (own or others') */
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
    uint32_t kswiod_full;       /* dirty pages reclaim kept: their kswiod's queue was full */
    uint32_t reclaim_throttled; /* passes that freed some, kept more for kswiod, and waited */
    uint32_t kswiod_bio_limited; /* times a kswiod stopped with pages queued: its
                                 * KSWIOD_MAX_BIOS bios were all in flight */
    uint64_t reclaim_wait_tsc;  /* TSC cycles reclaim slept on "a page was freed",
                                 * over all reclaiming tasks */
    uint32_t cow_copied;        /* writes to a page shared by fork that copied it */
    uint32_t cow_reused;        /* ... that found the writer its last sharer: in place */
};
extern struct vm_event_counts vm_events;
extern uint32_t reclaim_violations;

/* Start kswapd and kswiod; read reclaim= from the command line. */
void reclaim_init(void);
/* set_wait's check, for the current task when it has PF_RECLAIM. */
void reclaim_check_wait(void);
/* Print the next REPORTS_IN_FULL wait reports in full again: the test
 * runner calls it as each test begins, so that every test's story is
 * told, whatever ran before it in the same boot. */
void reclaim_reports_rearm(void);

/* Linux's kswapd_stop/kswapd_run: kswapd starts no run until
 * kswapd_run(); kswapd_stop returns once a run under way has ended.
 * For tests that must see an allocation reclaim for itself: a woken
 * kswapd would free memory first, sooner or later. */
void kswapd_stop(void);
void kswapd_run(void);

/* Reclaim until target pages are freed or a bounded number of passes
 * find nothing, the way kswapd does; the number freed.  For the monitor
 * and tests: it shows reclaim at work on demand. */
uint32_t reclaim_some(uint32_t target);

/* Linux's MADV_PAGEOUT for a whole space (process_madvise(pidfd,
 * MADV_PAGEOUT) on every range): each anonymous page s maps goes the
 * way reclaim sends a page, used lately or not -- a clean copy in the
 * swap cache is freed, a dirty page gets a slot and goes to kswiod --
 * except mlocked pages (PTE_LOCKED), which stay.  A page a call sent to
 * kswiod is still in the swap cache when its write ends; the next call
 * frees it.  Never waits for a write; takes s->mmap_lock.  0, or -ESRCH
 * when s is gone.  Tests use it to page out, on purpose and every run,
 * what memory pressure pages out in life. */
struct vm_space;
struct pageout_counts {
    uint32_t queued;            /* dirty pages handed to kswiod */
    uint32_t freed;             /* clean copies freed (their data is in swap) */
    uint32_t locked;            /* mlocked pages left alone */
    uint32_t busy;              /* pages being written or read, left for now */
    uint32_t kept;              /* pages reclaim would not take (no swap slot, kswiod full) */
};
int reclaim_space_pages(struct vm_space *s, struct pageout_counts *c);

/* Give bdev a kswiod of its own (kswiod/NAME), if it has none yet: the
 * device will take page writes (swapon, mount).  0 or -ENOMEM. */
int kswiod_attach(struct block_device *bdev);
/* The kswiods' queues now, over all devices: pages waiting, in flight. */
void kswiod_counts(uint32_t *queued, uint32_t *in_flight);
/* Wait until bdev's kswiod (NULL: every kswiod) has nothing queued or in
 * flight (swapoff, tests); never from reclaim.  A stalled device holds up
 * only a drain of its own. */
void kswiod_drain(const struct block_device *bdev);
/* The page cache's writeback: give the file's kswiod a dirty file page
 * (PG_dirty already cleared, wb_mapping set; it comes off the LRU): 0,
 * or -EAGAIN when that queue is full -- kswiod_wait_room(bdev) then waits
 * (not in reclaim) for room.  kswiod_kick() starts every kswiod on what
 * was queued. */
int kswiod_write_page(struct page *page);
/* The current task is about to wait for page writeback to end: for the
 * lock validator, which then orders the locks it holds before every lock
 * a kswiod takes to write (see mm/kswiod.c). */
void writeback_might_wait(void);
void kswiod_wait_room(struct block_device *bdev);
void kswiod_kick(void);
/* Invariant 2 of docs/design.md, only kswiod writes pages, checked where page writes are issued: the
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
