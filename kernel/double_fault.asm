; kernel/double_fault.asm - first instructions of the double-fault task.
; The task gate in the IDT switched here on a fresh stack (gdt.c); the CPU
; saved the broken state in main_tss.  Report it; never return.

section .text
global double_fault_entry
extern double_fault_report
double_fault_entry:
    xor ebp, ebp                        ; a new stack: end the backtrace here
    call double_fault_report
.halt:
    cli
    hlt
    jmp .halt
