/*
 * mm.h - memory management, as far as the boot path needs it.
 *
 * The kernel runs at KERNEL_VMA + physical address.  Until mm/ builds its
 * own page tables, the boot page tables (boot/boot.asm) map the first
 * BOOT_MAPPED_BYTES of physical memory there, less the boot stack's guard.
 *
 * The early allocator hands out memory that is never freed, from the first
 * available region above the kernel image and the boot information, inside
 * the boot mapping.  It returns NULL when it runs out; its callers decide
 * whether that is fatal.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KERNEL_VMA          0xC0000000u
#define PAGE_SIZE           4096u
#define BOOT_MAPPED_BYTES   (16u << 20)

static inline void *phys_to_virt(uint32_t phys) { return (void *)(phys + KERNEL_VMA); }
static inline uint32_t virt_to_phys(const void *virt) { return (uint32_t)virt - KERNEL_VMA; }

/* Linker symbols (linker.ld). */
extern char kernel_phys_start[], kernel_phys_end[], kernel_end[];
extern char kernel_text_start[], kernel_text_end[];

/* True when every byte of [addr, addr+len) is mapped in the current page
 * tables: safe to read without faulting.  Walks the tables; takes no lock. */
bool kernel_addr_mapped(uint32_t addr, uint32_t len);

/* The name of the stack whose guard page holds addr, or NULL. */
const char *stack_guard_owner(uint32_t addr);

void early_alloc_init(void);
void *early_alloc(size_t size, size_t align);
/* Bytes handed out so far, and bytes the early allocator started with. */
void early_alloc_usage(uint32_t *used, uint32_t *total);
