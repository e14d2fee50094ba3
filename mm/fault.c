/*
 * fault.c - the areas of an address space, demand-zero anonymous memory,
 * and the page fault handler that fills them (see include/vm.h); file
 * mappings are mm/filemap.c.
 *
 * A page of an area has no mapping until it is first touched; the fault
 * then allocates a zeroed page and maps it.  A write to a read-only area,
 * a protection fault, or an address outside every area is a real fault:
 * handle_page_fault says -EFAULT and the exception is reported as before.
 * A page that went to swap left a swap PTE (swap.h): the fault reads it
 * back (swap_io.c).
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
        return swap_in_page(s, va, pte, a->prot | PTE_USER, true);
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

/* Free an anonymous area's pages and slots. */
static void unmap_anon_area(struct vm_space *s, struct vm_area *a)
{
    for (uint32_t va = a->start; va < a->end; va += PAGE_SIZE) {
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

void vm_unmap_all(struct vm_space *s)
{
    while (!list_empty(&s->areas)) {
        struct vm_area *a = list_first_entry(&s->areas, struct vm_area, link);
        if (a->mapping)
            filemap_unmap_area(a);
        else
            unmap_anon_area(s, a);
        list_del(&a->link);
        kfree(a);
    }
}
