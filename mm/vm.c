/*
 * vm.c - page tables, address spaces and kernel stacks (see include/vm.h).
 * Two-level x86 paging without PAE: a page directory of 1024 entries, each
 * pointing to a page table of 1024 entries, each mapping 4 KiB.
 *
 * Locking of the spaces (lock order: mmap_lock, then spaces_lock):
 *   s->mmap_lock   (Linux's mmap_lock) over s's list of areas while they
 *                  change -- munmap, mprotect/mlock, fork's copy of the
 *                  parent, the destroy -- and while swapoff walks them, so
 *                  swapoff never sees a half-removed area.  One space's
 *                  only: munmap in one process never waits for another's.
 *   spaces_lock    the list of all spaces and each space's users count;
 *                  a spinlock, so never held across a sleep.
 * Why not one lock over all spaces: unmapping a file area
 * takes the file's lock, which kswapd may hold across a page write to
 * nbd0; with a global lock held across that wait, the NBD server's own
 * munmap waited behind it -- the IO path stopped (docs/design.md,
 * invariant 3).  A space stays allocated while swapoff walks it through
 * its users count: the destroy empties it under its mmap_lock and marks it
 * dead, and whoever drops the last use takes it off the list and frees it.
 */
#include "vm.h"
#include "gdt.h"
#include "internal.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "mutex.h"
#include "spinlock.h"
#include "printk.h"
#include "slab.h"
#include "swap.h"
#include "x86.h"

#define PDE_INDEX(va)       ((va) >> 22)
#define PTE_INDEX(va)       (((va) >> 12) & 0x3FF)
#define KERNEL_PDE_FIRST    PDE_INDEX(KERNEL_VMA)
#define KERNEL_TABLES       (1024 - KERNEL_PDE_FIRST)
#define CR4_PGE             (1u << 7)   /* global pages survive a CR3 load */
#define KSTACK_SLOT_SIZE    ((KSTACK_PAGES + 1) * PAGE_SIZE)   /* guard + stack */

struct vm_space kernel_space;
static uint32_t *kernel_tables;         /* KERNEL_TABLES tables, contiguous */
static const char *kstack_owner[KSTACK_SLOTS];  /* NULL: slot free */
static struct list_head all_spaces = LIST_HEAD_INIT(all_spaces);
static struct spinlock spaces_lock;     /* all_spaces and each space's users */

extern char boot_stack_guard[];

static void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

static bool is_current(const struct vm_space *s)
{
    return read_cr3() == virt_to_phys(s->pgdir);
}

/* The PTE for va, or NULL when its page table does not exist (and create
 * is false, or no page could be had for it). */
static uint32_t *pte_of(struct vm_space *s, uint32_t va, bool create)
{
    uint32_t *pde = &s->pgdir[PDE_INDEX(va)];
    if (!(*pde & PTE_PRESENT)) {
        if (!create)
            return NULL;
        void *table = get_zeroed_page(GFP_KERNEL);
        if (!table)
            return NULL;
        *pde = virt_to_phys(table) | PTE_PRESENT | PTE_WRITE | PTE_USER;
    }
    uint32_t *table = phys_to_virt(*pde & ~PTE_FLAGS_MASK);
    return &table[PTE_INDEX(va)];
}

static void flush(struct vm_space *s, uint32_t va)
{
    if (va >= KERNEL_VMA || is_current(s))
        invlpg(va);
}

void vm_init(uint32_t lowmem_pfns)
{
    kernel_space.pgdir = early_alloc(PAGE_SIZE, PAGE_SIZE);
    kernel_tables = early_alloc(KERNEL_TABLES * PAGE_SIZE, PAGE_SIZE);
    if (!kernel_space.pgdir || !kernel_tables) {
        pr_err("vm: no memory for the kernel page tables; staying on the boot tables\n");
        return;
    }
    memset(kernel_space.pgdir, 0, PAGE_SIZE);
    list_init(&kernel_space.areas);
    spin_lock_init(&spaces_lock, "vm_spaces");
    memset(kernel_tables, 0, KERNEL_TABLES * PAGE_SIZE);
    for (uint32_t i = 0; i < KERNEL_TABLES; i++)
        kernel_space.pgdir[KERNEL_PDE_FIRST + i] =
            virt_to_phys(kernel_tables + i * 1024) | PTE_PRESENT | PTE_WRITE;

    /* The direct map.  Page 0 stays out so that a stray phys_to_virt(0)
     * faults; the boot stack's guard stays out so an overflow faults. */
    for (uint32_t pfn = 1; pfn < lowmem_pfns; pfn++) {
        uint32_t va = KERNEL_VMA + (pfn << PAGE_SHIFT);
        uint32_t prot = PTE_PRESENT | PTE_GLOBAL;
        if (va < (uint32_t)kernel_text_start || va >= (uint32_t)kernel_ro_end)
            prot |= PTE_WRITE;
        if (va != (uint32_t)boot_stack_guard)
            kernel_tables[pfn] = (pfn << PAGE_SHIFT) | prot;
    }

    uint32_t cr3 = virt_to_phys(kernel_space.pgdir);
    __asm__ volatile("mov %0, %%cr4" : : "r"(read_cr4() | CR4_PGE));
    __asm__ volatile("mov %0, %%cr3" : : "r"(cr3) : "memory");
    gdt_set_double_fault_cr3(cr3);
    pr_info("vm: direct map of %u MiB at %08x; kernel text and rodata read-only\n",
            lowmem_pfns >> 8, KERNEL_VMA);
}

/* A space with no areas, in family (NULL: a new family of its own), on
 * no list of all spaces yet. */
static struct vm_space *space_alloc(struct anon_vma *family)
{
    struct vm_space *s = kmalloc(sizeof(*s), GFP_KERNEL | __GFP_ZERO);
    if (!s)
        return NULL;
    s->pgdir = get_zeroed_page(GFP_KERNEL);
    struct anon_vma *own = family ? NULL : kmalloc(sizeof(*own), GFP_KERNEL);
    if (!s->pgdir || (!family && !own)) {
        if (s->pgdir)
            free_page_address(s->pgdir);
        kfree(s);
        return NULL;
    }
    if (own) {
        list_init(&own->spaces);
        family = own;
    }
    memcpy(&s->pgdir[KERNEL_PDE_FIRST], &kernel_space.pgdir[KERNEL_PDE_FIRST],
           KERNEL_TABLES * sizeof(uint32_t));
    list_init(&s->areas);
    mutex_init(&s->mmap_lock, "mmap_lock");
    s->users = 1;
    s->anon_vma = family;
    uint32_t flags = spin_lock_irqsave(&page_lock);
    list_add_tail(&s->anon_link, &family->spaces);
    spin_unlock_irqrestore(&page_lock, flags);
    return s;
}

static void add_space(struct vm_space *s)
{
    uint32_t flags = spin_lock_irqsave(&spaces_lock);
    list_add_tail(&s->link, &all_spaces);
    spin_unlock_irqrestore(&spaces_lock, flags);
}

struct vm_space *vm_space_create(void)
{
    struct vm_space *s = space_alloc(NULL);
    if (s)
        add_space(s);
    return s;
}

struct vm_space *vm_space_fork(struct vm_space *parent)
{
    struct vm_space *child = space_alloc(parent->anon_vma);
    if (!child)
        return NULL;
    /* The parent's areas do not change under the copy.  The child goes on
     * the list whole, before the parent is let go: a swapoff that has not
     * yet walked the parent will walk the child too (it is at the tail);
     * one that has walked the parent left no swap PTE of its area there
     * to copy. */
    mutex_lock(&parent->mmap_lock);
    int err = vm_copy_areas(child, parent);
    add_space(child);
    mutex_unlock(&parent->mmap_lock);
    if (err) {
        vm_space_destroy(child);        /* undoes a partial copy like any space */
        return NULL;
    }
    return child;
}

/* Drop one use of s; the last takes it off the list and frees it (it was
 * emptied by vm_space_destroy). */
static void put_space(struct vm_space *s)
{
    uint32_t flags = spin_lock_irqsave(&spaces_lock);
    bool last = --s->users == 0;
    if (last)
        list_del(&s->link);
    spin_unlock_irqrestore(&spaces_lock, flags);
    if (!last)
        return;
    /* A kernel thread may run on it still (sched.c loads no space for
     * one): its directory must not stay in CR3 once freed. */
    if (is_current(s))
        vm_switch(&kernel_space);
    /* Out of its family before its tables go: reclaim walks the family's
     * tables.  No page names a family whose last space has gone. */
    flags = spin_lock_irqsave(&page_lock);
    list_del(&s->anon_link);
    bool last_of_family = list_empty(&s->anon_vma->spaces);
    spin_unlock_irqrestore(&page_lock, flags);
    if (last_of_family)
        kfree(s->anon_vma);
    for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++)
        if (s->pgdir[i] & PTE_PRESENT)
            free_page_address(phys_to_virt(s->pgdir[i] & ~PTE_FLAGS_MASK));
    free_page_address(s->pgdir);
    kfree(s);
}

void vm_space_destroy(struct vm_space *s)
{
    if (is_current(s))
        vm_switch(&kernel_space);
    /* Emptied under its own lock only: swapoff, walking it, sees every
     * swap PTE until it is gone and never a half-dismantled list of
     * areas; nobody else waits while a file area's lock is awaited. */
    mutex_lock(&s->mmap_lock);
    vm_unmap_all(s);
    s->dead = true;
    mutex_unlock(&s->mmap_lock);
    put_space(s);
}

int vm_unmap_range(struct vm_space *s, uint32_t start, uint32_t len)
{
    uint32_t end = start + len;
    if (start % PAGE_SIZE || len % PAGE_SIZE || !len || end < start || end > USER_TOP)
        return -EINVAL;
    mutex_lock(&s->mmap_lock);          /* swapoff must never see a half-removed area */
    int err = vm_remove_range(s, start, end);
    mutex_unlock(&s->mmap_lock);
    return err;
}

int vm_change_range(struct vm_space *s, uint32_t start, uint32_t len, int prot, uint32_t set,
                    uint32_t clear)
{
    uint32_t end = start + len;
    if (start % PAGE_SIZE || len % PAGE_SIZE || end < start || end > USER_TOP)
        return -EINVAL;
    mutex_lock(&s->mmap_lock);          /* as munmap: swapoff sees whole areas */
    int err = vm_change_areas(s, start, end, prot, set, clear);
    mutex_unlock(&s->mmap_lock);
    return err;
}

int vm_for_each_space(int (*fn)(struct vm_space *s, void *arg), void *arg)
{
    int ret = 0;
    uint32_t flags = spin_lock_irqsave(&spaces_lock);
    struct list_head *link = all_spaces.next;
    struct vm_space *s = link == &all_spaces ? NULL : list_entry(link, struct vm_space, link);
    if (s)
        s->users++;
    spin_unlock_irqrestore(&spaces_lock, flags);
    while (s) {
        /* s stays on the list while we use it, so its next is good. */
        mutex_lock(&s->mmap_lock);
        if (!s->dead)
            ret = fn(s, arg);
        mutex_unlock(&s->mmap_lock);
        flags = spin_lock_irqsave(&spaces_lock);
        link = s->link.next;
        struct vm_space *next = ret || link == &all_spaces ? NULL :
                                list_entry(link, struct vm_space, link);
        if (next)
            next->users++;
        spin_unlock_irqrestore(&spaces_lock, flags);
        put_space(s);
        s = next;
    }
    return ret;
}

void vm_switch(struct vm_space *s)
{
    /* A CR3 load empties the TLB -- under QEMU's TCG its whole software
     * TLB, refilled one slow lookup at a time -- so none when s is
     * loaded already: its PTE changes were invalidated one by one
     * (is_current). */
    if (!is_current(s))
        __asm__ volatile("mov %0, %%cr3" : : "r"(virt_to_phys(s->pgdir)) : "memory");
}

/* Addresses the caller may change: page aligned, and not the direct map
 * (which belongs to the allocator) -- user half or kernel stack area. */
static bool changeable(uint32_t va)
{
    return (va & (PAGE_SIZE - 1)) == 0 && (va < USER_TOP || va >= KSTACK_AREA);
}

int vm_map(struct vm_space *s, uint32_t va, uint32_t pa, uint32_t prot)
{
    if (!changeable(va) || (pa & (PAGE_SIZE - 1)))
        return -EINVAL;
    uint32_t *pte = pte_of(s, va, true);
    if (!pte)
        return -ENOMEM;
    if (*pte & PTE_PRESENT)
        return -EBUSY;
    *pte = pa | (prot & (PTE_WRITE | PTE_USER | PTE_SOFT_MASK)) | PTE_PRESENT;
    return 0;
}

int vm_prepare(struct vm_space *s, uint32_t va)
{
    return pte_of(s, va & ~(PAGE_SIZE - 1), true) ? 0 : -ENOMEM;
}

int vm_unmap(struct vm_space *s, uint32_t va, uint32_t *pa)
{
    if (!changeable(va))
        return -EINVAL;
    uint32_t *pte = pte_of(s, va, false);
    if (!pte || !(*pte & PTE_PRESENT))
        return -ENOENT;
    if (pa)
        *pa = *pte & ~PTE_FLAGS_MASK;
    *pte = 0;
    flush(s, va);
    return 0;
}

uint32_t vm_table_end(struct vm_space *s, uint32_t va)
{
    if (s->pgdir[PDE_INDEX(va)] & PTE_PRESENT)
        return 0;
    return (va & ~(PAGE_SIZE * 1024 - 1)) + PAGE_SIZE * 1024;
}

uint32_t vm_next_used(struct vm_space *s, uint32_t va, uint32_t end)
{
    while (va < end) {
        uint32_t pde = s->pgdir[PDE_INDEX(va)];
        uint32_t table_end = (va & ~(PAGE_SIZE * 1024 - 1)) + PAGE_SIZE * 1024;
        if (table_end > end || table_end == 0)
            table_end = end;
        if (pde & PTE_PRESENT) {
            /* The table's entries in a tight loop: an area of a GiB that
             * was touched here and there is mostly zeroes. */
            const uint32_t *table = phys_to_virt(pde & ~PTE_FLAGS_MASK);
            for (uint32_t i = PTE_INDEX(va); va < table_end; i++, va += PAGE_SIZE)
                if (table[i])
                    return va;
        }
        va = table_end;
    }
    return end;
}

uint32_t vm_get_pte(struct vm_space *s, uint32_t va)
{
    uint32_t *pte = pte_of(s, va & ~(PAGE_SIZE - 1), false);
    return pte ? *pte : 0;
}

void vm_count_pages(struct vm_space *s, uint32_t *resident, uint32_t *swapped)
{
    *resident = *swapped = 0;
    for (uint32_t va = vm_next_used(s, 0, USER_TOP); va < USER_TOP;
         va = vm_next_used(s, va + PAGE_SIZE, USER_TOP)) {
        uint32_t pte = vm_get_pte(s, va);
        *resident += (pte & PTE_PRESENT) != 0;
        *swapped += is_swap_pte(pte);
    }
}

int vm_set_pte(struct vm_space *s, uint32_t va, uint32_t value)
{
    if (!changeable(va))
        return -EINVAL;
    uint32_t *pte = pte_of(s, va, true);
    if (!pte)
        return -ENOMEM;
    *pte = value;
    flush(s, va);
    return 0;
}

bool vm_user_denied(struct vm_space *s, uint32_t addr, uint32_t len)
{
    if (!len || addr >= USER_TOP || len > USER_TOP - addr)
        return false;               /* the caller refuses those itself */
    for (uint32_t pn = addr >> PAGE_SHIFT; pn <= (addr + len - 1) >> PAGE_SHIFT; pn++)
        if ((vm_get_pte(s, pn << PAGE_SHIFT) & (PTE_PRESENT | PTE_USER)) == PTE_PRESENT)
            return true;
    return false;
}

int vm_protect(struct vm_space *s, uint32_t va, uint32_t prot)
{
    if (!changeable(va))
        return -EINVAL;
    uint32_t *pte = pte_of(s, va, false);
    if (!pte || !(*pte & PTE_PRESENT))
        return -ENOENT;
    *pte = (*pte & ~(PTE_WRITE | PTE_USER | PTE_SOFT_MASK)) |
           (prot & (PTE_WRITE | PTE_USER | PTE_SOFT_MASK));
    flush(s, va);
    return 0;
}

int vm_lookup(struct vm_space *s, uint32_t va, uint32_t *pa, uint32_t *prot)
{
    uint32_t *pte = pte_of(s, va & ~(PAGE_SIZE - 1), false);
    if (!pte || !(*pte & PTE_PRESENT))
        return -ENOENT;
    if (pa)
        *pa = (*pte & ~PTE_FLAGS_MASK) | (va & (PAGE_SIZE - 1));
    if (prot)
        *prot = *pte & PTE_FLAGS_MASK;
    return 0;
}

/* ---- reading the tables without trusting them --------------------------- */

static bool page_mapped(uint32_t va)
{
    /* Tables are only followed where the direct map can reach them. */
    uint32_t reach = max_pfn ? max_pfn << PAGE_SHIFT : BOOT_MAPPED_BYTES;
    const uint32_t *dir = phys_to_virt(read_cr3() & ~PTE_FLAGS_MASK);
    uint32_t pde = dir[PDE_INDEX(va)];
    if (!(pde & PTE_PRESENT) || (pde & ~PTE_FLAGS_MASK) >= reach)
        return false;
    const uint32_t *table = phys_to_virt(pde & ~PTE_FLAGS_MASK);
    return table[PTE_INDEX(va)] & PTE_PRESENT;
}

bool kernel_addr_mapped(uint32_t addr, uint32_t len)
{
    if (len == 0)
        return true;
    uint32_t last = addr + len - 1;
    if (addr < KERNEL_VMA || last < addr)
        return false;           /* user memory, or wraps around 4 GiB */
    for (uint32_t page = addr & ~(PAGE_SIZE - 1);; page += PAGE_SIZE) {
        if (!page_mapped(page))
            return false;
        if (page >= (last & ~(PAGE_SIZE - 1)))
            return true;
    }
}

/* ---- device registers ------------------------------------------------------ */

void *ioremap(uint32_t phys, uint32_t len)
{
    static uint32_t next = IOREMAP_AREA;        /* bump: mappings are never undone */
    uint32_t offset = phys & (PAGE_SIZE - 1);
    uint32_t pages = (offset + len + PAGE_SIZE - 1) / PAGE_SIZE;
    if (len == 0 || pages > (IOREMAP_END - next) / PAGE_SIZE) {
        pr_err("vm: ioremap of %u bytes at %08x: the device area is full\n", len, phys);
        return NULL;
    }
    uint32_t base = next;
    for (uint32_t i = 0; i < pages; i++) {
        uint32_t *pte = pte_of(&kernel_space, base + i * PAGE_SIZE, false);
        *pte = ((phys & ~(PAGE_SIZE - 1)) + i * PAGE_SIZE) | PTE_PRESENT | PTE_WRITE |
               PTE_PCD | PTE_PWT;
        invlpg(base + i * PAGE_SIZE);
    }
    next += pages * PAGE_SIZE;
    return (void *)(base + offset);
}

/* ---- kernel stacks --------------------------------------------------------- */

static uint32_t slot_base(int slot) { return KSTACK_AREA + slot * KSTACK_SLOT_SIZE; }

void *kstack_alloc(const char *owner)
{
    uint32_t flags = irq_save();
    int slot = 0;
    while (slot < KSTACK_SLOTS && kstack_owner[slot])
        slot++;
    if (slot < KSTACK_SLOTS)
        kstack_owner[slot] = owner;
    irq_restore(flags);
    if (slot == KSTACK_SLOTS) {
        pr_err("vm: all %d kernel stack slots are in use\n", KSTACK_SLOTS);
        return NULL;
    }

    uint32_t base = slot_base(slot) + PAGE_SIZE;        /* the guard stays unmapped */
    for (int i = 0; i < KSTACK_PAGES; i++) {
        struct page *p = alloc_page(GFP_KERNEL);
        if (!p || vm_map(&kernel_space, base + i * PAGE_SIZE, page_to_phys(p), PTE_WRITE) < 0) {
            if (p)
                free_page(p);
            kstack_free((void *)base);                  /* undoes pages 0..i-1 */
            return NULL;
        }
    }
    return (void *)base;
}

void kstack_free(void *stack)
{
    uint32_t base = (uint32_t)stack;
    int slot = (base - KSTACK_AREA) / KSTACK_SLOT_SIZE;
    for (int i = 0; i < KSTACK_PAGES; i++) {
        uint32_t pa;
        if (vm_unmap(&kernel_space, base + i * PAGE_SIZE, &pa) == 0)
            free_page(pfn_to_page(pa >> PAGE_SHIFT));
    }
    kstack_owner[slot] = NULL;
}

const char *stack_guard_owner(uint32_t addr)
{
    uint32_t guard = (uint32_t)boot_stack_guard;
    if (addr >= guard && addr < guard + PAGE_SIZE)
        return "the boot stack";
    if (addr >= KSTACK_AREA && addr < slot_base(KSTACK_SLOTS)) {
        int slot = (addr - KSTACK_AREA) / KSTACK_SLOT_SIZE;
        if (addr < slot_base(slot) + PAGE_SIZE && kstack_owner[slot])
            return kstack_owner[slot];
    }
    return NULL;
}
