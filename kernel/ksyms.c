/*
 * ksyms.c - looking up the kernel's symbol table (see include/ksyms.h).
 */
#include "ksyms.h"
#include "kstring.h"
#include "vsprintf.h"

const char *ksym_lookup(uint32_t addr, uint32_t *offset, uint32_t *size)
{
    /* Binary search for the last symbol at or below addr. */
    uint32_t lo = 0, hi = ksym_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ksym_table[mid].addr <= addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return NULL;
    const struct ksym *s = &ksym_table[lo - 1];
    if (s->size && addr >= s->addr + s->size)
        return NULL;
    *offset = addr - s->addr;
    *size = s->size;
    return ksym_names + s->name;
}

uint32_t ksym_address(const char *name)
{
    for (uint32_t i = 0; i < ksym_count; i++)
        if (strcmp(ksym_names + ksym_table[i].name, name) == 0)
            return ksym_table[i].addr;
    return 0;
}

void ksym_describe(uint32_t addr, char *buf, unsigned size)
{
    uint32_t off, len;
    const char *name = ksym_lookup(addr, &off, &len);
    if (name)
        ksnprintf(buf, size, "%s+0x%x/0x%x", name, off, len);
    else
        ksnprintf(buf, size, "%08x", addr);
}
