/*
 * file_mmap.c - mappings of files, shared and private (see include/vm.h).
 * Linux keeps their fault, filemap_fault(), with the page cache in
 * mm/filemap.c; here the mapping side has its own file, and mm/filemap.c
 * is the cache alone.
 *
 * A file area's PTEs map the file's page-cache pages themselves, one
 * reference per PTE.  Writes through the mapping are not seen by the
 * kernel one by one: the CPU sets the PTE's dirty bit.  That bit is moved
 * to PG_dirty ("harvested") whenever the PTE goes -- reclaim unmapping
 * the page, or the area going away -- and from there the page is written
 * like any dirty file page: by kswiod when reclaim finds it, or by the
 * file's writeback (fsync, sync, the last iput).  The file's writeback
 * also harvests the bits of the PTEs that stay (filemap_harvest_dirty),
 * so fsync -- the kernel's msync -- writes what was stored through a
 * mapping and is still mapped.
 *
 * A private mapping (MAP_PRIVATE, no VM_SHARED) maps the same page-cache
 * pages, always read-only.  A write to one -- or a write fault where
 * nothing is mapped yet -- copies the file's page into a new anonymous
 * page (filemap_cow_fault(), Linux's do_cow_fault and wp_page_copy),
 * which from then on is like any anonymous page: its owner is the
 * space's fork family, reclaim swaps it out and the fault brings it back
 * (a swap PTE in a file area), fork shares it copy-on-write
 * (mm/fault.c).  The file never sees what was written there, and the
 * file's writeback never looks at a private area's PTEs.
 *
 * The reverse map: the file's address_space lists the areas that map it
 * (mapping->mmaps); a page's PTE in each is at start + (index - pgoff)
 * pages.  Every PTE of a file area that maps a page-cache page changes
 * under mapping->lock -- the fault, the copy of a private write, the
 * unmapping, reclaim (which holds it by trylock only) -- and so do an
 * area's start, end and pgoff while it is on the list (a split, a
 * munmap that cuts it), so that a walk never finds a PTE twice or
 * misses one.  The anonymous pages of a private area are found as every
 * anonymous page is (struct anon_vma), under page_lock.
 *
 * Truncation unmaps the pages it drops from every area (as Linux does);
 * touching such an address afterwards faults past the end of the file,
 * which is a bus error (Linux's SIGBUS): reported, and the task is ended
 * (kernel/exceptions.c), since nothing could be mapped there.
 */
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "kstring.h"
#include "pagemap.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "vfs.h"
#include "vm.h"

int vm_map_file(struct vm_space *s, uint32_t start, uint32_t len, struct inode *inode,
                uint32_t pgoff, uint32_t prot)
{
    struct vm_area *a;
    /* Whole before swapoff's walk (under the same lock) can see it. */
    mutex_lock(&s->mmap_lock);
    int err = vm_add_area(s, start, len, prot, &a);
    if (!err) {
        a->mapping = &inode->mapping;
        a->pgoff = pgoff;
        filemap_dup_area(a);
    }
    mutex_unlock(&s->mmap_lock);
    return err;
}

/* The area's reference to its file: held already by whoever has the
 * area it copies, so this never fails. */
static void get_file_ref(const struct vm_area *a)
{
    iget(a->mapping->host->sb, a->mapping->host->ino);
}

void filemap_dup_area(struct vm_area *a)
{
    get_file_ref(a);
    mutex_lock(&a->mapping->lock);
    list_add_tail(&a->mmap_link, &a->mapping->mmaps);
    mutex_unlock(&a->mapping->lock);
}

void filemap_split_area(struct vm_area *a, struct vm_area *b)
{
    get_file_ref(b);
    /* One step for the reverse map: [b->start, a->end) is in exactly
     * one of the two areas at any time it can look. */
    mutex_lock(&a->mapping->lock);
    list_add_tail(&b->mmap_link, &a->mapping->mmaps);
    a->end = b->start;
    mutex_unlock(&a->mapping->lock);
}

/* The file page va of a maps, or -ENXIO (said) when it is past the end
 * of the file: a bus error. */
static int file_index(const struct vm_area *a, uint32_t va, uint32_t *index)
{
    struct address_space *mapping = a->mapping;
    *index = a->pgoff + (va - a->start) / PAGE_SIZE;
    if ((uint64_t)*index * PAGE_SIZE < mapping->host->size)
        return 0;
    pr_err("filemap: bus error: %08x is page %u of inode %u, past its end (%llu bytes)\n",
           va, *index, mapping->host->ino, (unsigned long long)mapping->host->size);
    return -ENXIO;
}

/* The page-cache page index, read if need be, with a reference; NULL and
 * *err (said, unless it is -ENOMEM) when it cannot be had. */
static struct page *file_page(const struct vm_area *a, uint32_t va, uint32_t index, int *err)
{
    struct address_space *mapping = a->mapping;
    struct page *page = read_cache_page(mapping, index, err);
    if (!page && *err != -ENOMEM)
        pr_err("filemap: task %s (%u): page %08x, offset %llu of inode %u on %s: "
               "reading it failed (%d)\n", current->name, current->id, va,
               (unsigned long long)index * PAGE_SIZE, mapping->host->ino,
               mapping_bdev(mapping)->name, *err);
    return page;
}

int filemap_fault(struct vm_area *a, uint32_t va)
{
    struct address_space *mapping = a->mapping;
    uint32_t index;
    int err = file_index(a, va, &index);
    /* Memory first, the lock after (see mm/filemap.c, struct spare). */
    if (err || (err = vm_prepare(a->space, va)) != 0)
        return err;
    struct page *page = file_page(a, va, index, &err);
    if (!page)
        return err;
    mutex_lock(&mapping->lock);
    /* Truncated meanwhile (the page left the file): nothing is mapped and
     * the fault comes again, past the end now -- a bus error. */
    if (page->owner == mapping && !vm_get_pte(a->space, va)) {
        err = vm_map(a->space, va, page_to_phys(page), vm_area_page_prot(a, page));
        if (!err)
            page = NULL;                    /* the reference is the PTE's now */
    }
    mutex_unlock(&mapping->lock);
    if (page)
        put_page(page);
    return err;
}

int filemap_cow_fault(struct vm_area *a, uint32_t va)
{
    struct address_space *mapping = a->mapping;
    struct vm_space *s = a->space;
    uint32_t index;
    int err = file_index(a, va, &index);
    if (err || (err = vm_prepare(s, va)) != 0)
        return err;
    struct page *copy = alloc_page(GFP_KERNEL);
    if (!copy)
        return -ENOMEM;
    struct page *page = file_page(a, va, index, &err);
    if (!page) {
        free_page(copy);
        return err;
    }
    /* The file's lock keeps its page's PTEs still; page_lock the
     * anonymous page's link to its PTE.  Nothing mapped, or the file's
     * page: the copy takes its place.  Anything else (an anonymous page
     * or a swap PTE: copied before) is for the fault that comes again. */
    mutex_lock(&mapping->lock);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    uint32_t pte = vm_get_pte(s, va);
    bool file_pte = (pte & PTE_PRESENT) && pte >> PAGE_SHIFT == page_to_pfn(page);
    if (page->owner == mapping && (!pte || file_pte)) {
        memcpy(page_address(copy), page_address(page), PAGE_SIZE);
        anon_page_mapped(copy, s, va);
        vm_set_pte(s, va, page_to_phys(copy) | vm_area_page_prot(a, copy) | PTE_DIRTY |
                          PTE_PRESENT);
        lru_add(copy, LRU_ACTIVE);
        copy = NULL;
        if (file_pte)
            page->refcount--;           /* the PTE's; ours keeps it */
        vm_events.cow_copied++;
    }
    spin_unlock_irqrestore(&page_lock, flags);
    mutex_unlock(&mapping->lock);
    put_page(page);
    if (copy)
        free_page(copy);
    return 0;
}

/* The PTE of a in which page would be mapped, or 0 when it is not. */
static uint32_t pte_in(const struct vm_area *a, const struct page *page, uint32_t *va)
{
    if (page->index < a->pgoff || page->index - a->pgoff >= (a->end - a->start) / PAGE_SIZE)
        return 0;
    *va = a->start + (page->index - a->pgoff) * PAGE_SIZE;
    uint32_t pte = vm_get_pte(a->space, *va);
    return (pte & PTE_PRESENT) && pte >> PAGE_SHIFT == page_to_pfn(page) ? pte : 0;
}

/* Remove one PTE of a file page, keeping what its dirty bit says. */
static void unmap_pte(struct vm_area *a, uint32_t va, uint32_t pte, struct page *page)
{
    vm_set_pte(a->space, va, 0);
    if ((pte & PTE_DIRTY) && page->owner == a->mapping)
        set_page_dirty(a->mapping, page);
    put_page(page);
}

bool vm_unmap_file_page(struct address_space *mapping, struct page *page)
{
    bool referenced = false;
    uint32_t va;
    list_for_each(link, &mapping->mmaps) {
        struct vm_area *a = list_entry(link, struct vm_area, mmap_link);
        uint32_t pte = pte_in(a, page, &va);
        if (pte & PTE_LOCKED)
            referenced = true;          /* mlock: never reclaimed */
        if (pte & PTE_ACCESSED) {
            vm_set_pte(a->space, va, pte & ~PTE_ACCESSED);
            referenced = true;
        }
    }
    if (referenced)
        return true;
    filemap_unmap_page(mapping, page);
    return false;
}

void filemap_unmap_page(struct address_space *mapping, struct page *page)
{
    uint32_t va;
    list_for_each(link, &mapping->mmaps) {
        struct vm_area *a = list_entry(link, struct vm_area, mmap_link);
        uint32_t pte = pte_in(a, page, &va);
        if (pte)
            unmap_pte(a, va, pte, page);
    }
}

void filemap_harvest_dirty(struct address_space *mapping)
{
    list_for_each(link, &mapping->mmaps) {
        struct vm_area *a = list_entry(link, struct vm_area, mmap_link);
        /* A private area's file pages are read-only, and its dirty pages
         * anonymous copies: nothing there is the file's. */
        for (uint32_t va = a->start; (a->vm_flags & VM_SHARED) && va < a->end;
             va += PAGE_SIZE) {
            uint32_t pte = vm_get_pte(a->space, va);
            if ((pte & (PTE_PRESENT | PTE_DIRTY)) != (PTE_PRESENT | PTE_DIRTY))
                continue;
            /* Clean the PTE before the write: a store after this sets the
             * bit again, and the page is written again. */
            vm_set_pte(a->space, va, pte & ~PTE_DIRTY);
            set_page_dirty(mapping, pfn_to_page(pte >> PAGE_SHIFT));
        }
    }
}

void filemap_unmap_pages(struct vm_area *a)
{
    struct address_space *mapping = a->mapping;
    mutex_lock(&mapping->lock);
    for (uint32_t va = vm_next_used(a->space, a->start, a->end); va < a->end;
         va = vm_next_used(a->space, va + PAGE_SIZE, a->end)) {
        uint32_t pte = vm_get_pte(a->space, va);
        struct page *page = pte & PTE_PRESENT ? pfn_to_page(pte >> PAGE_SHIFT) : NULL;
        if (page && !(page->flags & PG_anon))   /* anonymous: a private area's copy */
            unmap_pte(a, va, pte, page);
    }
    mutex_unlock(&mapping->lock);
}

void filemap_detach_area(struct vm_area *a)
{
    struct address_space *mapping = a->mapping;
    mutex_lock(&mapping->lock);
    list_del(&a->mmap_link);
    mutex_unlock(&mapping->lock);
    iput(mapping->host);
}
