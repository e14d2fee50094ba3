/*
 * file_mmap.c - shared mappings of files (see include/vm.h).  Linux keeps
 * their fault, filemap_fault(), with the page cache in mm/filemap.c; here
 * the mapping side has its own file, and mm/filemap.c is the cache alone.
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
 * The reverse map: the file's address_space lists the areas that map it
 * (mapping->mmaps); a page's PTE in each is at start + (index - pgoff)
 * pages.  Every PTE of a file area changes under mapping->lock -- the
 * fault, the unmapping, reclaim (which holds it by trylock only).
 *
 * Truncation unmaps the pages it drops from every area (as Linux does);
 * touching such an address afterwards faults past the end of the file,
 * which is a bus error (Linux's SIGBUS): reported, and the task is ended
 * (kernel/exceptions.c), since nothing could be mapped there.
 */
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "pagemap.h"
#include "printk.h"
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

void filemap_dup_area(struct vm_area *a)
{
    struct inode *inode = a->mapping->host;
    iget(inode->sb, inode->ino);            /* the area's reference: held, never fails */
    mutex_lock(&a->mapping->lock);
    list_add_tail(&a->mmap_link, &a->mapping->mmaps);
    mutex_unlock(&a->mapping->lock);
}

int filemap_fault(struct vm_area *a, uint32_t va)
{
    struct address_space *mapping = a->mapping;
    uint32_t index = a->pgoff + (va - a->start) / PAGE_SIZE;
    if ((uint64_t)index * PAGE_SIZE >= mapping->host->size) {
        pr_err("filemap: bus error: %08x is page %u of inode %u, past its end (%llu bytes)\n",
               va, index, mapping->host->ino, (unsigned long long)mapping->host->size);
        return -ENXIO;
    }
    /* Memory first, the lock after (see mm/filemap.c, struct spare). */
    int err = vm_prepare(a->space, va);
    if (err)
        return err;
    struct page *page = read_cache_page(mapping, index, &err);
    if (!page) {
        if (err != -ENOMEM)
            pr_err("filemap: task %s (%u): page %08x, offset %llu of inode %u on %s: "
                   "reading it failed (%d)\n", current->name, current->id, va,
                   (unsigned long long)index * PAGE_SIZE, mapping->host->ino,
                   mapping_bdev(mapping)->name, err);
        return err;
    }
    mutex_lock(&mapping->lock);
    /* Truncated meanwhile (the page left the file): nothing is mapped and
     * the fault comes again, past the end now -- a bus error. */
    if (page->owner == mapping && !(vm_get_pte(a->space, va) & PTE_PRESENT)) {
        err = vm_map(a->space, va, page_to_phys(page), a->prot | PTE_USER);
        if (!err)
            page = NULL;                    /* the reference is the PTE's now */
    }
    mutex_unlock(&mapping->lock);
    if (page)
        put_page(page);
    return err;
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
        for (uint32_t va = a->start; va < a->end; va += PAGE_SIZE) {
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

void filemap_unmap_area(struct vm_area *a)
{
    struct address_space *mapping = a->mapping;
    mutex_lock(&mapping->lock);
    for (uint32_t va = a->start; va < a->end; va += PAGE_SIZE) {
        uint32_t pte = vm_get_pte(a->space, va);
        if (pte & PTE_PRESENT)
            unmap_pte(a, va, pte, pfn_to_page(pte >> PAGE_SHIFT));
    }
    list_del(&a->mmap_link);
    mutex_unlock(&mapping->lock);
    iput(mapping->host);
}
