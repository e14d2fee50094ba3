/*
 * bootinfo.h - what GRUB told us: the multiboot2 boot information, checked
 * and copied into the kernel (so the original's memory can be reused).
 *
 * bootinfo_parse() refuses a bad magic number and ignores, with a warning,
 * tags that do not fit in the structure; it never reads past total_size.
 */
#pragma once
#include <stdint.h>

#define BOOTINFO_MAX_REGIONS    32
#define BOOTINFO_CMDLINE_MAX    512

#define MEM_REGION_AVAILABLE    1   /* multiboot2 memory map type 1 */

struct mem_region {
    uint64_t base;
    uint64_t length;
    uint32_t type;          /* MEM_REGION_AVAILABLE, or reserved kinds */
};

struct bootinfo {
    char cmdline[BOOTINFO_CMDLINE_MAX];
    char loader[64];
    uint32_t mem_lower_kib;     /* basic memory info: below 1 MiB */
    uint32_t mem_upper_kib;     /* ... and from 1 MiB to the first hole */
    int nregions;
    struct mem_region regions[BOOTINFO_MAX_REGIONS];
    uint32_t mbi_phys;          /* where GRUB put the structure, and its size */
    uint32_t mbi_size;
};

extern struct bootinfo bootinfo;

int bootinfo_parse(uint32_t magic, uint32_t mbi_phys);
const char *mem_region_type_name(uint32_t type);
/* Bytes of memory of type MEM_REGION_AVAILABLE. */
uint64_t bootinfo_available_bytes(void);
