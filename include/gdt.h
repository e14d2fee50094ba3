/*
 * gdt.h - segment descriptors and task state segments.
 *
 * The GDT is flat: kernel and user code and data cover all 4 GiB, so
 * segmentation does nothing and paging does the work.  Two TSSs: the main
 * one (its esp0 is the ring 0 stack an interrupt from user mode lands on:
 * the running task's kernel stack, set by the scheduler at every switch)
 * and the one the double-fault task gate switches to, which has its own
 * stack.
 */
#pragma once
#include <stdint.h>

#define GDT_KERNEL_CODE         0x08
#define GDT_KERNEL_DATA         0x10
#define GDT_USER_CODE           0x18
#define GDT_USER_DATA           0x20
#define GDT_MAIN_TSS            0x28
#define GDT_DOUBLE_FAULT_TSS    0x30
#define GDT_RPL3                3       /* a selector's requested privilege: ring 3 */

/* The 32-bit task state segment (Intel SDM vol. 3A, 8.2.1). */
struct tss {
    uint32_t prev_task;
    uint32_t esp0, ss0, esp1, ss1, esp2, ss2;
    uint32_t cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs;
    uint32_t ldt;
    uint16_t trap, iomap_base;
} __attribute__((packed));

/* Where the CPU saved the interrupted state when it took the double fault. */
extern struct tss main_tss;

void gdt_init(void);
/* The top of the stack the CPU switches to when an interrupt or system
 * call comes from ring 3: the next task's kernel stack (sched.c). */
static inline void gdt_set_kernel_stack(uint32_t esp0) { main_tss.esp0 = esp0; }
/* The double-fault task must use page tables that map its stack and the
 * kernel: vm_init() tells it when the kernel's own tables take over. */
void gdt_set_double_fault_cr3(uint32_t cr3);
