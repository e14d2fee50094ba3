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

struct page *read_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    mutex_lock(&mapping->lock);
    struct cached_page *c = find(mapping, index);
    if (!c) {
        c = kmalloc(sizeof(*c), GFP_KERNEL);
        struct page *page = c ? alloc_page(GFP_KERNEL) : NULL;
        if (!page) {
            kfree(c);
            mutex_unlock(&mapping->lock);
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
            mutex_unlock(&mapping->lock);
            *err = e;
            return NULL;
        }
        page->flags |= PG_uptodate;
    }
    uint32_t flags = irq_save();        /* put_cache_page runs without the mutex */
    page->refcount++;                   /* the caller's; the cache keeps its own */
    irq_restore(flags);
    mutex_unlock(&mapping->lock);
    return page;
}

void put_cache_page(struct page *page)
{
    uint32_t flags = irq_save();
    page->refcount--;
    irq_restore(flags);
}

void truncate_mapping(struct address_space *mapping)
{
    mutex_lock(&mapping->lock);
    while (!list_empty(&mapping->pages)) {
        struct cached_page *c = list_first_entry(&mapping->pages, struct cached_page, link);
        list_del(&c->link);
        c->page->flags &= ~PG_uptodate;
        c->page->owner = NULL;
        free_page(c->page);
        kfree(c);
    }
    mapping->nrpages = 0;
    mutex_unlock(&mapping->lock);
}
