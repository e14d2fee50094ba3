; user/lib/crt0.asm - a program's first instruction, and the system call gate.
;
; _start: the kernel left argc at [esp], then argv[], NULL, envp[], NULL,
; the auxiliary vector (kernel/exec.c).  Call ulib_start(argc, argv)
; (lib/start.c: main, then exit) with the stack 16-byte aligned, as the
; i386 System V ABI wants at a call.
;
; syscall6(nr, a, b, c, d, e, f): int 0x80 with EAX = nr and EBX, ECX,
; EDX, ESI, EDI, EBP = a..f (Linux i386's convention); returns EAX.  It
; saves the registers the C calling convention says are the callee's.

extern ulib_start

section .text
global _start
_start:
    xor ebp, ebp                        ; the end of every backtrace
    mov eax, [esp]                      ; argc
    lea ecx, [esp + 4]                  ; argv
    and esp, -16
    sub esp, 8
    push ecx
    push eax
    call ulib_start                     ; never returns

global syscall6
syscall6:
    push ebx
    push esi
    push edi
    push ebp
    mov eax, [esp + 20]
    mov ebx, [esp + 24]
    mov ecx, [esp + 28]
    mov edx, [esp + 32]
    mov esi, [esp + 36]
    mov edi, [esp + 40]
    mov ebp, [esp + 44]
    int 0x80
    pop ebp
    pop edi
    pop esi
    pop ebx
    ret
