/*
 * mmap.c - a process's own view of its memory: brk, mmap2 and munmap
 * (Linux's numbers 45, 192, 91; include/syscall.h).
 *
 * What a process maps is a demand-zero anonymous area or a mapping of a
 * file (vm.h); its anonymous pages -- a private file mapping's written
 * ones too -- are reclaimed and swapped like every other anonymous page,
 * and its file pages like every other file page: the lesson is the same
 * from user mode.
 *
 *   brk(addr)      the heap runs from the end of the program's segments
 *                  to addr; returns the new end, or the old one when addr
 *                  is below the start or the area cannot grow (Linux's
 *                  way of saying no); brk(0) asks where it is.
 *   mmap2(addr, len, prot, flags, fd, pgoff)
 *                  anonymous (MAP_ANONYMOUS), private (fork copies it on
 *                  write) or shared (fork shares it); or the file open
 *                  at fd from its page pgoff (vm_map_file()): shared --
 *                  the page cache's pages, written back as the file's --
 *                  or private -- the file's pages read-only, each copied
 *                  into an anonymous page at its first write, which the
 *                  file never sees.  MAP_FIXED replaces what was there;
 *                  else the highest free range below the stack and its
 *                  guard gap (STACK_GUARD_GAP).
 *                  PROT_WRITE makes it writable; PROT_NONE (no PROT_READ,
 *                  PROT_WRITE or PROT_EXEC) makes it untouchable until an
 *                  mprotect (VM_PROTNONE: a touch is a segfault).  Not
 *                  built yet: a file that is no VFS file -- a pipe, a
 *                  socket, a device (-ENODEV).  A file opened without
 *                  read, or a shared writable mapping of one opened
 *                  without write: -EACCES.  File page numbers that wrap
 *                  past 2^32 (pgoff + the pages): -EOVERFLOW.
 *   munmap(addr, len)  any ranges, cutting areas as needed; a file area's
 *                  dirty pages stay dirty in the page cache (the file's
 *                  writeback writes them: fsync, sync, reclaim), and the
 *                  last area of a file that goes lets go of the file.
 *   mprotect(addr, len, prot)  (125) the range's areas (cut as needed)
 *                  become writable, read-only or PROT_NONE; a page shared
 *                  copy-on-write (or a file's page in a private mapping)
 *                  stays read-only until its write fault.  PROT_WRITE on
 *                  a shared mapping of a file opened without write is
 *                  -EACCES, as in Linux (the area has no VM_MAYWRITE).
 *                  A range with a page in no area -- a hole, the
 *                  kernel's half, past 4 GiB -- is -ENOMEM, as in Linux.
 *   msync(addr, len, flags)  (144) anonymous memory has nothing to
 *                  write (its copy is swap's business); a file area is
 *                  written back with its file (vfs_fsync: the dirty bits
 *                  of its PTEs harvested first) for MS_SYNC.  A range
 *                  in no area: -ENOMEM, as mprotect's.
 *   mlock(addr, len), munlock  (150, 151) the range's pages are faulted
 *                  in and never reclaimed: their areas are VM_LOCKED and
 *                  their PTEs carry PTE_LOCKED, which reclaim checks
 *                  (shrink_anon(): such a page goes back to the active
 *                  list; Linux keeps an unevictable list instead) --
 *                  for a file area, the file's pages its PTEs map
 *                  (vm_unmap_file_page() keeps them).  A range
 *                  reaching the kernel's half: -ENOMEM; one wrapping
 *                  past 4 GiB: -EINVAL (Linux's answers).
 *   mlockall(flags), munlockall  (152, 153) every area; MCL_FUTURE makes
 *                  the areas mapped later (mmap2, brk) VM_LOCKED too,
 *                  their pages locked as they are touched.
 *   At most MLOCK_LIMIT_PAGES (mman.h) locked per process: -ENOMEM (and
 *   -EAGAIN for a mapping under MCL_FUTURE) with a log line.  Neither
 *   fork nor execve passes locks on, as in Linux.
 */
#include "fdtable.h"
#include "file.h"
#include "internal.h"
#include "kerrno.h"
#include "printk.h"
#include "vfs.h"
#include "mm.h"
#include "mman.h"
#include "process.h"
#include "sched.h"
#include "syscall.h"
#include "vm.h"

/* Mappings go below the stack and a gap: the stack does not grow, so a
 * program that recurses too deep must fault on the page under it -- with
 * a mapping right there it would write on into that mapping instead, and
 * a frame larger than a page would jump a one-page gap.  Linux's
 * stack_guard_gap is 256 pages too.  MAP_FIXED may still map into the
 * gap, as in Linux. */
#define STACK_GUARD_GAP (256 * PAGE_SIZE)
#define MMAP_TOP        (USER_TOP - USER_STACK_SIZE - STACK_GUARD_GAP)

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
    if (!f->inode || (f->inode->mode & S_IFMT) != S_IFREG) {
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
    if (!p || len == 0 || len < a->arg[1] || !(flags & (MAP_SHARED | MAP_PRIVATE)) ||
        (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    /* A file's page numbers must not wrap past 2^32 within the area: a
     * page whose number wrapped would sit where the reverse map
     * (index - pgoff) never looks, and stay mapped after truncate or
     * reclaim let it go.  Linux's answer. */
    if (!(flags & MAP_ANONYMOUS) && a->arg[5] + len / PAGE_SIZE < a->arg[5])
        return -EOVERFLOW;
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
    uint32_t pte = (prot & PROT_WRITE ? PTE_WRITE : 0) | (flags & MAP_SHARED ? PTE_SHARED : 0);
    if (!err && file)
        err = vm_map_file(p->vm, addr, len, file->inode, a->arg[5], pte);
    else if (!err)
        err = vm_map_anon(p->vm, addr, len, pte);
    /* PROT_NONE, and a shared mapping of a file that may not be written
     * (mprotect may not make it writable): the new area, whole, is the
     * one to change, so no split (and no allocation) can fail here; and
     * the process's one task is in this call, so nothing touched it in
     * between. */
    uint32_t set = prot & (PROT_READ | PROT_WRITE | PROT_EXEC) ? 0 : VM_PROTNONE;
    uint32_t clear = file && (flags & MAP_SHARED) && !file_writable(file) ? VM_MAYWRITE : 0;
    if (file)
        file_put(file);                 /* the area holds the inode */
    if (!err && (set || clear))
        err = vm_change_range(p->vm, addr, len, -1, set, clear);
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

/* addr rounded down, addr + len rounded up: the pages a call means; false
 * when that wraps or leaves the user half. */
static bool page_range(uint32_t addr, uint32_t len, uint32_t *start, uint32_t *end)
{
    *start = addr & ~(PAGE_SIZE - 1);
    *end = page_up(addr + len);
    return addr + len >= addr && *end >= *start && *end <= USER_TOP;
}

int32_t sys_mprotect(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t addr = a->arg[0], len = page_up(a->arg[1]), prot = a->arg[2];
    if (!p || addr % PAGE_SIZE || len < a->arg[1] || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
        return -EINVAL;
    if (addr + len < addr || addr + len > USER_TOP)
        return -ENOMEM;                 /* no area there: Linux's answer, as for a hole */
    bool none = !(prot & (PROT_READ | PROT_WRITE | PROT_EXEC));
    return len ? vm_change_range(p->vm, addr, len, prot & PROT_WRITE ? PTE_WRITE : 0,
                                 none ? VM_PROTNONE : 0, none ? 0 : VM_PROTNONE) : 0;
}

int32_t sys_msync(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t addr = a->arg[0], flags = a->arg[2], start, end;
    if (!p || addr % PAGE_SIZE || (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC)) ||
        (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
        return -EINVAL;
    if (!page_range(addr, a->arg[1], &start, &end))
        return -ENOMEM;                 /* no area there: Linux's answer, as for a hole */
    for (uint32_t va = start; va < end;) {
        const struct vm_area *area = NULL;
        list_for_each(link, &p->vm->areas) {
            const struct vm_area *x = list_entry(link, struct vm_area, link);
            if (va >= x->start && va < x->end)
                area = x;
        }
        if (!area)
            return -ENOMEM;             /* a page of the range is in no area */
        if (area->mapping && (flags & MS_SYNC)) {
            int err = vfs_fsync(area->mapping->host);
            if (err)
                return err;
        }
        va = area->end;
    }
    return 0;
}

/* The limit, said: -ENOMEM when locking [start, end) too would pass it. */
static int check_lock_limit(struct vm_space *s, uint32_t start, uint32_t end, const char *call)
{
    uint32_t pages = vm_locked_pages(s, start, end);
    if (pages <= MLOCK_LIMIT_PAGES)
        return 0;
    pr_err("mm: %s (%u): %s would lock %u KiB, more than MLOCK_LIMIT_PAGES (%u KiB): "
           "-ENOMEM\n", current->name, current->id, call, pages * 4, MLOCK_LIMIT_PAGES * 4);
    return -ENOMEM;
}

/* mlock's and munlock's answer for a range page_range() refuses, as
 * Linux's: -EINVAL when it wraps past 4 GiB, -ENOMEM (no area there) when
 * it reaches the kernel's half. */
static int lock_range_error(uint32_t addr, uint32_t len)
{
    return addr + len < addr ? -EINVAL : -ENOMEM;
}

int32_t sys_mlock(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t start, end;
    if (!p)
        return -EINVAL;
    if (!page_range(a->arg[0], a->arg[1], &start, &end))
        return lock_range_error(a->arg[0], a->arg[1]);
    int err = check_lock_limit(p->vm, start, end, "mlock");
    if (!err)
        err = vm_change_range(p->vm, start, end - start, -1, VM_LOCKED, 0);
    return err ? err : vm_populate(p->vm, start, end);
}

int32_t sys_munlock(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t start, end;
    if (!p)
        return -EINVAL;
    if (!page_range(a->arg[0], a->arg[1], &start, &end))
        return lock_range_error(a->arg[0], a->arg[1]);
    return vm_change_range(p->vm, start, end - start, -1, 0, VM_LOCKED);
}

/* Every area of s locked (faulted in) or unlocked: 0, -ENOMEM. */
static int lock_all(struct vm_space *s, bool lock)
{
    list_for_each(link, &s->areas) {
        const struct vm_area *area = list_entry(link, struct vm_area, link);
        int err = vm_change_range(s, area->start, area->end - area->start, -1,
                                  lock ? VM_LOCKED : 0, lock ? 0 : VM_LOCKED);
        if (!err && lock)
            err = vm_populate(s, area->start, area->end);
        if (err)
            return err;
    }
    return 0;
}

int32_t sys_mlockall(const struct syscall_args *a)
{
    struct process *p = current->proc;
    uint32_t flags = a->arg[0];
    if (!p || !flags || (flags & ~(MCL_CURRENT | MCL_FUTURE)))
        return -EINVAL;
    if (flags & MCL_CURRENT) {
        int err = check_lock_limit(p->vm, 0, USER_TOP, "mlockall(MCL_CURRENT)");
        if (err || (err = lock_all(p->vm, true)) != 0)
            return err;
    }
    if (flags & MCL_FUTURE)
        p->vm->lock_future = true;
    return 0;
}

int32_t sys_munlockall(const struct syscall_args *a)
{
    (void)a;
    struct process *p = current->proc;
    if (!p)
        return -EINVAL;
    p->vm->lock_future = false;
    return lock_all(p->vm, false);
}
