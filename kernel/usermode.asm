; kernel/usermode.asm - user_enter: the first entry of a task into ring 3.
;
; void user_enter(uint32_t eip, uint32_t esp)   (noreturn; include/syscall.h)
;
; Builds the frame an interrupt from ring 3 would have left -- SS, ESP,
; EFLAGS, CS, EIP, lowest last -- and irets through it, so user mode starts
; the way it will always be resumed (Intel SDM vol. 3A, 6.12.1).  The
; general registers are cleared, as Linux's ELF ABI expects of a fresh
; program and so that no kernel value leaks into it.  Whatever the task's
; kernel stack held is abandoned: the next entry from ring 3 starts again
; at the top of it (the TSS's esp0).

GDT_USER_CODE_RPL3  equ 0x18 | 3
GDT_USER_DATA_RPL3  equ 0x20 | 3
EFLAGS_RESERVED     equ 0x002               ; bit 1 is always set
EFLAGS_IF           equ 0x200               ; user mode runs with interrupts on

section .text
global user_enter
user_enter:
    cli                                     ; no interrupt between the segment loads and iret
    mov ecx, [esp + 4]                      ; eip
    mov edx, [esp + 8]                      ; esp
    mov ax, GDT_USER_DATA_RPL3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    push dword GDT_USER_DATA_RPL3           ; ss
    push edx                                ; esp
    push dword EFLAGS_RESERVED | EFLAGS_IF  ; eflags
    push dword GDT_USER_CODE_RPL3           ; cs
    push ecx                                ; eip
    xor eax, eax
    xor ebx, ebx
    xor ecx, ecx
    xor edx, edx
    xor esi, esi
    xor edi, edi
    xor ebp, ebp
    iret
