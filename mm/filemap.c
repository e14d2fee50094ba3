/*
 * filemap.c - the page cache: file pages in memory (see include/pagemap.h).
 *
 * A mapping keeps a list of small records, one per cached page, for
 * walking all of them (writeback, truncation); lookups by (mapping, index)
 * go through one hash table shared by every mapping.  Linux uses a radix
 * tree (now an xarray) per mapping for both.
 */
#include "pagemap.h"
#include "blkdev.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "printk.h"
#include "ratelimit.h"
#include "reclaim.h"
#include "slab.h"
#include "timer.h"
#include "vfs.h"
#include "vm.h"
#include "wait.h"
#include "x86.h"

#define PAGE_HASH_SIZE 4096
#define READAHEAD_PAGES 64              /* 256 KiB: a read-ahead window */
#define WRITE_RETRY_MS  1000            /* reclaim leaves a file whose write failed */

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
static struct wait_queue writeback_done;    /* some mapping's nr_writeback fell */
static struct wait_queue page_read_done;    /* some read-ahead window's IO ended */

static struct list_head *chain(const struct address_space *mapping, uint32_t index)
{
    return &page_hash[((uint32_t)mapping / 64 * 31 + index) % PAGE_HASH_SIZE];
}

void pagecache_init(void)
{
    for (int i = 0; i < PAGE_HASH_SIZE; i++)
        list_init(&page_hash[i]);
    wait_queue_init(&writeback_done, "file writeback");
    wait_queue_init(&page_read_done, "page read-ahead");
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
    mapping->nr_writeback = 0;
    mapping->wb_epoch = 0;
    mapping->nr_wb_epoch[0] = mapping->nr_wb_epoch[1] = 0;
    mapping->wb_error = 0;
    mapping->dead_said = false;
    mapping->wb_waiters = 0;
    mapping->ra_next = 0;
    list_init(&mapping->mmaps);
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

/*
 * A page and its record, allocated before mapping->lock is taken.  Why:
 * an allocation that reclaims while this file's lock is held cannot free
 * any page of this file (reclaim only trylocks it), and when every task
 * is in that state -- each faulting on its own file -- nothing can be
 * freed at all.  So the page a reader must have is allocated first, and
 * read-ahead, which may do without, takes only memory that is free.
 */
struct spare {
    struct page *page;
    struct cached_page *rec;
};

static void spare_get(struct spare *s, gfp_t gfp)
{
    s->rec = kmalloc(sizeof(*s->rec), gfp);
    s->page = s->rec ? alloc_page(gfp) : NULL;
    if (!s->page) {
        kfree(s->rec);
        s->rec = NULL;
    }
}

static void spare_put(struct spare *s)
{
    if (s->page)
        free_page(s->page);
    kfree(s->rec);
}

/* The record for index, made with a new page (not up to date) when there
 * is none -- the spare one if given, else allocated with gfp; NULL when
 * out of memory.  mapping->lock held. */
static struct cached_page *find_or_create(struct address_space *mapping, uint32_t index,
                                          gfp_t gfp, struct spare *spare)
{
    struct cached_page *c = find(mapping, index);
    if (c)
        return c;
    struct spare mine = { 0 };
    if (!spare || !spare->page)
        spare_get(spare = &mine, gfp);
    struct page *page = spare->page;
    c = spare->rec;
    *spare = (struct spare){ 0 };
    if (!page)
        return NULL;
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
    lru_add_cache_page(page);
    return c;
}

/*
 * Read-ahead, asynchronous.  A reader that misses page index will most
 * likely want the pages after it too: up to READAHEAD_PAGES of them (to
 * the end of the file, or to the first page already here) are put in the
 * cache locked (PG_locked: "being read"), each with a reference for the IO,
 * and the file system's readahead starts reading them and returns.  When
 * the IO ends, pagecache_readahead_end marks them up to date, unlocks them
 * and wakes whoever waits.  The window's first page carries PG_readahead;
 * the reader that reaches it starts the next window (from
 * mapping->ra_next), so one window is being read while the one before it
 * is consumed.  Read-ahead takes only memory that is free (no reclaim) and
 * leaves failures for readpage to meet and report, one page at a time.
 *
 * Truncation may drop a page that is still being read: the IO's reference
 * keeps it alive until the IO ends, and then it is freed.  Reclaim leaves
 * it alone (the extra reference makes it busy).
 */
static void readahead(struct address_space *mapping, uint32_t index)
{
    struct page *pages[READAHEAD_PAGES];
    int n = 0;
    uint64_t size = mapping->host->size;
    for (uint32_t i = index; n < READAHEAD_PAGES && (uint64_t)i * PAGE_SIZE < size; i++) {
        struct cached_page *c = find(mapping, i);
        if (c && (c->page->flags & (PG_uptodate | PG_locked)))
            break;
        if (!c && !(c = find_or_create(mapping, i, 0, NULL)))     /* 0: no reclaim */
            break;
        get_page(c->page);                  /* the IO's */
        set_page_flags(c->page, PG_locked);
        pages[n++] = c->page;
    }
    if (!n)
        return;
    set_page_flags(pages[0], PG_readahead);
    mapping->ra_next = index + n;
    int err = mapping->ops->readahead(mapping, pages, n);
    if (err)
        pagecache_readahead_end(pages, n, err);
}

void pagecache_readahead_end(struct page **pages, int n, int err)
{
    for (int i = 0; i < n; i++)
        clear_page_flags(pages[i], PG_locked | (err ? PG_readahead : 0));
    for (int i = 0; err == 0 && i < n; i++)
        set_page_flags(pages[i], PG_uptodate);
    wake_up(&page_read_done);
    for (int i = 0; i < n; i++)
        put_page(pages[i]);
}

/* A page a reader reached: start the next window if it is the mark, and
 * wait for its read if that is still going on.  mapping->lock held. */
static void readahead_reached(struct address_space *mapping, struct page *page)
{
    if (page->flags & PG_readahead) {
        clear_page_flags(page, PG_readahead);
        if (mapping->ra_next > page->index)
            readahead(mapping, mapping->ra_next);
    }
    if (page->flags & PG_locked)
        wait_event(&page_read_done, !(page->flags & PG_locked));
}

/* Find or insert and read the page; mapping->lock held.  The reference
 * taken is the caller's; the cache keeps its own. */
static struct page *find_or_read(struct address_space *mapping, uint32_t index, int *err,
                                 struct spare *spare)
{
    struct cached_page *c = find(mapping, index);
    bool ra = mapping->ops->readahead != NULL;
    if (ra && (!c || !(c->page->flags & (PG_uptodate | PG_locked))))
        readahead(mapping, index);
    if (!(c = find_or_create(mapping, index, GFP_KERNEL, spare))) {
        *err = -ENOMEM;
        return NULL;
    }
    struct page *page = c->page;
    if (ra)
        readahead_reached(mapping, page);
    if (!(page->flags & PG_uptodate)) {
        int e = mapping->ops->readpage(mapping, page);
        if (e) {
            *err = e;
            return NULL;
        }
        set_page_flags(page, PG_uptodate);
    }
    get_page(page);                     /* put_cache_page runs without the mutex */
    set_page_flags(page, PG_referenced);    /* used: a second chance in reclaim */
    return page;
}

/*
 * The memory first, then the lock: a page allocation may reclaim, and
 * reclaim's progress may need kswiod to write dirty pages of this very
 * file -- under its lock.  So the page is taken before the lock (a spare,
 * unused if the page turns out to be cached).
 */
struct page *lock_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    struct spare spare = { 0 };
    if (!find(mapping, index))          /* a peek: the lock decides */
        spare_get(&spare, GFP_KERNEL);
    mutex_lock(&mapping->lock);
    struct page *page = find_or_read(mapping, index, err, &spare);
    spare_put(&spare);
    return page;
}

struct page *read_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    struct page *page = lock_cache_page(mapping, index, err);
    mutex_unlock(&mapping->lock);
    return page;
}

struct page *grab_cache_page(struct address_space *mapping, uint32_t index, int *err)
{
    return find_or_read(mapping, index, err, NULL);
}

void put_cache_page(struct page *page)
{
    put_page(page);
}

void set_page_dirty(struct address_space *mapping, struct page *page)
{
    if (!(page->flags & PG_dirty)) {
        set_page_flags(page, PG_dirty);
        mapping->nrdirty++;
    }
}

/* Write one batch of pages, already cleaned, sorted by index; a failed
 * batch is dirty again, all of it. */
static int write_batch(struct address_space *mapping, struct page **pages, int n)
{
    kswiod_check_writer("file pages");
    for (int i = 1; i < n; i++) {           /* insertion sort: n is small */
        struct page *p = pages[i];
        int j = i;
        for (; j > 0 && pages[j - 1]->index > p->index; j--)
            pages[j] = pages[j - 1];
        pages[j] = p;
    }
    int err = 0;
    if (mapping->ops->writepages) {
        err = mapping->ops->writepages(mapping, pages, n);
        for (int i = 0; err && i < n; i++)
            set_page_dirty(mapping, pages[i]);
        return err;
    }
    for (int i = 0; i < n; i++) {
        int e = mapping->ops->writepage(mapping, pages[i]);
        if (e) {
            set_page_dirty(mapping, pages[i]);
            err = err ? err : e;
        }
    }
    return err;
}

/*
 * A dirty page is handed to kswiod: counted under writeback, in the
 * current epoch (see writeback_fence).  Clean before the write: a page
 * dirtied again while it is written (through a mapping) must be written
 * again.  mapping->lock held.
 */
static void writeback_take(struct address_space *mapping, struct page *page)
{
    clear_page_flags(page, PG_dirty);
    mapping->nrdirty--;
    page->wb_mapping = mapping;
    page->wb_epoch = mapping->wb_epoch & 1;
    __atomic_fetch_add(&mapping->nr_wb_epoch[page->wb_epoch], 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&mapping->nr_writeback, 1, __ATOMIC_RELAXED);
}

/* Every page handed over in epoch e is done: its counter is 0 while no
 * later epoch counts there, or the epoch after next has begun (which
 * only happens once e has ended). */
static bool epoch_ended(struct address_space *mapping, uint32_t e)
{
    uint32_t now = __atomic_load_n(&mapping->wb_epoch, __ATOMIC_RELAXED);
    return (int32_t)(now - e) >= 2 ||
           __atomic_load_n(&mapping->nr_wb_epoch[e & 1], __ATOMIC_RELAXED) == 0;
}

/*
 * Wait for every page of the file handed to kswiod before now -- not
 * for nr_writeback to reach 0, which a writer that keeps handing pages
 * over (vfs_write past VFS_DIRTY_PAGES_MAX, reclaim) could put off for
 * ever.  The fence closes the current epoch e (pages handed over later
 * count in e + 1) and waits for e's pages.  Two counters are enough
 * because an epoch is closed only after the one before it has ended,
 * so e + 1 reuses a counter that is 0.  Waiting for e - 1 first (pages
 * an earlier fence closed: before now, too) lets the pages handed over
 * meanwhile into e -- the only extra, and a bounded one.  A fence that
 * finds the epoch already moved on shares another's work.
 */
static void writeback_fence(struct address_space *mapping)
{
    writeback_might_wait();
    __atomic_fetch_add(&mapping->wb_waiters, 1, __ATOMIC_RELAXED);
    kswiod_kick();
    mutex_lock(&mapping->lock);
    uint32_t e = mapping->wb_epoch;
    mutex_unlock(&mapping->lock);
    wait_event(&writeback_done, epoch_ended(mapping, e - 1));
    mutex_lock(&mapping->lock);
    if (mapping->wb_epoch == e)
        mapping->wb_epoch = e + 1;
    mutex_unlock(&mapping->lock);
    wait_event(&writeback_done, epoch_ended(mapping, e));
    __atomic_fetch_sub(&mapping->wb_waiters, 1, __ATOMIC_RELAXED);
}

struct block_device *mapping_bdev(const struct address_space *mapping)
{
    return mapping->host->sb->bdev;
}

/* The file's device is dead for good: its dirty pages can go nowhere
 * (see "A dead device" in include/pagemap.h). */
static bool mapping_dead(const struct address_space *mapping)
{
    return blkdev_dead(mapping_bdev(mapping));
}

/* The file's device died: said once for the file, by whoever meets it
 * first (a kswiod whose write failed, or a writeback that found the
 * device dead before trying), with what stays in memory.  mapping->lock
 * held. */
static void say_dead_once(struct address_space *mapping)
{
    if (!mapping->dead_said)
        pr_err("writeback: %s: inode %u: device dead, writes fail for good (-5); its dirty "
               "pages (%u now) stay in memory, unwritten, and fsync gives -EIO\n",
               mapping_bdev(mapping)->name, mapping->host->ino, mapping->nrdirty);
    mapping->dead_said = true;
}

/* A write of the file failed lately: reclaim does not hand its dirty
 * pages over again before wb_retry_ms (see write_failed). */
static bool mapping_backing_off(const struct address_space *mapping)
{
    return mapping->wb_retry_ms && timer_uptime_ms() < mapping->wb_retry_ms;
}

/* The error of a failed kswiod write since the last call, or 0. */
static int mapping_take_wb_error(struct address_space *mapping)
{
    int err = mapping->wb_error;
    mapping->wb_error = 0;
    return err;
}

/*
 * Each page dirty now is handed over once at most (budget): a page whose
 * write fails comes back dirty, and handing it over again and again while
 * the queue keeps filling would be a loop kswiod and this task never
 * leave -- as it was when the device died half way (it is looked at again
 * after every wait, too).
 */
void mapping_start_writeback(struct address_space *mapping)
{
    uint32_t budget = mapping->nrdirty;
restart:
    if (mapping_dead(mapping)) {
        say_dead_once(mapping);
        return;                     /* every write would fail: they stay dirty here */
    }
    list_for_each(link, &mapping->pages) {
        struct page *page = list_entry(link, struct cached_page, link)->page;
        if (!budget)
            return;
        if (!(page->flags & PG_dirty) || (page->flags & PG_writeback))
            continue;               /* a page being written that is dirty again: next time */
        writeback_take(mapping, page);
        if (kswiod_write_page(page) == 0) {
            budget--;
            continue;
        }
        /* kswiod's queue is full: wait for room without the file's lock
         * (kswiod needs it to write), then look again from the start. */
        pagecache_writeback_cancel(mapping, page);
        mutex_unlock(&mapping->lock);
        kswiod_wait_room(mapping_bdev(mapping));
        mutex_lock(&mapping->lock);
        goto restart;
    }
}

int mapping_write_and_wait(struct address_space *mapping)
{
    /* First what kswiod has already (reclaim's pages): a write of those
     * that fails leaves its page dirty, for the pass below. */
    writeback_fence(mapping);
    mutex_lock(&mapping->lock);
    filemap_harvest_dirty(mapping);         /* pages dirty only in a PTE */
    mapping_start_writeback(mapping);
    mutex_unlock(&mapping->lock);
    writeback_fence(mapping);
    mutex_lock(&mapping->lock);
    int err = mapping_take_wb_error(mapping);
    /* A dead device's pages were not even tried: still dirty, and every
     * fsync must say so, not only the first after the failure. */
    if (!err && mapping->nrdirty && mapping_dead(mapping))
        err = -EIO;
    mutex_unlock(&mapping->lock);
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
    clear_page_flags(c->page, PG_uptodate | PG_dirty | PG_readahead);
    /* Out of the cache; a reader (or kswiod, or reclaim) may still hold
     * the page, so it is freed by whoever lets go last (put_page). */
    page_disown(c->page);
    put_page(c->page);
    kfree(c);
    mapping->nrpages--;
}

enum pagecache_reclaim pagecache_reclaim_page(struct address_space *mapping, struct page *page,
                                              bool may_write)
{
    if (page->owner != mapping)
        return PCR_BUSY;
    if (!list_empty(&mapping->mmaps) && vm_unmap_file_page(mapping, page))
        return PCR_REFERENCED;
    if (page->flags & PG_dirty) {
        if (mapping_dead(mapping) || mapping_backing_off(mapping))
            return PCR_UNWRITABLE;
        if (!may_write)
            return PCR_BUSY;
        writeback_take(mapping, page);
        return PCR_DIRTY;
    }
    if (page->refcount > 2 || (page->flags & PG_writeback))     /* the cache's and reclaim's */
        return PCR_BUSY;
    drop(mapping, find(mapping, page->index));
    return PCR_FREED;
}

void pagecache_writeback_cancel(struct address_space *mapping, struct page *page)
{
    set_page_dirty(mapping, page);
    pagecache_writeback_end(mapping, &page, 1);
}

/*
 * kswiod's write of n pages of the file failed; they are dirty again.
 * On a dead device no retry can succeed, and none will be made (see
 * mapping_dead's callers): said once for the file, with what stays in
 * memory.  Another error (-ENOSPC for a hole dirtied through a mapping,
 * a disk or server failing writes) may go away, but retrying at once
 * would only loop -- reclaim handing the pages straight back, kswiod
 * failing them again, each failure waking reclaim -- so reclaim leaves
 * the file's dirty pages alone for WRITE_RETRY_MS (mapping_backing_off);
 * fsync still tries, and returns the error.  Said at a bounded rate.
 * mapping->lock held.
 */
static void write_failed(struct address_space *mapping, int n, int err)
{
    static struct ratelimit rl = RATELIMIT_INIT("kswiod");
    struct inode *inode = mapping->host;
    mapping->wb_error = err;
    mapping->wb_retry_ms = timer_uptime_ms() + WRITE_RETRY_MS;
    if (mapping_dead(mapping)) {
        say_dead_once(mapping);
    } else if (ratelimit_ok(&rl)) {
        pr_err("kswiod: inode %u: writing %d pages failed (%d); they stay dirty\n",
               inode->ino, n, err);
    }
}

int pagecache_write_pages(struct page **pages, int n, bool wait)
{
    struct address_space *mapping = pages[0]->wb_mapping;  /* alive: nr_writeback > 0 */
    if (wait || mapping->wb_waiters)
        mutex_lock(&mapping->lock);     /* someone waits for these: no more yielding */
    else if (!mutex_trylock(&mapping->lock))
        return PAGECACHE_BUSY;
    struct page *live[PAGECACHE_WRITE_BATCH];
    int m = 0;
    for (int i = 0; i < n; i++)
        if (pages[i]->owner == mapping)     /* else truncated meanwhile: nothing to write */
            live[m++] = pages[i];
    int err = m ? write_batch(mapping, live, m) : 0;
    if (err)
        write_failed(mapping, m, err);
    mutex_unlock(&mapping->lock);
    return err;
}

void pagecache_writeback_end(struct address_space *mapping, struct page **pages, int n)
{
    for (int i = 0; i < n; i++)
        __atomic_fetch_sub(&mapping->nr_wb_epoch[pages[i]->wb_epoch], 1, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&mapping->nr_writeback, n, __ATOMIC_RELAXED);    /* last: see iput */
    wake_up(&writeback_done);
}


void mapping_wait_writeback(struct address_space *mapping)
{
    writeback_might_wait();
    __atomic_fetch_add(&mapping->wb_waiters, 1, __ATOMIC_RELAXED);
    kswiod_kick();
    wait_event(&writeback_done, mapping->nr_writeback == 0);
    __atomic_fetch_sub(&mapping->wb_waiters, 1, __ATOMIC_RELAXED);
}

void truncate_mapping_from(struct address_space *mapping, uint32_t start)
{
    struct list_head *link = mapping->pages.next;
    while (link != &mapping->pages) {
        struct cached_page *c = list_entry(link, struct cached_page, link);
        link = link->next;
        if (c->index < start)
            continue;
        if (!list_empty(&mapping->mmaps))
            filemap_unmap_page(mapping, c->page);   /* a later touch is a bus error */
        drop(mapping, c);
    }
}

void truncate_mapping(struct address_space *mapping)
{
    mutex_lock(&mapping->lock);
    truncate_mapping_from(mapping, 0);
    mutex_unlock(&mapping->lock);
}
