/*
 * early.c - the boot-time memory helpers (see include/mm.h): an address
 * check that walks the page tables, the guard-page registry, and the early
 * bump allocator.
 */
#include "mm.h"
#include "bootinfo.h"
#include "printk.h"
#include "x86.h"

#define PDE_SHIFT       22
#define PTE_SHIFT       12
#define PTE_PRESENT     0x1
#define PDE_LARGE       0x80    /* 4 MiB page: no page table below */

extern char boot_stack_guard[];

static uint32_t early_next;     /* physical address of the next free byte */
static uint32_t early_start;
static uint32_t early_limit;

static bool page_mapped(uint32_t addr)
{
    const uint32_t *dir = phys_to_virt(read_cr3() & ~0xFFFu);
    uint32_t pde = dir[addr >> PDE_SHIFT];
    if (!(pde & PTE_PRESENT))
        return false;
    if (pde & PDE_LARGE)
        return true;
    uint32_t table_phys = pde & ~0xFFFu;
    if (table_phys >= BOOT_MAPPED_BYTES)
        return false;           /* cannot look: call it unmapped */
    const uint32_t *table = phys_to_virt(table_phys);
    return table[(addr >> PTE_SHIFT) & 0x3FF] & PTE_PRESENT;
}

bool kernel_addr_mapped(uint32_t addr, uint32_t len)
{
    if (len == 0)
        return true;
    uint32_t last = addr + len - 1;
    if (last < addr)
        return false;           /* wraps around 4 GiB */
    for (uint32_t page = addr & ~(PAGE_SIZE - 1);; page += PAGE_SIZE) {
        if (!page_mapped(page))
            return false;
        if (page >= (last & ~(PAGE_SIZE - 1)))
            return true;
    }
}

const char *stack_guard_owner(uint32_t addr)
{
    uint32_t guard = (uint32_t)boot_stack_guard;
    if (addr >= guard && addr < guard + PAGE_SIZE)
        return "the boot stack";
    return NULL;
}

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
