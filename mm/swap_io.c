/*
 * swap_io.c - bringing anonymous pages back from swap (see include/swap.h).
 *
 * Swap-in is a reader that needs its page: it may sleep for its own read,
 * and does.  (Swap-out is not here: reclaim never writes; it hands pages
 * to kswiod, mm/kswiod.c.)
 *
 * A fault reads a cluster: the slots on either side of the faulting one
 * that hold pages on disk, in one request, whichever space they belong
 * to (see struct cluster).  The fault's space maps those of its pages
 * whose PTEs name them; the others stay in the swap cache for their
 * owner's fault (vm_events.swapin_readahead counts them).  Pages read
 * that way are clean copies in the swap cache with the accessed bit
 * clear, so if they are not used reclaim drops them again without a
 * write.
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
#define SWAPIN_CLUSTER      BIO_MAX_VECS        /* pages read around a fault */

/* Map page at va in place of the swap PTE entry; the caller's reference
 * becomes the mapping's.  False (nothing changed) when the PTE no longer
 * names entry: someone else brought the page back first. */
static bool map_swapped_page(struct vm_space *s, uint32_t va, uint32_t entry, struct page *page,
                             uint32_t prot, bool keep_slot)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    bool ours = vm_get_pte(s, va) == entry;
    if (ours) {
        vm_set_pte(s, va, page_to_phys(page) | prot | PTE_PRESENT);
        page->flags |= PG_anon;
        page->owner = s;
        page->index = va >> PAGE_SHIFT;
        if ((page->flags & PG_swapcache) && !(page->flags & PG_writeback) &&
            (!keep_slot || swap_mostly_full())) {
            /* Give the slot up: the page is the only copy now. */
            page->flags |= PG_dirty;
            swap_cache_del(page);       /* the cache's reference; the mapping keeps one */
            swap_slot_free(swap_area_by_index(swap_pte_area(entry)), swap_pte_slot(entry));
        }
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

/* Does slot hold a page on disk that nothing in memory has?  page_lock
 * held: slots are taken and given up under it. */
static bool readable(const struct swap_area *a, uint32_t slot)
{
    return slot >= 1 && slot <= a->last_page && a->map[slot] == 1 && !a->cache[slot];
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
    int err = submit_bio_wait(bio);
    vm_events.swapin_read_tsc += rdtsc() - t0;
    bio_put(bio);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    for (int i = 0; i < c->n; i++) {
        struct page *p = c->page[i];
        p->flags &= ~PG_locked;
        if (!err)
            p->flags |= PG_uptodate;
        else if (c->area->cache[c->first_slot + i] == p)
            swap_cache_del(p);
    }
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

static int do_swap_in(struct vm_space *s, uint32_t va, uint32_t entry, uint32_t prot,
                      bool keep_slot)
{
    va &= ~(PAGE_SIZE - 1);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct page *cached = swap_cache_find(entry);
    struct cluster c = { .area = swap_area_by_index(swap_pte_area(entry)) };
    uint32_t slot = swap_pte_slot(entry);
    bool named = c.area && slot >= 1 && slot <= c.area->last_page;
    bool being_read = cached && (cached->flags & PG_locked);
    if (cached)
        cached->refcount++;
    else if (named)
        gather(slot, &c);
    spin_unlock_irqrestore(&page_lock, flags);
    if (cached) {
        uint64_t t0 = rdtsc();
        wait_event(&swapin_wq, !(cached->flags & PG_locked));   /* another fault's read */
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
    return 0;
}

int swap_in_page(struct vm_space *s, uint32_t va, uint32_t entry, uint32_t prot, bool keep_slot)
{
    uint64_t t0 = rdtsc();
    int err = do_swap_in(s, va, entry, prot, keep_slot);
    vm_events.swapin_faults++;
    vm_events.swapin_tsc += rdtsc() - t0;
    return err;
}
