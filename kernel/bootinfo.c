/*
 * bootinfo.c - reading the multiboot2 boot information (see bootinfo.h).
 * Tag layout: the Multiboot2 specification, section 3.6 ("Boot information
 * format").
 */
#include "bootinfo.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "vm.h"
#include "printk.h"

#define MB2_BOOTLOADER_MAGIC    0x36D76289

#define TAG_END                 0
#define TAG_CMDLINE             1
#define TAG_BOOTLOADER_NAME     2
#define TAG_BASIC_MEMINFO       4
#define TAG_MMAP                6

struct tag {
    uint32_t type;
    uint32_t size;
};

struct mmap_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

struct bootinfo bootinfo;

/* Copy a tag's string payload, which may lack its terminator. */
static void copy_string(char *dst, size_t cap, const struct tag *t)
{
    const char *s = (const char *)(t + 1);
    size_t n = t->size - sizeof(*t);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = '\0';
}

static void parse_mmap(const struct tag *t)
{
    const uint32_t *hdr = (const uint32_t *)(t + 1);    /* entry_size, version */
    uint32_t entry_size = hdr[0];
    if (entry_size < sizeof(struct mmap_entry)) {
        pr_warn("bootinfo: memory map entries of %u bytes are too small\n", entry_size);
        return;
    }
    const uint8_t *p = (const uint8_t *)(hdr + 2);
    const uint8_t *end = (const uint8_t *)t + t->size;
    for (; p + entry_size <= end; p += entry_size) {
        if (bootinfo.nregions == BOOTINFO_MAX_REGIONS) {
            pr_warn("bootinfo: more than %d memory regions; ignoring the rest\n",
                    BOOTINFO_MAX_REGIONS);
            return;
        }
        const struct mmap_entry *e = (const struct mmap_entry *)p;
        bootinfo.regions[bootinfo.nregions++] =
            (struct mem_region){ e->base, e->length, e->type };
    }
}

int bootinfo_parse(uint32_t magic, uint32_t mbi_phys)
{
    if (magic != MB2_BOOTLOADER_MAGIC) {
        pr_err("bootinfo: bad multiboot2 magic 0x%x (not booted by a multiboot2 loader?)\n",
               magic);
        return -EINVAL;
    }
    const uint8_t *mbi = phys_to_virt(mbi_phys);
    uint32_t total = 0;
    if (kernel_addr_mapped((uint32_t)mbi, 8))
        total = *(const uint32_t *)mbi;
    if (total < 8 || !kernel_addr_mapped((uint32_t)mbi, total)) {
        pr_err("bootinfo: boot information at %08x (%u bytes) is not mapped\n",
               mbi_phys, total);
        return -EINVAL;
    }
    bootinfo.mbi_phys = mbi_phys;
    bootinfo.mbi_size = total;

    /* Tags start after the 8-byte header and are each 8-byte aligned. */
    for (uint32_t off = 8; off + sizeof(struct tag) <= total;) {
        const struct tag *t = (const struct tag *)(mbi + off);
        if (t->type == TAG_END)
            break;
        if (t->size < sizeof(struct tag) || t->size > total - off) {
            pr_warn("bootinfo: tag %u at offset %u has bad size %u\n", t->type, off, t->size);
            break;
        }
        switch (t->type) {
        case TAG_CMDLINE:
            copy_string(bootinfo.cmdline, sizeof(bootinfo.cmdline), t);
            break;
        case TAG_BOOTLOADER_NAME:
            copy_string(bootinfo.loader, sizeof(bootinfo.loader), t);
            break;
        case TAG_BASIC_MEMINFO:
            if (t->size >= sizeof(*t) + 8) {
                const uint32_t *v = (const uint32_t *)(t + 1);
                bootinfo.mem_lower_kib = v[0];
                bootinfo.mem_upper_kib = v[1];
            }
            break;
        case TAG_MMAP:
            if (t->size >= sizeof(*t) + 8)
                parse_mmap(t);
            break;
        }
        off += (t->size + 7) & ~7u;
    }
    return 0;
}

const char *mem_region_type_name(uint32_t type)
{
    switch (type) {
    case 1: return "available";
    case 2: return "reserved";
    case 3: return "ACPI reclaimable";
    case 4: return "ACPI NVS";
    case 5: return "bad memory";
    default: return "unknown";
    }
}

uint64_t bootinfo_available_bytes(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < bootinfo.nregions; i++)
        if (bootinfo.regions[i].type == MEM_REGION_AVAILABLE)
            sum += bootinfo.regions[i].length;
    return sum;
}
