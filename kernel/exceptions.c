/*
 * exceptions.c - what happens when the CPU raises an exception.  In the
 * kernel: a report a student can read, then a panic (or, when a
 * fault_catch is armed, a return to it).  In user mode: a page fault the
 * program's areas explain is filled; anything else ends the program with
 * a report and the kernel goes on -- nothing a user program does may
 * panic it.  See include/interrupts.h.
 */
#include <stdint.h>
#include "interrupts.h"
#include "backtrace.h"
#include "fault_catch.h"
#include "gdt.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "panic.h"
#include "printk.h"
#include "process.h"
#include "reclaim.h"
#include "sched.h"
#include "ksignal.h"
#include "uaccess.h"
#include "vm.h"
#include "vsprintf.h"
#include "x86.h"

#define VECTOR_DIVIDE_ERROR     0
#define VECTOR_DEBUG            1
#define VECTOR_BREAKPOINT       3
#define VECTOR_INVALID_OPCODE   6
#define VECTOR_PAGE_FAULT       14

struct fault_catch *fault_catch_armed;

static const char *const names[32] = {
    [0] = "divide error", [1] = "debug", [2] = "NMI", [3] = "breakpoint",
    [4] = "overflow", [5] = "bound range exceeded", [6] = "invalid opcode",
    [7] = "device not available", [8] = "double fault",
    [9] = "coprocessor segment overrun", [10] = "invalid TSS",
    [11] = "segment not present", [12] = "stack-segment fault",
    [13] = "general protection fault", [14] = "page fault",
    [16] = "x87 floating-point error", [17] = "alignment check",
    [18] = "machine check", [19] = "SIMD floating-point error",
    [20] = "virtualization exception", [21] = "control protection",
};

const char *exception_name(unsigned vector)
{
    if (vector < 32 && names[vector])
        return names[vector];
    return "reserved exception";
}

void exception_report(const struct int_frame *f)
{
    int lvl = fault_catch_armed ? LOG_INFO : LOG_EMERG;
    /* A student reading make run's log must not take a test's deliberate
     * fault for a crash: say so before the dump. */
    if (fault_catch_armed)
        printk(lvl, "expected: the exception below is provoked on purpose and caught, by %s%s\n",
               ktest_running() ? "test " : "the code that armed a fault_catch",
               ktest_running() ? ktest_running() : "");
    printk(lvl, "exception %u (%s), error code 0x%x, at eip %08x\n",
           f->vector, exception_name(f->vector), f->error, f->eip);
    if (f->vector == VECTOR_PAGE_FAULT)
        printk(lvl, "  cr2 %08x: %s, %s, %s mode\n", read_cr2(),
               f->error & X86_PF_PROT ? "protection violation" : "page not present",
               f->error & X86_PF_WRITE ? "write" : "read",
               f->error & X86_PF_USER ? "user" : "kernel");
    printk(lvl, "  eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
    printk(lvl, "  esi %08x edi %08x ebp %08x esp %08x\n", f->esi, f->edi, f->ebp,
           frame_kernel_esp(f));
    printk(lvl, "  cs %04x ds %04x eflags %08x cr0 %08x cr3 %08x\n", f->cs, f->ds,
           f->eflags, read_cr0(), read_cr3());
    backtrace_print(lvl, f->eip, f->ebp);
}

/* Fill the armed catcher and resume at its fault_catch_try(). */
static void __attribute__((noreturn)) resume_catcher(const struct int_frame *f)
{
    struct fault_catch *fc = fault_catch_armed;
    fault_catch_armed = 0;
    fc->vector = f->vector;
    fc->error = f->error;
    fc->eip = f->eip;
    fc->cr2 = f->vector == VECTOR_PAGE_FAULT ? read_cr2() : 0;
    fc->pcs[0] = f->eip;
    fc->depth = 1 + backtrace_collect(f->ebp, fc->pcs + 1, BACKTRACE_MAX);
    longjmp(fc->resume, 1);
}

/*
 * A page fault may be demand-zero memory rather than a bug.  Filling it
 * may sleep (allocating, reading), so interrupts come back on if the
 * faulting code had them on -- the fault is the task's own doing, not an
 * interrupt.
 *
 * A fault that cannot be filled ends the task that made it, with a
 * message saying why, and the rest of the system goes on:
 *   -ENOMEM  no page even after reclaim gave up (the out-of-memory policy)
 *   -ENXIO   a file mapping touched past its file's end (truncated under
 *            it): a bus error, Linux's SIGBUS
 *   other    the page's data could not be read (-EIO: its swap slot or
 *            file block is on a disk that failed or a server that died;
 *            -EUCLEAN: the file's block map is damaged; the reader said
 *            which, in the line before): a bus error too
 * -EFAULT (no area there, or a write to a read-only one) is a bug in the
 * kernel and reported as an unhandled fault.  A fault in one of the user
 * copies (uaccess.h) on a user address ends nothing: the copy fails with
 * -EFAULT, whatever the error.  kmain has
 * nowhere to return to, so there every fault stays unhandled.
 */
static __attribute__((noreturn)) void end_faulting_task(uint32_t addr, int err)
{
    if (err == -ENOMEM) {
        vm_events.oom_kills++;
        pr_err("out of memory: no page for %08x even after reclaim; ending task %s (%u)\n",
               addr, current->name, current->id);
    } else {
        vm_events.bus_errors++;
        pr_err("bus error: task %s (%u) touched %08x, %s; ending it\n", current->name,
               current->id, addr, err == -ENXIO ? "past the end of the file it maps"
                                                : "whose page could not be read");
    }
    /* A process's wait status says it the way Linux's would: killed by
     * the OOM policy (SIGKILL) or by a bus error (SIGBUS). */
    if (current->proc)
        process_exit(err == -ENOMEM ? SIGKILL : SIGBUS);
    task_exit(err);
}

static bool fault_handled(struct int_frame *f)
{
    uint32_t addr = read_cr2();         /* before anything can fault again */
    if (f->eflags & EFLAGS_IF)
        sti();
    int err = handle_page_fault(addr, f->error);
    /* A fault inside copy_from_user and its kind, on a user address: the
     * copy stops at its fixup and its caller returns -EFAULT, whatever
     * the reason -- no area, or (as in Linux) a page that could not be
     * read or had no memory: the system call then unwinds and lets go
     * of what it holds, rather than the task ending in its middle.  Only
     * for user addresses: a kernel address that faults is a kernel bug,
     * whoever touched it. */
    uint32_t fixup = err && addr < USER_TOP ? search_exception_table(f->eip) : 0;
    if (fixup)
        f->eip = fixup;
    else if (err && err != -EFAULT && current->stack)
        end_faulting_task(addr, err);
    cli();
    return err == 0 || fixup;
}

/* The signal whose meaning a user exception has (Linux's numbers): what
 * the report names and, for a process, its exit status says. */
static int user_fault_signal(unsigned vector)
{
    switch (vector) {
    case VECTOR_DIVIDE_ERROR:   return SIGFPE;
    case VECTOR_DEBUG:          return SIGTRAP;     /* the trap flag a program set */
    case VECTOR_BREAKPOINT:     return SIGTRAP;
    case VECTOR_INVALID_OPCODE: return SIGILL;
    default:                    return SIGSEGV;
    }
}

/*
 * An exception in ring 3 that no area explains.  The report names the
 * program, the instruction and (for a page fault) the address and why it
 * is not allowed; the user registers follow.  No backtrace: the kernel's
 * symbols say nothing about a user program's stack.
 */
static __attribute__((noreturn)) void end_user_fault(const struct int_frame *f, uint32_t addr)
{
    int sig = user_fault_signal(f->vector);
    if (f->vector == VECTOR_PAGE_FAULT)
        pr_err("segfault: task %s (%u) %s %08x at eip %08x: %s; ending it (%s)\n",
               current->name, current->id, f->error & X86_PF_WRITE ? "wrote" : "read", addr,
               f->eip, f->error & X86_PF_PROT ? "a protection violation"
               : addr >= USER_TOP ? "kernel memory"
               : "no area there, or its protection forbids it (read-only, PROT_NONE)",
               signal_name(sig));
    else
        pr_err("user fault: task %s (%u): %s at eip %08x; ending it (%s)\n", current->name,
               current->id, exception_name(f->vector), f->eip, signal_name(sig));
    pr_err("  eax %08x ebx %08x ecx %08x edx %08x\n", f->eax, f->ebx, f->ecx, f->edx);
    pr_err("  esi %08x edi %08x ebp %08x esp %08x eflags %08x\n", f->esi, f->edi, f->ebp,
           f->user_esp, f->eflags);
    process_exit(sig);                  /* its wait status: killed by sig */
}

static void handle_user_exception(struct int_frame *f)
{
    uint32_t addr = f->vector == VECTOR_PAGE_FAULT ? read_cr2() : 0;
    if (f->vector == VECTOR_PAGE_FAULT) {
        sti();                          /* ring 3 always runs with interrupts on */
        int err = handle_page_fault(addr, f->error | X86_PF_USER);
        if (err == 0) {
            cli();
            return;
        }
        if (err != -EFAULT)
            end_faulting_task(addr, err);
    }
    end_user_fault(f, addr);
}

void handle_exception(struct int_frame *f)
{
    if (frame_from_user(f)) {
        handle_user_exception(f);
        return;
    }
    if (f->vector == VECTOR_PAGE_FAULT && fault_handled(f))
        return;
    exception_report(f);
    if (fault_catch_armed)
        resume_catcher(f);
    char why[64];
    ksnprintf(why, sizeof(why), "unhandled %s in the kernel", exception_name(f->vector));
    panic_at(f->eip, f->ebp, why);
}

/*
 * The double-fault task (kernel/double_fault.asm).  The CPU saved the state
 * it could not handle in main_tss.  By far the usual cause: ESP ran into
 * the unmapped guard page below a kernel stack, so pushing the page fault's
 * own frame faulted again.
 */
void double_fault_report(void)
{
    uint32_t esp = main_tss.esp;
    printk(LOG_EMERG, "exception 8 (double fault) at eip %08x, esp %08x\n",
           main_tss.eip, esp);
    const char *stack = stack_guard_owner(esp);
    if (stack)
        printk(LOG_EMERG, "  esp is in the guard page below %s: kernel stack overflow\n",
               stack);
    panic_at(main_tss.eip, main_tss.ebp, stack ? "kernel stack overflow" : "double fault");
}
