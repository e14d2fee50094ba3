; kernel/switch.asm - switch_to: the one place one task's stack becomes
; another's.
;
; void switch_to(uint32_t *prev_esp, uint32_t next_esp)
;
; Saves the callee-saved registers and EFLAGS (each task keeps its own
; interrupt flag) on the current stack, stores the stack pointer in
; *prev_esp, loads next_esp and pops the same things in reverse.  The "ret"
; then returns into whatever called switch_to in the next task -- or, for
; a new task, into task_start (sched.c builds that first frame).

section .text
global switch_to
switch_to:
    mov eax, [esp + 4]                  ; prev_esp
    mov edx, [esp + 8]                  ; next_esp
    push ebp
    push ebx
    push esi
    push edi
    pushfd
    mov [eax], esp
    mov esp, edx
    popfd
    pop edi
    pop esi
    pop ebx
    pop ebp
    ret
