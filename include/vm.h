/*
 * vm.h - page tables and address spaces.
 *
 * Virtual memory map:
 *   0x00000000-0xBFFFFFFF  user half: private to each address space
 *   0xC0000000-...         the direct map: all lowmem at KERNEL_VMA +
 *                          physical (page 0 and the boot stack's guard page
 *                          left out; kernel text and rodata read-only)
 *   0xF0000000-0xF7FFFFFF  kernel stacks, each below an unmapped guard page
 *
 * The kernel half's page tables are made once at boot and shared by every
 * address space (each page directory copies the same kernel entries), so
 * kernel mappings never need to be synchronised.  The user half's tables
 * are allocated on demand and freed with the address space.
 *
 * vm_map/vm_unmap/vm_protect/vm_lookup work on single 4 KiB pages and
 * flush the TLB entry when the space is the current one (or the change is
 * in the kernel half).  They return 0 or a negative errno; no panics.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Page table entry bits (Intel SDM vol. 3A, 4.3). */
#define PTE_PRESENT     0x001u
#define PTE_WRITE       0x002u
#define PTE_USER        0x004u
#define PTE_GLOBAL      0x100u
#define PTE_FLAGS_MASK  0xFFFu

#define USER_TOP        0xC0000000u
#define KSTACK_AREA     0xF0000000u
#define KSTACK_SLOTS    256
#define KSTACK_PAGES    4
#define KSTACK_SIZE     (KSTACK_PAGES * 4096u)

struct vm_space {
    uint32_t *pgdir;            /* page directory, in the direct map */
};

extern struct vm_space kernel_space;

/* Called by mm_init(): build the kernel's page tables from the early
 * allocator and switch to them. */
void vm_init(uint32_t lowmem_pfns);

struct vm_space *vm_space_create(void);
void vm_space_destroy(struct vm_space *space);
void vm_switch(struct vm_space *space);

int vm_map(struct vm_space *space, uint32_t va, uint32_t pa, uint32_t prot);
int vm_unmap(struct vm_space *space, uint32_t va, uint32_t *pa);
int vm_protect(struct vm_space *space, uint32_t va, uint32_t prot);
int vm_lookup(struct vm_space *space, uint32_t va, uint32_t *pa, uint32_t *prot);

/* True when every byte of [addr, addr+len) is mapped in the current page
 * tables: safe to read without faulting.  Walks the tables; takes no lock,
 * so backtraces and fault reports can use it. */
bool kernel_addr_mapped(uint32_t addr, uint32_t len);

/* A kernel stack of KSTACK_SIZE with an unmapped page below it; returns
 * its lowest address, or NULL.  owner names it in overflow reports. */
void *kstack_alloc(const char *owner);
void kstack_free(void *base);
/* The name of the stack whose guard page holds addr, or NULL. */
const char *stack_guard_owner(uint32_t addr);

/* Run fn(arg) with ESP at stack_top (kernel/call_on_stack.asm). */
uint32_t call_on_stack(uint32_t (*fn)(void *), void *arg, void *stack_top);
