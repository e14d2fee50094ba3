/*
 * gdt.c - builds the GDT and the two TSSs, and loads them (see gdt.h).
 * Descriptor layout: Intel SDM vol. 3A, 3.4.5 (segments) and 8.2.2 (TSS).
 */
#include <stdint.h>
#include "gdt.h"
#include "x86.h"

#define GDT_ENTRIES         7

/* Access byte */
#define SEG_PRESENT         0x80
#define SEG_RING3           0x60
#define SEG_CODE_DATA       0x10    /* S bit: code or data, not system */
#define SEG_EXECUTABLE      0x08
#define SEG_RW              0x02    /* readable code, writable data */
#define SEG_TSS_32_AVAIL    0x09
/* Flags nibble */
#define SEG_GRAN_4K         0x8
#define SEG_32BIT           0x4

#define DOUBLE_FAULT_STACK_SIZE 4096

struct gdt_entry {
    uint16_t limit_low;
    uint16_t base_low;
    uint8_t base_mid;
    uint8_t access;
    uint8_t limit_high_flags;
    uint8_t base_high;
} __attribute__((packed));

struct gdt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct gdt_entry gdt[GDT_ENTRIES];
struct tss main_tss;
static struct tss double_fault_tss;
static uint8_t double_fault_stack[DOUBLE_FAULT_STACK_SIZE] __attribute__((aligned(16)));

void double_fault_entry(void);      /* kernel/double_fault.asm */

static void set_entry(int i, uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    gdt[i] = (struct gdt_entry){
        .limit_low = limit & 0xFFFF,
        .base_low = base & 0xFFFF,
        .base_mid = (base >> 16) & 0xFF,
        .access = access,
        .limit_high_flags = (uint8_t)(((limit >> 16) & 0x0F) | (flags << 4)),
        .base_high = base >> 24,
    };
}

static void set_tss(int i, struct tss *t)
{
    set_entry(i, (uint32_t)t, sizeof(*t) - 1, SEG_PRESENT | SEG_TSS_32_AVAIL, 0);
}

void gdt_init(void)
{
    const uint8_t code = SEG_PRESENT | SEG_CODE_DATA | SEG_EXECUTABLE | SEG_RW;
    const uint8_t data = SEG_PRESENT | SEG_CODE_DATA | SEG_RW;
    const uint8_t flat = SEG_GRAN_4K | SEG_32BIT;

    set_entry(0, 0, 0, 0, 0);
    set_entry(GDT_KERNEL_CODE / 8, 0, 0xFFFFF, code, flat);
    set_entry(GDT_KERNEL_DATA / 8, 0, 0xFFFFF, data, flat);
    set_entry(GDT_USER_CODE / 8, 0, 0xFFFFF, code | SEG_RING3, flat);
    set_entry(GDT_USER_DATA / 8, 0, 0xFFFFF, data | SEG_RING3, flat);

    main_tss.ss0 = GDT_KERNEL_DATA;
    main_tss.iomap_base = sizeof(struct tss);     /* no IO permission bitmap */
    set_tss(GDT_MAIN_TSS / 8, &main_tss);

    /* The double-fault task runs on its own stack with the current page
     * tables, until gdt_set_double_fault_cr3() names the kernel's own. */
    double_fault_tss = (struct tss){
        .cr3 = read_cr3(),
        .eip = (uint32_t)double_fault_entry,
        .eflags = 0x2,                          /* bit 1 is always set */
        .esp = (uint32_t)(double_fault_stack + DOUBLE_FAULT_STACK_SIZE),
        .cs = GDT_KERNEL_CODE,
        .ss = GDT_KERNEL_DATA, .ds = GDT_KERNEL_DATA, .es = GDT_KERNEL_DATA,
        .fs = GDT_KERNEL_DATA, .gs = GDT_KERNEL_DATA,
        .ss0 = GDT_KERNEL_DATA,
        .iomap_base = sizeof(struct tss),
    };
    set_tss(GDT_DOUBLE_FAULT_TSS / 8, &double_fault_tss);

    struct gdt_pointer ptr = { sizeof(gdt) - 1, (uint32_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "ljmp %1, $1f\n"                        /* reload CS */
        "1:\n\t"
        "mov %2, %%ax\n\t"
        "mov %%ax, %%ds\n\t"
        "mov %%ax, %%es\n\t"
        "mov %%ax, %%fs\n\t"
        "mov %%ax, %%gs\n\t"
        "mov %%ax, %%ss\n\t"
        "ltr %w3"
        : : "m"(ptr), "i"(GDT_KERNEL_CODE), "i"(GDT_KERNEL_DATA), "r"(GDT_MAIN_TSS)
        : "eax", "memory");
}

void gdt_set_double_fault_cr3(uint32_t cr3)
{
    double_fault_tss.cr3 = cr3;
}
