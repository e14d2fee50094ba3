/*
 * blk_core.c - the block device registry and bios (see include/blkdev.h).
 */
#include "blkdev.h"
#include "completion.h"
#include "kerrno.h"
#include "kstring.h"
#include "mempool.h"
#include "mm.h"
#include "panic.h"
#include "printk.h"
#include "sched.h"
#include "x86.h"

#define BIO_POOL_SIZE 64        /* bios the IO path can always have */

static struct list_head devices = LIST_HEAD_INIT(devices);
static struct mempool *bio_pool;

void block_init(void)
{
    bio_pool = mempool_create_kmalloc("bio pool", BIO_POOL_SIZE, sizeof(struct bio));
    if (!bio_pool)
        panic("block: cannot reserve %d bios", BIO_POOL_SIZE);
}

int blkdev_register(struct block_device *dev)
{
    if (blkdev_find(dev->name)) {
        pr_err("block: a device named %s exists already\n", dev->name);
        return -EBUSY;
    }
    list_init(&dev->held);
    list_add_tail(&dev->link, &devices);
    pr_info("block: %s: %llu sectors (%llu MiB), %u-byte blocks\n", dev->name,
            (unsigned long long)dev->nr_sectors, (unsigned long long)(dev->nr_sectors >> 11),
            dev->logical_block_size);
    return 0;
}

struct block_device *blkdev_find(const char *name)
{
    list_for_each(link, &devices) {
        struct block_device *dev = list_entry(link, struct block_device, link);
        if (strcmp(dev->name, name) == 0)
            return dev;
    }
    return NULL;
}

struct block_device *blkdev_next(struct block_device *prev)
{
    struct list_head *next = prev ? prev->link.next : devices.next;
    return next == &devices ? NULL : list_entry(next, struct block_device, link);
}

void blkdev_set_server(struct block_device *dev, struct blk_server *srv)
{
    dev->server = srv;
    pr_info("block: %s: its requests are answered by task %s, inside this kernel\n",
            dev->name, srv->task ? srv->task->name : "(none yet)");
}

void blkdev_forget_server(const struct task *t)
{
    list_for_each(link, &devices) {
        struct block_device *dev = list_entry(link, struct block_device, link);
        if (!dev->server || dev->server->task != t)
            continue;
        dev->server->task = NULL;
        pr_info("block: %s: its server %s (id %u) exits: no task here answers its requests "
                "now\n", dev->name, t->name, t->id);
    }
}

void blkdev_might_wait(struct block_device *dev)
{
    if (!dev->server)
        return;
    uint32_t site = (uint32_t)__builtin_return_address(0);
    lockdep_acquire(&dev->server->map, site);
    lockdep_release(&dev->server->map, site);
}

struct bio *bio_alloc(gfp_t gfp)
{
    /* GFP_NOIO at most: a bio is on its way to do IO already. */
    struct bio *bio = mempool_alloc(bio_pool, gfp & ~__GFP_IO);
    if (bio)
        memset(bio, 0, sizeof(*bio));
    return bio;
}

void bio_put(struct bio *bio)
{
    mempool_free(bio, bio_pool);
}

int bio_add_page(struct bio *bio, struct page *page, uint32_t len, uint32_t offset)
{
    if (bio->nvecs == BIO_MAX_VECS)
        return -E2BIG;
    bio->vecs[bio->nvecs++] = (struct bio_vec){ page, offset, len };
    return 0;
}

uint32_t bio_bytes(const struct bio *bio)
{
    uint32_t n = 0;
    for (int i = 0; i < bio->nvecs; i++)
        n += bio->vecs[i].len;
    return n;
}

void bio_endio(struct bio *bio, int status)
{
    struct block_device *dev = bio->bdev;
    uint32_t sectors = bio_bytes(bio) >> SECTOR_SHIFT;
    bio->status = status;
    if (status)
        dev->errors++;
    else if (bio->op == BIO_READ)
        dev->sectors_read += sectors;
    else
        dev->sectors_written += sectors;
    if (bio->end_io)
        bio->end_io(bio);
}

void blkdev_mark_dead(struct block_device *dev)
{
    __atomic_store_n(&dev->dead, true, __ATOMIC_RELEASE);
}

bool blkdev_dead(const struct block_device *dev)
{
    return __atomic_load_n(&dev->dead, __ATOMIC_ACQUIRE);
}

/* Hand bio to its driver, or fail it when the device is dead for good. */
static void start_bio(struct block_device *dev, struct bio *bio)
{
    if (blkdev_dead(dev))
        bio_endio(bio, -EIO);
    else
        dev->ops->submit(dev, bio);
}

void submit_bio(struct bio *bio)
{
    struct block_device *dev = bio->bdev;
    uint32_t bytes = bio_bytes(bio);
    bool aligned = bytes && bytes % SECTOR_SIZE == 0;
    for (int i = 0; i < bio->nvecs; i++)
        aligned = aligned && bio->vecs[i].len % SECTOR_SIZE == 0 &&
                  bio->vecs[i].offset + bio->vecs[i].len <= PAGE_SIZE;
    if (!aligned || bio->sector + (bytes >> SECTOR_SHIFT) > dev->nr_sectors) {
        pr_err("block: %s: refusing a %s of %u bytes at sector %llu (device has %llu)\n",
               dev->name, bio->op == BIO_READ ? "read" : "write", bytes,
               (unsigned long long)bio->sector, (unsigned long long)dev->nr_sectors);
        bio_endio(bio, -EIO);
        return;
    }
    uint32_t flags = irq_save();
    bool hold = dev->stalled;
    if (hold)
        list_add_tail(&bio->queue, &dev->held);
    irq_restore(flags);
    if (!hold)
        start_bio(dev, bio);
}

void blkdev_stall(struct block_device *dev, bool stalled)
{
    uint32_t flags = irq_save();
    dev->stalled = stalled;
    irq_restore(flags);
    if (stalled)
        return;
    for (;;) {
        flags = irq_save();
        struct bio *bio = list_empty(&dev->held) ? NULL
                                                 : list_first_entry(&dev->held, struct bio, queue);
        if (bio)
            list_del(&bio->queue);
        irq_restore(flags);
        if (!bio)
            return;
        start_bio(dev, bio);
    }
}

static void wake_submitter(struct bio *bio)
{
    complete(bio->private);
}

int submit_bio_wait(struct bio *bio)
{
    struct completion done;
    init_completion(&done, "bio");
    /* Only the device's server, when a task here is one, ends this wait:
     * the hang detector follows it there, as it does a buffer's (a swap-in
     * read of a server's own page, which only it could answer). */
    if (bio->bdev->server)
        done.wq.owner = &bio->bdev->server->task;
    bio->private = &done;
    bio->end_io = wake_submitter;
    blkdev_might_wait(bio->bdev);
    submit_bio(bio);
    wait_for_completion(&done);
    return bio->status;
}

int blkdev_rw(struct block_device *dev, uint64_t sector, void *buf, uint32_t len,
              enum bio_op op)
{
    uint8_t *p = buf;
    if ((uint32_t)p % SECTOR_SIZE || len % SECTOR_SIZE)
        return -EINVAL;                 /* every segment must be whole sectors */
    while (len) {
        struct bio *bio = bio_alloc(GFP_NOIO);
        bio->bdev = dev;
        bio->sector = sector;
        bio->op = op;
        uint32_t bytes = 0;
        while (len && bio->nvecs < BIO_MAX_VECS) {
            uint32_t offset = (uint32_t)p % PAGE_SIZE;
            uint32_t chunk = PAGE_SIZE - offset < len ? PAGE_SIZE - offset : len;
            bio_add_page(bio, virt_to_page(p), chunk, offset);
            p += chunk;
            len -= chunk;
            bytes += chunk;
        }
        int err = submit_bio_wait(bio);
        bio_put(bio);
        if (err)
            return err;
        sector += bytes >> SECTOR_SHIFT;
    }
    return 0;
}
