/*
 * kswiod.c - the tasks that write pages (see include/reclaim.h): the
 * dirty pages reclaim picks, and every file's writeback (fsync, sync,
 * the last iput, a writer with too many dirty pages hand theirs over and
 * wait).  kswiod_check_writer() reports a page write issued anywhere else.
 *
 * Reclaim must never wait for a particular write, because the write may
 * need what the waiter holds: in the 1999 report, ext2's block allocation
 * needs lock_super, held by a task that waits for the very server that is
 * reclaiming.  So reclaim does not write.  It marks a dirty page
 * PG_writeback, takes it off the LRU, queues it here and goes on looking
 * for clean pages.  kswiod may block -- on lock_super, on a slow disk --
 * and only kswiod waits.
 *
 * One kswiod per device.  Every block device that takes page writes (a
 * swap area's, a mounted file system's: kswiod_attach) has a writeback
 * context of its own -- a queue, its limits and a task, kswiod/hda,
 * kswiod/nbd0 -- as Linux's writeback has been per device since 2.6.32.
 * A stall stays where it started: kswiod/nbd0 blocked on lock_super or on
 * a server that stopped answering holds up nbd0's writes and no others;
 * swap-out to hda goes on.
 *
 * Swap pages: consecutive slots of one area (reclaim hands out slots in
 * clusters, so pages reclaimed together are neighbours on disk) go out as
 * one bio of up to BIO_MAX_VECS pages; bios are asynchronous, at most
 * KSWIOD_MAX_BIOS in flight per device.  File pages: consecutive queued
 * pages of one file go to the file system's writepages together, which
 * may allocate blocks under lock_super and waits for its own bios -- so
 * kswiod only trylocks the file, and a busy file's pages wait at the end
 * of the queue: the file's holder may be an allocation waiting for the
 * very pages kswiod would otherwise sit on.  (While someone waits for that
 * file's writeback, kswiod takes the lock outright: no starving fsync.)
 *
 * Completion.  A swap bio is finished where it ends -- its end_io, in the
 * driver's interrupt or task -- never by a task that may be stuck: for
 * each page it clears PG_writeback, wakes anyone waiting for it, and
 * rotates a page reclaim sent (PG_reclaim) to the tail of the inactive
 * list so that reclaim frees it next.  Nothing there sleeps (page_lock
 * and swap_lock are irq-safe spinlocks, the allocator and the bio pool
 * irq-safe).  A failed swap write marks the slot bad and puts the page
 * back where it was, mapped and dirty: nothing written is lost, and the
 * page goes to another slot next time.  A page whose slot was given up
 * while it was written (its space went away) has its slot freed then.  A
 * swap device that died for good (blkdev_dead) is said so once; it gets
 * no more slots (mm/swapfile.c), and a file on one is not handed here any
 * more (include/pagemap.h): no page of a dead device is retried in a
 * loop.  Other failures are logged at a bounded rate (include/ratelimit.h).
 * A file write is finished by its kswiod once writepages returns; the
 * file's pages go back on the LRU, at the head (written for the file's
 * writeback) or the inactive tail (sent by reclaim: free them next).
 *
 * Bounds: at most KSWIOD_MAX_PAGES pages queued or in flight per device.
 * When a device's queue is full, kswiod_queue_page says no and reclaim
 * looks for clean pages instead of waiting.  kswiod runs with PF_MEMALLOC
 * and takes no page from the allocator for itself; its bios come from
 * the bio mempool, and the only ones it holds are in flight: they come
 * back to the pool when they end, whatever kswiod is doing.
 */
#include "backtrace.h"
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "lockdep.h"
#include "pagemap.h"
#include "printk.h"
#include "ratelimit.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "vm.h"
#include "vsprintf.h"
#include "wait.h"
#include "x86.h"

#define KSWIOD_MAX_PAGES    512         /* queued + in flight, per device: 2 MiB */
#define KSWIOD_MAX_BIOS     8           /* per device */
#define BUSY_FILE_NAP_MS    10          /* every queued file was busy: retry after */
#define SECTORS_PER_PAGE    (PAGE_SIZE / SECTOR_SIZE)

/* One device's page writes. */
struct kswiod_dev {
    struct block_device *bdev;
    struct list_head queue;             /* pages, by page->lru; under page_lock */
    uint32_t nr_queued, nr_in_flight;   /* pages; under page_lock */
    int bios_in_flight;                 /* its swap bios; changed with interrupts off */
    struct wait_queue wq;               /* its task waits for work, or for room for a bio */
    bool kicked;                        /* new work since the task last looked */
    struct task *task;                  /* kswiod/NAME */
    struct list_head link;              /* on devs; added under page_lock, never removed */
};

static struct list_head devs = LIST_HEAD_INIT(devs);

/*
 * "Waiting for a kswiod's progress", for the lock validator: a
 * pseudo-lock, like reclaim's (mm/reclaim_check.c).  A kswiod holds it while it
 * writes a file's pages, so every lock it takes there (the file's lock
 * when taken outright, lock_super) is ordered after it; whoever waits for
 * writeback to end touches it (writeback_might_wait), so every lock held
 * across such a wait is ordered before it.  A lock in both orders closes
 * a cycle -- a task holding what a kswiod needs while it waits for that
 * kswiod -- and is reported the first time both are seen, whether or not
 * the timing deadlocked.
 */
static struct lock_class_key writeback_key;
static struct lockdep_map writeback_map = LOCKDEP_MAP_INIT("writeback", &writeback_key,
                                                           LOCK_PSEUDO);

void writeback_might_wait(void)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    lockdep_acquire(&writeback_map, site);
    lockdep_release(&writeback_map, site);
}
static struct wait_queue writeback_wq;          /* writeback ended (any page, any device) */

static void kswiod(void *arg);

/* The context a queued page belongs to: its swap area's device, or its
 * file's (wb_mapping is set before a file page is handed over). */
static struct kswiod_dev *dev_of(const struct page *page)
{
    if (page->flags & PG_anon) {
        const struct swap_area *area = swap_area_by_index(swap_pte_area(page->swap));
        return area ? area->bdev->kswiod : NULL;
    }
    return mapping_bdev(page->wb_mapping)->kswiod;
}

static bool dev_full(const struct kswiod_dev *d)
{
    return !d || d->nr_queued + d->nr_in_flight >= KSWIOD_MAX_PAGES;
}

bool kswiod_full(const struct block_device *bdev)
{
    return dev_full(bdev->kswiod);
}

bool kswiod_congested(void)
{
    list_for_each(link, &devs)
        if (dev_full(list_entry(link, struct kswiod_dev, link)))
            return true;
    return false;
}

int kswiod_attach(struct block_device *bdev)
{
    if (bdev->kswiod)
        return 0;
    struct kswiod_dev *d = kmalloc(sizeof(*d), GFP_KERNEL | __GFP_ZERO);
    if (!d)
        return -ENOMEM;
    char name[TASK_NAME_LEN];
    ksnprintf(name, sizeof(name), "kswiod/%s", bdev->name);
    d->bdev = bdev;
    list_init(&d->queue);
    wait_queue_init(&d->wq, "kswiod queue");
    d->task = task_create(name, kswiod, d, PRIO_IO);
    if (!d->task) {
        kfree(d);
        return -ENOMEM;
    }
    uint32_t flags = spin_lock_irqsave(&page_lock);
    list_add_tail(&d->link, &devs);
    bdev->kswiod = d;                   /* last: reclaim may hand pages over from now on */
    spin_unlock_irqrestore(&page_lock, flags);
    return 0;
}

/* Put page at the tail of d's queue, or back there (PAGECACHE_BUSY); the
 * reference is the queue's.  page_lock held. */
static void enqueue(struct kswiod_dev *d, struct page *page)
{
    list_add_tail(&page->lru, &d->queue);
    d->nr_queued++;
}

/* Take the page at the head of d's queue for writing; page_lock held. */
static struct page *dequeue(struct kswiod_dev *d)
{
    struct page *page = list_first_entry(&d->queue, struct page, lru);
    list_del(&page->lru);
    d->nr_queued--;
    d->nr_in_flight++;
    return page;
}

/* noinline: the README and docs/deadlock-1999.md tell students to `break
 * kswiod_queue_page`; inlined into kswiod_write_page it would be a second
 * location ("Breakpoint 1.2"), and the walks their tests run expect one. */
__attribute__((noinline)) bool kswiod_queue_page(struct page *page)
{
    struct kswiod_dev *d = dev_of(page);
    if (dev_full(d))
        return false;
    page->refcount++;
    enqueue(d, page);
    vm_events.kswiod_queued++;
    return true;
}

void kswiod_kick(void)
{
    list_for_each(link, &devs) {
        struct kswiod_dev *d = list_entry(link, struct kswiod_dev, link);
        if (d->nr_queued) {
            d->kicked = true;
            wake_up(&d->wq);
        }
    }
}

void kswiod_check_writer(const char *what)
{
    if (current->entry == kswiod || (current->flags & PF_RECLAIM_WRITES))
        return;
    reclaim_violations++;
    pr_err("kswiod: BUG: task %s issues a page write (%s); every page write is kswiod's\n",
           current->name, what);
    backtrace_print(LOG_ERR, (uint32_t)__builtin_return_address(0),
                    (uint32_t)__builtin_frame_address(0));
}

int kswiod_write_page(struct page *page)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct kswiod_dev *d = dev_of(page);
    bool queued = !dev_full(d);
    if (queued) {
        if (page->flags & PG_lru)
            lru_del(page);
        page->flags |= PG_writeback;
        kswiod_queue_page(page);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    return queued ? 0 : -EAGAIN;
}

void kswiod_wait_room(struct block_device *bdev)
{
    writeback_might_wait();
    kswiod_kick();
    wait_event(&writeback_wq, !kswiod_full(bdev));
}

void kswiod_counts(uint32_t *queued, uint32_t *in_flight)
{
    *queued = *in_flight = 0;
    list_for_each(link, &devs) {
        const struct kswiod_dev *d = list_entry(link, struct kswiod_dev, link);
        *queued += d->nr_queued;
        *in_flight += d->nr_in_flight;
    }
}

void wait_on_page_writeback(struct page *page)
{
    writeback_might_wait();
    wait_event(&writeback_wq, !(page->flags & PG_writeback));
}

/* Nothing queued or in flight on bdev's kswiod (NULL: on any). */
static bool idle(const struct block_device *bdev)
{
    if (!bdev) {
        uint32_t queued, in_flight;
        kswiod_counts(&queued, &in_flight);
        return queued == 0 && in_flight == 0;
    }
    const struct kswiod_dev *d = bdev->kswiod;
    return !d || (d->nr_queued == 0 && d->nr_in_flight == 0);
}

void kswiod_drain(const struct block_device *bdev)
{
    writeback_might_wait();
    wait_event(&writeback_wq, idle(bdev));
}

/*
 * A slot given up while its page was queued or written is freed (or
 * marked bad) once the write is over or needs none.  A fault's
 * read-around may have read it meanwhile -- its map said "in use" and no
 * page was cached -- into a copy that is stale: that copy must leave the
 * swap cache before the slot goes.  The copy, if any, is returned for
 * the caller to put.  page_lock held.
 */
static struct page *take_stale_copy(struct swap_area *area, uint32_t slot)
{
    struct page *copy = swap_cache_find(swap_entry(area, slot));
    if (copy) {
        copy->refcount++;               /* swap_cache_del drops the cache's */
        swap_cache_del(copy);
    }
    return copy;
}

/* A page's write is over: a stale copy of its slot to put, or NULL;
 * page_lock held.  d: the kswiod that wrote it, NULL for reclaim=sync's
 * own write (which counts in no kswiod's limits). */
static struct page *writeback_done(struct kswiod_dev *d, struct page *page,
                                   struct swap_area *area, uint32_t slot, int status)
{
    struct page *stale = NULL;
    page->flags &= ~(PG_writeback | PG_reclaim);
    if (d)
        d->nr_in_flight--;
    vm_events.kswiod_completed++;
    uint32_t entry = swap_entry(area, slot);
    bool cached = (page->flags & PG_swapcache) && page->swap == entry;
    if (!cached)
        stale = take_stale_copy(area, slot);
    if (status) {
        vm_events.kswiod_errors++;
        swap_slot_mark_bad(area, slot);
    } else {
        vm_events.pswpout++;
        if (!cached)
            swap_slot_free(area, slot);         /* given up while it was written */
    }
    if (!cached)
        return stale;
    if (!status) {
        if (!(page->flags & PG_lru))
            lru_rotate(page);
        return NULL;
    }
    /* The write failed: the page is the only copy.  Put it back. */
    swap_cache_del(page);
    page->flags |= PG_dirty;
    anon_remap_swap(page, entry);               /* every PTE (a fork's too) that names it */
    if (page->mapcount && !(page->flags & PG_lru))
        lru_add(page, LRU_ACTIVE);
    return NULL;
}

/* A swap bio of n pages from slot first failed; its pages are back in
 * memory, mapped and dirty, and its slots marked bad. */
static void swap_write_failed(struct swap_area *area, int n, uint32_t first)
{
    static struct ratelimit rl = RATELIMIT_INIT("kswiod");
    if (blkdev_dead(area->bdev)) {
        if (!area->dead_said)
            pr_err("kswiod: %s: swap device dead, writes fail for good; its pages stay in "
                   "memory (%d at slot %u now), and no more go there\n",
                   area->bdev->name, n, first);
        area->dead_said = true;
    } else if (ratelimit_ok(&rl)) {
        pr_err("kswiod: %s: writing %d pages at slot %u failed; they stay in memory\n",
               area->bdev->name, n, first);
    }
}

/* Finish every page of a swap write and put the bio (see "Completion"
 * above): d as for writeback_done.  Any context; sleeps on nothing. */
static void finish_swap_write(struct kswiod_dev *d, struct bio *bio)
{
    struct swap_area *area = bio->private;
    uint32_t first = (uint32_t)(bio->sector / SECTORS_PER_PAGE);
    int status = bio->status, n = bio->nvecs;
    for (int i = 0; i < n; i++) {
        struct page *page = bio->vecs[i].page;
        uint32_t flags = spin_lock_irqsave(&page_lock);
        struct page *stale = writeback_done(d, page, area, first + i, status);
        spin_unlock_irqrestore(&page_lock, flags);
        put_page(page);
        if (stale)
            put_page(stale);
    }
    bio_put(bio);
    if (status)
        swap_write_failed(area, n, first);
    wake_up(&writeback_wq);
    if (!status)
        page_freed();                   /* they can be freed now; a failure frees nothing */
}

/* A kswiod's swap bio ends: in the driver's interrupt or task, or the
 * submitter's for a bio refused at once. */
static void swap_write_end_io(struct bio *bio)
{
    struct kswiod_dev *d = ((struct swap_area *)bio->private)->bdev->kswiod;
    finish_swap_write(d, bio);
    uint32_t flags = irq_save();
    d->bios_in_flight--;
    irq_restore(flags);
    wake_up(&d->wq);                    /* room for another bio */
}

/* reclaim=sync's swap bio ends: its writer waits for PG_writeback. */
static void sync_write_end_io(struct bio *bio)
{
    finish_swap_write(NULL, bio);
}

/*
 * File pages of one file, through the file system (d as for
 * writeback_done); false when the file is busy and wait is false: the
 * pages go back to the end of d's queue, for later.  Written pages go back on the LRU: at the tail of the
 * inactive list when reclaim sent them (PG_reclaim: free them next), at
 * its head when the file's writeback did.
 */
static bool write_file_pages(struct kswiod_dev *d, struct page **pages, int n, bool wait)
{
    struct address_space *mapping = pages[0]->wb_mapping;
    int err = pagecache_write_pages(pages, n, wait);
    uint32_t flags = spin_lock_irqsave(&page_lock);
    for (int i = 0; i < n; i++) {
        struct page *page = pages[i];
        if (d)
            d->nr_in_flight--;
        if (err == PAGECACHE_BUSY) {        /* never when wait: d is set then */
            enqueue(d, page);
            continue;
        }
        page->flags &= ~PG_writeback;
        vm_events.kswiod_completed++;
        if (err)
            vm_events.kswiod_errors++;  /* pagecache_write_pages made it dirty again */
        if (page->owner && !(page->flags & PG_lru)) {
            if (err)
                lru_add(page, LRU_ACTIVE);      /* dirty again: out of reclaim's way */
            else if (page->flags & PG_reclaim)
                lru_rotate(page);
            else
                lru_add(page, LRU_INACTIVE);
        }
        page->flags &= ~PG_reclaim;
    }
    spin_unlock_irqrestore(&page_lock, flags);
    if (err == PAGECACHE_BUSY)
        return false;
    pagecache_writeback_end(mapping, pages, n);     /* last: the file may go now */
    for (int i = 0; i < n; i++)
        put_page(pages[i]);
    wake_up(&writeback_wq);
    if (!err)
        page_freed();                   /* a failure frees nothing: reclaim sleeps on */
    return true;
}

/* A write of page to slot of area, finished by end_io. */
static void start_swap_bio(struct bio *bio, struct swap_area *area, uint32_t slot,
                           struct page *page, void (*end_io)(struct bio *))
{
    bio->bdev = area->bdev;
    bio->sector = (uint64_t)slot * SECTORS_PER_PAGE;
    bio->op = BIO_WRITE;
    bio->end_io = end_io;
    bio->private = area;
    bio_add_page(bio, page, PAGE_SIZE, 0);
}

static void submit_swap_bio(struct bio *bio)
{
    kswiod_check_writer("swap pages");
    vm_events.kswiod_bios++;
    submit_bio(bio);
}

/* The next queued page's successor on disk, if it is one; page_lock held. */
static struct page *next_on_disk(const struct kswiod_dev *d, const struct page *prev)
{
    if (list_empty(&d->queue))
        return NULL;
    struct page *next = list_first_entry(&d->queue, struct page, lru);
    bool follows = (next->flags & (PG_anon | PG_swapcache)) == (PG_anon | PG_swapcache) &&
                   swap_pte_area(next->swap) == swap_pte_area(prev->swap) &&
                   swap_pte_slot(next->swap) == swap_pte_slot(prev->swap) + 1;
    return follows ? next : NULL;
}

/* The file page at the head of d's queue, with the queued pages of the
 * same file that follow it: 0, or the number put back (file busy). */
static uint32_t start_file_pages(struct kswiod_dev *d, uint32_t flags)
{
    struct page *batch[PAGECACHE_WRITE_BATCH];
    int n = 0;
    batch[n++] = dequeue(d);
    while (n < PAGECACHE_WRITE_BATCH && !list_empty(&d->queue)) {
        struct page *next = list_first_entry(&d->queue, struct page, lru);
        if ((next->flags & PG_anon) || next->wb_mapping != batch[0]->wb_mapping)
            break;
        batch[n++] = dequeue(d);
    }
    spin_unlock_irqrestore(&page_lock, flags);
    uint32_t site = (uint32_t)__builtin_return_address(0);
    lockdep_acquire(&writeback_map, site);
    bool written = write_file_pages(d, batch, n, false);
    lockdep_release(&writeback_map, site);
    return written ? 0 : (uint32_t)n;
}

/*
 * Write the page at the head of d's queue, with the queued swap pages
 * that follow it on disk, as one bio.  A page whose slot was given up
 * while it was queued needs no write at all.  0, or, when the page was a
 * file page whose file was busy, the number of pages put back: nothing
 * was done, and they wait at the end of the queue.  The bio is taken
 * before the page: from the mempool, where kswiod may wait only for bios
 * in flight, which end by themselves (their end_io returns them).
 */
static uint32_t start_one(struct kswiod_dev *d)
{
    uint32_t flags = spin_lock_irqsave(&page_lock);
    struct page *page = list_first_entry(&d->queue, struct page, lru);
    if (!(page->flags & PG_anon))
        return start_file_pages(d, flags);
    spin_unlock_irqrestore(&page_lock, flags);
    struct bio *bio = bio_alloc(GFP_NOIO);
    flags = spin_lock_irqsave(&page_lock);
    page = dequeue(d);      /* still the head: only this task takes pages off d's queue */
    struct swap_area *area = swap_area_by_index(swap_pte_area(page->swap));
    uint32_t slot = swap_pte_slot(page->swap);
    if (!(page->flags & PG_swapcache)) {
        page->flags &= ~PG_writeback;
        d->nr_in_flight--;
        struct page *stale = take_stale_copy(area, slot);
        swap_slot_free(area, slot);
        spin_unlock_irqrestore(&page_lock, flags);
        bio_put(bio);
        put_page(page);
        if (stale)
            put_page(stale);
        wake_up(&writeback_wq);
        return 0;
    }
    start_swap_bio(bio, area, slot, page, swap_write_end_io);
    for (struct page *next = next_on_disk(d, page); next && bio->nvecs < BIO_MAX_VECS;
         next = next_on_disk(d, next))
        bio_add_page(bio, dequeue(d), PAGE_SIZE, 0);
    d->bios_in_flight++;                /* interrupts are off: page_lock */
    spin_unlock_irqrestore(&page_lock, flags);
    submit_swap_bio(bio);
    return 0;
}

/*
 * reclaim=sync, the 1999 policy: the reclaiming task writes the page
 * itself and waits for it -- through no kswiod's queue and within none of
 * its limits, so the two policies share only the write's completion.
 * PF_RECLAIM_WRITES tells kswiod_check_writer that this writer is the
 * policy's own.  The wait is the one invariant 1 forbids, and the check
 * of waits in reclaim reports it, as it should.
 */
void writepage_sync(struct page *page)
{
    uint32_t saved = memalloc_flag_save(PF_RECLAIM_WRITES);
    get_page(page);                     /* the write's, as a queue's would be */
    vm_events.kswiod_queued++;
    if (page->flags & PG_anon) {
        struct swap_area *area = swap_area_by_index(swap_pte_area(page->swap));
        struct bio *bio = bio_alloc(GFP_NOIO);
        start_swap_bio(bio, area, swap_pte_slot(page->swap), page, sync_write_end_io);
        submit_swap_bio(bio);
    } else {
        write_file_pages(NULL, &page, 1, true);
    }
    wait_on_page_writeback(page);
    memalloc_flag_restore(PF_RECLAIM_WRITES, saved);
}

static bool has_work(const struct kswiod_dev *d)
{
    return !list_empty(&d->queue) && d->bios_in_flight < KSWIOD_MAX_BIOS;
}

/*
 * One device's loop.  When every queued page was a file page of a busy
 * file, nap briefly rather than spin.
 */
static void kswiod(void *arg)
{
    struct kswiod_dev *d = arg;
    current->flags |= PF_MEMALLOC;
    for (;;) {
        wait_event_state(&d->wq, has_work(d), TASK_SLEEPING);
        d->kicked = false;
        /* Pages put back (busy files) since the last write started: once
         * they number as many as are queued, the queue has turned round
         * once and every page in it was tried and was busy. */
        uint32_t busy = 0;
        while (has_work(d) && busy < d->nr_queued) {
            uint32_t put_back = start_one(d);
            busy = put_back ? busy + put_back : 0;
        }
        if (!list_empty(&d->queue) && d->bios_in_flight >= KSWIOD_MAX_BIOS)
            vm_events.kswiod_bio_limited++;
        if (busy)
            wait_event_timeout(&d->wq, d->kicked, BUSY_FILE_NAP_MS);
    }
}

void kswiod_init(void)
{
    wait_queue_init(&writeback_wq, "page writeback");
}
