/*
 * test_boot.c - what GRUB handed over is sane and the kernel understood it.
 */
#include "bootinfo.h"
#include "cmdline.h"
#include "ktest.h"
#include "kstring.h"
#include "mm.h"

KERNEL_PARAM(expect_mem_mib, "0", "the RAM the boot test expects, in MiB; 0: any");

#define MIB (1024ull * 1024)

static const struct mem_region *region_containing(uint64_t start, uint64_t end)
{
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        if (r->base <= start && end <= r->base + r->length)
            return r;
    }
    return NULL;
}

/* The memory map is ordered, has no overlaps, holds the kernel image in
 * available memory, and agrees with the loader's basic memory counts. */
KTEST(boot_memory_map_sane)
{
    KASSERT(bootinfo.nregions > 0);
    for (int i = 1; i < bootinfo.nregions; i++) {
        const struct mem_region *prev = &bootinfo.regions[i - 1];
        KASSERT(prev->base + prev->length <= bootinfo.regions[i].base);
    }

    const struct mem_region *k = region_containing((uint32_t)kernel_phys_start,
                                                   (uint32_t)kernel_phys_end);
    KASSERT(k != NULL);
    KASSERT_EQ(k->type, MEM_REGION_AVAILABLE);

    /* mem_upper counts the KiB from 1 MiB to the first hole: exactly the
     * available region that starts at 1 MiB.  Two sources, one answer. */
    const struct mem_region *upper = region_containing(MIB, MIB + 1);
    KASSERT(upper != NULL);
    KASSERT_EQ(upper->base, MIB);
    KASSERT_EQ(upper->length / 1024, bootinfo.mem_upper_kib);

    /* The harness says how much memory it gave QEMU; all but the BIOS
     * areas and a few reserved KiB must show up as available. */
    uint32_t expect_mib = cmdline_get_u32("expect_mem_mib", 0);
    if (expect_mib) {
        uint64_t avail = bootinfo_available_bytes();
        KASSERT(avail <= expect_mib * MIB);
        KASSERT(avail >= expect_mib * MIB - 1 * MIB);
    }
}

/* The boot information reached kmain intact: the loader named itself and
 * the command line is the one this test was started with. */
KTEST(boot_info_names_loader_and_cmdline)
{
    KASSERT(strncmp(bootinfo.loader, "GRUB", 4) == 0);
    KASSERT(strcmp(cmdline_raw(), bootinfo.cmdline) == 0);
    KASSERT(cmdline_get("test") != NULL);
}
