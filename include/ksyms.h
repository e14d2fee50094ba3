/*
 * ksyms.h - the kernel's own symbol table, for backtraces.
 *
 * tools/gensyms.py writes it from the linked kernel (functions only, sorted
 * by address) and the kernel is linked a second time with it; the table
 * sits after everything else, so the second link moves no function.
 */
#pragma once
#include <stdint.h>

struct ksym {
    uint32_t addr;
    uint32_t size;          /* 0 when the assembler did not say */
    uint32_t name;          /* offset into ksym_names */
};

extern const uint32_t ksym_count;
extern const struct ksym ksym_table[];
extern const char ksym_names[];

/* The function containing addr, or NULL; *offset is addr - its start. */
const char *ksym_lookup(uint32_t addr, uint32_t *offset, uint32_t *size);
/* The address of the function called name, or 0. */
uint32_t ksym_address(const char *name);
/* Write "function+0xoff/0xsize" (or the bare address) for addr into buf. */
void ksym_describe(uint32_t addr, char *buf, unsigned size);
