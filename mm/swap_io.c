/*
 * swap_io.c - bringing anonymous pages back from swap (see include/swap.h).
 *
 * Swap-in is a reader that needs its page: it may sleep for its own read,
 * and does.  (Swap-out is not here: reclaim never writes; it hands pages
 * to kswiod, mm/kswiod.c.)
 *
 * A fault reads a cluster: the swap PTEs on either side of the faulting
 * one that name the slots on either side of its slot -- pages swapped
 * out together, likely to be wanted together -- in one request, and maps
 * them all.  Pages read
 * that way are clean copies in the swap cache with the accessed bit
 * clear, so if they are not used reclaim drops them again without a write.
 */
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "printk.h"
#include "reclaim.h"
#include "swap.h"
#include "vm.h"

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
            lru_add(page, true);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    return ours;
}

/* A run of pages next to each other in memory and in one swap area:
 * page i is at start + i pages and in slot first_slot + i. */
struct cluster {
    uint32_t start;
    uint32_t first_slot;
    int n;
    int fault;                          /* the index of the page the fault needs */
    struct swap_area *area;
    struct page *page[SWAPIN_CLUSTER];
};

/* Does the PTE at va name slot of entry's area, with no copy in the swap
 * cache, inside an anonymous area?  page_lock held. */
static bool swapped_next_to(struct vm_space *s, uint32_t va, uint32_t entry, uint32_t slot)
{
    uint32_t pte = va < USER_TOP ? vm_get_pte(s, va) : 0;
    return is_swap_pte(pte) && swap_pte_area(pte) == swap_pte_area(entry) &&
           swap_pte_slot(pte) == slot && !swap_cache_find(pte) && vm_anon_prot(s, va);
}

/*
 * The faulting page and its neighbours, up to half a cluster on each side
 * (more after it when there are fewer before), whose swap PTEs name the
 * neighbouring slots: pages swapped out together, likely wanted together.
 * page_lock held.
 */
static void gather(struct vm_space *s, uint32_t va, uint32_t entry, struct cluster *c)
{
    uint32_t slot = swap_pte_slot(entry);
    int before = 0, after = 0;
    while (before < SWAPIN_CLUSTER / 2 && slot > (uint32_t)before + 1 &&
           va >= (uint32_t)(before + 1) * PAGE_SIZE &&
           swapped_next_to(s, va - (before + 1) * PAGE_SIZE, entry, slot - before - 1))
        before++;
    while (before + after + 1 < SWAPIN_CLUSTER &&
           swapped_next_to(s, va + (after + 1) * PAGE_SIZE, entry, slot + after + 1))
        after++;
    c->start = va - before * PAGE_SIZE;
    c->first_slot = slot - before;
    c->n = before + after + 1;
    c->fault = before;
}

/* Read c's pages (allocated here) in one request: 0, or an errno with
 * the pages freed.  The fault's page is allocated as any page; the others
 * only while memory is free without reclaiming -- the cluster shrinks to
 * the run around the fault's page that got memory. */
static int read_cluster(struct cluster *c)
{
    c->page[c->fault] = alloc_page(GFP_KERNEL);
    if (!c->page[c->fault])
        return -ENOMEM;
    int lo = c->fault, hi = c->fault + 1;
    while (lo > 0 && (c->page[lo - 1] = alloc_page(0)) != NULL)
        lo--;
    while (hi < c->n && (c->page[hi] = alloc_page(0)) != NULL)
        hi++;
    c->n = hi - lo;
    c->fault -= lo;
    c->start += lo * PAGE_SIZE;
    c->first_slot += lo;
    for (int i = 0; i < c->n; i++)
        c->page[i] = c->page[lo + i];
    struct bio *bio = bio_alloc(GFP_KERNEL);
    bio->bdev = c->area->bdev;
    bio->sector = (uint64_t)c->first_slot * SECTORS_PER_PAGE;
    bio->op = BIO_READ;
    for (int i = 0; i < c->n; i++)
        bio_add_page(bio, c->page[i], PAGE_SIZE, 0);
    int err = submit_bio_wait(bio);
    bio_put(bio);
    for (int i = 0; err && i < c->n; i++)
        put_page(c->page[i]);
    return err;
}

int swap_in_page(struct vm_space *s, uint32_t va, uint32_t entry, uint32_t prot, bool keep_slot)
{
    va &= ~(PAGE_SIZE - 1);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct page *cached = swap_cache_find(entry);
    struct cluster c = { .area = swap_area_by_index(swap_pte_area(entry)) };
    if (cached)
        cached->refcount++;
    else if (c.area)
        gather(s, va, entry, &c);
    spin_unlock_irqrestore(&page_lock, flags);
    if (cached) {
        if (!map_swapped_page(s, va, entry, cached, prot, keep_slot))
            put_page(cached);
        return 0;
    }
    uint32_t slot = swap_pte_slot(entry);
    if (!c.area || slot < 1 || slot > c.area->last_page) {
        pr_err("swap: PTE %08x at %08x names no slot of any area\n", entry, va);
        return -EIO;
    }
    int err = read_cluster(&c);
    if (err) {
        if (err != -ENOMEM)
            pr_err("swap: %s: reading slot %u for %08x failed\n", c.area->bdev->name, slot, va);
        return err;
    }
    for (int i = 0; i < c.n; i++) {
        struct page *p = c.page[i];
        uint32_t this_slot = c.first_slot + i, this_va = c.start + i * PAGE_SIZE;
        flags = spin_lock_irqsave(&page_lock);
        /* Cache it unless the slot got a copy meanwhile (then that one is
         * newer) or was given up. */
        bool fresh = !c.area->cache[this_slot] &&
                     vm_get_pte(s, this_va) == swap_entry(c.area, this_slot);
        if (fresh)
            swap_cache_add(p, c.area, this_slot);
        spin_unlock_irqrestore(&page_lock, flags);
        if (fresh) {
            vm_events.pswpin++;
            if (!map_swapped_page(s, this_va, swap_entry(c.area, this_slot), p,
                                  i == c.fault ? prot : vm_anon_prot(s, this_va), keep_slot))
                put_page(p);
        } else {
            put_page(p);
        }
    }
    return 0;
}
