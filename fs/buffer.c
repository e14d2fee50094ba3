/*
 * buffer.c - the buffer cache (see include/buffer.h).
 *
 * Buffers hang on a hash table by (device, block) and, while nobody holds
 * them, on an LRU.  cache_lock (a spinlock: completions run in interrupts)
 * protects the table, the LRU, reference counts and flags; the data is
 * protected by BH_LOCKED while IO runs and otherwise by the file system's
 * own locks.
 */
#include "buffer.h"
#include "blkdev.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "panic.h"
#include "printk.h"
#include "ratelimit.h"
#include "sched.h"
#include "slab.h"
#include "spinlock.h"
#include "timer.h"

#define HASH_SIZE       256
#define FLUSH_EVERY_MS  1000
#define DIRTY_AGE_MS    5000            /* the flush task writes what is older */

static struct list_head hash[HASH_SIZE];
static struct list_head lru = LIST_HEAD_INIT(lru);     /* oldest first */
static struct spinlock cache_lock;
static struct kmem_cache *bh_cache;
static struct buffer_stats stats;

static struct list_head *chain(struct block_device *bdev, uint32_t block)
{
    return &hash[((uint32_t)bdev / 64 + block * 2654435761u) % HASH_SIZE];
}

/* ---- IO -------------------------------------------------------------------- */

static void lock_buffer(struct buffer_head *bh)
{
    for (;;) {
        uint32_t flags = spin_lock_irqsave(&cache_lock);
        if (!(bh->flags & BH_LOCKED)) {
            bh->flags |= BH_LOCKED;
            spin_unlock_irqrestore(&cache_lock, flags);
            return;
        }
        spin_unlock_irqrestore(&cache_lock, flags);
        wait_on_buffer(bh);
    }
}

static void unlock_buffer(struct buffer_head *bh)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    bh->flags &= ~BH_LOCKED;
    spin_unlock_irqrestore(&cache_lock, flags);
    wake_up(&bh->wait);
}

void wait_on_buffer(struct buffer_head *bh)
{
    if (bh->flags & BH_LOCKED)
        blkdev_might_wait(bh->bdev);
    wait_event(&bh->wait, !(bh->flags & BH_LOCKED));
}

/* Completion, in interrupt context: record the outcome, unlock, wake. */
static void buffer_end_io(struct bio *bio)
{
    struct buffer_head *bh = bio->private;
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    if (bio->status) {
        bh->flags |= BH_ERROR;
        if (bio->op == BIO_READ)
            bh->flags &= ~BH_UPTODATE;
    } else {
        bh->flags = (bh->flags & ~BH_ERROR) | BH_UPTODATE;
    }
    bh->flags &= ~BH_LOCKED;
    spin_unlock_irqrestore(&cache_lock, flags);
    wake_up(&bh->wait);
    bio_put(bio);
}

/* Start IO on a locked buffer. */
static void submit_bh(struct buffer_head *bh, enum bio_op op)
{
    struct bio *bio = bio_alloc(GFP_NOIO);
    bio->bdev = bh->bdev;
    bio->sector = (uint64_t)bh->blocknr * (bh->size / SECTOR_SIZE);
    bio->op = op;
    bio->end_io = buffer_end_io;
    bio->private = bh;
    bio_add_page(bio, bh->page, bh->size, 0);
    if (op == BIO_READ)
        stats.reads++;
    else
        stats.writes++;
    submit_bio(bio);
}

/* ---- the cache --------------------------------------------------------------- */

/* Free the oldest unreferenced buffer that is clean and idle (and on
 * bdev, unless that is NULL); false when there is none.  Unreferenced
 * buffers are exactly those on the LRU. */
static bool drop_oldest_clean(struct block_device *bdev)
{
    struct buffer_head *victim = NULL;
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    list_for_each(link, &lru) {
        struct buffer_head *bh = list_entry(link, struct buffer_head, lru_link);
        if (!(bh->flags & (BH_DIRTY | BH_LOCKED)) && (!bdev || bh->bdev == bdev)) {
            victim = bh;
            break;
        }
    }
    if (victim) {
        list_del(&victim->lru_link);
        list_del(&victim->hash_link);
        stats.buffers--;
        stats.dropped++;
    }
    spin_unlock_irqrestore(&cache_lock, flags);
    if (!victim)
        return false;
    free_page(victim->page);
    kmem_cache_free(bh_cache, victim);
    return true;
}

/* Down to the limit, oldest first; what is dirty or in use stays. */
static void shrink_cache(void)
{
    while (stats.buffers > BUFFER_CACHE_MAX && drop_oldest_clean(NULL))
        ;
}

static struct buffer_head *lookup(struct block_device *bdev, uint32_t block, uint32_t size)
{
    list_for_each(link, chain(bdev, block)) {
        struct buffer_head *bh = list_entry(link, struct buffer_head, hash_link);
        if (bh->bdev == bdev && bh->blocknr == block && bh->size == size)
            return bh;
    }
    return NULL;
}

/* Take a reference under cache_lock. */
static void get_locked(struct buffer_head *bh)
{
    if (bh->refcount++ == 0)
        list_del(&bh->lru_link);
}

struct buffer_head *getblk(struct block_device *bdev, uint32_t block, uint32_t size)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    stats.lookups++;
    struct buffer_head *bh = lookup(bdev, block, size);
    if (bh) {
        stats.hits++;
        get_locked(bh);
        spin_unlock_irqrestore(&cache_lock, flags);
        return bh;
    }
    spin_unlock_irqrestore(&cache_lock, flags);

    /* Not cached: make one (allocating may sleep), then check nobody else
     * made it meanwhile. */
    struct buffer_head *fresh = kmem_cache_alloc(bh_cache, GFP_NOIO | __GFP_ZERO);
    struct page *page = fresh ? alloc_page(GFP_NOIO) : NULL;
    if (!page) {
        if (fresh)
            kmem_cache_free(bh_cache, fresh);
        pr_err("buffer: no memory for block %u of %s\n", block, bdev->name);
        return NULL;
    }
    *fresh = (struct buffer_head){
        .bdev = bdev, .blocknr = block, .size = size, .page = page,
        .data = page_address(page), .refcount = 1,
    };
    wait_queue_init(&fresh->wait, "buffer");
    if (bdev->server)               /* only its server ends this buffer's IO */
        fresh->wait.owner = &bdev->server->task;

    flags = spin_lock_irqsave(&cache_lock);
    bh = lookup(bdev, block, size);
    if (bh) {
        get_locked(bh);
    } else {
        bh = fresh;
        list_add(&bh->hash_link, chain(bdev, block));
        stats.buffers++;
    }
    spin_unlock_irqrestore(&cache_lock, flags);
    if (bh != fresh) {
        free_page(page);
        kmem_cache_free(bh_cache, fresh);
    }
    shrink_cache();
    return bh;
}

struct buffer_head *bread(struct block_device *bdev, uint32_t block, uint32_t size)
{
    struct buffer_head *bh = getblk(bdev, block, size);
    if (!bh || (bh->flags & BH_UPTODATE))
        return bh;
    lock_buffer(bh);
    if (!(bh->flags & BH_UPTODATE)) {       /* nobody read it while we waited */
        submit_bh(bh, BIO_READ);
        wait_on_buffer(bh);
    } else {
        unlock_buffer(bh);
    }
    if (!(bh->flags & BH_UPTODATE)) {
        pr_err("buffer: cannot read block %u (%u bytes) of %s\n", block, size, bdev->name);
        brelse(bh);
        return NULL;
    }
    return bh;
}

void brelse(struct buffer_head *bh)
{
    if (!bh)
        return;
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    if (bh->refcount <= 0)
        panic("brelse of block %u of %s: not held", bh->blocknr, bh->bdev->name);
    if (--bh->refcount == 0)
        list_add_tail(&bh->lru_link, &lru);
    spin_unlock_irqrestore(&cache_lock, flags);
}

void mark_buffer_dirty(struct buffer_head *bh)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    if (!(bh->flags & BH_DIRTY)) {
        bh->dirtied_at = timer_ticks();
        stats.dirty++;
    }
    bh->flags |= BH_DIRTY | BH_UPTODATE;
    spin_unlock_irqrestore(&cache_lock, flags);
}

void bforget(struct block_device *bdev, uint32_t block, uint32_t size)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    struct buffer_head *bh = lookup(bdev, block, size);
    if (bh) {
        get_locked(bh);
        spin_unlock_irqrestore(&cache_lock, flags);
        lock_buffer(bh);                /* a write in flight finishes first */
        flags = spin_lock_irqsave(&cache_lock);
        if (bh->flags & BH_DIRTY)
            stats.dirty--;
        /* Not up to date either: file data now goes to this block without
         * the cache, so a later bread must read the disk. */
        bh->flags &= ~(BH_DIRTY | BH_UPTODATE | BH_LOCKED);
        spin_unlock_irqrestore(&cache_lock, flags);
        wake_up(&bh->wait);
        brelse(bh);
        return;
    }
    spin_unlock_irqrestore(&cache_lock, flags);
}

/* Write a held buffer if it is dirty; the caller waits (or not). */
static void start_write(struct buffer_head *bh)
{
    lock_buffer(bh);
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    bool dirty = bh->flags & BH_DIRTY;
    if (dirty) {
        bh->flags &= ~BH_DIRTY;
        stats.dirty--;
    }
    spin_unlock_irqrestore(&cache_lock, flags);
    if (dirty) {
        submit_bh(bh, BIO_WRITE);
        return;
    }
    unlock_buffer(bh);
}

/* A failed write leaves the data newer than the disk: dirty again.  A
 * dead device's failures are not said one by one: its driver said it is
 * gone, and the flush task no longer tries its buffers. */
static int finish_write(struct buffer_head *bh)
{
    wait_on_buffer(bh);
    if (!(bh->flags & BH_ERROR))
        return 0;
    static struct ratelimit rl = RATELIMIT_INIT("buffer");  /* bdflush retries every age */
    if (!blkdev_dead(bh->bdev) && ratelimit_ok(&rl))
        pr_err("buffer: write of block %u of %s failed; kept dirty\n", bh->blocknr,
               bh->bdev->name);
    mark_buffer_dirty(bh);
    return -EIO;
}

int bwrite(struct buffer_head *bh)
{
    mark_buffer_dirty(bh);
    start_write(bh);
    return finish_write(bh);
}

static bool seen(struct buffer_head **batch, int n, const struct buffer_head *bh)
{
    for (int i = 0; i < n; i++)
        if (batch[i] == bh)
            return true;
    return false;
}

/* Write, with a reference held, every dirty buffer of bdev (every device
 * when NULL) dirtied at or before older_than; older_than UINT64_MAX is a
 * sync, which also waits for writes in flight. */
static int for_each_dirty(struct block_device *bdev, uint64_t older_than,
                          int (*fn)(struct buffer_head *bh))
{
    bool sync = older_than == UINT64_MAX;
    enum { BATCH = 32 };
    struct buffer_head *batch[BATCH];
    int err = 0, n;
    do {
        n = 0;
        uint32_t flags = spin_lock_irqsave(&cache_lock);
        for (int h = 0; h < HASH_SIZE && n < BATCH; h++) {
            list_for_each(link, &hash[h]) {
                struct buffer_head *bh = list_entry(link, struct buffer_head, hash_link);
                /* A sync also waits for writes already in flight (locked),
                 * and for buffers dirtied again while written; the flush
                 * task leaves those for its next round, and a dead
                 * device's for good (they stay dirty in memory). */
                bool wanted = sync ? bh->flags & (BH_DIRTY | BH_LOCKED)
                                   : (bh->flags & BH_DIRTY) && !(bh->flags & BH_LOCKED) &&
                                     bh->dirtied_at <= older_than && !blkdev_dead(bh->bdev);
                if ((!bdev || bh->bdev == bdev) && wanted && !seen(batch, n, bh) && n < BATCH) {
                    get_locked(bh);
                    batch[n++] = bh;
                }
            }
        }
        spin_unlock_irqrestore(&cache_lock, flags);
        for (int i = 0; i < n; i++)
            start_write(batch[i]);          /* all in flight at once ... */
        for (int i = 0; i < n; i++) {
            int e = fn(batch[i]);           /* ... then wait for each */
            if (e && !err)
                err = e;
            brelse(batch[i]);
        }
    } while (n == BATCH && !err);
    return err;
}

int sync_blockdev(struct block_device *bdev)
{
    return for_each_dirty(bdev, UINT64_MAX, finish_write);
}

void invalidate_bdev(struct block_device *bdev)
{
    while (drop_oldest_clean(bdev))
        ;
}

void buffer_stats(struct buffer_stats *out)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    *out = stats;
    spin_unlock_irqrestore(&cache_lock, flags);
}

/* ---- the flush task ------------------------------------------------------------ */

static int flush_one(struct buffer_head *bh)
{
    uint32_t flags = spin_lock_irqsave(&cache_lock);
    stats.flushed++;
    spin_unlock_irqrestore(&cache_lock, flags);
    return finish_write(bh);
}

static void flush_task(void *arg)
{
    (void)arg;
    while (!task_should_stop()) {
        sleep_ms(FLUSH_EVERY_MS);
        uint64_t now = timer_ticks(), age = ms_to_ticks(DIRTY_AGE_MS);
        for_each_dirty(NULL, now > age ? now - age : 0, flush_one);
    }
}

void buffer_init(void)
{
    for (int h = 0; h < HASH_SIZE; h++)
        list_init(&hash[h]);
    spin_lock_init(&cache_lock, "buffer cache");
    bh_cache = kmem_cache_create("buffer_head", sizeof(struct buffer_head));
    if (!bh_cache || !task_create("bdflush", flush_task, NULL, PRIO_NORMAL))
        panic("buffer: cannot set up the buffer cache");
}
