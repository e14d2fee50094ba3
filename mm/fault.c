/*
 * fault.c - the areas of an address space, demand-zero anonymous memory,
 * and the page fault handler that fills them (see include/vm.h); file
 * mappings are mm/file_mmap.c.
 *
 * A page of an area has no mapping until it is first touched; the fault
 * then allocates a zeroed page and maps it.  A write to a read-only area,
 * a protection fault, or an address outside every area is a real fault:
 * handle_page_fault says -EFAULT and the exception is reported as before.
 * A page that went to swap left a swap PTE (swap.h): the fault reads it
 * back (swapin.c).
 *
 * Every anonymous page knows its PTE (owner = the space, index = the
 * virtual page number) and sits on the LRU, so that reclaim can go from
 * a page to the PTE that maps it and replace it with a swap PTE.  That
 * link changes only under page_lock (mm/internal.h).
 */
#include "gfp.h"
#include "internal.h"
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "slab.h"
#include "swap.h"
#include "vm.h"


static struct vm_area *find_area(struct vm_space *s, uint32_t addr)
{
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (addr >= a->start && addr < a->end)
            return a;
    }
    return NULL;
}

int vm_add_area(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot,
                struct vm_area **out)
{
    uint32_t end = start + len;
    if (start % PAGE_SIZE || len % PAGE_SIZE || !len || end < start || end > USER_TOP)
        return -EINVAL;
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (start < a->end && a->start < end)
            return -EINVAL;
    }
    struct vm_area *a = kmalloc(sizeof(*a), GFP_KERNEL);
    if (!a)
        return -ENOMEM;
    *a = (struct vm_area){ .start = start, .end = end, .prot = prot & PTE_WRITE, .space = s };
    list_add(&a->link, &s->areas);
    if (out)
        *out = a;
    return 0;
}

int vm_map_anon(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot)
{
    return vm_add_area(s, start, len, prot, NULL);
}

uint32_t vm_anon_prot(struct vm_space *s, uint32_t va)
{
    struct vm_area *a = find_area(s, va);
    return a && !a->mapping ? a->prot | PTE_USER : 0;
}

uint32_t anon_pte(const struct page *page)
{
    struct vm_space *s = page->owner;
    if (!s || !(page->flags & PG_anon))
        return 0;
    uint32_t pte = vm_get_pte(s, page->index << PAGE_SHIFT);
    return (pte & PTE_PRESENT) && pte >> PAGE_SHIFT == page_to_pfn(page) ? pte : 0;
}

int handle_page_fault(uint32_t addr, uint32_t error)
{
    struct vm_space *s = current->vm;
    struct vm_area *a = s && addr < USER_TOP ? find_area(s, addr) : NULL;
    if (!a || (error & X86_PF_PROT) || ((error & X86_PF_WRITE) && !(a->prot & PTE_WRITE)))
        return -EFAULT;
    uint32_t va = addr & ~(PAGE_SIZE - 1);
    if (a->mapping)
        return filemap_fault(a, va);
    uint32_t pte = vm_get_pte(s, va);
    if (is_swap_pte(pte))               /* it was here, and went to swap */
        return swap_in_page(a, s, va, pte, a->prot | PTE_USER, true);
    struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
    if (!page)
        return -ENOMEM;
    /* Map first (that may allocate a page table), then make the page
     * known to reclaim: until then nobody but this task can reach it. */
    int err = vm_map(s, va, page_to_phys(page), a->prot | PTE_USER);
    if (err) {
        free_page(page);
        return err == -EBUSY ? 0 : err;     /* -EBUSY: mapped meanwhile */
    }
    uint32_t flags = spin_lock_irqsave(&page_lock);
    page->flags |= PG_anon;
    page->owner = s;
    page->index = va >> PAGE_SHIFT;
    lru_add(page, LRU_INACTIVE);
    spin_unlock_irqrestore(&page_lock, flags);
    return 0;
}

/* Free the pages and swap slots of [start, end), part of an anonymous area. */
static void unmap_anon_pages(struct vm_space *s, uint32_t start, uint32_t end)
{
    for (uint32_t va = start, skip; va < end; va += PAGE_SIZE) {
        /* A 4 MiB with no page table holds nothing: an area of a few GiB
         * that was hardly touched goes in a few steps, not a million. */
        if ((skip = vm_table_end(s, va)) != 0) {
            va = skip - PAGE_SIZE;
            continue;
        }
        /* Read and clear the PTE in one step: reclaim may be about to
         * turn it into a swap PTE. */
        uint32_t flags = spin_lock_irqsave(&page_lock);
        uint32_t pte = vm_get_pte(s, va);
        struct page *page = NULL;
        uint32_t entry = is_swap_pte(pte) ? pte : 0;
        if (pte)
            vm_set_pte(s, va, 0);
        if (pte & PTE_PRESENT) {
            page = pfn_to_page(pte >> PAGE_SHIFT);
            page->owner = NULL;
            if (page->flags & PG_swapcache)     /* a resident page keeps its slot */
                entry = page->swap;
        }
        struct page *cached = entry ? swap_entry_free_locked(entry) : NULL;
        spin_unlock_irqrestore(&page_lock, flags);
        if (cached)
            put_page(cached);
        if (page)
            put_page(page);
    }
}

/*
 * Take [start, end) out of s's anonymous areas: an area inside it goes, one
 * that overlaps an edge is cut, one that holds it is split in two.  The
 * pages need no fixing when an area is cut: an anonymous page names its
 * space and address (owner, index), not its area.  File areas are not cut
 * (-EINVAL; nothing maps one from user mode yet).  The caller holds the
 * spaces lock (vm.c), as for vm_unmap_all.
 */
int vm_remove_range(struct vm_space *s, uint32_t start, uint32_t end)
{
    struct vm_area *spare = NULL;       /* the split's second half, made first */
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (a->start < end && start < a->end && a->mapping)
            return -EINVAL;
        if (a->start < start && end < a->end && !spare) {
            spare = kmalloc(sizeof(*spare), GFP_KERNEL);
            if (!spare)
                return -ENOMEM;
        }
    }
    struct list_head *link = s->areas.next;
    while (link != &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        link = link->next;
        if (end <= a->start || a->end <= start)
            continue;
        uint32_t from = start > a->start ? start : a->start;
        uint32_t to = end < a->end ? end : a->end;
        unmap_anon_pages(s, from, to);
        if (from == a->start && to == a->end) {
            list_del(&a->link);
            kfree(a);
        } else if (from == a->start) {
            a->start = to;
        } else if (to == a->end) {
            a->end = from;
        } else {
            *spare = *a;
            spare->start = to;
            a->end = from;
            list_add(&spare->link, &s->areas);
        }
    }
    return 0;
}

int vm_area_protect(struct vm_space *s, uint32_t start, uint32_t prot)
{
    struct vm_area *a = find_area(s, start);
    if (!a || a->start != start || a->mapping)
        return -EINVAL;
    /* Under page_lock: reclaim may be turning one of these PTEs into a
     * swap PTE.  A page in swap comes back with the area's new prot. */
    uint32_t flags = spin_lock_irqsave(&page_lock);
    a->prot = prot & PTE_WRITE;
    for (uint32_t va = a->start, skip; va < a->end; va += PAGE_SIZE) {
        if ((skip = vm_table_end(s, va)) != 0)
            va = skip - PAGE_SIZE;          /* no table: nothing resident there */
        else if (vm_get_pte(s, va) & PTE_PRESENT)
            vm_protect(s, va, a->prot | PTE_USER);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    return 0;
}

uint32_t vm_find_free(struct vm_space *s, uint32_t len, uint32_t below)
{
    if (!len || len % PAGE_SIZE || len > below)
        return 0;
    uint32_t end = below;
    for (bool moved = true; moved;) {
        moved = false;
        if (end < len + PAGE_SIZE)      /* page 0 stays unmapped: NULL faults */
            return 0;
        list_for_each(link, &s->areas) {
            struct vm_area *a = list_entry(link, struct vm_area, link);
            if (a->start < end && end - len < a->end) {
                end = a->start;         /* below this one, and look again */
                moved = true;
            }
        }
    }
    return end - len;
}

void vm_unmap_all(struct vm_space *s)
{
    while (!list_empty(&s->areas)) {
        struct vm_area *a = list_first_entry(&s->areas, struct vm_area, link);
        if (a->mapping)
            filemap_unmap_area(a);
        else
            unmap_anon_pages(s, a->start, a->end);
        list_del(&a->link);
        kfree(a);
    }
}
