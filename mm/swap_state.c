/*
 * swap_state.c - the swap cache: which page in memory is the copy of
 * which swap slot (see mm/internal.h).
 *
 * Why it exists: reclaim unmaps a dirty anonymous page (its PTE now names
 * the slot) long before kswiod's write reaches the disk.  A fault on that
 * PTE meanwhile must find the page in memory, not read a slot that does
 * not hold it yet.  Afterwards the clean copy stays cached for a while, so
 * that a page read back and not written again can be dropped without
 * another write.
 *
 * Each area has one pointer per slot (area->cache); all under page_lock.
 */
#include "internal.h"
#include "printk.h"
#include "swap.h"

static struct swap_area *entry_area(uint32_t entry, uint32_t *slot)
{
    struct swap_area *a = swap_area_by_index(swap_pte_area(entry));
    *slot = swap_pte_slot(entry);
    return a && *slot >= 1 && *slot <= a->last_page ? a : NULL;
}

struct page *swap_cache_find(uint32_t entry)
{
    uint32_t slot;
    struct swap_area *a = entry_area(entry, &slot);
    return a ? a->cache[slot] : NULL;
}

static uint32_t nr_cached;              /* pages in the swap cache; page_lock */

uint32_t swap_cache_count(void) { return nr_cached; }

void swap_cache_add(struct page *page, struct swap_area *a, uint32_t slot)
{
    nr_cached++;
    page->flags |= PG_swapcache;
    page->swap = swap_entry(a, slot);
    page->refcount++;
    a->cache[slot] = page;
}

void swap_cache_del(struct page *page)
{
    uint32_t slot;
    struct swap_area *a = entry_area(page->swap, &slot);
    if (a && a->cache[slot] == page)
        a->cache[slot] = NULL;
    nr_cached--;
    page->flags &= ~PG_swapcache;
    page->refcount--;           /* page->swap stays: the slot a write in flight is for */
}

struct page *swap_entry_free_locked(uint32_t entry)
{
    uint32_t slot;
    struct page *orphan = NULL;
    struct swap_area *a = entry_area(entry, &slot);
    if (!a) {
        pr_err("swap: dropping entry %08x, which names no slot of any area\n", entry);
        return NULL;
    }
    if (!swap_slot_put(a, slot))
        return NULL;                    /* another PTE (a fork's) still holds it */
    struct page *page = a->cache[slot];
    bool writing = page && (page->flags & PG_writeback);
    if (page) {
        page->refcount++;               /* swap_cache_del drops the cache's */
        swap_cache_del(page);
        if (!page->mapcount)
            page->owner = NULL;         /* no PTE names it any more */
        orphan = page;
    }
    if (!writing)                       /* else kswiod frees it when the write ends */
        swap_slot_free(a, slot);
    return orphan;
}

void swap_entry_free(uint32_t entry)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct page *orphan = swap_entry_free_locked(entry);
    spin_unlock_irqrestore(&page_lock, flags);
    if (orphan)
        put_page(orphan);
}

void swap_cache_release_area(struct swap_area *a)
{
    for (uint32_t slot = 1; slot <= a->last_page; slot++) {
        uint32_t flags = spin_lock_irqsave(&page_lock);
        struct page *page = a->cache[slot];
        bool release = page && !(page->flags & PG_writeback);
        if (release) {
            page->refcount++;
            page->flags |= PG_dirty;
            swap_cache_del(page);
            swap_slot_free(a, slot);
        }
        spin_unlock_irqrestore(&page_lock, flags);
        if (release)
            put_page(page);
    }
}

bool swap_mostly_full(void)
{
    uint32_t used, total;
    swap_usage(&used, &total);
    return used * 2 > total;
}
