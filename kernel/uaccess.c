/*
 * uaccess.c - copying between the kernel and user memory (see
 * include/uaccess.h); the loops that may fault are kernel/uaccess.asm.
 */
#include "uaccess.h"
#include "kerrno.h"
#include "sched.h"
#include "vm.h"

struct exception_table_entry {
    uint32_t insn;              /* an instruction that may fault on user memory */
    uint32_t fixup;             /* where to go on when it does */
};

extern const struct exception_table_entry ex_table_start[], ex_table_end[];

uint32_t uaccess_copy(void *dst, const void *src, uint32_t n);
int32_t uaccess_strncpy(char *dst, const char *src, uint32_t n);

/* The whole of [addr, addr + n) is in the user half (and does not wrap). */
static bool user_range_ok(const void *p, size_t n)
{
    uint32_t addr = (uint32_t)p;
    return addr <= USER_TOP && n <= USER_TOP - addr;
}

/* A page the program may not read (PROT_NONE: mapped, but not for the
 * user) among [p, p + n): the kernel could read it, so it must ask. */
static bool user_read_denied(const void *p, size_t n)
{
    return current->vm && vm_user_denied(current->vm, (uint32_t)p, n);
}

int copy_from_user(void *dst, const void *usrc, size_t n)
{
    if (!user_range_ok(usrc, n) || user_read_denied(usrc, n))
        return -EFAULT;
    return uaccess_copy(dst, usrc, n) ? -EFAULT : 0;
}

int copy_to_user(void *udst, const void *src, size_t n)
{
    if (!user_range_ok(udst, n))
        return -EFAULT;
    return uaccess_copy(udst, src, n) ? -EFAULT : 0;
}

size_t user_writable_bytes(void *udst, size_t n)
{
    return current->vm ? vm_user_writable(current->vm, (uint32_t)udst, n) : n;
}

int strncpy_from_user(char *dst, const char *usrc, size_t n)
{
    uint32_t addr = (uint32_t)usrc;
    if (addr >= USER_TOP)
        return -EFAULT;
    /* Read no further than the user half: a string that runs into the
     * kernel's half is a bad pointer, not a long name. */
    size_t room = USER_TOP - addr;
    size_t limit = n < room ? n : room;
    int32_t len = uaccess_strncpy(dst, usrc, limit);
    /* The bytes it read, its NUL too: were they the program's to read? */
    if (len < 0 || user_read_denied(usrc, (size_t)len < limit ? (size_t)len + 1 : limit))
        return -EFAULT;
    if ((size_t)len < limit)
        return len;
    return limit < n ? -EFAULT : -ENAMETOOLONG;
}

uint32_t search_exception_table(uint32_t eip)
{
    for (const struct exception_table_entry *e = ex_table_start; e < ex_table_end; e++)
        if (e->insn == eip)
            return e->fixup;
    return 0;
}
