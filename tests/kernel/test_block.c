/*
 * test_block.c - the block layer on ram0: data written comes back, bios
 * past the end fail with -EIO, misaligned requests are refused, and many
 * bios in flight all complete.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "completion.h"
#include "ramdisk.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "random.h"
#include "slab.h"

static struct block_device *ram0(void)
{
    struct block_device *dev = blkdev_find("ram0");
    KASSERT(dev != NULL);
    KASSERT_EQ(dev->nr_sectors, cmdline_get_u32("ramdisk", RAMDISK_DEFAULT_MIB) << 11);
    return dev;
}

KTEST(block_ramdisk_round_trip_and_bounds)
{
    struct block_device *dev = ram0();
    struct rng r;
    ktest_rng_init(&r);
    uint8_t *out = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
    uint8_t *in = kmalloc(3 * PAGE_SIZE, GFP_KERNEL);
    KASSERT(out && in);
    for (uint32_t i = 0; i < 3 * PAGE_SIZE; i++)
        out[i] = (uint8_t)rng_next(&r);
    KASSERT_EQ(blkdev_rw(dev, 7, out, 3 * PAGE_SIZE, BIO_WRITE), 0);   /* unaligned start */
    memset(in, 0, 3 * PAGE_SIZE);
    KASSERT_EQ(blkdev_rw(dev, 7, in, 3 * PAGE_SIZE, BIO_READ), 0);
    KASSERT(memcmp(in, out, 3 * PAGE_SIZE) == 0);

    KASSERT_EQ(blkdev_rw(dev, dev->nr_sectors - 1, in, 1024, BIO_READ), -EIO);  /* past the end */
    KASSERT_EQ(blkdev_rw(dev, 0, in + 1, 512, BIO_READ), -EINVAL);
    KASSERT_EQ(blkdev_rw(dev, 0, in, 100, BIO_READ), -EINVAL);
    KASSERT(dev->errors >= 1);
    kfree(out);
    kfree(in);
}

struct inflight {
    struct completion all_done;
    volatile int left;
};

static void count_down(struct bio *bio)
{
    struct inflight *f = bio->private;
    if (bio->status == 0 && --f->left == 0)
        complete(&f->all_done);
}

KTEST(block_many_async_bios_complete)
{
    enum { BIOS = 100 };            /* more than the bio pool holds */
    struct block_device *dev = ram0();
    static struct bio *bios[BIOS];
    struct page *page = alloc_page(GFP_KERNEL | __GFP_ZERO);
    KASSERT(page);
    static struct inflight f;
    init_completion(&f.all_done, "test-bios");
    f.left = BIOS;
    for (int i = 0; i < BIOS; i++) {
        bios[i] = bio_alloc(GFP_KERNEL);
        bios[i]->bdev = dev;
        bios[i]->sector = i * 8;
        bios[i]->op = BIO_WRITE;
        bios[i]->end_io = count_down;
        bios[i]->private = &f;
        KASSERT_EQ(bio_add_page(bios[i], page, PAGE_SIZE, 0), 0);
        submit_bio(bios[i]);
        bio_put(bios[i]);           /* ram0 is done already: give it back */
    }
    KASSERT(wait_for_completion_timeout(&f.all_done, 5000) > 0);
    free_page(page);
}
