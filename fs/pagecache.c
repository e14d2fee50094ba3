/*
 * pagecache.c - file pages in memory (see include/pagecache.h).
 *
 * A mapping keeps a list of small records, one per cached page.  A linear
 * search is fine for the file sizes the tests use; a radix tree is the
 * grown-up answer.
 */
#include "pagecache.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "slab.h"
#include "x86.h"

struct cached_page {
    struct list_head link;
    uint32_t index;
    struct page *page;
};

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
    list_for_each(link, &mapping->pages) {
        struct cached_page *c = list_entry(link, struct cached_page, link);
        if (c->index == index)
            return c;
    }
    return NULL;
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
        c->index = index;
        c->page = page;
        list_add(&c->link, &mapping->pages);
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
