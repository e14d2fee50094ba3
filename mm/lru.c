/*
 * lru.c - the LRU lists and page references (see mm/internal.h).
 *
 * Two lists, as in Linux: inactive pages are candidates for reclaim,
 * active ones were used recently.  New pages go to the head of a list;
 * reclaim takes from the tail.  A page at the tail of the inactive list
 * that was used since it was put there (the PTE's accessed bit, or
 * PG_referenced for the page cache) gets a second chance on the active
 * list; reclaim refills the inactive list from the active one's tail.
 *
 * Pages being written are off the lists, in a kswiod's queue; when the
 * write ends they are rotated to the inactive tail, to be freed first.
 *
 * The lists also count their anonymous pages, so that reclaim can tell
 * when all it has left is anonymous memory with nowhere to go (swap
 * full).  The rule that keeps that count true: PG_anon does not change
 * while a page is on a list (it is set before the first lru_add and
 * cleared after the last lru_del).
 */
#include "internal.h"
#include "reclaim.h"

struct spinlock page_lock;
static struct list_head lists[2];       /* by enum lru_list */
static uint32_t counts[2];
static uint32_t anon_count;             /* PG_anon pages on either list */

void lru_init(void)
{
    spin_lock_init(&page_lock, "page_lock");
    list_init(&lists[LRU_INACTIVE]);
    list_init(&lists[LRU_ACTIVE]);
}

void lru_add(struct page *page, enum lru_list lru)
{
    page->flags |= PG_lru | (lru == LRU_ACTIVE ? PG_active : 0);
    list_add(&page->lru, &lists[lru]);
    counts[lru]++;
    anon_count += (page->flags & PG_anon) != 0;
}

void lru_rotate(struct page *page)
{
    page->flags |= PG_lru;
    list_add_tail(&page->lru, &lists[LRU_INACTIVE]);
    counts[LRU_INACTIVE]++;
    anon_count += (page->flags & PG_anon) != 0;
}

void lru_del(struct page *page)
{
    enum lru_list lru = page->flags & PG_active ? LRU_ACTIVE : LRU_INACTIVE;
    list_del(&page->lru);
    counts[lru]--;
    anon_count -= (page->flags & PG_anon) != 0;
    page->flags &= ~(PG_lru | PG_active);
}

struct page *lru_tail(enum lru_list lru)
{
    return list_empty(&lists[lru]) ? NULL : list_entry(lists[lru].prev, struct page, lru);
}

struct page *lru_isolate(enum lru_list lru)
{
    struct page *page = lru_tail(lru);
    if (!page)
        return NULL;
    lru_del(page);
    page->refcount++;
    return page;
}

uint32_t lru_count(enum lru_list lru) { return counts[lru]; }
uint32_t lru_count_anon(void) { return anon_count; }

void lru_counts(uint32_t *active, uint32_t *inactive)
{
    *active = counts[LRU_ACTIVE];
    *inactive = counts[LRU_INACTIVE];
}

void lru_add_cache_page(struct page *page)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    lru_add(page, LRU_INACTIVE);
    spin_unlock_irqrestore(&page_lock, flags);
}

void page_disown(struct page *page)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    page->owner = NULL;
    spin_unlock_irqrestore(&page_lock, flags);
}

void get_page(struct page *page)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    page->refcount++;
    spin_unlock_irqrestore(&page_lock, flags);
}

bool put_page_locked(struct page *page)
{
    if (page->refcount > 1) {
        page->refcount--;
        return false;
    }
    if (page->flags & PG_lru)
        lru_del(page);
    page->flags &= ~(PG_anon | PG_dirty | PG_uptodate | PG_referenced | PG_reclaim |
                     PG_readahead | PG_locked);
    page->owner = NULL;
    return true;
}

void put_page(struct page *page)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    bool last = put_page_locked(page);
    spin_unlock_irqrestore(&page_lock, flags);
    if (last)
        free_page(page);
}
