/*
 * swapin.c - bringing anonymous pages back from swap (see include/swap.h).
 *
 * Swap-in is a reader that needs its page: it may sleep for its own read,
 * and does.  (Swap-out is not here: reclaim never writes; it hands pages
 * to kswiod, mm/kswiod.c.)  Linux splits the same work between
 * swapin_readahead() in mm/swap_state.c and the reads of mm/page_io.c.
 *
 * Two ways to read, chosen per fault from the area's history (struct
 * swap_ra in include/vm.h), as Linux's VMA-based swap read-ahead does:
 *
 * A fault that is not part of a sequential run reads a cluster: the
 * slots on either side of the faulting one that hold pages on disk, in
 * one synchronous request, whichever space they belong to (see struct
 * cluster).  The fault's space maps those of its pages whose PTEs name
 * them; the others stay in the swap cache for their owner's fault
 * (vm_events.swapin_readahead counts them).
 *
 * A fault at or just after the area's last window is sequential: it
 * reads a window of the area's next pages by address -- wherever their
 * slots are -- as bios of consecutive slots, all in flight at once, and
 * waits only for its own page.  The window doubles with each sequential
 * window up to SWAP_RA_MAX, and starts small again after a random fault
 * (halving after a fault inside the last window: its pages were dropped
 * before they were used).  The first page of a window's second half
 * carries PG_readahead; a fault that finds it starts the next window
 * asynchronously, as the page cache's file read-ahead does, so that the
 * wire is busy while the task works through the pages it has.  Window
 * pages are not mapped by the read: each one's fault finds it in the
 * swap cache (waiting while it is PG_locked), and that fault is what
 * moves the window on.
 *
 * Pages read either way are clean copies in the swap cache, so if they
 * are not used reclaim drops them again without a write.  Read-ahead
 * never reclaims to make room: its pages are allocated with no
 * __GFP_RECLAIM (only the faulting page may reclaim), and a window ends
 * where memory or its bio budget does.
 */
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "printk.h"
#include "reclaim.h"
#include "swap.h"
#include "vm.h"
#include "wait.h"
#include "x86.h"

#define SECTORS_PER_PAGE    (PAGE_SIZE / SECTOR_SIZE)
#define SWAPIN_CLUSTER      BIO_MAX_VECS        /* pages read around a random fault */
#define SWAP_RA_MIN         8       /* pages: a sequential run's first window */
#define SWAP_RA_MAX         64      /* pages: the largest window, 256 KiB */
/* Read-ahead bios in flight, over all devices: they come from the bio
 * mempool, whose reserve kswiod must be able to draw on (invariant 3).
 * A window ends when they run out. */
#define SWAP_RA_MAX_BIOS    16

/* Map page at va in place of the swap PTE entry; the caller's reference
 * becomes the mapping's.  False (nothing changed) when the PTE no longer
 * names entry: someone else brought the page back first. */
static bool map_swapped_page(struct vm_space *s, uint32_t va, uint32_t entry, struct page *page,
                             uint32_t prot, bool keep_slot)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    bool ours = vm_get_pte(s, va) == entry;
    if (ours) {
        anon_page_mapped(page, s, va);
        struct swap_area *area = swap_area_by_index(swap_pte_area(entry));
        if ((page->flags & PG_swapcache) && !(page->flags & PG_writeback) &&
            (!keep_slot || swap_mostly_full()) &&
            swap_slot_count(area, swap_pte_slot(entry)) == 1) {
            /* Give the slot up: the page is the only copy now, and no
             * other PTE (a fork's) holds the slot. */
            page->flags |= PG_dirty;
            swap_cache_del(page);       /* the cache's reference; the mapping keeps one */
            swap_slot_free(area, swap_pte_slot(entry));
        }
        /* Shared copy-on-write with another PTE: read-only until a write. */
        vm_set_pte(s, va, page_to_phys(page) | anon_pte_prot(page, prot) | PTE_PRESENT);
        /* In use now: on the active list, also a read-ahead page that
         * waited on the inactive one (reclaim's first pick) for this. */
        if ((page->flags & (PG_lru | PG_active)) == PG_lru && !(page->flags & PG_writeback))
            lru_del(page);
        if (!(page->flags & (PG_lru | PG_writeback)))
            lru_add(page, LRU_ACTIVE);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    return ours;
}

/*
 * Read-around: a run of slots next to each other in one area, around the
 * faulting one; page i holds slot first_slot + i.  Like Linux's swap
 * read-ahead, the run takes every neighbouring slot that holds a page
 * on disk, whichever space's PTE names it: pages swapped out together
 * are wanted together, and one request reads them all.  Skipped, and so
 * ending the run: free and bad slots (nothing there), and slots with a
 * page in the swap cache -- that copy is the newer, and may be under
 * writeback, the disk not yet holding it.
 */
struct cluster {
    uint32_t first_slot;
    int n;
    int fault;                          /* the index of the page the fault needs */
    struct swap_area *area;
    struct page *page[SWAPIN_CLUSTER];
};

/* Faults waiting for another fault's read; ready before the first fault
 * (no init call: what wait_queue_init would set). */
static struct wait_queue swapin_wq = { LIST_HEAD_INIT(swapin_wq.waiters), "swap-in read", NULL };

/* Say which read the current task is about to wait for (a NULL area:
 * none now), for the hang detector: a wait for a read of a device a task
 * here serves is a wait for that task (blkdev.h, struct blk_server) --
 * also a wait on swapin_wq, whose queue names no one. */
static void swapin_waits_for(const struct swap_area *a, uint32_t slot)
{
    current->swapin_slot = slot;
    current->swapin_bdev = a ? a->bdev : NULL;
}

/* Does slot hold a page on disk that nothing in memory has?  page_lock
 * held: slots are taken and given up under it. */
static bool readable(const struct swap_area *a, uint32_t slot)
{
    return swap_slot_count(a, slot) && !a->cache[slot];
}

/* Up to half a cluster on each side of slot (more after it when there
 * are fewer before), while the slots are readable.  page_lock held. */
static void gather(uint32_t slot, struct cluster *c)
{
    int before = 0, after = 0;
    while (before < SWAPIN_CLUSTER / 2 && slot > (uint32_t)before + 1 &&
           readable(c->area, slot - before - 1))
        before++;
    while (before + after + 1 < SWAPIN_CLUSTER && readable(c->area, slot + after + 1))
        after++;
    c->first_slot = slot - before;
    c->n = before + after + 1;
    c->fault = before;
}

/* Pages for c: the fault's as any page; the others only while memory is
 * free without reclaiming.  Then, under page_lock, the run shrinks to
 * what is still readable around the fault's slot, and its pages go into
 * the swap cache locked (PG_locked: "being read"; a fault that finds one
 * waits), so that no slot can be given up and reused under the read
 * unseen: whoever gives it up takes the page out of the cache first.
 * 0, -ENOMEM, or -EAGAIN: the fault's slot is no longer to be read
 * (someone brought it in meanwhile); no pages left then. */
static int cache_cluster(struct cluster *c)
{
    struct page *page[SWAPIN_CLUSTER] = { 0 };
    page[c->fault] = alloc_page(GFP_KERNEL);
    if (!page[c->fault])
        return -ENOMEM;
    for (int i = c->fault - 1; i >= 0 && (page[i] = alloc_page(0)) != NULL; i--)
        ;
    for (int i = c->fault + 1; i < c->n && (page[i] = alloc_page(0)) != NULL; i++)
        ;
    uint32_t flags = spin_lock_irqsave(&page_lock);
    int lo = c->fault, hi = c->fault + 1;
    bool ok = readable(c->area, c->first_slot + c->fault);
    while (ok && lo > 0 && page[lo - 1] && readable(c->area, c->first_slot + lo - 1))
        lo--;
    while (ok && hi < c->n && page[hi] && readable(c->area, c->first_slot + hi))
        hi++;
    for (int i = lo; ok && i < hi; i++) {
        swap_cache_add(page[i], c->area, c->first_slot + i);
        page[i]->flags |= PG_locked;
    }
    spin_unlock_irqrestore(&page_lock, flags);
    for (int i = 0; i < c->n; i++)
        if (page[i] && (!ok || i < lo || i >= hi))
            free_page(page[i]);
    if (!ok)
        return -EAGAIN;
    c->n = hi - lo;
    c->fault -= lo;
    c->first_slot += lo;
    for (int i = 0; i < c->n; i++)
        c->page[i] = page[lo + i];
    return 0;
}

/* A read of a swap-cache page that was locked for it is over: up to
 * date, or out of the cache again (a waiter then sees !PG_uptodate).
 * page_lock held. */
static void read_done(struct page *page, struct swap_area *area, uint32_t slot, int err)
{
    page->flags &= ~PG_locked;
    if (!err)
        page->flags |= PG_uptodate;
    else if (area->cache[slot] == page)
        swap_cache_del(page);
}

/* Read c's pages, cached and locked, in one request, and unlock them,
 * up to date (PG_uptodate: what a fault that waited for the read looks
 * at): 0, or an errno with the pages out of the cache again and not up
 * to date. */
static int read_cluster(struct cluster *c)
{
    struct bio *bio = bio_alloc(GFP_KERNEL);
    bio->bdev = c->area->bdev;
    bio->sector = (uint64_t)c->first_slot * SECTORS_PER_PAGE;
    bio->op = BIO_READ;
    for (int i = 0; i < c->n; i++)
        bio_add_page(bio, c->page[i], PAGE_SIZE, 0);
    vm_events.swapin_reads++;
    uint64_t t0 = rdtsc();
    swapin_waits_for(c->area, c->first_slot + c->fault);
    int err = submit_bio_wait(bio);
    swapin_waits_for(NULL, 0);
    vm_events.swapin_read_tsc += rdtsc() - t0;
    bio_put(bio);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    for (int i = 0; i < c->n; i++)
        read_done(c->page[i], c->area, c->first_slot + i, err);
    spin_unlock_irqrestore(&page_lock, flags);
    wake_up(&swapin_wq);
    return err;
}

/* A page read for a slot no PTE of the faulting space names: it stays
 * in the swap cache, unmapped, on the inactive list, until its owner
 * faults on it (and finds it there) or reclaim drops it (clean: no
 * write).  The read's reference goes.  False when its slot was given up
 * during the read (the page left the cache then). */
static bool keep_read_ahead(struct cluster *c, int i)
{
    struct page *p = c->page[i];
    uint32_t flags = spin_lock_irqsave(&page_lock);
    bool kept = c->area->cache[c->first_slot + i] == p;
    if (kept && !(p->flags & PG_lru)) {
        p->flags |= PG_anon;            /* an anonymous page whose owner is not known */
        lru_add(p, LRU_INACTIVE);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    put_page(p);
    return kept;
}

/*
 * Read-ahead windows.  A window's pages go into the swap cache locked,
 * as the cluster's do, then out in bios of consecutive slots, all
 * submitted before anyone waits; swapin_end_io finishes each bio where
 * it ends (a driver's interrupt or task: nothing there sleeps).
 */
static int ra_bios;                     /* read-ahead bios in flight; irq_save */

/* A window bio's end: its pages become what keep_read_ahead makes the
 * cluster's unmapped ones -- on the inactive list, the read's reference
 * gone -- unless their slot was given up during the read. */
static void swapin_end_io(struct bio *bio)
{
    struct swap_area *area = bio->private;
    uint32_t first = (uint32_t)(bio->sector / SECTORS_PER_PAGE);
    for (int i = 0; i < bio->nvecs; i++) {
        struct page *p = bio->vecs[i].page;
        uint32_t flags = spin_lock_irqsave(&page_lock);
        read_done(p, area, first + i, bio->status);
        if (bio->status)
            p->flags &= ~PG_readahead;
        else if (area->cache[first + i] == p && !(p->flags & PG_lru)) {
            p->flags |= PG_anon;
            lru_add(p, LRU_INACTIVE);
        }
        spin_unlock_irqrestore(&page_lock, flags);
        put_page(p);
    }
    uint32_t flags = irq_save();
    ra_bios--;
    irq_restore(flags);
    bio_put(bio);
    wake_up(&swapin_wq);
}

/* Take one of the read-ahead bios' budget, if there is one left; the
 * fault's own page (must) always may.  Any context. */
static bool ra_bio_budget(bool must)
{
    uint32_t flags = irq_save();
    bool ok = must || ra_bios < SWAP_RA_MAX_BIOS;
    if (ok)
        ra_bios++;
    irq_restore(flags);
    return ok;
}

/* A read bio, its budget taken, for a run of slots from slot in area. */
static struct bio *ra_bio(struct swap_area *area, uint32_t slot)
{
    struct bio *bio = bio_alloc(GFP_KERNEL);    /* from the pool: at most the budget's */
    bio->bdev = area->bdev;
    bio->sector = (uint64_t)slot * SECTORS_PER_PAGE;
    bio->op = BIO_READ;
    bio->end_io = swapin_end_io;
    bio->private = area;
    return bio;
}

static void ra_submit(struct bio *bio)
{
    vm_events.swapin_reads++;
    submit_bio(bio);
}

/*
 * Read the window of n pages from va in area a of s -- those whose PTEs
 * name a slot with nothing cached -- and set it as a's last window.
 * fault_va: the faulting page, when it is in the window; only its page
 * may reclaim, and its bio is always had.  The window ends early where a
 * page or a bio cannot be had without waiting.  Nothing waits for the
 * reads here.  -ENOMEM when not even the fault's page could be had.
 *
 * A page goes into the swap cache (locked: "being read") only once its
 * bio is sure, so that a fault that finds it there can count on the read.
 */
static int ra_window(struct vm_area *a, struct vm_space *s, uint32_t va, uint32_t n,
                     uint32_t fault_va)
{
    uint32_t end = va + n * PAGE_SIZE, marker = va + n / 2 * PAGE_SIZE;
    if (end > a->end || end < va)
        end = a->end;
    struct bio *bio = NULL;
    struct swap_area *bio_area = NULL;
    struct page *spare = NULL;
    uint32_t v, next_slot = 0;
    vm_events.swapin_ra_windows++;
    for (v = va; v < end; v += PAGE_SIZE) {
        if (!spare && !(spare = alloc_page(v == fault_va ? GFP_KERNEL : 0)))
            break;                      /* no free memory: read-ahead does not reclaim */
        uint32_t flags = spin_lock_irqsave(&page_lock);
        uint32_t pte = vm_get_pte(s, v), slot = swap_pte_slot(pte);
        struct swap_area *area = is_swap_pte(pte) ? swap_area_by_index(swap_pte_area(pte))
                                                  : NULL;
        bool wanted = area && readable(area, slot);
        bool new_bio = wanted && (!bio || area != bio_area || slot != next_slot ||
                                  bio->nvecs == BIO_MAX_VECS);
        bool out_of_bios = new_bio && !ra_bio_budget(v == fault_va);
        if (wanted && !out_of_bios) {
            swap_cache_add(spare, area, slot);
            spare->flags |= PG_locked | (v == marker ? PG_readahead : 0);
        }
        spin_unlock_irqrestore(&page_lock, flags);
        if (out_of_bios)
            break;
        if (!wanted)
            continue;
        if (new_bio) {
            if (bio)
                ra_submit(bio);
            bio = ra_bio(area, slot);
        }
        bio_area = area;
        next_slot = slot + 1;
        bio_add_page(bio, spare, PAGE_SIZE, 0);
        spare = NULL;
        vm_events.pswpin++;
        vm_events.swapin_ra_pages++;
    }
    if (bio)
        ra_submit(bio);
    if (spare)
        free_page(spare);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    a->ra = (struct swap_ra){ .start = va, .next = v, .size = n };
    spin_unlock_irqrestore(&page_lock, flags);
    return v == fault_va ? -ENOMEM : 0;
}

/* The next window's size after one of size pages: doubled, within bounds. */
static uint32_t ra_grow(uint32_t size)
{
    return size < SWAP_RA_MIN ? SWAP_RA_MIN : size * 2 > SWAP_RA_MAX ? SWAP_RA_MAX : size * 2;
}

/* A fault at va that finds nothing cached: is it sequential (in or just
 * after a's last window)?  If so, read a window from va: 1, or -ENOMEM;
 * 0 when it is not. */
static int ra_on_miss(struct vm_area *a, struct vm_space *s, uint32_t va)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct swap_ra ra = a ? a->ra : (struct swap_ra){ 0 };
    spin_unlock_irqrestore(&page_lock, flags);
    if (!ra.next || va < ra.start || va > ra.next)
        return 0;
    /* Inside the last window: its pages went before they were used
     * (or were never read); shrink.  At its end: grow. */
    uint32_t n = va < ra.next ? (ra.size / 2 < SWAP_RA_MIN ? SWAP_RA_MIN : ra.size / 2)
                              : ra_grow(ra.size);
    return ra_window(a, s, va, n, va) ?: 1;
}

/* A random fault read a cluster around va: a sequential run, if one
 * starts, begins after the pages now present from va on. */
static void ra_after_cluster(struct vm_area *a, struct vm_space *s, uint32_t va)
{
    uint32_t next = va + PAGE_SIZE;
    while (next < a->end && (vm_get_pte(s, next) & PTE_PRESENT))
        next += PAGE_SIZE;
    uint32_t flags = spin_lock_irqsave(&page_lock);
    a->ra = (struct swap_ra){ .start = va, .next = next, .size = 0 };
    spin_unlock_irqrestore(&page_lock, flags);
}

/* The fault's report of a page it could not have: the task, the address,
 * the device and slot, and the error; the fault handler then ends the
 * task (kernel/exceptions.c).  err is returned. */
static int swap_in_failed(uint32_t va, const struct swap_area *a, uint32_t slot, int err,
                          const char *how)
{
    pr_err("swap-in: task %s (%u): page %08x, slot %u of %s: %s (%d)\n", current->name,
           current->id, va, slot, a->bdev->name, how, err);
    return err;
}

static int do_swap_in(struct vm_area *a, struct vm_space *s, uint32_t va, uint32_t entry,
                      uint32_t prot, bool keep_slot)
{
    va &= ~(PAGE_SIZE - 1);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct page *cached = swap_cache_find(entry);
    struct cluster c = { .area = swap_area_by_index(swap_pte_area(entry)) };
    uint32_t slot = swap_pte_slot(entry);
    bool named = c.area && slot >= 1 && slot <= c.area->last_page;
    spin_unlock_irqrestore(&page_lock, flags);
    int seq = !cached && named ? ra_on_miss(a, s, va) : 0;
    if (seq < 0)
        return seq;
    if (seq) {
        flags = spin_lock_irqsave(&page_lock);
        cached = swap_cache_find(entry);        /* the window's read of it, in flight */
        spin_unlock_irqrestore(&page_lock, flags);
        if (!cached)
            return 0;       /* not read: brought in meanwhile, or no memory (fault again) */
    }
    flags = spin_lock_irqsave(&page_lock);
    cached = swap_cache_find(entry);
    bool being_read = cached && (cached->flags & PG_locked);
    bool marker = cached && (cached->flags & PG_readahead);
    struct swap_ra ra = a ? a->ra : (struct swap_ra){ 0 };
    if (cached) {
        cached->refcount++;
        cached->flags &= ~PG_readahead;
    } else if (named) {
        gather(slot, &c);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    if (cached) {
        /* Reaching a window's marker starts the next window now, before
         * waiting for this page: it is in flight while we use these. */
        if (marker && a && ra.next) {
            vm_events.swapin_ra_async++;
            ra_window(a, s, ra.next, ra_grow(ra.size), 0);
        }
        uint64_t t0 = rdtsc();
        swapin_waits_for(c.area, slot);
        wait_event(&swapin_wq, !(cached->flags & PG_locked));   /* its read */
        swapin_waits_for(NULL, 0);
        if (being_read) {
            vm_events.swapin_waits++;
            vm_events.swapin_read_tsc += rdtsc() - t0;
        }
        if (being_read && !(cached->flags & PG_uptodate)) {
            /* That read failed: the page holds nothing; it left the
             * cache, and the slot stays this PTE's. */
            put_page(cached);
            return swap_in_failed(va, c.area, slot, -EIO, "the read it waited for failed");
        }
        if (!map_swapped_page(s, va, entry, cached, prot, keep_slot))
            put_page(cached);
        return 0;
    }
    if (!named) {
        pr_err("swap-in: task %s (%u): PTE %08x at %08x names no slot of any area (-5)\n",
               current->name, current->id, entry, va);
        return -EIO;
    }
    int err = cache_cluster(&c);
    if (!err)
        err = read_cluster(&c);
    if (err == -EAGAIN)
        return 0;                       /* brought in meanwhile: the fault comes again */
    if (err == -ENOMEM)
        return err;
    if (err) {
        for (int i = 0; i < c.n; i++)
            put_page(c.page[i]);
        return swap_in_failed(va, c.area, slot, err, "reading it failed");
    }
    /* This space's pages among them, found by its swap PTEs near va, are
     * mapped (pages swapped out next to the fault's are likely wanted
     * with it); the rest wait in the swap cache for their own faults. */
    bool mapped[SWAPIN_CLUSTER] = { 0 };
    uint32_t lo = va > SWAPIN_CLUSTER * PAGE_SIZE ? va - SWAPIN_CLUSTER * PAGE_SIZE : PAGE_SIZE;
    for (uint32_t v = lo; v <= va + SWAPIN_CLUSTER * PAGE_SIZE && v < USER_TOP; v += PAGE_SIZE) {
        uint32_t pte = vm_get_pte(s, v), i = swap_pte_slot(pte) - c.first_slot;
        uint32_t this_prot = v == va ? prot : vm_anon_prot(s, v);
        if (is_swap_pte(pte) && swap_pte_area(pte) == c.area->index && i < (uint32_t)c.n &&
            this_prot && !mapped[i])
            mapped[i] = map_swapped_page(s, v, pte, c.page[i], this_prot, keep_slot);
    }
    for (int i = 0; i < c.n; i++) {
        vm_events.pswpin++;
        if (!mapped[i] && keep_read_ahead(&c, i))
            vm_events.swapin_readahead++;
    }
    if (a)
        ra_after_cluster(a, s, va);
    return 0;
}

int swap_in_page(struct vm_area *a, struct vm_space *s, uint32_t va, uint32_t entry,
                 uint32_t prot, bool keep_slot)
{
    uint64_t t0 = rdtsc();
    int err = do_swap_in(a, s, va, entry, prot, keep_slot);
    vm_events.swapin_faults++;
    vm_events.swapin_tsc += rdtsc() - t0;
    return err;
}
