/*
 * mmap.c - a process's own view of its memory: brk, mmap2 and munmap
 * (Linux's numbers 45, 192, 91; include/syscall.h).
 *
 * Everything a process maps is a demand-zero anonymous area (vm.h), so
 * its pages are reclaimed and swapped like every other anonymous page --
 * the lesson is the same from user mode.
 *
 *   brk(addr)      the heap runs from the end of the program's segments
 *                  to addr; returns the new end, or the old one when addr
 *                  is below the start or the area cannot grow (Linux's
 *                  way of saying no); brk(0) asks where it is.
 *   mmap2(addr, len, prot, flags, fd, pgoff)
 *                  MAP_ANONYMOUS only, private (fork copies it on write)
 *                  or shared (fork shares it); MAP_FIXED replaces
 *                  what was there; else the highest free range below the
 *                  stack.  PROT_WRITE makes it writable; PROT_NONE and
 *                  file mappings are not built yet: -EINVAL and -ENODEV.
 *   munmap(addr, len)  anonymous ranges, cutting areas as needed.
 */
#include "kerrno.h"
#include "mm.h"
#include "mman.h"
#include "process.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"

#define MMAP_TOP        (USER_TOP - USER_STACK_SIZE)    /* mappings go below the stack */

static uint32_t page_up(uint32_t a) { return (a + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1); }

int32_t sys_brk(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t want = a->arg[0];
    if (!p)
        return -EINVAL;
    if (want < p->brk_start || want > MMAP_TOP)
        return (int32_t)p->brk;
    uint32_t old_end = page_up(p->brk), new_end = page_up(want);
    int err = 0;
    if (new_end > old_end)
        err = vm_map_anon(p->vm, old_end, new_end - old_end, PTE_WRITE);
    else if (new_end < old_end)
        err = vm_unmap_range(p->vm, new_end, old_end - new_end);
    if (!err)
        p->brk = want;
    return (int32_t)p->brk;
}

int32_t sys_mmap2(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t addr = a->arg[0], len = page_up(a->arg[1]), prot = a->arg[2], flags = a->arg[3];
    if (!p || len == 0 || len < a->arg[1] || !(flags & (MAP_SHARED | MAP_PRIVATE)))
        return -EINVAL;
    if (!(flags & MAP_ANONYMOUS))
        return -ENODEV;
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (flags & MAP_FIXED) {
        if (addr % PAGE_SIZE || addr + len < addr || addr + len > USER_TOP || addr == 0)
            return -EINVAL;
        int err = vm_unmap_range(p->vm, addr, len);
        if (err)
            return err;
    } else if ((addr = vm_find_free(p->vm, len, MMAP_TOP)) == 0) {
        return -ENOMEM;
    }
    int err = vm_map_anon(p->vm, addr, len, (prot & PROT_WRITE ? PTE_WRITE : 0) |
                                            (flags & MAP_SHARED ? PTE_SHARED : 0));
    return err ? err : (int32_t)addr;
}

int32_t sys_munmap(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t addr = a->arg[0], len = page_up(a->arg[1]);
    if (!p || len < a->arg[1])
        return -EINVAL;
    return vm_unmap_range(p->vm, addr, len);
}
