/*
 * pagecache.c - file pages in memory (see include/pagecache.h).
 *
 * A mapping keeps a list of small records, one per cached page, for
 * walking all of them (writeback, truncation); lookups by (mapping, index)
 * go through one hash table shared by every mapping.  Linux uses a radix
 * tree (now an xarray) per mapping for both.
 */
#include "pagecache.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "slab.h"
#include "x86.h"

#define PAGE_HASH_SIZE 4096

struct cached_page {
    struct list_head link;          /* on its mapping's list */
    struct list_head hash_link;     /* on its hash chain */
    struct address_space *mapping;
    uint32_t index;
    struct page *page;
};

/* Chains change only under the owning mapping's lock; a chain may hold
 * records of several mappings, so walks are done with interrupts off. */
static struct list_head page_hash[PAGE_HASH_SIZE];

static struct list_head *chain(const struct address_space *mapping, uint32_t index)
{
    return &page_hash[((uint32_t)mapping / 64 * 31 + index) % PAGE_HASH_SIZE];
}

void pagecache_init(void)
{
    for (int i = 0; i < PAGE_HASH_SIZE; i++)
        list_init(&page_hash[i]);
}

void mapping_init(struct address_space *mapping, struct inode *host,
                  const struct address_space_ops *ops)
{
    mapping->host = host;
    mapping->ops = ops;
    mutex_init(&mapping->lock, "mapping");
    list_init(&mapping->pages);
    mapping->nrpages = 0;
    mapping->nrdirty = 0;
}

static struct cached_page *find(struct address_space *mapping, uint32_t index)
{
    struct cached_page *found = NULL;
    uint32_t flags = irq_save();
    list_for_each(link, chain(mapping, index)) {
        struct cached_page *c = list_entry(link, struct cached_page, hash_link);
        if (c->mapping == mapping && c->index == index) {
            found = c;
            break;
        }
    }
    irq_restore(flags);
    return found;
}

/* Find or insert and read the page; mapping->lock held.  The reference
 * taken is the caller's; the cache keeps its own. */
static struct page *find_or_read(struct address_space *mapping, uint32_t index, int *err)
{
    struct cached_page *c = find(mapping, index);
    if (!c) {
        c = kmalloc(sizeof(*c), GFP_KERNEL);
        struct page *page = c ? alloc_page(GFP_KERNEL) : NULL;
        if (!page) {
            kfree(c);
            *err = -ENOMEM;
            return NULL;
        }
        page->owner = mapping;
        page->index = index;
        c->mapping = mapping;
        c->index = index;
        c->page = page;
        list_add(&c->link, &mapping->pages);
        uint32_t flags = irq_save();
        list_add(&c->hash_link, chain(mapping, index));
        irq_restore(flags);
        mapping->nrpages++;
    }
    struct page *page = c->page;
    if (!(page->flags & PG_uptodate)) {
        int e = mapping->ops->readpage(mapping, page);
        if (e) {
            *err = e;
            return NULL;
        }
        page->flags |= PG_uptodate;
    }
    uint32_t flags = irq_save();        /* put_cache_page runs without the mutex */
    page->refcount++;
    irq_restore(flags);
    return page;
}

struct page *read_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    mutex_lock(&mapping->lock);
    struct page *page = find_or_read(mapping, index, err);
    mutex_unlock(&mapping->lock);
    return page;
}

struct page *grab_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    return find_or_read(mapping, index, err);
}

void put_cache_page(struct page *page)
{
    uint32_t flags = irq_save();
    page->refcount--;
    irq_restore(flags);
}

void set_page_dirty(struct address_space *mapping, struct page *page)
{
    if (!(page->flags & PG_dirty)) {
        page->flags |= PG_dirty;
        mapping->nrdirty++;
    }
}

int write_mapping_pages(struct address_space *mapping)
{
    int err = 0;
    list_for_each(link, &mapping->pages) {
        struct page *page = list_entry(link, struct cached_page, link)->page;
        if (!(page->flags & PG_dirty))
            continue;
        /* Clean before the write: a page dirtied again while it is written
         * (through a mapping, later) must be written again. */
        page->flags &= ~PG_dirty;
        mapping->nrdirty--;
        int e = mapping->ops->writepage(mapping, page);
        if (e) {
            set_page_dirty(mapping, page);
            if (!err)
                err = e;
        }
    }
    return err;
}

static void drop(struct address_space *mapping, struct cached_page *c)
{
    list_del(&c->link);
    uint32_t flags = irq_save();
    list_del(&c->hash_link);
    irq_restore(flags);
    if (c->page->flags & PG_dirty)
        mapping->nrdirty--;
    c->page->flags &= ~(PG_uptodate | PG_dirty);
    c->page->owner = NULL;
    free_page(c->page);
    kfree(c);
    mapping->nrpages--;
}

void truncate_mapping_from(struct address_space *mapping, uint32_t start)
{
    struct list_head *link = mapping->pages.next;
    while (link != &mapping->pages) {
        struct cached_page *c = list_entry(link, struct cached_page, link);
        link = link->next;
        if (c->index >= start)
            drop(mapping, c);
    }
}

void truncate_mapping(struct address_space *mapping)
{
    mutex_lock(&mapping->lock);
    truncate_mapping_from(mapping, 0);
    mutex_unlock(&mapping->lock);
}
