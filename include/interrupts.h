/*
 * interrupts.h - the IDT, exceptions and hardware interrupts.
 *
 * Vectors 0..31 are CPU exceptions, 32..47 the remapped PIC lines IRQ 0..15,
 * 0x80 the system call gate (the only one user mode may call: DPL 3).
 * An exception in user mode ends the process that made it, with a report
 * (a page fault outside every area: SIGSEGV's meaning); never a panic.
 * An exception in the kernel is fatal: it prints the vector, error code,
 * registers (and CR2 for a page fault) with a symbolic backtrace, then
 * panics -- unless a fault_catch (see fault_catch.h) is armed, in which case
 * the report is printed and control returns to the catcher.
 *
 * irq_register() installs the one handler of a PIC line and unmasks it.
 * Handlers run with interrupts off and must not sleep.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* What the entry stubs (kernel/isr.asm) push, lowest address first. */
struct int_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;           /* pushed by the CPU */
    uint32_t user_esp, user_ss;         /* pushed by the CPU only when it came
                                         * from ring 3 (frame_from_user) */
};

#define SYSCALL_VECTOR  0x80            /* int 0x80, Linux i386's gate */

/* Did the interrupted code run in ring 3?  (The low bits of CS are the
 * privilege level it ran at.) */
static inline bool frame_from_user(const struct int_frame *f)
{
    return (f->cs & 3) == 3;
}

#define IRQ_BASE        32
#define IRQ_LINES       16

typedef void (*irq_handler_t)(struct int_frame *frame);

void idt_init(void);
void irq_register(unsigned irq, irq_handler_t handler);

/* The stack pointer of the interrupted kernel code (no privilege change,
 * so the CPU did not push ESP: it is just past the frame).  For a frame
 * from ring 3 it is user_esp. */
static inline uint32_t frame_kernel_esp(const struct int_frame *f)
{
    return (uint32_t)&f->eflags + sizeof(f->eflags);
}

/* exceptions.c */
const char *exception_name(unsigned vector);
void exception_report(const struct int_frame *f);
void handle_exception(struct int_frame *f);

/* Entered from assembly: every interrupt and exception (kernel/isr.asm),
 * the double-fault task (kernel/double_fault.asm), and the kernel itself
 * once boot.asm has set up paging and a stack (kernel/main.c). */
void interrupt_dispatch(struct int_frame *f);
void double_fault_report(void);
void kmain(uint32_t magic, uint32_t mbi_phys);
