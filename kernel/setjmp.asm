; kernel/setjmp.asm - setjmp and longjmp (see include/setjmp.h).
; jmp_buf layout: ebx, esi, edi, ebp, esp, eip, eflags.

section .text
global setjmp
setjmp:
    mov eax, [esp + 4]                  ; env
    mov [eax + 0], ebx
    mov [eax + 4], esi
    mov [eax + 8], edi
    mov [eax + 12], ebp
    lea ecx, [esp + 4]                  ; esp as it will be after ret
    mov [eax + 16], ecx
    mov ecx, [esp]                      ; return address
    mov [eax + 20], ecx
    pushfd
    pop ecx
    mov [eax + 24], ecx
    xor eax, eax
    ret

global longjmp
longjmp:
    mov edx, [esp + 4]                  ; env
    mov eax, [esp + 8]                  ; val
    test eax, eax
    jnz .nonzero
    inc eax
.nonzero:
    mov ebx, [edx + 0]
    mov esi, [edx + 4]
    mov edi, [edx + 8]
    mov ebp, [edx + 12]
    mov esp, [edx + 16]
    push dword [edx + 24]
    popfd
    jmp [edx + 20]
