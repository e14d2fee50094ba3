/*
 * idt.c - the interrupt descriptor table and the dispatch of every vector
 * (see include/interrupts.h).
 */
#include <stdint.h>
#include "interrupts.h"
#include "gdt.h"
#include "pic.h"
#include "printk.h"
#include "process.h"
#include "sched.h"
#include "syscall.h"

#define IDT_ENTRIES         256
#define GATE_INTERRUPT_32   0x8E    /* present, ring 0, 32-bit interrupt gate */
#define GATE_TASK           0x85    /* present, ring 0, task gate */
#define GATE_DPL3           0x60    /* ring 3 may raise it with int n */
#define VECTOR_BREAKPOINT   3
#define VECTOR_DOUBLE_FAULT 8

struct idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t zero;
    uint8_t type_attr;
    uint16_t offset_high;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint32_t base;
} __attribute__((packed));

static struct idt_entry idt[IDT_ENTRIES];
static irq_handler_t irq_handlers[IRQ_LINES];
extern const uint32_t isr_stub_table[IRQ_BASE + IRQ_LINES];
extern const char isr_stub_128[];           /* the system call gate's stub */

static void set_gate(unsigned vector, uint32_t offset, uint16_t selector, uint8_t type)
{
    idt[vector] = (struct idt_entry){
        .offset_low = offset & 0xFFFF,
        .selector = selector,
        .type_attr = type,
        .offset_high = offset >> 16,
    };
}

void idt_init(void)
{
    for (unsigned v = 0; v < IRQ_BASE + IRQ_LINES; v++)
        set_gate(v, isr_stub_table[v], GDT_KERNEL_CODE, GATE_INTERRUPT_32);
    /* A double fault usually means the stack is gone (a kernel stack
     * overflow into a guard page): a task gate switches to a fresh stack. */
    set_gate(VECTOR_DOUBLE_FAULT, 0, GDT_DOUBLE_FAULT_TSS, GATE_TASK);
    /* Every other gate is DPL 0: a user program's "int 14" is a general
     * protection fault, not a fake page fault.  An interrupt gate (not a
     * trap gate) so that the entry runs with interrupts off until the
     * dispatcher has the frame; syscall_dispatch turns them back on. */
    set_gate(SYSCALL_VECTOR, (uint32_t)isr_stub_128, GDT_KERNEL_CODE,
             GATE_INTERRUPT_32 | GATE_DPL3);
    /* int3 too, as in Linux: a breakpoint a program sets in itself is
     * SIGTRAP (kernel/exceptions.c), not a protection fault's SIGSEGV. */
    set_gate(VECTOR_BREAKPOINT, isr_stub_table[VECTOR_BREAKPOINT], GDT_KERNEL_CODE,
             GATE_INTERRUPT_32 | GATE_DPL3);

    struct idt_pointer ptr = { sizeof(idt) - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(ptr));
}

void irq_register(unsigned irq, irq_handler_t handler)
{
    irq_handlers[irq] = handler;
    pic_unmask(irq);
}

static void handle_irq(struct int_frame *f)
{
    unsigned irq = f->vector - IRQ_BASE;
    if (pic_is_spurious(irq))
        return;
    irq_enter();
    if (irq_handlers[irq])
        irq_handlers[irq](f);
    else
        pr_warn("irq: unexpected IRQ %u\n", irq);
    pic_eoi(irq);
    irq_exit();             /* may switch tasks: this frame resumes later */
}

void interrupt_dispatch(struct int_frame *f)
{
    if (f->vector < IRQ_BASE)
        handle_exception(f);
    else if (f->vector == SYSCALL_VECTOR)
        syscall_dispatch(f);
    else
        handle_irq(f);
    /* The way back to ring 3, whatever brought the task into the kernel:
     * where a kill takes effect (a spinning process is ended by its next
     * timer interrupt). */
    if (frame_from_user(f))
        process_return_to_user();
}
