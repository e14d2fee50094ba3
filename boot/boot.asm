; boot/boot.asm - multiboot2 header and the first instructions of the kernel.
;
; GRUB enters _start in 32-bit protected mode with paging off, EAX holding the
; multiboot2 magic and EBX the physical address of the boot information.
; _start builds the early page tables, turns paging on and jumps to the
; higher half, where it switches to the boot stack and calls kmain(magic, mbi).
;
; Early page tables: BOOT_MAP_MIB of physical memory mapped twice, at 0
; (identity, so the instruction after "mov cr0" still has a mapping) and at
; KERNEL_VMA.  Once running high, the identity half is dropped and the page
; below the boot stack is unmapped, so a boot stack overflow faults instead of
; silently overwriting whatever lies below it.  mm/ replaces these tables.

KERNEL_VMA      equ 0xC0000000
BOOT_MAP_MIB    equ 16
BOOT_MAP_TABLES equ BOOT_MAP_MIB / 4        ; one page table maps 4 MiB
BOOT_STACK_SIZE equ 16384

PTE_PRESENT     equ 1 << 0
PTE_WRITABLE    equ 1 << 1
CR0_WP          equ 1 << 16                 ; honour read-only pages in ring 0
CR0_PG          equ 1 << 31

MB2_MAGIC       equ 0xE85250D6              ; multiboot2 spec, 3.1.1
MB2_ARCH_I386   equ 0

section .multiboot_header
align 8
mb2_header:
    dd MB2_MAGIC
    dd MB2_ARCH_I386
    dd mb2_header_end - mb2_header
    dd -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    ; end tag: type 0, flags 0, size 8
    dw 0, 0
    dd 8
mb2_header_end:

section .boot.text
global _start
_start:
    cli
    ; The very first thing: note the time stamp counter, so bench=boot can
    ; tell how long firmware and GRUB ran before us.
    mov esi, eax                            ; multiboot2 magic
    mov edi, ebx                            ; boot information (physical)
    rdtsc
    mov [boot_tsc_at_entry - KERNEL_VMA], eax
    mov [boot_tsc_at_entry - KERNEL_VMA + 4], edx

    ; Page table entries for physical 0 .. BOOT_MAP_MIB.
    mov ebx, boot_page_tables - KERNEL_VMA
    mov eax, PTE_PRESENT | PTE_WRITABLE
    mov ecx, BOOT_MAP_TABLES * 1024
.fill_tables:
    mov [ebx], eax
    add eax, 4096
    add ebx, 4
    loop .fill_tables

    ; The same tables serve the identity map and the higher-half map.
    mov ebx, boot_page_directory - KERNEL_VMA
    mov eax, (boot_page_tables - KERNEL_VMA) + (PTE_PRESENT | PTE_WRITABLE)
    mov ecx, BOOT_MAP_TABLES
.fill_directory:
    mov [ebx], eax
    mov [ebx + (KERNEL_VMA >> 22) * 4], eax
    add eax, 4096
    add ebx, 4
    loop .fill_directory

    mov eax, boot_page_directory - KERNEL_VMA
    mov cr3, eax
    mov eax, cr0
    or eax, CR0_PG | CR0_WP
    mov cr0, eax
    mov eax, higher_half
    jmp eax

section .text
higher_half:
    mov esp, boot_stack_top
    xor ebp, ebp                            ; ends every backtrace

    ; Drop the identity map.
    mov ecx, BOOT_MAP_TABLES
    mov ebx, boot_page_directory
.clear_identity:
    mov dword [ebx], 0
    add ebx, 4
    loop .clear_identity

    ; Unmap the guard page below the boot stack.
    mov eax, boot_stack_guard - KERNEL_VMA
    shr eax, 12
    mov dword [boot_page_tables + eax * 4], 0
    mov eax, cr3                            ; flush the whole TLB
    mov cr3, eax

    push edi                                ; kmain(magic, mbi_phys)
    push esi
    extern kmain
    call kmain
.halt:
    cli
    hlt
    jmp .halt

section .bss
align 4096
global boot_page_directory, boot_page_tables
boot_page_directory:
    resb 4096
boot_page_tables:
    resb 4096 * BOOT_MAP_TABLES
global boot_stack_guard, boot_stack_bottom, boot_stack_top
boot_stack_guard:
    resb 4096
boot_stack_bottom:
    resb BOOT_STACK_SIZE
boot_stack_top:

section .data
align 8
global boot_tsc_at_entry
boot_tsc_at_entry:
    dq 0
