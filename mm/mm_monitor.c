/*
 * mm_monitor.c - the monitor's memory commands: mem, free, buddy, slab.
 * They read the allocators' counters and lists through include/mm.h and
 * include/slab.h, as swap_monitor.c does for swap and reclaim.
 */
#include "bootinfo.h"
#include "console.h"
#include "mm.h"
#include "monitor.h"
#include "slab.h"

static void cmd_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("memory map (from %s):\n", bootinfo.loader[0] ? bootinfo.loader : "the boot loader");
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        console_printf("  %016llx-%016llx %s\n", (unsigned long long)r->base,
                       (unsigned long long)(r->base + r->length - 1),
                       mem_region_type_name(r->type));
    }
    console_printf("available: %llu KiB\n",
                   (unsigned long long)(bootinfo_available_bytes() / 1024));
    console_printf("kernel image: %08x-%08x (%u KiB)\n", (uint32_t)kernel_phys_start,
                   (uint32_t)kernel_phys_end - 1,
                   ((uint32_t)kernel_phys_end - (uint32_t)kernel_phys_start) / 1024);
    uint32_t used, total;
    early_alloc_usage(&used, &total);
    console_printf("early allocator: %u of %u KiB used\n", used / 1024, total / 1024);
}

static void cmd_free(int argc, char **argv)
{
    (void)argc, (void)argv;
    const struct watermarks *w = mm_watermarks();
    const struct mm_stats *st = mm_stats();
    uint32_t free = nr_free_pages(), managed = nr_managed_pages();
    console_printf("pages: %u free of %u managed (%u KiB free)\n", free, managed, free * 4);
    console_printf("watermarks: min %u  low %u  high %u pages\n", w->min, w->low, w->high);
    /* Allocations and frees are counted only with MM_DEBUG: the fast
     * paths of a release build count nothing (failures always). */
    console_printf("%-12s %10s %10s\n", "context", MM_DEBUG ? "allocs" : "allocs(-)",
                   "failures");
    for (int c = 0; c < CTX_COUNT; c++)
        console_printf("%-12s %10u %10u\n", alloc_context_name(c), st->allocs[c], st->failures[c]);
    if (!MM_DEBUG)
        console_puts("(-): counted in test builds only (MM_DEBUG); a release build's fast "
                     "paths count nothing\n");
    console_printf("frees%s %u; debug reports: page %u, slab %u\n", MM_DEBUG ? "" : "(-)",
                   st->frees, mm_debug_reports,
                   slab_debug_reports);
}

static void cmd_buddy(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint32_t counts[MAX_ORDER + 1];
    buddy_free_counts(counts);
    console_printf("order  block KiB  free blocks\n");
    for (int k = 0; k <= MAX_ORDER; k++)
        console_printf("%5d %10u %12u\n", k, 4u << k, counts[k]);
    int problems = buddy_check();
    console_printf("buddy_check: %s\n", problems ? "PROBLEMS (see above)" : "ok");
}

static void print_cache(const struct kmem_cache *c)
{
    console_printf("%-14s %6u %6u %8u %6u %7u\n", c->name, c->object_size, c->slot_size,
                   c->active, c->nr_slabs, 1u << c->order);
}

static void cmd_slab(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("%-14s %6s %6s %8s %6s %7s\n", "cache", "size", "slot", "objects",
                   "slabs", "pg/slab");
    slab_for_each_cache(print_cache);
}

MONITOR_COMMAND("mem", "", "memory map and early allocator", cmd_mem);
MONITOR_COMMAND("free", "", "free pages, watermarks, allocations", cmd_free);
MONITOR_COMMAND("buddy", "", "free blocks per order; buddy_check", cmd_buddy);
MONITOR_COMMAND("slab", "", "slab caches and objects in use", cmd_slab);
