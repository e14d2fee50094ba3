/*
 * pageio.c - reading and writing many file pages at once.
 *
 * The blocks under a run of pages are gathered into as few bios as their
 * placement on disk allows (a bio continues while the next block follows
 * the last one on disk), every bio is submitted, and then one wait covers
 * them all -- instead of one synchronous request per block.  This is what
 * makes sequential files fast: the disk sees 64 KiB requests, several in
 * flight.  The map is walked once for each run of blocks that follow each
 * other on disk (ext2_bmap_run), not once for each block: a walk checks
 * and looks up every indirect block on the way, and that was a third of a
 * cold read's time.
 *
 * A fast symlink's "data" is its target, kept in i_block: reading it
 * copies that, with no IO (the VFS lets no one write a symlink).
 *
 * Holes: reading one gives zeros; writing one allocates a block only when
 * the data there is not all zeros (a hole stays a hole), as writepage does.
 *
 * Read-ahead (ext2_readahead) is the same batch without the wait: the
 * batch lives on the heap with its pages, and the last bio to end hands
 * them back to the page cache (pagecache_readahead_end), in interrupt
 * context, so the reader can consume one window while the next is read.
 */
#include "blkdev.h"
#include "completion.h"
#include "ext2_fs.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "pagemap.h"
#include "slab.h"
#include "vsprintf.h"
#include "x86.h"

struct batch {
    struct block_device *bdev;
    enum bio_op op;
    struct bio *bio;                /* being filled */
    uint64_t next_sector;           /* where the bio being filled would continue */
    int pending;                    /* bios in flight, plus one for the submitter */
    int error;
    void (*end)(struct batch *b);   /* all IO over: in interrupt context, or the
                                     * submitter's if its own reference was the last */
    struct completion done;         /* synchronous batches: end completes it */
};

/* A read-ahead batch, on the heap: its pages go back to the cache at the end. */
struct async_read {
    struct batch b;
    int n;
    struct page *pages[];
};

static void batch_end_sync(struct batch *b)
{
    complete(&b->done);
}

static void batch_init(struct batch *b, struct block_device *bdev, enum bio_op op)
{
    *b = (struct batch){ .bdev = bdev, .op = op, .pending = 1, .end = batch_end_sync };
    init_completion(&b->done, "ext2 page io");
}

/* Drop one reference (a bio's, or the submitter's); the last ends the batch. */
static void batch_put(struct batch *b, int status)
{
    uint32_t flags = irq_save();
    if (status)
        b->error = status;
    int left = --b->pending;
    irq_restore(flags);
    if (!left)
        b->end(b);
}

/* Completion of one bio, in interrupt context. */
static void batch_end_io(struct bio *bio)
{
    struct batch *b = bio->private;
    int status = bio->status;
    bio_put(bio);
    batch_put(b, status);
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
    batch_put(b, 0);
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

/* The pages of a fast symlink: its target from i_block, then zeros. */
static int read_fast_symlink(struct inode *inode, struct page **pages, int n)
{
    const struct ext2_inode_info *ei = EXT2_I(inode);
    if (inode->size > sizeof(ei->i_block)) {
        char why[EXT2_WHY_LEN];
        ksnprintf(why, sizeof(why), "inode %u: a symlink of %llu bytes without a data block "
                  "(at most %u fit in the inode)", inode->ino, (unsigned long long)inode->size,
                  (unsigned)sizeof(ei->i_block));
        return ext2_error(inode->sb, -EUCLEAN, why);
    }
    for (int p = 0; p < n; p++) {
        uint8_t *data = page_address(pages[p]);
        memset(data, 0, PAGE_SIZE);
        if (pages[p]->index == 0)
            memcpy(data, ei->i_block, (size_t)inode->size);
    }
    return 0;
}

/* Map (for writes: allocate where needed) and queue every block of the
 * pages into b; blocks past the end of the file, and holes when reading,
 * are left out (zeroed when reading).  0 or the mapping's error; the IO
 * is submitted either way, all but the last bio. */
static int queue_pages(struct batch *b, struct address_space *mapping, struct page **pages,
                       int n)
{
    struct inode *inode = mapping->host;
    uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
    enum bio_op op = b->op;
    int err = 0;
    if (ext2_fast_symlink(inode))       /* nothing to write: the VFS refuses that */
        return op == BIO_READ ? read_fast_symlink(inode, pages, n) : -EINVAL;
    /* The last run the map gave: file blocks run_start.. at run_block.. */
    uint32_t run_start = 0, run_block = 0, run_len = 0;
    for (int p = 0; p < n && !err; p++) {
        uint8_t *data = page_address(pages[p]);
        uint32_t first = pages[p]->index * (PAGE_SIZE / bs);
        for (uint32_t i = 0; i < PAGE_SIZE / bs && !err; i++) {
            uint32_t block = 0, fb = first + i;
            bool inside = (uint64_t)fb * bs < inode->size;
            if (inside && fb - run_start < run_len) {
                block = run_block + (fb - run_start);  /* a hole's run is 1 long */
            } else if (inside) {
                /* Ask for the blocks up to the batch's last page. */
                uint32_t want = (pages[n - 1]->index + 1) * (PAGE_SIZE / bs) - fb;
                err = ext2_bmap_run(inode, fb, want, &block, &run_len);
                run_start = fb;
                run_block = block;
            }
            if (!err && inside && !block && op == BIO_WRITE && !all_zero(data + i * bs, bs))
                err = ext2_get_block(inode, first + i, &block);
            if (err)
                break;
            if (block)
                batch_add(b, (uint64_t)block * (bs / SECTOR_SIZE), pages[p], i * bs, bs);
            else if (op == BIO_READ)
                memset(data + i * bs, 0, bs);
        }
    }
    return err;
}

static int pages_io(struct address_space *mapping, struct page **pages, int n, enum bio_op op)
{
    struct batch b;
    batch_init(&b, mapping_bdev(mapping), op);
    int err = queue_pages(&b, mapping, pages, n);
    int io_err = batch_finish(&b);
    return err ? err : io_err;
}

int ext2_readpages(struct address_space *mapping, struct page **pages, int n)
{
    return pages_io(mapping, pages, n, BIO_READ);
}

static void async_read_end(struct batch *b)
{
    struct async_read *r = (struct async_read *)b;
    pagecache_readahead_end(r->pages, r->n, b->error);
    kfree(r);
}

int ext2_readahead(struct address_space *mapping, struct page **pages, int n)
{
    /* No reclaim for read-ahead: it may do without (see mm/filemap.c). */
    struct async_read *r = kmalloc(sizeof(*r) + n * sizeof(r->pages[0]), 0);
    if (!r)
        return -ENOMEM;
    batch_init(&r->b, mapping_bdev(mapping), BIO_READ);
    r->b.end = async_read_end;
    r->n = n;
    memcpy(r->pages, pages, n * sizeof(pages[0]));
    int err = queue_pages(&r->b, mapping, r->pages, n);
    batch_submit(&r->b);
    batch_put(&r->b, err);              /* may end the batch here, if the IO is over */
    return 0;
}

int ext2_writepages(struct address_space *mapping, struct page **pages, int n)
{
    return pages_io(mapping, pages, n, BIO_WRITE);
}
