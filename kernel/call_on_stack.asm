; kernel/call_on_stack.asm - run a function on another stack (see vm.h).
; uint32_t call_on_stack(uint32_t (*fn)(void *), void *arg, void *stack_top)

section .text
global call_on_stack
call_on_stack:
    push ebp
    mov ebp, esp
    mov eax, [ebp + 8]                  ; fn
    mov ecx, [ebp + 12]                 ; arg
    mov esp, [ebp + 16]                 ; the new stack; EBP still links
    push ecx                            ; back to our frame on the old one
    call eax
    mov esp, ebp                        ; back on the old stack
    pop ebp
    ret
