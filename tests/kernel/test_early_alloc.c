/*
 * test_early_alloc.c - the boot-time allocator hands out aligned,
 * separate, usable memory inside the boot mapping, counts it, and says no
 * (NULL, not a panic) when it cannot.
 */
#include "kstring.h"
#include "ktest.h"
#include "mm.h"

KTEST(early_alloc_aligned_separate_and_bounded)
{
    uint32_t used0, total;
    early_alloc_usage(&used0, &total);
    KASSERT(total > 0);

    uint8_t *a = early_alloc(10, 1);
    uint8_t *b = early_alloc(100, 64);
    uint8_t *c = early_alloc(PAGE_SIZE, PAGE_SIZE);
    KASSERT(a && b && c);
    KASSERT_EQ((uint32_t)b % 64, 0);
    KASSERT_EQ((uint32_t)c % PAGE_SIZE, 0);
    KASSERT(a + 10 <= b && b + 100 <= c);
    KASSERT(virt_to_phys(a) >= (uint32_t)kernel_phys_end);
    KASSERT(virt_to_phys(c) + PAGE_SIZE <= BOOT_MAPPED_BYTES);
    KASSERT(kernel_addr_mapped((uint32_t)a, (uint32_t)(c + PAGE_SIZE - a)));

    memset(a, 0xAA, 10);            /* usable, and none overlaps another */
    memset(b, 0xBB, 100);
    memset(c, 0xCC, PAGE_SIZE);
    KASSERT_EQ(a[9], 0xAA);
    KASSERT_EQ(b[99], 0xBB);

    uint32_t used1;
    early_alloc_usage(&used1, &total);
    KASSERT(used1 - used0 >= 10 + 100 + PAGE_SIZE);

    KASSERT(early_alloc(total, 1) == NULL);     /* more than is left */
    uint32_t used2;
    early_alloc_usage(&used2, &total);
    KASSERT_EQ(used2, used1);                   /* a refusal costs nothing */
}

KTEST(kernel_addr_mapped_walks_page_tables)
{
    extern char boot_stack_guard[];
    KASSERT(kernel_addr_mapped((uint32_t)kernel_text_start, 16));
    KASSERT(!kernel_addr_mapped(0x0BAD0000u, 4));           /* user half: nothing */
    KASSERT(!kernel_addr_mapped((uint32_t)boot_stack_guard, 1));
    KASSERT(!kernel_addr_mapped((uint32_t)boot_stack_guard - 4, 8));  /* straddles */
    KASSERT(kernel_addr_mapped((uint32_t)boot_stack_guard + PAGE_SIZE, 4));
    KASSERT(!kernel_addr_mapped(0xFFFFFFF0u, 0x20));        /* wraps */
}
