/*
 * kelf.h - the parts of ELF32 (System V ABI, and its i386 supplement) that
 * loading a static executable needs.
 */
#pragma once
#include <stdint.h>

#define EI_NIDENT       16
#define ELFMAG          "\177ELF"
#define EI_CLASS        4
#define ELFCLASS32      1
#define EI_DATA         5
#define ELFDATA2LSB     1               /* little-endian */
#define ET_EXEC         2               /* a fixed-address executable */
#define EM_386          3
#define PT_LOAD         1
#define PT_INTERP       3               /* names a dynamic loader: not static */
#define PF_W            0x2

/* The auxiliary vector's keys (Linux's include/uapi/linux/auxvec.h). */
#define AT_NULL         0
#define AT_PAGESZ       6

struct elf32_ehdr {
    uint8_t e_ident[EI_NIDENT];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf32_phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};
