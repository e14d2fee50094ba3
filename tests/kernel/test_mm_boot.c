/*
 * test_mm_boot.c - the hand-over from boot memory to the page allocator:
 * what boot used stays out of the allocator's hands, the early allocator
 * is closed, and the kernel's page tables map what they should.
 */
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "vm.h"

KTEST(early_allocations_stay_reserved)
{
    uint32_t used, total;
    early_alloc_usage(&used, &total);
    /* mem_map and the kernel page tables came from it. */
    KASSERT(used >= max_pfn * sizeof(struct page));
    KASSERT(early_alloc(16, 4) == NULL);            /* closed: says no, no panic */

    uint32_t mem_map_pfn = virt_to_phys(mem_map) >> PAGE_SHIFT;
    for (uint32_t pfn = mem_map_pfn; pfn < mem_map_pfn + used / PAGE_SIZE; pfn++)
        KASSERT(pfn_to_page(pfn)->flags & PG_reserved);
    for (uint32_t pa = (uint32_t)kernel_phys_start; pa < (uint32_t)kernel_phys_end; pa += PAGE_SIZE)
        KASSERT(pfn_to_page(pa >> PAGE_SHIFT)->flags & PG_reserved);
    KASSERT(pfn_to_page(0)->flags & PG_reserved);
    KASSERT(nr_free_pages() <= nr_managed_pages());
    KASSERT(nr_managed_pages() + (used + (uint32_t)kernel_phys_end) / PAGE_SIZE <= max_pfn);
}

KTEST(kernel_addr_mapped_walks_page_tables)
{
    extern char boot_stack_guard[];
    KASSERT(kernel_addr_mapped((uint32_t)kernel_text_start, 16));
    KASSERT(kernel_addr_mapped((uint32_t)page_address(pfn_to_page(max_pfn - 1)), PAGE_SIZE));
    KASSERT(!kernel_addr_mapped(KERNEL_VMA, 4));                /* page 0 is left out */
    KASSERT(!kernel_addr_mapped(0x0BAD0000u, 4));               /* user half: nothing */
    KASSERT(!kernel_addr_mapped((uint32_t)boot_stack_guard, 1));
    KASSERT(!kernel_addr_mapped((uint32_t)boot_stack_guard - 4, 8));  /* straddles */
    KASSERT(kernel_addr_mapped((uint32_t)boot_stack_guard + PAGE_SIZE, 4));
    KASSERT(!kernel_addr_mapped(0xFFFFFFF0u, 0x20));            /* wraps */
}
