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
 *                  anonymous (MAP_ANONYMOUS), private (fork copies it on
 *                  write) or shared (fork shares it); or the file open
 *                  at fd from its page pgoff, shared (vm_map_file(): the
 *                  page cache's pages, written back as the file's) --
 *                  MAP_PRIVATE too when not writable, as nothing can tell
 *                  the two apart then.  MAP_FIXED replaces what was
 *                  there; else the highest free range below the stack.
 *                  PROT_WRITE makes it writable.  Not built yet: PROT_NONE
 *                  (-EINVAL), a private writable file mapping and a file
 *                  that is no VFS file -- a pipe, a socket, a device
 *                  (-ENODEV).  A file opened without read, or a shared
 *                  writable mapping of one opened without write: -EACCES.
 *   munmap(addr, len)  anonymous ranges, cutting areas as needed.
 */
#include "fdtable.h"
#include "file.h"
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

/* The open file mmap2 may map, referenced (file_put it), or NULL with *err. */
static struct file *mappable_file(int fd, uint32_t prot, uint32_t flags, int *err)
{
    struct file *f = fd_get(fd);
    *err = -EBADF;
    if (!f)
        return NULL;
    *err = -ENODEV;
    if (!f->inode || (f->inode->mode & S_IFMT) != S_IFREG ||
        ((flags & MAP_PRIVATE) && (prot & PROT_WRITE))) {
        file_put(f);
        return NULL;
    }
    *err = -EACCES;
    if (!file_readable(f) || ((flags & MAP_SHARED) && (prot & PROT_WRITE) && !file_writable(f))) {
        file_put(f);
        return NULL;
    }
    return f;
}

int32_t sys_mmap2(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t addr = a->arg[0], len = page_up(a->arg[1]), prot = a->arg[2], flags = a->arg[3];
    if (!p || len == 0 || len < a->arg[1] || !(flags & (MAP_SHARED | MAP_PRIVATE)))
        return -EINVAL;
    if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    struct file *file = NULL;
    int err;
    if (!(flags & MAP_ANONYMOUS) && !(file = mappable_file((int)a->arg[4], prot, flags, &err)))
        return err;
    if (flags & MAP_FIXED) {
        if (addr % PAGE_SIZE || addr + len < addr || addr + len > USER_TOP || addr == 0)
            err = -EINVAL;
        else
            err = vm_unmap_range(p->vm, addr, len);
    } else {
        addr = vm_find_free(p->vm, len, MMAP_TOP);
        err = addr ? 0 : -ENOMEM;
    }
    uint32_t pte = prot & PROT_WRITE ? PTE_WRITE : 0;
    if (!err && file)
        err = vm_map_file(p->vm, addr, len, file->inode, a->arg[5], pte);
    else if (!err)
        err = vm_map_anon(p->vm, addr, len, pte | (flags & MAP_SHARED ? PTE_SHARED : 0));
    if (file)
        file_put(file);                 /* the area holds the inode */
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
