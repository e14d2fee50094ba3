/*
 * fault.c - the areas of an address space, demand-zero anonymous memory,
 * and the page fault handler that fills them (see include/vm.h); file
 * mappings are mm/file_mmap.c.  A private file mapping's written pages
 * are anonymous pages, so everything below about them holds there too.
 *
 * A page of an area has no mapping until it is first touched; the fault
 * then allocates a zeroed page and maps it.  A write to a read-only area,
 * a protection fault, or an address outside every area is a real fault:
 * handle_page_fault says -EFAULT and the exception is reported as before.
 * A page that went to swap left a swap PTE (swap.h): the fault reads it
 * back (swapin.c).
 *
 * Every anonymous page knows its PTEs -- its owner is the fork family
 * of spaces it lives in (struct anon_vma, vm.h), its index the virtual
 * page number, the same in every space of the family -- and sits on the
 * LRU, so that reclaim can go from a page to every PTE that maps it and
 * replace each with a swap PTE.  That link changes only under page_lock
 * (mm/internal.h); page->mapcount counts the PTEs that map the page.
 *
 * Copy-on-write.  fork (vm_space_fork) gives the child the parent's
 * private pages read-only in both, each PTE a reference, and the swap
 * PTEs as they are, each a reference to its slot (swap.h).  A write to
 * such a page faults (a protection fault on a writable area): when the
 * writer is the last sharer -- the page's only PTE, and if it is in the
 * swap cache the only holder of its slot -- the PTE simply becomes
 * writable; else the page is copied into a new one for the writer
 * (do_wp_page).  A page brought back from swap into a private area is
 * mapped read-only while its slot has other holders (anon_pte_prot), so
 * that a COW page swapped out and back stays shared until a write.  A
 * MAP_SHARED area's pages (VM_SHARED, PTE_SHARED) are never copied: fork
 * maps the same pages writable in both.
 *
 * PROT_NONE (VM_PROTNONE) keeps an area's pages where they are and takes
 * PTE_USER and PTE_WRITE off their PTEs: reclaim, swap and fork treat
 * them as ever, a touch from user mode is a protection fault that no
 * area explains (SIGSEGV), and mprotect back makes them the program's
 * again, those in swap as they fault in.
 */
#include "gfp.h"
#include "internal.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "mman.h"
#include "pagemap.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "vm.h"


static struct vm_area *find_area(struct vm_space *s, uint32_t addr)
{
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (addr >= a->start && addr < a->end)
            return a;
    }
    return NULL;
}

/* Room in s for one more area, or -ENOMEM said (VM_AREAS_MAX, vm.h). */
static int area_room(struct vm_space *s)
{
    uint32_t areas = 0;
    list_for_each(link, &s->areas)
        areas++;
    if (areas < VM_AREAS_MAX)
        return 0;
    pr_err("mm: %s (%u): its space has all VM_AREAS_MAX (%u) areas: -ENOMEM\n", current->name,
           current->id, VM_AREAS_MAX);
    return -ENOMEM;
}
_Static_assert(VM_AREAS_MAX == 1024, "vm.h's comment says the number");

int vm_add_area(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot,
                struct vm_area **out)
{
    uint32_t end = start + len;
    if (start % PAGE_SIZE || len % PAGE_SIZE || !len || end < start || end > USER_TOP)
        return -EINVAL;
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (start < a->end && a->start < end)
            return -EINVAL;
    }
    int err = area_room(s);
    if (err)
        return err;
    if (s->lock_future && vm_locked_pages(s, start, end) > MLOCK_LIMIT_PAGES) {
        pr_err("mm: %s (%u): a mapping of %u KiB under mlockall(MCL_FUTURE) would lock more "
               "than MLOCK_LIMIT_PAGES (%u KiB): -EAGAIN\n", current->name, current->id,
               len / 1024, MLOCK_LIMIT_PAGES * 4);
        return -EAGAIN;
    }
    struct vm_area *a = kmalloc(sizeof(*a), GFP_KERNEL);
    if (!a)
        return -ENOMEM;
    *a = (struct vm_area){ .start = start, .end = end, .prot = prot & PTE_WRITE, .space = s,
                           .vm_flags = (prot & PTE_SHARED ? VM_SHARED : 0) | VM_MAYWRITE |
                                       (s->lock_future ? VM_LOCKED : 0) };
    list_init(&a->shared_link);
    list_add(&a->link, &s->areas);
    if (out)
        *out = a;
    return 0;
}

int vm_map_anon(struct vm_space *s, uint32_t start, uint32_t len, uint32_t prot)
{
    mutex_lock(&s->mmap_lock);          /* not while swapoff walks the areas */
    int err = vm_add_area(s, start, len, prot, NULL);
    mutex_unlock(&s->mmap_lock);
    return err;
}

/* The PTE bits an area's pages get: its protection (none for the user
 * under VM_PROTNONE), and the software bits that say VM_SHARED and
 * VM_LOCKED (vm.h). */
static uint32_t area_pte_prot(const struct vm_area *a)
{
    uint32_t prot = a->vm_flags & VM_PROTNONE ? 0 : a->prot | PTE_USER;
    return prot | (a->vm_flags & VM_SHARED ? PTE_SHARED : 0) |
           (a->vm_flags & VM_LOCKED ? PTE_LOCKED : 0);
}

/* Does a hold anonymous pages: an anonymous area, or a private file
 * mapping (its written pages)? */
static bool has_anon_pages(const struct vm_area *a)
{
    return !a->mapping || !(a->vm_flags & VM_SHARED);
}

uint32_t vm_anon_prot(struct vm_space *s, uint32_t va)
{
    struct vm_area *a = find_area(s, va);
    return a && has_anon_pages(a) ? area_pte_prot(a) : 0;
}

/* ---- the reverse map (page_lock held for all of these) ------------------ */

/* The PTE at page's address in s if it maps page, else 0. */
static uint32_t pte_mapping(struct vm_space *s, const struct page *page)
{
    uint32_t pte = vm_get_pte(s, page->index << PAGE_SHIFT);
    return (pte & PTE_PRESENT) && pte >> PAGE_SHIFT == page_to_pfn(page) ? pte : 0;
}

#define for_each_family_space(page, s)                                                    \
    for (struct list_head *l_ = ((struct anon_vma *)(page)->owner)->spaces.next;          \
         l_ != &((struct anon_vma *)(page)->owner)->spaces &&                             \
         ((s) = list_entry(l_, struct vm_space, anon_link), true); l_ = l_->next)

uint32_t anon_ptes(const struct page *page)
{
    uint32_t bits = 0;
    struct vm_space *s;
    if (!page->owner || !(page->flags & PG_anon) || !page->mapcount)
        return 0;
    for_each_family_space(page, s)
        bits |= pte_mapping(s, page);
    return bits & PTE_FLAGS_MASK;
}

void anon_ptes_clear(struct page *page, uint32_t bits)
{
    struct vm_space *s;
    uint32_t pte;
    if (!page->owner || !(page->flags & PG_anon))
        return;
    for_each_family_space(page, s)
        if ((pte = pte_mapping(s, page)) != 0 && (pte & bits))
            vm_set_pte(s, page->index << PAGE_SHIFT, pte & ~bits);
}

void anon_unmap_to_swap(struct page *page)
{
    struct vm_space *s;
    if (!page->owner || !(page->flags & PG_anon))
        return;
    for_each_family_space(page, s) {
        if (pte_mapping(s, page)) {
            vm_set_pte(s, page->index << PAGE_SHIFT, page->swap);
            page->mapcount--;
            page->refcount--;               /* that PTE's reference */
        }
    }
}

bool anon_exclusive(const struct page *page)
{
    if (page->mapcount > 1)
        return false;
    if (!(page->flags & PG_swapcache))
        return true;
    struct swap_area *area = swap_area_by_index(swap_pte_area(page->swap));
    return area && swap_slot_count(area, swap_pte_slot(page->swap)) <= 1;
}

uint32_t anon_pte_prot(const struct page *page, uint32_t prot)
{
    return (prot & PTE_SHARED) || anon_exclusive(page) ? prot : prot & ~PTE_WRITE;
}

uint32_t vm_area_page_prot(const struct vm_area *a, const struct page *page)
{
    if (page->flags & PG_anon)
        return anon_pte_prot(page, area_pte_prot(a));
    return area_pte_prot(a) & (a->vm_flags & VM_SHARED ? ~0u : ~PTE_WRITE);
}

void anon_remap_swap(struct page *page, uint32_t entry)
{
    struct vm_space *s;
    uint32_t va = page->index << PAGE_SHIFT;
    if (!page->owner || !(page->flags & PG_anon))
        return;
    for_each_family_space(page, s) {
        if (vm_get_pte(s, va) == entry) {
            page->mapcount++;
            page->refcount++;               /* the mapping's again */
        }
    }
    for_each_family_space(page, s)
        if (vm_get_pte(s, va) == entry)
            vm_set_pte(s, va, page_to_phys(page) | PTE_PRESENT |
                              anon_pte_prot(page, vm_anon_prot(s, va)));
}

void anon_page_mapped(struct page *page, struct vm_space *s, uint32_t va)
{
    page->flags |= PG_anon;
    page->owner = s->anon_vma;
    page->index = va >> PAGE_SHIFT;
    page->mapcount++;
}

/* ---- faults ------------------------------------------------------------- */

static int map_zeroed_page(struct vm_space *s, const struct vm_area *a, uint32_t va);

/* The PTE another area of a's ring has at va (a page or a swap PTE), or 0:
 * the page a MAP_SHARED area shares with the spaces fork made.  page_lock
 * held. */
static uint32_t shared_pte(const struct vm_area *a, uint32_t va)
{
    for (const struct list_head *l = a->shared_link.next; l != &a->shared_link; l = l->next) {
        const struct vm_area *o = list_entry(l, struct vm_area, shared_link);
        uint32_t pte = va >= o->start && va < o->end ? vm_get_pte(o->space, va) : 0;
        if (pte)
            return pte;
    }
    return 0;
}

/*
 * The first touch of va in a MAP_SHARED area here: if a sharer (fork's
 * parent or child) has the page, map that very page (or name its swap
 * slot, and the fault comes again to read it); else a zeroed page, which
 * the sharers will find.  There is no object that holds the pages (Linux
 * has a shmem file): the ring of sharing areas is where they are found.
 */
static int shared_fault(struct vm_space *s, const struct vm_area *a, uint32_t va)
{
    int err = vm_prepare(s, va);
    struct page *fresh = err ? NULL : alloc_page(GFP_KERNEL | __GFP_ZERO);
    if (!fresh)
        return -ENOMEM;
    uint32_t flags = spin_lock_irqsave(&page_lock);
    uint32_t pte = vm_get_pte(s, va) ? 0 : shared_pte(a, va);
    if (vm_get_pte(s, va)) {
        /* Filled meanwhile: nothing to do. */
    } else if (pte & PTE_PRESENT) {
        struct page *page = pfn_to_page(pte >> PAGE_SHIFT);
        page->refcount++;
        anon_page_mapped(page, s, va);
        if (page->flags & PG_swapcache)
            swap_slot_dup(swap_area_by_index(swap_pte_area(page->swap)),
                          swap_pte_slot(page->swap));
        vm_set_pte(s, va, page_to_phys(page) | area_pte_prot(a) | PTE_PRESENT);
    } else if (pte) {                   /* in swap: the next fault reads it */
        swap_slot_dup(swap_area_by_index(swap_pte_area(pte)), swap_pte_slot(pte));
        vm_set_pte(s, va, pte);
    } else {
        vm_set_pte(s, va, page_to_phys(fresh) | area_pte_prot(a) | PTE_PRESENT);
        anon_page_mapped(fresh, s, va);
        lru_add(fresh, LRU_INACTIVE);
        fresh = NULL;
    }
    spin_unlock_irqrestore(&page_lock, flags);
    if (fresh)
        free_page(fresh);
    return 0;
}

/*
 * A write to a present, read-only page of a writable private area: a page
 * shared copy-on-write.  The last sharer writes in place; any other gets
 * a copy (the allocation first, outside page_lock, then everything looked
 * at again under it).  A file's page in a private file area is always
 * copied, under the file's lock (filemap_cow_fault).  0, or -ENOMEM.
 */
static int do_wp_page(struct vm_area *a, struct vm_space *s, uint32_t va)
{
    struct page *copy = NULL;
    for (;;) {
        uint32_t flags = spin_lock_irqsave(&page_lock);
        uint32_t pte = vm_get_pte(s, va);
        if (!(pte & PTE_PRESENT) || (pte & PTE_WRITE)) {
            /* Swapped out or made writable meanwhile: fault again, or done. */
            spin_unlock_irqrestore(&page_lock, flags);
            if (copy)
                free_page(copy);
            return 0;
        }
        struct page *page = pfn_to_page(pte >> PAGE_SHIFT);
        if (!(page->flags & PG_anon)) {
            spin_unlock_irqrestore(&page_lock, flags);
            if (copy)
                free_page(copy);
            return filemap_cow_fault(a, va);
        }
        if (anon_exclusive(page)) {
            vm_set_pte(s, va, pte | PTE_WRITE);
            vm_events.cow_reused++;
            spin_unlock_irqrestore(&page_lock, flags);
            if (copy)
                free_page(copy);
            return 0;
        }
        if (copy) {
            memcpy(page_address(copy), page_address(page), PAGE_SIZE);
            vm_set_pte(s, va, page_to_phys(copy) | (pte & (PTE_USER | PTE_SOFT_MASK)) |
                              PTE_WRITE | PTE_DIRTY | PTE_PRESENT);
            anon_page_mapped(copy, s, va);
            lru_add(copy, LRU_ACTIVE);
            /* The old page loses this PTE, and its slot this holder. */
            page->mapcount--;
            struct page *cached = (page->flags & PG_swapcache)
                                      ? swap_entry_free_locked(page->swap) : NULL;
            vm_events.cow_copied++;
            spin_unlock_irqrestore(&page_lock, flags);
            put_page(page);
            if (cached)
                put_page(cached);
            return 0;
        }
        spin_unlock_irqrestore(&page_lock, flags);
        if (!(copy = alloc_page(GFP_KERNEL)))
            return -ENOMEM;
    }
}

uint32_t vm_user_writable(struct vm_space *s, uint32_t addr, uint32_t len)
{
    uint32_t done = 0;
    while (done < len && addr + done >= addr && addr + done < USER_TOP) {
        const struct vm_area *a = find_area(s, addr + done);
        if (!a || (a->vm_flags & VM_PROTNONE) || !(a->prot & PTE_WRITE))
            break;
        uint32_t room = a->end - (addr + done);
        done = len - done <= room ? len : done + room;
    }
    return done;
}

int handle_page_fault(uint32_t addr, uint32_t error)
{
    struct vm_space *s = current->vm;
    struct vm_area *a = s && addr < USER_TOP ? find_area(s, addr) : NULL;
    bool write = error & X86_PF_WRITE;
    if (!a || (a->vm_flags & VM_PROTNONE) || (write && !(a->prot & PTE_WRITE)))
        return -EFAULT;
    uint32_t va = addr & ~(PAGE_SIZE - 1);
    if (error & X86_PF_PROT)            /* present: only a copy-on-write page explains it */
        return write && has_anon_pages(a) ? do_wp_page(a, s, va) : -EFAULT;
    uint32_t pte = vm_get_pte(s, va);
    if (is_swap_pte(pte))               /* it was here, and went to swap */
        return swap_in_page(a, s, va, pte, area_pte_prot(a), true);
    if (a->mapping)
        return write && !(a->vm_flags & VM_SHARED) ? filemap_cow_fault(a, va)
                                                   : filemap_fault(a, va);
    return a->vm_flags & VM_SHARED ? shared_fault(s, a, va) : map_zeroed_page(s, a, va);
}

/* A first touch: a zeroed page at va of a.  0, or -ENOMEM. */
static int map_zeroed_page(struct vm_space *s, const struct vm_area *a, uint32_t va)
{
    struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
    if (!page)
        return -ENOMEM;
    /* Map first (that may allocate a page table), then make the page
     * known to reclaim: until then nobody but this task can reach it. */
    int err = vm_map(s, va, page_to_phys(page), area_pte_prot(a));
    if (err) {
        free_page(page);
        return err == -EBUSY ? 0 : err;     /* -EBUSY: mapped meanwhile */
    }
    uint32_t flags = spin_lock_irqsave(&page_lock);
    anon_page_mapped(page, s, va);
    lru_add(page, LRU_INACTIVE);
    spin_unlock_irqrestore(&page_lock, flags);
    return 0;
}

/* One PTE of fork's copy, page_lock held and the child's table made.  A
 * file's page in a private file area is left out: the child's fault
 * maps it from the file again. */
static void copy_pte(struct vm_space *child, struct vm_space *parent, uint32_t va)
{
    uint32_t pte = vm_get_pte(parent, va);
    uint32_t entry = is_swap_pte(pte) ? pte : 0;
    if (pte & PTE_PRESENT) {
        struct page *page = pfn_to_page(pte >> PAGE_SHIFT);
        if (!(page->flags & PG_anon))
            return;
        if ((pte & (PTE_WRITE | PTE_SHARED)) == PTE_WRITE) {
            pte &= ~PTE_WRITE;
            vm_set_pte(parent, va, pte);
        }
        page->refcount++;
        page->mapcount++;
        entry = page->flags & PG_swapcache ? page->swap : 0;
        pte &= ~PTE_LOCKED;             /* mlock is the parent's alone */
    }
    if (entry)
        swap_slot_dup(swap_area_by_index(swap_pte_area(entry)), swap_pte_slot(entry));
    if (pte)
        vm_set_pte(child, va, pte);
}

/* fork: the child's PTEs of the anonymous pages of area a, as the
 * parent's are.  A private page becomes read-only in both
 * (copy-on-write); every copied PTE is a reference to its page and, for
 * a page in the swap cache or a swap PTE, to its slot.  The child's page tables are made first, outside
 * page_lock. */
static int copy_anon_ptes(struct vm_space *child, struct vm_space *parent,
                          const struct vm_area *a)
{
    for (uint32_t va = vm_next_used(parent, a->start, a->end); va < a->end;) {
        if (vm_prepare(child, va))
            return -ENOMEM;
        /* One page_lock for the PTEs one table holds: a 1 MiB process
         * forks with one lock round trip, not 256. */
        uint32_t table_end = (va & ~(PAGE_SIZE * 1024 - 1)) + PAGE_SIZE * 1024;
        if (table_end > a->end || table_end == 0)
            table_end = a->end;
        uint32_t flags = spin_lock_irqsave(&page_lock);
        for (; va < table_end; va = vm_next_used(parent, va + PAGE_SIZE, table_end))
            copy_pte(child, parent, va);
        spin_unlock_irqrestore(&page_lock, flags);
        va = vm_next_used(parent, va, a->end);
    }
    return 0;
}

int vm_copy_areas(struct vm_space *child, struct vm_space *parent)
{
    list_for_each(link, &parent->areas) {
        const struct vm_area *a = list_entry(link, struct vm_area, link);
        struct vm_area *b = kmalloc(sizeof(*b), GFP_KERNEL);
        if (!b)
            return -ENOMEM;
        *b = *a;
        b->space = child;
        b->vm_flags &= ~VM_LOCKED;
        b->ra = (struct swap_ra){ 0 };
        uint32_t flags = spin_lock_irqsave(&page_lock);
        if ((a->vm_flags & VM_SHARED) && !a->mapping)
            list_add(&b->shared_link, (struct list_head *)&a->shared_link);
        else
            list_init(&b->shared_link);
        spin_unlock_irqrestore(&page_lock, flags);
        list_add_tail(&b->link, &child->areas);
        if (a->mapping)
            filemap_dup_area(b);        /* the file's pages fault in from it again */
        if (has_anon_pages(a) && copy_anon_ptes(child, parent, a))
            return -ENOMEM;
    }
    return 0;
}

/* An area goes: out of its space's list and its ring of shared areas
 * (under page_lock: a fault in a sharer walks the ring), or off its
 * file's list, then freed. */
static void free_area(struct vm_area *a)
{
    list_del(&a->link);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    list_del(&a->shared_link);
    spin_unlock_irqrestore(&page_lock, flags);
    if (a->mapping)
        filemap_detach_area(a);
    kfree(a);
}

#define UNMAP_BATCH     32              /* pages freed per hold of page_lock, at most */

/* Free the pages and swap slots of [start, end), part of an anonymous
 * area.  page_lock is held over a run of PTEs (of one table, and up to
 * UNMAP_BATCH pages to free), not taken per PTE: an exiting 1 MiB process
 * lets go of its pages in a few rounds. */
static void unmap_anon_pages(struct vm_space *s, uint32_t start, uint32_t end)
{
    struct page *to_free[UNMAP_BATCH];
    /* Only the used PTEs: an area of a few GiB that was hardly touched
     * goes in a few steps, not a million. */
    for (uint32_t va = vm_next_used(s, start, end); va < end; va = vm_next_used(s, va, end)) {
        uint32_t table_end = (va & ~(PAGE_SIZE * 1024 - 1)) + PAGE_SIZE * 1024;
        if (table_end > end || table_end == 0)
            table_end = end;
        int n = 0;
        uint32_t flags = spin_lock_irqsave(&page_lock);
        /* Two pages at most per PTE: its page and a cached copy of its slot. */
        for (; va < table_end && n + 2 <= UNMAP_BATCH;
             va = vm_next_used(s, va + PAGE_SIZE, table_end)) {
            /* Read and clear the PTE in one step: reclaim may be about to
             * turn it into a swap PTE. */
            uint32_t pte = vm_get_pte(s, va);
            struct page *page = NULL;
            uint32_t entry = is_swap_pte(pte) ? pte : 0;
            if (pte)
                vm_set_pte(s, va, 0);
            if (pte & PTE_PRESENT) {
                page = pfn_to_page(pte >> PAGE_SHIFT);
                page->mapcount--;
                if (page->flags & PG_swapcache)     /* this PTE held the cached page's slot */
                    entry = page->swap;
                else if (!page->mapcount)
                    page->owner = NULL;             /* no PTE names it any more */
            }
            struct page *cached = entry ? swap_entry_free_locked(entry) : NULL;
            if (cached && put_page_locked(cached))
                to_free[n++] = cached;
            if (page && put_page_locked(page))
                to_free[n++] = page;
        }
        spin_unlock_irqrestore(&page_lock, flags);
        while (n)
            free_page(to_free[--n]);
    }
}

/* The pages and slots of area a let go of: a file's pages (their dirty
 * bits moved to the file's pages first), then the anonymous ones. */
static void unmap_area_pages(struct vm_space *s, struct vm_area *a)
{
    if (a->mapping)
        filemap_unmap_pages(a);
    if (has_anon_pages(a))
        unmap_anon_pages(s, a->start, a->end);
}

/* Split the area that holds addr at addr, if addr falls inside one: 0 or
 * -ENOMEM (no memory, or VM_AREAS_MAX).  The new half shares what the old one shared (its ring), or
 * maps the file from where it is now. */
static int split_area(struct vm_space *s, uint32_t addr)
{
    struct vm_area *a = find_area(s, addr);
    if (!a || a->start == addr)
        return 0;
    int err = area_room(s);
    struct vm_area *b = err ? NULL : kmalloc(sizeof(*b), GFP_KERNEL);
    if (!b)
        return -ENOMEM;
    *b = *a;
    b->start = addr;
    b->pgoff += (addr - a->start) / PAGE_SIZE;
    b->ra = (struct swap_ra){ 0 };
    list_init(&b->shared_link);
    list_add(&b->link, &s->areas);
    if (a->mapping) {
        filemap_split_area(a, b);
        return 0;
    }
    uint32_t flags = spin_lock_irqsave(&page_lock);
    a->end = addr;
    list_add(&b->shared_link, &a->shared_link);
    spin_unlock_irqrestore(&page_lock, flags);
    return 0;
}

/* Split the areas at start and at end, so that each area is inside
 * [start, end) or outside it: 0 or -ENOMEM. */
static int split_at_edges(struct vm_space *s, uint32_t start, uint32_t end)
{
    int err = split_area(s, start);
    return err || end >= USER_TOP ? err : split_area(s, end);
}

/*
 * Take [start, end) out of s's areas, as Linux's munmap does: the areas
 * are split at its edges first, then every area inside it goes with its
 * pages.  The anonymous pages need no fixing when an area is split: an
 * anonymous page names its space and address (owner, index), not its
 * area.  A split that finds no memory fails before anything is unmapped
 * (the first split may stay: two areas where there was one, alike).
 * The caller holds the space's mmap_lock (vm.c), as for vm_unmap_all.
 */
int vm_remove_range(struct vm_space *s, uint32_t start, uint32_t end)
{
    int err = split_at_edges(s, start, end);
    if (err)
        return err;
    struct list_head *link = s->areas.next;
    while (link != &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        link = link->next;
        if (start <= a->start && a->end <= end) {
            unmap_area_pages(s, a);
            free_area(a);
        }
    }
    return 0;
}

/* Every PTE of a made again from a's protection and flags: PTE_WRITE only
 * where no copy-on-write sharer is left and never for a file's page in
 * a private area (vm_area_page_prot), PTE_USER unless VM_PROTNONE,
 * PTE_LOCKED while VM_LOCKED.  A page in swap comes back with them.  A
 * file area's PTEs change under the file's lock, an anonymous page's
 * under page_lock. */
static void refresh_ptes(struct vm_space *s, const struct vm_area *a)
{
    if (a->mapping)
        mutex_lock(&a->mapping->lock);
    for (uint32_t va = vm_next_used(s, a->start, a->end); va < a->end;
         va = vm_next_used(s, va + PAGE_SIZE, a->end)) {
        uint32_t flags = spin_lock_irqsave(&page_lock);
        uint32_t pte = vm_get_pte(s, va);
        if (pte & PTE_PRESENT)
            vm_protect(s, va, vm_area_page_prot(a, pfn_to_page(pte >> PAGE_SHIFT)));
        spin_unlock_irqrestore(&page_lock, flags);
    }
    if (a->mapping)
        mutex_unlock(&a->mapping->lock);
}

int vm_change_areas(struct vm_space *s, uint32_t start, uint32_t end, int prot, uint32_t set,
                    uint32_t clear)
{
    for (uint32_t va = start; va < end;) {
        struct vm_area *a = find_area(s, va);
        if (!a)
            return -ENOMEM;             /* a page of the range is in no area (Linux's answer) */
        if (prot >= 0 && (prot & PTE_WRITE) && !(a->vm_flags & VM_MAYWRITE))
            return -EACCES;             /* a file opened read-only, shared */
        va = a->end;
    }
    int err = split_at_edges(s, start, end);
    if (err)
        return err;
    list_for_each(link, &s->areas) {
        struct vm_area *a = list_entry(link, struct vm_area, link);
        if (a->start < start || a->end > end)
            continue;
        uint32_t flags = spin_lock_irqsave(&page_lock);
        if (prot >= 0)
            a->prot = (uint32_t)prot & PTE_WRITE;
        a->vm_flags = (a->vm_flags | set) & ~clear;
        spin_unlock_irqrestore(&page_lock, flags);
        refresh_ptes(s, a);
    }
    return 0;
}

int vm_area_protect(struct vm_space *s, uint32_t start, uint32_t prot)
{
    struct vm_area *a = find_area(s, start);
    if (!a || a->start != start || a->mapping)
        return -EINVAL;
    return vm_change_range(s, a->start, a->end - a->start, (int)prot, 0, 0);
}

uint32_t vm_locked_pages(struct vm_space *s, uint32_t start, uint32_t end)
{
    uint32_t pages = 0;
    list_for_each(link, &s->areas) {
        const struct vm_area *a = list_entry(link, struct vm_area, link);
        uint32_t from = a->start > start ? a->start : start, to = a->end < end ? a->end : end;
        if (a->vm_flags & VM_LOCKED)
            pages += (a->end - a->start) / PAGE_SIZE;
        else if (from < to)
            pages += (to - from) / PAGE_SIZE;
    }
    return pages;
}

int vm_populate(struct vm_space *s, uint32_t start, uint32_t end)
{
    for (uint32_t va = start; va < end; va += PAGE_SIZE) {
        /* A read fault: a page shared copy-on-write stays shared (and
         * locked: PTE_LOCKED survives the copy a write makes). */
        int err = vm_get_pte(s, va) & PTE_PRESENT ? 0 : handle_page_fault(va, X86_PF_USER);
        /* -EFAULT: PROT_NONE (nothing to fault in); -ENXIO: past the end
         * of a mapped file (so is the rest).  Locked all the same. */
        if (err)
            return err == -EFAULT || err == -ENXIO ? 0 : -ENOMEM;
    }
    return 0;
}

uint32_t vm_find_free(struct vm_space *s, uint32_t len, uint32_t below)
{
    if (!len || len % PAGE_SIZE || len > below)
        return 0;
    uint32_t end = below;
    for (bool moved = true; moved;) {
        moved = false;
        if (end < len + PAGE_SIZE)      /* page 0 stays unmapped: NULL faults */
            return 0;
        list_for_each(link, &s->areas) {
            struct vm_area *a = list_entry(link, struct vm_area, link);
            if (a->start < end && end - len < a->end) {
                end = a->start;         /* below this one, and look again */
                moved = true;
            }
        }
    }
    return end - len;
}

void vm_unmap_all(struct vm_space *s)
{
    while (!list_empty(&s->areas)) {
        struct vm_area *a = list_first_entry(&s->areas, struct vm_area, link);
        unmap_area_pages(s, a);
        free_area(a);
    }
}
