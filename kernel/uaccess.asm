; kernel/uaccess.asm - the two loops that touch user memory (include/uaccess.h).
;
; Each instruction that may fault on a user address has an entry in the
; exception table (section __ex_table: pairs of dd faulting_eip, fixup_eip,
; as Linux's).  When such an instruction faults on an address no area of
; the task explains, the page fault handler resumes at the fixup instead of
; reporting a kernel fault (kernel/exceptions.c), and the fixup returns
; what was not done.  A fault an area explains is filled as usual -- it may
; sleep for the page -- and the loop goes on where it was.

%macro EX_ENTRY 2                       ; faulting instruction, fixup
section __ex_table
    dd %1, %2
section .text
%endmacro

section .text

; uint32_t uaccess_copy(void *dst, const void *src, uint32_t n)
; Returns the bytes NOT copied: 0 when all went.  Four bytes at a time,
; then the last 0-3 one at a time (a byte at a time made a 4 KiB copy
; 4096 iterations).  A four-byte move that faults stores nothing, so what
; is left is exact to the dword: 4 per dword to go, plus the tail.
global uaccess_copy
uaccess_copy:
    push esi
    push edi
    mov edi, [esp + 12]
    mov esi, [esp + 16]
    mov ecx, [esp + 20]
    mov edx, ecx
    and edx, 3                          ; the tail
    shr ecx, 2
.copy4:
    rep movsd                           ; ecx counts dwords down
    mov ecx, edx
.copy1:
    rep movsb                           ; ecx counts the tail down
    mov eax, ecx
    pop edi
    pop esi
    ret
.fault4:
    lea eax, [ecx * 4 + edx]
    pop edi
    pop esi
    ret
.fault1:
    mov eax, ecx
    pop edi
    pop esi
    ret
    EX_ENTRY .copy4, .fault4
    EX_ENTRY .copy1, .fault1

; int32_t uaccess_strncpy(char *dst, const char *src, uint32_t n)
; Copies up to n bytes, stopping after a NUL.  Returns the string's length
; (without the NUL), n when no NUL came within n bytes, or -1 on a fault.
global uaccess_strncpy
uaccess_strncpy:
    push esi
    push edi
    mov edi, [esp + 12]
    mov esi, [esp + 16]
    mov ecx, [esp + 20]
    xor edx, edx                        ; bytes copied
.next:
    cmp edx, ecx
    je .done
.load:
    mov al, [esi + edx]
    mov [edi + edx], al
    test al, al
    jz .done
    inc edx
    jmp .next
.done:
    mov eax, edx
    pop edi
    pop esi
    ret
.fault:
    mov eax, -1
    pop edi
    pop esi
    ret
    EX_ENTRY .load, .fault
