; tests/kernel/user_blobs.asm - tiny ring-3 programs for test_usermode.c.
;
; Each blob is position-independent machine code between NAME and
; NAME_end; the test copies it to a user page and enters it with
; user_enter().  They talk to the kernel only through int 0x80 in Linux
; i386's convention (eax the number, ebx... the arguments).

NR_exit     equ 1
NR_getpid   equ 20
NR_pipe     equ 42
NR_getcwd   equ 183
NR_socket   equ 359
EMFILE      equ 24

%macro BLOB 1
global %1
global %1_end
%1:
%endmacro

section .rodata

; exit(getpid()): the system call's result comes back in eax.
BLOB user_blob_getpid
    mov eax, NR_getpid
    int 0x80
    mov ebx, eax
    mov eax, NR_exit
    int 0x80
user_blob_getpid_end:

; exit(-syscall(9999)): an unknown number answers -ENOSYS (38).
BLOB user_blob_enosys
    mov eax, 9999
    int 0x80
    neg eax
    mov ebx, eax
    mov eax, NR_exit
    int 0x80
user_blob_enosys_end:

; Registers survive system calls and the timer interrupts of a long
; loop: exit(0) if esi, edi, ebp and esp are intact, else exit(1).
BLOB user_blob_registers
    mov esi, 0x51515151
    mov edi, 0xD1D1D1D1
    mov ebp, 0xB0B0B0B0
    mov edx, esp
    mov ecx, 20000000                   ; about 50 ms: a few timer ticks
.spin:
    dec ecx
    jnz .spin
    mov eax, NR_getpid
    int 0x80
    xor ebx, ebx
    cmp esi, 0x51515151
    jne .bad
    cmp edi, 0xD1D1D1D1
    jne .bad
    cmp ebp, 0xB0B0B0B0
    jne .bad
    cmp edx, esp
    je .done
.bad:
    mov ebx, 1
.done:
    mov eax, NR_exit
    int 0x80
user_blob_registers_end:

; The file calls from a task that is no process (no file table, no
; current directory) fail cleanly: pipe and socket find no room for a
; descriptor (-EMFILE), getcwd says "/".  exit(0), or exit(N) for the
; Nth call that answered otherwise.
BLOB user_blob_files_without_a_process
    sub esp, 16
    mov ebx, esp
    mov eax, NR_pipe
    int 0x80
    mov ebx, 1
    cmp eax, -EMFILE
    jne .done
    mov ebx, esp
    mov ecx, 16
    mov eax, NR_getcwd
    int 0x80
    mov ebx, 2
    cmp eax, 2                          ; "/" and its NUL
    jne .done
    mov ebx, 2                          ; AF_INET
    mov ecx, 1                          ; SOCK_STREAM
    xor edx, edx
    mov eax, NR_socket
    int 0x80
    mov ebx, 3
    cmp eax, -EMFILE
    jne .done
    xor ebx, ebx
.done:
    mov eax, NR_exit
    int 0x80
user_blob_files_without_a_process_end:

; bench=user: GETPID_ROUNDS round trips of getpid, each timed with
; rdtsc (allowed in ring 3: CR4.TSD is clear); the low 32 bits of each
; TSC difference go to BLOB_DATA, one word per round.  exit(0).
GETPID_ROUNDS   equ 501
BLOB_DATA       equ 0x08049000
global user_blob_getpid_rounds
user_blob_getpid_rounds: dd GETPID_ROUNDS
BLOB user_blob_getpid_timed
    mov edi, BLOB_DATA
    mov esi, GETPID_ROUNDS
.round:
    rdtsc
    mov ebp, eax
    mov eax, NR_getpid
    int 0x80
    rdtsc
    sub eax, ebp
    mov [edi], eax
    add edi, 4
    dec esi
    jnz .round
    xor ebx, ebx
    mov eax, NR_exit
    int 0x80
user_blob_getpid_timed_end:

; Faults the kernel must survive, each ending the program.
BLOB user_blob_write_null
    mov dword [0], 1
user_blob_write_null_end:

BLOB user_blob_write_kernel
    mov dword [0xC0100000], 1           ; the kernel's text, through the direct map
user_blob_write_kernel_end:

BLOB user_blob_ud2
    ud2
user_blob_ud2_end:

BLOB user_blob_int14                    ; a fake page fault: the gate is DPL 0
    int 14
user_blob_int14_end:

BLOB user_blob_cli                      ; privileged: a general protection fault
    cli
    hlt
user_blob_cli_end:
