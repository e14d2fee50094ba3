/*
 * vmscan.c - reclaim: the scan of the LRU lists, direct reclaim and
 * kswapd (see include/reclaim.h).
 *
 * A page at the tail of the inactive list is looked at once per pass:
 *
 *   used since last time (accessed bit / PG_referenced)  -> active list
 *   anonymous, mapped, clean copy in the swap cache      -> swap PTE, free
 *   anonymous, mapped, dirty        -> slot, swap cache, swap PTE, then
 *                                      PG_writeback and kswiod's queue
 *   anonymous, only in the swap cache, clean             -> free
 *   anonymous, in the swap cache of a dead device        -> active list
 *   file page, mapped and not used -> unmapped (the PTE dirty bits become
 *                                      PG_dirty), then as below
 *   file page, clean and unmapped                        -> out of the cache, free
 *   file page, dirty                -> PG_writeback and kswiod's queue
 *   file page, dirty, its device dead (blkdev_dead), or  -> active list
 *     its last write failed a moment ago (a backoff)
 *   dirty (file or anonymous), and the reclaimer may not -> head of the inactive
 *     write (GFP_NOIO: the IO path, an IO flusher)          list, counted: a pass
 *                                      that freed nothing then ages the active
 *                                      list, so that the clean pages behind
 *                                      the dirty ones come within reach
 *   anything else (in use, kswiod full, no swap)         -> head of a list
 *
 * None of these steps sleeps.  A file page's mapping is locked with a
 * trylock (a mapping's lock is held across reads), and a page whose
 * mapping is busy is skipped: reclaim never waits for anyone's IO.
 *
 * When a pass frees nothing, reclaim scans more next time (up to 32
 * times as much).  If the pass gave pages their second chance (took
 * their referenced bits) and kswiod had room for all it wanted to write,
 * the next pass comes at once -- up to RECLAIM_PRIORITIES in a row, and
 * until the run has aged more pages than the LRU holds; otherwise it
 * sleeps on "some page was freed, or can be" --
 * kswiod's completions make pages freeable -- for at most
 * RECLAIM_WAIT_MS.  After RECLAIM_ROUNDS such sleeps in which nothing
 * happened at all (RECLAIM_ROUNDS_IO while page writes are under way:
 * their ends will make pages freeable, and a slow device -- NBD on a busy
 * host -- may take longer than 25 short sleeps to finish one; a device
 * that never answers fails its bios by its own timeout, so this stays
 * bounded), or at once when nothing it could free is left (no
 * write pending, and on the LRU nothing, or only anonymous pages while
 * no swap slot is free), it gives up and the allocation fails.  kswapd
 * does the same work in the background between the low and the high
 * watermark, and reclaim_some on demand: all three run one loop,
 * reclaim_run, which also ends after RECLAIM_MAX_PASSES passes -- a page
 * write that fails frees nothing and wakes nobody, so failures cannot
 * keep it going.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "internal.h"
#include "kerrno.h"
#include "kstring.h"
#include "lockdep.h"
#include "pagemap.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "timer.h"
#include "vm.h"
#include "wait.h"
#include "x86.h"

KERNEL_PARAM(reclaim, "kswiod",
             "who writes the pages reclaim picks: kswiod, or sync (reclaim itself: 1999)");

#define SCAN_BATCH          32          /* pages looked at per pass */
#define RECLAIM_ROUNDS      25          /* passes without progress before failing */
#define RECLAIM_ROUNDS_IO   250         /* the same while page writes are under way: 5 s */
#define RECLAIM_MAX_PASSES  1000        /* a bound even while others take what it frees */
#define RECLAIM_PRIORITIES  12          /* passes that only aged, in a row, without a
                                         * sleep (Linux's DEF_PRIORITY) */

struct vm_event_counts vm_events;
enum reclaim_policy reclaim_policy = RECLAIM_KSWIOD;
static struct wait_queue kswapd_wq;
static struct task *kswapd_task;
/* kswapd_stop(): no run starts until kswapd_run().  kswapd_reclaiming is
 * set before the check of kswapd_stopped, so that the two cannot pass
 * each other (kswapd_stop waits for a run it did not see begin). */
static volatile bool kswapd_stopped, kswapd_reclaiming;

enum verdict { KEEP, ACTIVATE, FREE, WRITE, SYNC_WRITE, PUT_BACK };

/* What one reclaim run may do, fixed at its start (Linux's scan_control):
 * the policy is read there, once, so that a switch of reclaim_policy (a
 * test's) never meets a run half way. */
struct scan_control {
    gfp_t gfp;
    bool sync;                  /* reclaim=sync: write dirty pages itself and wait */
    /* Counted per pass: dirty pages it kept because it may not write
     * (no __GFP_IO: GFP_NOIO, an IO flusher).  A pass that freed nothing
     * with some of these ages the active list, where the clean pages are. */
    uint32_t nr_unwritable;
    /* Counted per pass: dirty pages it kept because the kswiod that would
     * write them had a full queue (reclaim_run throttles on them). */
    uint32_t nr_congested;
    /* Counted per pass: pages whose referenced or accessed bit it took
     * (a second chance given): the next pass may free them. */
    uint32_t nr_aged;
    /* reclaim_space_pages (MADV_PAGEOUT): a page used lately goes too --
     * its accessed bits are cleared instead of earning it a second chance. */
    bool ignore_references;
};

/* ---- one page ------------------------------------------------------------ */

/* Give a dirty page to kswiod (or, under reclaim=sync, to the caller to
 * write); page_lock held, page off the LRU. */
static enum verdict start_writeback(struct page *page, struct block_device *bdev,
                                    const struct scan_control *sc)
{
    if (bdev->server && bdev->server->task == current)
        bdev->server->own_reclaim_writes++;     /* a write only it can answer */
    page->flags = (page->flags & ~PG_dirty) | PG_writeback | PG_reclaim;
    if (sc->sync)
        return SYNC_WRITE;
    kswiod_queue_page(page);            /* room was checked before */
    vm_events.pgwrite++;
    return WRITE;
}

/* The area an anonymous page's copy in swap is on; NULL when it has none. */
static struct swap_area *anon_area(const struct page *page)
{
    return (page->flags & PG_swapcache) ? swap_area_by_index(swap_pte_area(page->swap)) : NULL;
}

/* Dirty for sure (no copy in swap, or one known stale) and its kswiod
 * full: kept before the reverse map walk and a slot taken and given
 * back -- under writeback's load reclaim meets hundreds of thousands of
 * these (bench=nbd_swap's kswiod_full).  next_full: the kswiod of the
 * area a new slot would come from is full (swap_next_area_congested). */
static bool keep_congested(const struct page *page, const struct swap_area *area,
                           const struct scan_control *sc, bool next_full)
{
    if (!(sc->gfp & __GFP_IO) || sc->sync)
        return false;
    return area ? (page->flags & PG_dirty) && kswiod_full(area->bdev) : next_full;
}

/* An anonymous page; page_lock held. */
static enum verdict shrink_anon(struct page *page, struct scan_control *sc)
{
    struct swap_area *area = anon_area(page);
    if (area && blkdev_dead(area->bdev))
        return ACTIVATE;                /* the copy on disk is out of reach: this is the one */
    if (keep_congested(page, area, sc, !area && swap_next_area_congested())) {
        vm_events.kswiod_full++;
        sc->nr_congested++;
        return KEEP;
    }
    uint32_t pte = anon_ptes(page);     /* every PTE's bits: after fork, several */
    if (pte) {
        if (pte & PTE_LOCKED)
            return ACTIVATE;            /* mlock (VM_LOCKED): never reclaimed */
        if (pte & PTE_ACCESSED) {
            anon_ptes_clear(page, PTE_ACCESSED);
            sc->nr_aged++;
            if (!sc->ignore_references)
                return ACTIVATE;
        }
        bool dirty = (pte & PTE_DIRTY) || (page->flags & PG_dirty) ||
                     !(page->flags & PG_swapcache);
        if (area && area->draining)
            return ACTIVATE;            /* swapoff is taking its slot back */
        if (dirty && area && kswiod_full(area->bdev))
            vm_events.kswiod_full++;
        if (dirty && !(sc->gfp & __GFP_IO)) {
            sc->nr_unwritable++;
            return KEEP;                /* may not write: clean pages only */
        }
        if (dirty && area && kswiod_full(area->bdev))
            return KEEP;                /* no room to write: clean pages only */
        if (!area) {
            uint32_t slot;
            if (swap_slot_alloc(&area, &slot))
                return ACTIVATE;        /* no swap (left) */
            if (kswiod_full(area->bdev)) {
                vm_events.kswiod_full++;
                swap_slot_free(area, slot);
                return KEEP;            /* no room to write there */
            }
            swap_cache_add(page, area, slot);
            for (uint32_t i = 1; i < page->mapcount; i++)
                swap_slot_dup(area, slot);      /* one reference per PTE (swap.h) */
        }
        /* Every PTE now names the slot; a fault finds the page in the swap
         * cache until it is freed. */
        anon_unmap_to_swap(page);
        if (dirty)
            return start_writeback(page, area->bdev, sc);
    }
    if ((page->flags & PG_swapcache) && !(page->flags & (PG_dirty | PG_writeback)) &&
        page->refcount == 2) {          /* the cache's and ours: nobody else */
        swap_cache_del(page);
        return FREE;
    }
    return KEEP;
}

/* A file page; page_lock held on entry and again on return (*flags), let
 * go in between while the page cache decides.  The mapping is locked by
 * trylock only. */
static enum verdict shrink_file(struct page *page, struct scan_control *sc,
                                uint32_t *flags)
{
    struct address_space *mapping = page->owner;
    if (page->flags & PG_referenced) {
        page->flags &= ~PG_referenced;
        sc->nr_aged++;
        return ACTIVATE;
    }
    bool may_write = (sc->gfp & __GFP_IO) && mapping && !kswiod_full(mapping_bdev(mapping));
    if ((page->flags & PG_dirty) && !may_write) {
        sc->nr_unwritable += !(sc->gfp & __GFP_IO);
        return KEEP;
    }
    if (!mapping || !mutex_trylock(&mapping->lock))
        return KEEP;
    spin_unlock_irqrestore(&page_lock, *flags);
    enum pagecache_reclaim r = pagecache_reclaim_page(mapping, page, may_write);
    *flags = spin_lock_irqsave(&page_lock);
    if (r == PCR_BUSY && (page->flags & PG_dirty) && !(sc->gfp & __GFP_IO))
        sc->nr_unwritable++;            /* its mapping's dirty bits, found just now */
    /* A dirty page of a dead device can never be written: out of the
     * way, onto the active list, like a page in use. */
    enum verdict v = r == PCR_FREED                                 ? FREE
                     : r == PCR_REFERENCED || r == PCR_UNWRITABLE   ? ACTIVATE
                                                                    : KEEP;
    if (r == PCR_DIRTY && !sc->sync && kswiod_full(mapping_bdev(mapping)))
        pagecache_writeback_cancel(mapping, page);  /* filled up meanwhile: keep it dirty */
    else if (r == PCR_DIRTY)
        v = start_writeback(page, mapping_bdev(mapping), sc);
    /* Back on the LRU before the file's lock goes: its next holder (fsync,
     * say) may give the page to kswiod, whose queue uses the same link. */
    if (v == KEEP || v == ACTIVATE) {
        lru_add(page, v == ACTIVATE ? LRU_ACTIVE : LRU_INACTIVE);
        v = PUT_BACK;
    }
    spin_unlock_irqrestore(&page_lock, *flags);
    mutex_unlock(&mapping->lock);
    *flags = spin_lock_irqsave(&page_lock);
    return v;
}

/* The verdict on an isolated page (off the LRU, with a reference), acted
 * on: back on a list, written here (reclaim=sync), or freed; the
 * reference goes.  Called with page_lock held (flags), returns without. */
static enum verdict reclaim_page(struct page *page, struct scan_control *sc, uint32_t flags)
{
    enum verdict v = (page->flags & PG_anon) ? shrink_anon(page, sc)
                                             : shrink_file(page, sc, &flags);
    if (v == KEEP || v == ACTIVATE)
        lru_add(page, v == ACTIVATE ? LRU_ACTIVE : LRU_INACTIVE);
    spin_unlock_irqrestore(&page_lock, flags);
    if (v == SYNC_WRITE)
        writepage_sync(page);           /* reclaim=sync: write it here and wait */
    if (v == FREE)
        vm_events.pgsteal++;
    put_page(page);
    return v;
}

/* Pass over the anonymous pages at the inactive tail that keep_congested
 * keeps, up to KEEP_BATCH of them and *n in all, to the head, as KEEP
 * would, without isolating them: one page_lock hold and one look at the
 * swap areas for the lot, where isolating each costs two of each. */
#define KEEP_BATCH  32
static void pass_over_congested(uint32_t *n, struct scan_control *sc, bool next_full)
{
    struct page *page;
    for (uint32_t k = 0; *n && k < KEEP_BATCH && (page = lru_tail(LRU_INACTIVE)); k++) {
        struct swap_area *area = (page->flags & PG_anon) ? anon_area(page) : NULL;
        if (!(page->flags & PG_anon) || (area && blkdev_dead(area->bdev)) ||
            !keep_congested(page, area, sc, next_full))
            return;
        lru_del(page);
        lru_add(page, LRU_INACTIVE);
        vm_events.pgscan++;
        vm_events.kswiod_full++;
        sc->nr_congested++;
        (*n)--;
    }
}

/* Look at up to n pages from the inactive tail; the number freed. */
static uint32_t shrink_inactive(uint32_t n, struct scan_control *sc)
{
    uint32_t freed = 0;
    bool may_pass_over = (sc->gfp & __GFP_IO) && !sc->sync;
    while (n) {
        bool next_full = may_pass_over && swap_next_area_congested();
        uint32_t flags = spin_lock_irqsave(&page_lock);
        if (may_pass_over)
            pass_over_congested(&n, sc, next_full);
        struct page *page = n ? lru_isolate(LRU_INACTIVE) : NULL;
        if (!page) {
            spin_unlock_irqrestore(&page_lock, flags);
            break;
        }
        n--;
        vm_events.pgscan++;
        freed += reclaim_page(page, sc, flags) == FREE;
    }
    kswiod_kick();
    return freed;
}

/* Keep the inactive list at least as long as the active one: move pages
 * from the active tail to the inactive head, where they get their second
 * chance.  always: move n whatever the lengths -- when a pass freed
 * nothing and kswiod's queue is full (kswiod blocked, on lock_super say)
 * or the reclaimer may not write (GFP_NOIO), the inactive list fills with
 * dirty pages that cannot be handed over,
 * kept there and scanned again and again, while the clean pages reclaim
 * needs were activated earlier: without this they would never come back
 * within reach, and an allocation would fail with clean pages in memory.
 * Only then: a pass that freed nothing because its writes are still in
 * flight must not take the second chance from pages used lately. */
static void refill_inactive(uint32_t n, bool always)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    while (n-- && lru_count(LRU_ACTIVE) && (always || lru_count(LRU_ACTIVE) > lru_count(LRU_INACTIVE))) {
        struct page *page = lru_isolate(LRU_ACTIVE);
        page->refcount--;               /* isolate's reference: never the last */
        lru_add(page, LRU_INACTIVE);
    }
    spin_unlock_irqrestore(&page_lock, flags);
}

/* One pass: scan more the longer nothing comes free (Linux's priority),
 * and age the active list too once dirty pages can go nowhere: kswiod's
 * queue is full, or this run may not write them (the last pass kept
 * some it may not write) -- a GFP_NOIO reclaimer, an IO flusher, would
 * otherwise rotate an inactive list of dirty pages and fail with clean
 * ones behind them on the active list (issue #19). */
static uint32_t shrink(struct scan_control *sc, int fruitless)
{
    uint32_t n = SCAN_BATCH << (fruitless < 5 ? fruitless : 5);
    refill_inactive(n, fruitless > 0 && (kswiod_congested() || sc->nr_unwritable));
    sc->nr_unwritable = 0;
    sc->nr_congested = 0;
    sc->nr_aged = 0;
    return shrink_inactive(n, sc);
}

/* ---- one address space, on demand (MADV_PAGEOUT) ----------------------- */

/* The page at va of s, isolated for reclaim_page (page_lock held): a page
 * s maps there, or the clean copy left in the swap cache after a write
 * of an earlier call.  NULL, counted in c, when there is none to take. */
static struct page *isolate_space_page(struct vm_space *s, uint32_t va,
                                       struct pageout_counts *c)
{
    uint32_t pte = vm_get_pte(s, va);
    struct page *page = NULL;
    if (pte & PTE_PRESENT)
        page = pfn_to_page(pte >> PAGE_SHIFT);
    else if (is_swap_pte(pte))
        page = swap_cache_find(pte);
    if (!page)
        return NULL;                    /* never touched, or out already */
    if (pte & PTE_LOCKED) {
        c->locked++;                    /* mlock: never taken, not even on request */
        return NULL;
    }
    if ((page->flags & (PG_anon | PG_lru)) != (PG_anon | PG_lru)) {
        c->busy++;                      /* being written or read, or not reclaim's */
        return NULL;
    }
    lru_del(page);
    page->refcount++;
    return page;
}

int reclaim_space_pages(struct vm_space *s, struct pageout_counts *c)
{
    /* Always kswiod's to write, whatever the policy: the caller asked, it
     * is not short of memory, and it does not wait. */
    struct scan_control sc = { .gfp = GFP_KERNEL, .ignore_references = true };
    *c = (struct pageout_counts){ 0 };
    mutex_lock(&s->mmap_lock);          /* its areas stay as they are */
    if (s->dead) {
        mutex_unlock(&s->mmap_lock);
        return -ESRCH;
    }
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        for (uint32_t va = a->start; !a->mapping && va < a->end; va += PAGE_SIZE) {
            uint32_t flags = spin_lock_irqsave(&page_lock);
            struct page *page = isolate_space_page(s, va, c);
            if (!page) {
                spin_unlock_irqrestore(&page_lock, flags);
                continue;
            }
            enum verdict v = reclaim_page(page, &sc, flags);
            c->queued += v == WRITE;
            c->freed += v == FREE;
            c->kept += v != WRITE && v != FREE;
        }
    }
    mutex_unlock(&s->mmap_lock);
    kswiod_kick();
    return 0;
}

/* ---- direct reclaim and kswapd ------------------------------------------ */

/*
 * Nothing reclaim could free, now or after a wait: no write in flight
 * (its end makes a page freeable), and on the LRU nothing at all, or --
 * when no swap slot is left -- nothing but anonymous pages without one:
 * they cannot go anywhere, so scanning them again and waiting between
 * scans only delays the out-of-memory decision (once by 20 s, which the
 * hang detector took for a hang).  Pages in the swap cache are clean
 * copies or on their way to being ones, so they count as reclaimable.
 */
static bool nothing_to_reclaim(void)
{
    uint32_t queued, in_flight;
    kswiod_counts(&queued, &in_flight);
    if (queued + in_flight)
        return false;
    uint32_t flags = spin_lock_irqsave(&page_lock);
    uint32_t on_lru = lru_count(LRU_INACTIVE) + lru_count(LRU_ACTIVE);
    uint32_t anon = lru_count_anon(), cached = swap_cache_count();
    uint32_t stuck = anon > cached ? anon - cached : 0;   /* anonymous, no slot */
    spin_unlock_irqrestore(&page_lock, flags);
    return on_lru == 0 || (on_lru == stuck && swap_slots_left() == 0);
}

/* How many fruitless sleeps reclaim may take before it fails. */
static int idle_limit(void)
{
    uint32_t queued, in_flight;
    kswiod_counts(&queued, &in_flight);
    return queued + in_flight ? RECLAIM_ROUNDS_IO : RECLAIM_ROUNDS;
}

static uint32_t wanted(unsigned order)
{
    return mm_watermarks()->min + (1u << order);
}

/*
 * One reclaim run, the loop direct reclaim, kswapd and reclaim_some share:
 * passes until the goal is met (free pages, or pages freed), nothing it
 * could free is left, patience runs out (idle_limit() sleeps on "a page
 * was freed" that saw nothing freed), or RECLAIM_MAX_PASSES passes --
 * a bound even while others take what it frees, or writes keep failing.
 */
struct reclaim_run {
    gfp_t gfp;
    uint32_t free_goal;         /* met when this many pages are free (0: no such goal) */
    uint32_t freed_goal;        /* met when it freed this many (0: no such goal) */
    /* What happened: */
    uint32_t freed;             /* pages freed */
    int passes;
    int idle;                   /* sleeps that saw nothing freed */
    uint32_t aged;              /* pages its fruitless passes gave a second chance */
    uint32_t unwritable;        /* the last pass's dirty pages it may not write */
    bool hopeless;              /* stopped with nothing left it could free */
};

static bool goal_met(const struct reclaim_run *r)
{
    return (r->free_goal && nr_free_pages() >= r->free_goal) ||
           (r->freed_goal && r->freed >= r->freed_goal);
}

/* The caller has entered reclaim (reclaim_enter, PF_RECLAIM); true when
 * the goal was met. */
static bool reclaim_run(struct reclaim_run *r)
{
    struct scan_control sc = { .gfp = r->gfp, .sync = reclaim_policy == RECLAIM_SYNC };
    for (int fruitless = 0; r->idle < idle_limit() && r->passes < RECLAIM_MAX_PASSES;
         r->passes++) {
        if (goal_met(r))
            return true;
        uint32_t n = shrink(&sc, fruitless);
        r->freed += n;
        r->unwritable = sc.nr_unwritable;
        current->reclaim_noio_kept += sc.nr_unwritable;
        if (n && sc.nr_congested > n) {
            /* Linux's reclaim_throttle: a pass that kept more pages for
             * want of room in kswiod's queue than it freed would find the
             * same again at once, scanning with page_lock held and
             * interrupts off -- the network's time.  Until kswiod ends a
             * write (page_freed), or a short timer: no particular write
             * is waited for. */
            vm_events.reclaim_throttled++;
            wait_on_page_freed(RECLAIM_WAIT_MS);
        }
        if (n) {
            fruitless = 0;
            continue;
        }
        fruitless++;
        if ((r->hopeless = nothing_to_reclaim()))
            break;                      /* no waiting can change that */
        /* Linux's priority loop: a pass that freed nothing but gave pages
         * their second chance has made them reclaimable next time round,
         * so the next, larger pass comes at once -- for at most
         * RECLAIM_PRIORITIES passes in a row, and until this run has aged
         * more pages than the LRU holds (all had their chance, and the
         * rest are in use again).  When memory first runs out every page
         * of a hog was used once, and sleeping after each such pass left
         * the CPU idle for 140 ms of bench=nbd_swap's write pass before
         * the first page was handed to kswiod.  Not when the pass also
         * kept pages for want of room in kswiod's queue: what the next
         * one needs then is a write to end, and the sleep below waits for
         * one.  Such a pass is not counted against RECLAIM_MAX_PASSES,
         * which bounds the patience of a run that sleeps: it would
         * otherwise run out in a burst of these, while writes in flight
         * were still to free pages. */
        r->aged += sc.nr_aged;
        if (sc.nr_aged && !sc.nr_congested && fruitless <= RECLAIM_PRIORITIES &&
            r->aged <= lru_count(LRU_ACTIVE) + lru_count(LRU_INACTIVE)) {
            r->passes--;
            continue;
        }
        wakeup_kswapd();
        vm_events.reclaim_waits++;
        uint64_t t0 = rdtsc();
        if (!wait_on_page_freed(RECLAIM_WAIT_MS))
            r->idle++;
        vm_events.reclaim_wait_tsc += rdtsc() - t0;
    }
    return goal_met(r);
}

/* reclaim_run as a task outside reclaim (an allocation, reclaim_some). */
static bool reclaim_run_entered(struct reclaim_run *r)
{
    reclaim_enter(r->gfp);
    uint32_t saved = memalloc_flag_save(PF_MEMALLOC | PF_RECLAIM);   /* no recursion */
    bool met = reclaim_run(r);
    memalloc_flag_restore(PF_MEMALLOC | PF_RECLAIM, saved);
    reclaim_exit(r->gfp);
    return met;
}

uint32_t try_to_free_pages(gfp_t gfp, unsigned order)
{
    vm_events.direct_reclaims++;
    current->direct_reclaims++;
    struct reclaim_run r = { .gfp = gfp, .free_goal = wanted(order) };
    /* "Enough" is judged here, where the loop saw it: other tasks may take
     * those pages before the caller tries again, and the caller retries. */
    if (reclaim_run_entered(&r))
        return r.freed + 1;
    vm_events.reclaim_failures++;
    if (r.hopeless)
        pr_warn("reclaim: %s gives up: nothing left it could free (%u pages free, %u on "
                "the LRU, %u of them anonymous, %u swap slots free)\n", current->name,
                nr_free_pages(), lru_count(LRU_ACTIVE) + lru_count(LRU_INACTIVE),
                lru_count_anon(), swap_slots_left());
    else
        pr_warn("reclaim: %s gives up after %d passes, %d of them with nothing freed in "
                "%u ms: %u pages free, %u active, %u inactive; its last pass kept %u dirty "
                "pages it may not write (%s)\n", current->name, r.passes, r.idle,
                RECLAIM_WAIT_MS, nr_free_pages(), lru_count(LRU_ACTIVE),
                lru_count(LRU_INACTIVE), r.unwritable,
                (gfp & __GFP_IO) ? "GFP_KERNEL" : "GFP_NOIO");
    return 0;
}

uint32_t reclaim_some(uint32_t target)
{
    struct reclaim_run r = { .gfp = GFP_KERNEL, .freed_goal = target };
    reclaim_run_entered(&r);
    return r.freed;
}

void wakeup_kswapd(void)
{
    if (kswapd_task && nr_free_pages() < mm_watermarks()->low)
        wake_up(&kswapd_wq);
}

/*
 * kswapd is in reclaim (PF_RECLAIM) only while it reclaims: its sleeps in
 * between -- until the next wake-up, and the nap after a hopeless round --
 * are not reclaim's, and may be as long as they like.
 */
static void kswapd(void *arg)
{
    (void)arg;
    current->flags |= PF_MEMALLOC;
    for (;;) {
        wait_event_state(&kswapd_wq, !kswapd_stopped && nr_free_pages() < mm_watermarks()->low,
                         TASK_SLEEPING);
        kswapd_reclaiming = true;
        if (kswapd_stopped) {
            kswapd_reclaiming = false;
            continue;
        }
        vm_events.kswapd_wakeups++;
        struct reclaim_run r = { .gfp = GFP_KERNEL, .free_goal = mm_watermarks()->high };
        reclaim_enter(r.gfp);
        uint32_t saved = memalloc_flag_save(PF_RECLAIM);   /* only while it reclaims */
        reclaim_run(&r);
        memalloc_flag_restore(PF_RECLAIM, saved);
        reclaim_exit(r.gfp);
        kswapd_reclaiming = false;
        if (nr_free_pages() < mm_watermarks()->low)
            sleep_ms(RECLAIM_WAIT_MS * 5);  /* nothing to do now: do not spin */
    }
}

void kswapd_stop(void)
{
    kswapd_stopped = true;
    while (kswapd_reclaiming)
        sleep_ms(1);
}

void kswapd_run(void)
{
    kswapd_stopped = false;
    wake_up(&kswapd_wq);
}

void reclaim_init(void)
{
    const char *policy = cmdline_get("reclaim");
    if (policy && strcmp(policy, "sync") == 0)
        reclaim_policy = RECLAIM_SYNC;
    else if (policy && strcmp(policy, "kswiod") != 0)
        pr_warn("reclaim: unknown policy '%s'; using kswiod\n", policy);
    lru_init();
    kswiod_init();
    wait_queue_init(&kswapd_wq, "kswapd");
    kswapd_task = task_create("kswapd", kswapd, NULL, PRIO_IO);
    pr_info("reclaim: policy %s; kswapd and kswiod running\n",
            reclaim_policy == RECLAIM_SYNC ? "sync (reclaim writes and waits: the 1999 way)"
                                           : "kswiod (reclaim never waits for a write)");
}
