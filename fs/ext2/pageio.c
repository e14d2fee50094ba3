/*
 * pageio.c - reading and writing many file pages at once.
 *
 * The blocks under a run of pages are gathered into as few bios as their
 * placement on disk allows (a bio continues while the next block follows
 * the last one on disk), every bio is submitted, and then one wait covers
 * them all -- instead of one synchronous request per block.  This is what
 * makes sequential files fast: the disk sees 64 KiB requests, several in
 * flight.
 *
 * Holes: reading one gives zeros; writing one allocates a block only when
 * the data there is not all zeros (a hole stays a hole), as writepage does.
 */
#include "blkdev.h"
#include "ext2_fs.h"
#include "kstring.h"
#include "mm.h"
#include "wait.h"
#include "x86.h"

struct batch {
    struct block_device *bdev;
    enum bio_op op;
    struct bio *bio;                /* being filled */
    uint64_t next_sector;           /* where the bio being filled would continue */
    int pending;                    /* bios in flight, plus one for the submitter */
    int error;
    struct completion done;
};

static void batch_init(struct batch *b, struct block_device *bdev, enum bio_op op)
{
    *b = (struct batch){ .bdev = bdev, .op = op, .pending = 1 };
    init_completion(&b->done, "ext2 page io");
}

/* Completion of one bio, in interrupt context. */
static void batch_end_io(struct bio *bio)
{
    struct batch *b = bio->private;
    uint32_t flags = irq_save();
    if (bio->status)
        b->error = bio->status;
    int left = --b->pending;
    irq_restore(flags);
    bio_put(bio);
    if (!left)
        complete(&b->done);
}

static void batch_submit(struct batch *b)
{
    if (!b->bio)
        return;
    uint32_t flags = irq_save();
    b->pending++;
    irq_restore(flags);
    submit_bio(b->bio);
    b->bio = NULL;
}

static void batch_add(struct batch *b, uint64_t sector, struct page *page, uint32_t offset,
                      uint32_t len)
{
    if (b->bio && (sector != b->next_sector || b->bio->nvecs == BIO_MAX_VECS))
        batch_submit(b);
    if (!b->bio) {
        b->bio = bio_alloc(GFP_NOIO);       /* the mempool: never fails here */
        b->bio->bdev = b->bdev;
        b->bio->sector = sector;
        b->bio->op = b->op;
        b->bio->end_io = batch_end_io;
        b->bio->private = b;
    }
    struct bio_vec *last = b->bio->nvecs ? &b->bio->vecs[b->bio->nvecs - 1] : NULL;
    if (last && last->page == page && last->offset + last->len == offset)
        last->len += len;                   /* the same page, the next block */
    else
        bio_add_page(b->bio, page, len, offset);
    b->next_sector = sector + len / SECTOR_SIZE;
}

/* Submit what is left, wait for everything: 0 or -EIO. */
static int batch_finish(struct batch *b)
{
    batch_submit(b);
    uint32_t flags = irq_save();
    int left = --b->pending;
    irq_restore(flags);
    if (left)
        wait_for_completion(&b->done);
    return b->error;
}

static bool all_zero(const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (p[i])
            return false;
    return true;
}

/* Map (for writes: allocate where needed) and queue every block of the
 * pages; blocks past the end of the file, and holes when reading, are
 * left out (zeroed when reading). */
static int pages_io(struct address_space *mapping, struct page **pages, int n, enum bio_op op)
{
    struct inode *inode = mapping->host;
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    struct batch b;
    batch_init(&b, inode->sb->bdev, op);
    int err = 0;
    for (int p = 0; p < n && !err; p++) {
        uint8_t *data = page_address(pages[p]);
        uint32_t first = pages[p]->index * (PAGE_SIZE / bs);
        for (uint32_t i = 0; i < PAGE_SIZE / bs && !err; i++) {
            uint32_t block = 0;
            bool inside = (uint64_t)(first + i) * bs < inode->size;
            if (inside)
                err = ext2_bmap(inode, first + i, &block);
            if (!err && inside && !block && op == BIO_WRITE && !all_zero(data + i * bs, bs))
                err = ext2_get_block(inode, first + i, &block);
            if (err)
                break;
            if (block)
                batch_add(&b, (uint64_t)block * (bs / SECTOR_SIZE), pages[p], i * bs, bs);
            else if (op == BIO_READ)
                memset(data + i * bs, 0, bs);
        }
    }
    int io_err = batch_finish(&b);
    return err ? err : io_err;
}

int ext2_readpages(struct address_space *mapping, struct page **pages, int n)
{
    return pages_io(mapping, pages, n, BIO_READ);
}

int ext2_writepages(struct address_space *mapping, struct page **pages, int n)
{
    return pages_io(mapping, pages, n, BIO_WRITE);
}
