; kernel/isr.asm - interrupt entry stubs.
;
; Every vector gets a stub that makes the stack look the same -- an error
; code (the CPU's, or a 0 we push), the vector number, the general registers
; and the segment registers, i.e. a struct int_frame -- and calls
; interrupt_dispatch(frame).  Returning from it restores everything and irets.
;
; From ring 3 the CPU first switches to the task's kernel stack (the TSS's
; esp0, set at every task switch) and pushes the user's SS and ESP above
; EFLAGS; the frame is otherwise the same, and the iret goes back to ring 3.
; The system call gate (int 0x80) enters through the same path, as vector
; SYSCALL_VECTOR, so a system call's registers are the frame's.

extern interrupt_dispatch

%macro STUB_NO_ERROR 1
isr_stub_%1:
    push dword 0
    push dword %1
    jmp interrupt_common
%endmacro

%macro STUB_WITH_ERROR 1                ; the CPU pushed an error code
isr_stub_%1:
    push dword %1
    jmp interrupt_common
%endmacro

section .text
interrupt_common:
    pusha
    push ds
    push es
    push fs
    push gs
    mov ax, 0x10                        ; kernel data segment
    mov ds, ax
    mov es, ax
    cld                                 ; C code expects it clear; user mode may have set it
    push esp                            ; struct int_frame *
    call interrupt_dispatch
    add esp, 4
interrupt_return:                       ; ESP at a struct int_frame: restore it, iret
    pop gs
    pop fs
    pop es
    pop ds
    popa
    add esp, 8                          ; vector and error code
    iret

; void user_return(struct int_frame *f): leave the kernel through f, as an
; interrupt's end does -- a forked child's first return to ring 3, with
; its parent's registers (f may lie anywhere on the task's kernel stack).
global user_return
user_return:
    cli
    mov esp, [esp + 4]
    jmp interrupt_return

; Exceptions that push an error code: 8, 10-14, 17, 21, 29, 30 (SDM vol. 3A, 6.15).
%assign v 0
%rep 48
%if v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30
    STUB_WITH_ERROR %[v]
%else
    STUB_NO_ERROR %[v]
%endif
%assign v v + 1
%endrep

global isr_stub_128
    STUB_NO_ERROR 128                   ; int 0x80: the system call gate

section .rodata
global isr_stub_table
isr_stub_table:
%assign v 0
%rep 48
    dd isr_stub_%[v]
%assign v v + 1
%endrep
