/*
 * swap_io.c - moving one anonymous page between memory and a swap slot
 * (see include/swap.h).
 *
 * This is the mechanism only: the write here is synchronous, in the
 * caller's task.  Reclaim must never wait for one particular write, so
 * when reclaim arrives (issue 6) it will not call swap_out_page: it will
 * unmap the page, queue the write to kswiod and move on.  Swap-in is a
 * reader that needs its page, which may wait for its own read.
 */
#include "blkdev.h"
#include "kerrno.h"
#include "mm.h"
#include "printk.h"
#include "swap.h"
#include "vm.h"

#define SECTORS_PER_PAGE (PAGE_SIZE / SECTOR_SIZE)

int swap_out_page(struct vm_space *s, uint32_t va)
{
    uint32_t pte = vm_get_pte(s, va);
    if (!(pte & PTE_PRESENT))
        return -ENOENT;
    struct swap_area *area;
    uint32_t slot;
    int err = swap_slot_alloc(&area, &slot);
    if (err)
        return err;
    struct page *page = pfn_to_page(pte >> PAGE_SHIFT);
    err = blkdev_rw(area->bdev, (uint64_t)slot * SECTORS_PER_PAGE, page_address(page),
                    PAGE_SIZE, BIO_WRITE);
    if (err) {
        pr_err("swap: %s: writing slot %u failed; the page stays in memory\n",
               area->bdev->name, slot);
        swap_slot_free(area, slot);         /* a bad slot: issue 6 marks it */
        return err;
    }
    err = vm_set_pte(s, va, swap_pte(area->index, slot));
    if (err) {
        swap_slot_free(area, slot);
        return err;
    }
    free_page(page);
    return 0;
}

int swap_in_page(struct vm_space *s, uint32_t va, uint32_t pte, uint32_t prot)
{
    struct swap_area *area = swap_area_by_index(swap_pte_area(pte));
    uint32_t slot = swap_pte_slot(pte);
    if (!area || slot < 1 || slot > area->last_page) {
        pr_err("swap: PTE %08x at %08x names no slot of any area\n", pte, va);
        return -EIO;
    }
    struct page *page = alloc_page(GFP_KERNEL);
    if (!page)
        return -ENOMEM;
    int err = blkdev_rw(area->bdev, (uint64_t)slot * SECTORS_PER_PAGE, page_address(page),
                        PAGE_SIZE, BIO_READ);
    if (!err)
        err = vm_set_pte(s, va & ~(PAGE_SIZE - 1), page_to_phys(page) | prot | PTE_PRESENT);
    if (err) {
        pr_err("swap: %s: reading slot %u for %08x failed\n", area->bdev->name, slot, va);
        free_page(page);
        return err;
    }
    swap_slot_free(area, slot);
    return 0;
}
