/*
 * vm.h - page tables and address spaces.
 *
 * Virtual memory map:
 *   0x00000000-0xBFFFFFFF  user half: private to each address space
 *   0xC0000000-...         the direct map: all lowmem at KERNEL_VMA +
 *                          physical (page 0 and the boot stack's guard page
 *                          left out; kernel text and rodata read-only)
 *   0xF0000000-0xF7FFFFFF  kernel stacks, each below an unmapped guard page
 *   0xF8000000-0xFEFFFFFF  device registers (ioremap), uncached
 *
 * The kernel half's page tables are made once at boot and shared by every
 * address space (each page directory copies the same kernel entries), so
 * kernel mappings never need to be synchronised.  The user half's tables
 * are allocated on demand and freed with the address space.
 *
 * vm_map/vm_unmap/vm_protect/vm_lookup work on single 4 KiB pages and
 * flush the TLB entry when the space is the current one (or the change is
 * in the kernel half).  They return 0 or a negative errno; no panics.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "mutex.h"

/* Page table entry bits (Intel SDM vol. 3A, 4.3). */
#define PTE_PRESENT     0x001u
#define PTE_WRITE       0x002u
#define PTE_USER        0x004u
#define PTE_PWT         0x008u  /* write-through */
#define PTE_PCD         0x010u  /* cache disabled: device registers */
#define PTE_ACCESSED    0x020u  /* set by the CPU on any access */
#define PTE_DIRTY       0x040u  /* set by the CPU on a write */
#define PTE_GLOBAL      0x100u
#define PTE_FLAGS_MASK  0xFFFu
/* Bits 9-11 are the software's (the CPU ignores them); swiod marks
 * anonymous PTEs with two, so that reclaim and fork can read what they
 * need from the PTE alone, without the area list (which has no lock
 * reclaim may take): */
#define PTE_SHARED      0x200u  /* a MAP_SHARED page: fork shares it, no COW */
#define PTE_LOCKED      0x400u  /* mlock: reclaim never takes this page (VM_LOCKED) */
#define PTE_SOFT_MASK   (PTE_SHARED | PTE_LOCKED)

/* The page fault error code (Intel SDM vol. 3A, 4.7). */
#define X86_PF_PROT     0x1u    /* 0: page not present, 1: protection violation */
#define X86_PF_WRITE    0x2u    /* the access was a write */
#define X86_PF_USER     0x4u    /* ... from user mode */

#define USER_TOP        0xC0000000u
#define KSTACK_AREA     0xF0000000u
#define KSTACK_SLOTS    256
#define KSTACK_PAGES    4
#define KSTACK_SIZE     (KSTACK_PAGES * 4096u)
#define IOREMAP_AREA    0xF8000000u
#define IOREMAP_END     0xFF000000u

/*
 * The reverse map of anonymous pages: a fork family.  A space made by
 * vm_space_create() starts a family; vm_space_fork() puts the child in
 * its parent's.  An anonymous page's owner is its family (Linux's
 * anon_vma, here one per family of spaces rather than per area) and its
 * index the virtual page number -- the same in every space of the family,
 * since fork copies an address space page for page and nothing moves a
 * page to another address.  Reclaim finds every PTE that maps a page by
 * looking at that address in each space of the family.  The list changes
 * under page_lock (mm/internal.h); the family is freed with its last
 * space, when no page can name it any more (a page's owner is cleared
 * with its last PTE, swapped out or not).
 */
struct anon_vma {
    struct list_head spaces;    /* struct vm_space, by anon_link; page_lock */
};

struct vm_space {
    uint32_t *pgdir;            /* page directory, in the direct map */
    struct list_head areas;     /* struct vm_area: anonymous memory and file mappings */
    struct list_head link;      /* on the list of all spaces (vm_for_each_space) */
    struct mutex mmap_lock;     /* its areas while they change or swapoff walks them (vm.c) */
    uint32_t users;             /* its owner and swapoff's walk; the spaces lock (vm.c) */
    bool dead;                  /* destroyed, kept for a walk that holds it; mmap_lock */
    struct anon_vma *anon_vma;  /* its fork family (NULL: the kernel's space) */
    struct list_head anon_link; /* on anon_vma->spaces; page_lock */
    bool lock_future;           /* mlockall(MCL_FUTURE): new areas are VM_LOCKED; its task */
};

struct address_space;
struct page;

/* An anonymous area's swap read-ahead (mm/swapin.c): the last window
 * read, [start, next), and its size in pages (0 after a random fault).
 * Under page_lock. */
struct swap_ra {
    uint32_t start, next;
    uint32_t size;
};

/* A range of the user half: anonymous memory (pages appear, zeroed, when
 * first touched) or a mapping of a file: shared (its page-cache pages) or
 * private (the file's pages read-only, and anonymous copies of those
 * written, mm/file_mmap.c). */
struct vm_area {
    uint32_t start, end;        /* page aligned, [start, end) */
    uint32_t prot;              /* PTE_WRITE or 0 (VM_PROTNONE: what it gets back) */
    uint32_t vm_flags;          /* VM_SHARED, VM_LOCKED, VM_PROTNONE, VM_MAYWRITE */
    struct vm_space *space;     /* the space it is in */
    struct address_space *mapping;  /* the file mapped, or NULL: anonymous */
    uint32_t pgoff;             /* the file page at start; start, end and pgoff of a
                                 * file area change under mapping->lock too */
    struct list_head link;      /* on space->areas */
    struct list_head mmap_link; /* on mapping->mmaps, under mapping->lock */
    struct list_head shared_link;   /* VM_SHARED anonymous: a ring of the areas fork made
                                     * of one, one per space, that share its pages;
                                     * page_lock */
    struct swap_ra ra;          /* anonymous pages: where swap read-ahead is */
};

/* An area's vm_flags (Linux's names).  VM_PROTNONE is Linux's PROT_NONE
 * (no VM_READ, VM_WRITE or VM_EXEC): the pages stay, resident or in swap,
 * but their PTEs lack PTE_USER and PTE_WRITE, so that any access from
 * user mode faults, and the fault ends the process (SIGSEGV); a read by
 * copy_from_user fails with -EFAULT (kernel/uaccess.c).  mprotect back
 * gives the pages prot again. */
#define VM_SHARED       0x1u    /* MAP_SHARED: fork shares its pages, never copies them */
#define VM_LOCKED       0x2u    /* mlock: its pages are faulted in and never reclaimed */
#define VM_PROTNONE     0x4u    /* PROT_NONE: no access from user mode */
#define VM_MAYWRITE     0x8u    /* mprotect may make it writable: every area but a shared
                                 * mapping of a file opened without write (-EACCES) */

extern struct vm_space kernel_space;

/* Called by mm_init(): build the kernel's page tables from the early
 * allocator and switch to them. */
void vm_init(uint32_t lowmem_pfns);

struct vm_space *vm_space_create(void);
/* fork's copy of parent (the current space, or one nobody runs): a new
 * space in parent's family with the same areas; private anonymous pages
 * shared copy-on-write (read-only in both until a write, mm/fault.c),
 * swapped-out ones by their slot, MAP_SHARED ones shared writable, file
 * areas mapping the same file (their pages fault in again).  mlock is
 * not inherited.  NULL when memory ran out (nothing is left behind). */
struct vm_space *vm_space_fork(struct vm_space *parent);
void vm_space_destroy(struct vm_space *space);
void vm_switch(struct vm_space *space);

int vm_map(struct vm_space *space, uint32_t va, uint32_t pa, uint32_t prot);
/* Make the page table that will hold va's PTE, so that a vm_map there
 * later needs no memory: 0 or -ENOMEM. */
int vm_prepare(struct vm_space *space, uint32_t va);
int vm_unmap(struct vm_space *space, uint32_t va, uint32_t *pa);
int vm_protect(struct vm_space *space, uint32_t va, uint32_t prot);
int vm_lookup(struct vm_space *space, uint32_t va, uint32_t *pa, uint32_t *prot);

/* At most VM_AREAS_MAX areas in a space: each is kernel memory reclaim
 * cannot take back, so a program mapping page after page (or cutting an
 * area into pieces) is stopped there -- -ENOMEM with a log line, from
 * every call that would add one: a mapping, or a split by munmap or
 * mprotect.  Linux's max_map_count, 65530, is for machines of gigabytes;
 * 1024 areas of 64 bytes is 64 KiB per process. */
#define VM_AREAS_MAX    1024

/* Anonymous memory in the user half: [start, start+len) gets a zeroed
 * page the first time each page is touched (mm/fault.c); prot is
 * PTE_WRITE or 0, with PTE_SHARED for MAP_SHARED (VM_SHARED).  -EINVAL for a
 * range that is unaligned, not in the user half, or overlaps another;
 * -ENOMEM past VM_AREAS_MAX. */
int vm_map_anon(struct vm_space *space, uint32_t start, uint32_t len, uint32_t prot);
/* A mapping of inode's pages from file page pgoff on, at [start,
 * start+len) (mm/file_mmap.c); prot is PTE_WRITE or 0, with PTE_SHARED
 * for MAP_SHARED.  Shared: a fault maps the page-cache page; a write sets
 * the PTE's dirty bit, which becomes PG_dirty when the page is unmapped
 * (by reclaim or when the area goes) -- then the page is written like any
 * dirty file page.  Private: the page-cache page is mapped read-only, and
 * the first write copies it into an anonymous page of the space's own
 * (swapped, and shared copy-on-write by fork, like any); the file never
 * sees it.  Pages past the end of the file are a fault.  Holds a
 * reference to the inode.  -EINVAL as for vm_map_anon. */
struct inode;
int vm_map_file(struct vm_space *space, uint32_t start, uint32_t len, struct inode *inode,
                uint32_t pgoff, uint32_t prot);
/* The page fault handler's question: is addr memory of the current
 * task's space that may be touched this way?  Then map a page and return
 * 0; else -EFAULT (a real fault) or -ENOMEM.  May sleep. */
int handle_page_fault(uint32_t addr, uint32_t error);
/* munmap: take [start, start+len) out of s's areas (cutting or splitting
 * them) and free its pages and swap slots; a file area lets go of the
 * file's pages (their PTE dirty bits become PG_dirty: the file's
 * writeback writes them later) and, when it goes whole, of the file.  0;
 * -EINVAL for a range unaligned or outside the user half; -ENOMEM when
 * an area must be split and there is no memory or VM_AREAS_MAX is reached. */
int vm_unmap_range(struct vm_space *s, uint32_t start, uint32_t len);
/* mprotect, mlock, munlock: the areas over [start, start+len) (split at
 * its edges) get prot (PTE_WRITE or 0; -1 keeps theirs) and have vm_flags
 * set and clear set and cleared (VM_LOCKED, VM_PROTNONE, VM_MAYWRITE);
 * their resident pages follow, a page shared copy-on-write (or a file's
 * page in a private mapping) staying read-only.  0; -EINVAL for a range
 * unaligned or outside the user half; -ENOMEM when a page of it is in no
 * area, or no memory or VM_AREAS_MAX is left to split an area; -EACCES when PTE_WRITE is
 * asked of an area without VM_MAYWRITE (nothing is changed then). */
int vm_change_range(struct vm_space *s, uint32_t start, uint32_t len, int prot, uint32_t set,
                    uint32_t clear);
/* mprotect of a whole area: the anonymous area that starts at start
 * becomes prot (PTE_WRITE or 0), its resident pages too.  -EINVAL if no
 * anonymous area starts there. */
int vm_area_protect(struct vm_space *s, uint32_t start, uint32_t prot);
/* The highest address below `below` where len bytes (page aligned) meet
 * no area and page 0 is not used; 0 when there is none. */
uint32_t vm_find_free(struct vm_space *s, uint32_t len, uint32_t below);
/* Unmap and free every area and its pages (destroying s). */
void vm_unmap_all(struct vm_space *s);
/* Reclaim's reverse map for a file page, mapping->lock held: if any PTE
 * maps page and was used since last time, clear the accessed bits and
 * return true (keep it); the same when a PTE that maps it is mlocked
 * (PTE_LOCKED: never reclaimed); else unmap it everywhere, moving the
 * PTEs' dirty bits to PG_dirty, and return false. */
bool vm_unmap_file_page(struct address_space *mapping, struct page *page);
/* Truncation's: unmap page from every area, used or not (mapping->lock
 * held).  A later touch of the address faults past the end of the file:
 * a bus error that ends the task (handle_page_fault says -ENXIO). */
void filemap_unmap_page(struct address_space *mapping, struct page *page);
/* The file's writeback, mapping->lock held: move every mapped PTE's dirty
 * bit to its page's PG_dirty, so that fsync (the kernel's msync) writes
 * what was stored through a mapping that stays. */
void filemap_harvest_dirty(struct address_space *mapping);
/* The PTE bits an anonymous page at va gets from the area holding it
 * (anonymous, or a private file mapping, whose written pages are
 * anonymous): its protection (PTE_USER unless VM_PROTNONE, PTE_WRITE)
 * and software bits; 0 when no such area holds va. */
uint32_t vm_anon_prot(struct vm_space *s, uint32_t va);
/* Call fn for every address space but the kernel's, each under its own
 * mmap_lock (its areas do not change meanwhile).  Spaces may be created
 * (one made during the walk is walked too: it goes on the list's tail) or
 * destroyed meanwhile (a destroyed one is skipped, and stays allocated
 * until the walk has left it).  fn may sleep; a non-zero return stops
 * the walk and is returned. */
int vm_for_each_space(int (*fn)(struct vm_space *s, void *arg), void *arg);

/* A PTE as it is, 0 when there is no page table: for swap PTEs (swap.h),
 * which are not mappings.  vm_set_pte writes one (making the table) and
 * flushes the TLB entry. */
uint32_t vm_get_pte(struct vm_space *space, uint32_t va);
/* For walks over large, sparse ranges: 0 when va's page table exists;
 * else the end of the 4 MiB its table would cover, where the walk may go
 * on (nothing below that is mapped or swapped). */
uint32_t vm_table_end(struct vm_space *space, uint32_t va);
/* The first page of [va, end) (page aligned) whose PTE is not 0 -- a page
 * or a swap PTE -- or end: for walks over large, sparse ranges (fork's
 * copy, an area's unmapping). */
uint32_t vm_next_used(struct vm_space *space, uint32_t va, uint32_t end);
int vm_set_pte(struct vm_space *space, uint32_t va, uint32_t pte);

/* The user half's pages of s that are in memory and in swap (swap PTEs):
 * a walk of its tables that takes no lock and may run with interrupts
 * off (ps, a snapshot). */
void vm_count_pages(struct vm_space *s, uint32_t *resident, uint32_t *swapped);

/* True when a page of [addr, addr+len) (in the user half) is mapped but
 * not for the user: PROT_NONE's (VM_PROTNONE), which the kernel could
 * read but copy_from_user must not, since the program may not.  Reads
 * the PTEs and takes no lock. */
bool vm_user_denied(struct vm_space *s, uint32_t addr, uint32_t len);
/* How many bytes from addr on (up to len) the program may write: the run
 * of areas that allow it (writable, not PROT_NONE) without a gap, in the
 * user half; a page fault would fill or copy their pages.  Called by the
 * space's own task, which alone changes its areas. */
uint32_t vm_user_writable(struct vm_space *s, uint32_t addr, uint32_t len);

/* True when every byte of [addr, addr+len) is in the kernel's half and
 * mapped: safe to read without faulting.  Walks the tables; takes no lock,
 * so backtraces, fault reports and the views can use it on pointers they
 * do not trust.  A user address is never one: which program's memory is
 * loaded depends on whose space the CPU is in (a kernel thread borrows
 * the last one), so a pointer there in a kernel structure is corrupt. */
bool kernel_addr_mapped(uint32_t addr, uint32_t len);

/* Map len bytes of device registers at physical address phys, uncached
 * (PCD|PWT), into the kernel half; the kernel address of phys, or NULL when
 * the area is full.  Mappings last until power-off: devices never go. */
void *ioremap(uint32_t phys, uint32_t len);

/* A kernel stack of KSTACK_SIZE with an unmapped page below it; returns
 * its lowest address, or NULL.  owner names it in overflow reports. */
void *kstack_alloc(const char *owner);
void kstack_free(void *base);
/* The name of the stack whose guard page holds addr, or NULL. */
const char *stack_guard_owner(uint32_t addr);

/* Run fn(arg) with ESP at stack_top (kernel/call_on_stack.asm). */
uint32_t call_on_stack(uint32_t (*fn)(void *), void *arg, void *stack_top);
