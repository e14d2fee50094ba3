/*
 * fault.c - demand-zero anonymous memory: the areas of an address space,
 * and the page fault handler that fills them (see include/vm.h).
 *
 * A page of an area has no mapping until it is first touched; the fault
 * then allocates a zeroed page and maps it.  A write to a read-only area,
 * a protection fault, or an address outside every area is a real fault:
 * handle_page_fault says -EFAULT and the exception is reported as before.
 * A page that went to swap left a swap PTE (swap.h): the fault reads it
 * back (swap_io.c).
 */
#include "gfp.h"
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

int vm_map_anon(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot)
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
    *a = (struct vm_area){ .start = start, .end = end, .prot = prot & PTE_WRITE };
    list_add(&a->link, &s->areas);
    return 0;
}

int handle_page_fault(uint32_t addr, uint32_t error)
{
    struct vm_space *s = current->vm;
    struct vm_area *a = s && addr < USER_TOP ? find_area(s, addr) : NULL;
    if (!a || (error & X86_PF_PROT) || ((error & X86_PF_WRITE) && !(a->prot & PTE_WRITE)))
        return -EFAULT;
    uint32_t pte = vm_get_pte(s, addr);
    if (is_swap_pte(pte))               /* it was here, and went to swap */
        return swap_in_page(s, addr, pte, a->prot | PTE_USER);
    struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
    if (!page) {
        pr_err("fault: task %s: no memory for a page at %08x\n", current->name, addr);
        return -ENOMEM;
    }
    int err = vm_map(s, addr & ~(PAGE_SIZE - 1), page_to_phys(page), a->prot | PTE_USER);
    if (err) {
        free_page(page);
        return err == -EBUSY ? 0 : err;     /* -EBUSY: mapped meanwhile */
    }
    return 0;
}

void vm_unmap_anon_all(struct vm_space *s)
{
    while (!list_empty(&s->areas)) {
        struct vm_area *a = list_first_entry(&s->areas, struct vm_area, link);
        for (uint32_t va = a->start; va < a->end; va += PAGE_SIZE) {
            uint32_t pa, pte = vm_get_pte(s, va);
            if (is_swap_pte(pte)) {
                swap_slot_free(swap_area_by_index(swap_pte_area(pte)), swap_pte_slot(pte));
                vm_set_pte(s, va, 0);
            } else if (vm_unmap(s, va, &pa) == 0) {
                free_page(pfn_to_page(pa >> PAGE_SHIFT));
            }
        }
        list_del(&a->link);
        kfree(a);
    }
}
