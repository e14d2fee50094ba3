/*
 * early.c - the early allocator (see include/mm.h): a bump allocator over
 * the first available region above the kernel image and the boot
 * information, inside what the boot page tables map.  mm_init() takes the
 * memory map, the kernel page tables and mem_map from it, then closes it
 * and gives the rest to the buddy allocator.
 */
#include "mm.h"
#include "bootinfo.h"
#include "printk.h"

static uint32_t early_next;     /* physical address of the next free byte */
static uint32_t early_start;
static uint32_t early_limit;
static bool early_closed;

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

void early_alloc_init(void)
{
    uint32_t floor = max_u32((uint32_t)kernel_phys_end,
                             bootinfo.mbi_phys + bootinfo.mbi_size);
    floor = (floor + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        if (r->type != MEM_REGION_AVAILABLE || r->base + r->length <= floor ||
            r->base >= BOOT_MAPPED_BYTES)
            continue;
        uint64_t end = r->base + r->length;
        early_start = early_next = max_u32((uint32_t)r->base, floor);
        early_limit = end < BOOT_MAPPED_BYTES ? (uint32_t)end : BOOT_MAPPED_BYTES;
        pr_info("mm: early allocator: %08x..%08x (%u KiB)\n", early_start, early_limit,
                (early_limit - early_start) / 1024);
        return;
    }
    pr_err("mm: no available memory above the kernel for the early allocator\n");
}

void *early_alloc(size_t size, size_t align)
{
    if (early_closed) {
        pr_err("mm: early_alloc(%u) after the page allocator took over\n", (unsigned)size);
        return NULL;
    }
    if (align == 0)
        align = sizeof(long);
    uint32_t p = (early_next + align - 1) & ~(uint32_t)(align - 1);
    if (p < early_next || p > early_limit || early_limit - p < size) {
        pr_err("mm: early allocator cannot give %u bytes (%u left)\n",
               (unsigned)size, early_limit - early_next);
        return NULL;
    }
    early_next = p + size;
    return phys_to_virt(p);
}

void early_alloc_usage(uint32_t *used, uint32_t *total)
{
    *used = early_next - early_start;
    *total = early_limit - early_start;
}

uint32_t early_alloc_close(void)
{
    early_closed = true;
    return (early_next + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}
