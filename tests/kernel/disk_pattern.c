/*
 * disk_pattern.c - the disk tests' shared pattern and IO helpers (see
 * disk_pattern.h).
 */
#include "cmdline.h"
#include "completion.h"
#include "disk_pattern.h"
#include "kstring.h"
#include "ktest.h"
#include "printk.h"
#include "random.h"
#include "x86.h"

KERNEL_PARAM(disk_seed, "", "seed of the pattern on the test disk; absent: no test disk");
KERNEL_PARAM(write_sector, "0", "first sector a disk or NBD test writes");
KERNEL_PARAM(write_count, "0", "sectors a disk test writes");
KERNEL_PARAM(disk_sectors, "0", "size of the test disk in sectors");

#define SECTOR_WORDS    (SECTOR_SIZE / 4)

/* The pattern of disks.py: sector number, seed, then words from mix(). */
static uint32_t pattern_mix(uint32_t seed, uint64_t sector)
{
    uint32_t x = seed * 0x85EBCA77u;
    x ^= (uint32_t)sector * 0xC2B2AE3Du;
    x ^= (uint32_t)(sector >> 32) * 0x27D4EB2Fu;
    x ^= x >> 15;
    x *= 0x2C1B3C6Du;
    x ^= x >> 12;
    return x;
}

void pattern_fill(void *buf, uint32_t seed, uint64_t sector, uint32_t count)
{
    uint32_t *w = buf;
    for (uint32_t s = 0; s < count; s++, sector++, w += SECTOR_WORDS) {
        uint32_t v = pattern_mix(seed, sector);
        for (uint32_t j = 0; j < SECTOR_WORDS; j++)
            w[j] = v + j * 0x9E3779B9u;
        w[0] = (uint32_t)sector;
        w[1] = (uint32_t)(sector >> 32);
        w[2] = seed;
    }
}

/* Fail the test at the first sector of buf that is not the pattern. */
bool pattern_matches(const void *buf, uint32_t seed, uint64_t sector, uint32_t count)
{
    static uint32_t want[SECTOR_WORDS];
    const uint8_t *p = buf;
    for (uint32_t s = 0; s < count; s++, sector++, p += SECTOR_SIZE) {
        pattern_fill(want, seed, sector, 1);
        if (memcmp(p, want, SECTOR_SIZE) != 0)
            return false;
    }
    return true;
}

void pattern_check(const void *buf, uint32_t seed, uint64_t sector, uint32_t count)
{
    const uint8_t *p = buf;
    for (uint32_t s = 0; s < count; s++, sector++, p += SECTOR_SIZE)
        if (!pattern_matches(p, seed, sector, 1))
            ktest_fail(__FILE__, __LINE__, "sector %llu is not the pattern of seed %u "
                       "(it starts %08x %08x %08x)", (unsigned long long)sector, seed,
                       ((const uint32_t *)p)[0], ((const uint32_t *)p)[1],
                       ((const uint32_t *)p)[2]);
}

/* The disk and what the command line says about it.  Without
 * disk_seed= -- booted without the harness's image (test=all in make
 * run) -- the test has nothing to work on and is skipped (ktest_skip);
 * under make test a skip is a failure. */
void disk_test(const char *name, struct disk_test *t)
{
    if (!cmdline_has("disk_seed"))
        ktest_skip("no disk_seed= on the command line: no test disk");
    *t = (struct disk_test){ .dev = blkdev_find(name) };
    KASSERT(t->dev != NULL);
    t->seed = cmdline_get_u32("disk_seed", 0);
    t->write_sector = cmdline_get_u32("write_sector", 0);
    t->write_count = cmdline_get_u32("write_count", 0);
    uint32_t sectors = cmdline_get_u32("disk_sectors", 0);
    if (sectors)
        KASSERT_EQ(t->dev->nr_sectors, sectors);
}

/* A buffer of 2^order pages in the direct map. */
uint8_t *disk_buffer(unsigned order)
{
    struct page *p = alloc_pages(GFP_KERNEL, order);
    KASSERT(p != NULL);
    return page_address(p);
}

void disk_buffer_free(uint8_t *buf, unsigned order) { free_pages(virt_to_page(buf), order); }

/* Read [first, first + count) in 256 KiB pieces and check the pattern. */
void read_check(struct disk_test *t, uint64_t first, uint32_t count, uint32_t seed)
{
    enum { ORDER = 6, PIECE = (PAGE_SIZE << ORDER) / SECTOR_SIZE };
    uint8_t *buf = disk_buffer(ORDER);
    while (count) {
        uint32_t n = count < PIECE ? count : PIECE;
        memset(buf, 0, n * SECTOR_SIZE);
        KASSERT_EQ(blkdev_rw(t->dev, first, buf, n * SECTOR_SIZE, BIO_READ), 0);
        pattern_check(buf, seed, first, n);
        first += n;
        count -= n;
    }
    disk_buffer_free(buf, ORDER);
}

/* Write [first, first + count) with the pattern of seed + 1: three lone
 * sectors (a bio with one partial-page segment), then the rest at once. */
void write_region(struct disk_test *t, uint64_t first, uint32_t count)
{
    enum { ORDER = 6 };
    KASSERT(count > 3 && count <= (PAGE_SIZE << ORDER) / SECTOR_SIZE);
    uint8_t *buf = disk_buffer(ORDER);
    pattern_fill(buf, t->seed + 1, first, count);
    KASSERT_EQ(blkdev_rw(t->dev, first, buf, 3 * SECTOR_SIZE, BIO_WRITE), 0);
    KASSERT_EQ(blkdev_rw(t->dev, first + 3, buf + 3 * SECTOR_SIZE, (count - 3) * SECTOR_SIZE,
                         BIO_WRITE), 0);
    disk_buffer_free(buf, ORDER);
    read_check(t, first, count, t->seed + 1);
    read_check(t, first - 1, 1, t->seed);           /* the neighbours are untouched */
    read_check(t, first + count, 1, t->seed);
}

/*
 * Bios of BIO_MAX_VECS segments over physically contiguous pages that
 * straddle a 64 KiB boundary: the driver merges contiguous segments into
 * PRD entries and must cut them at the boundary.  The first segment starts
 * 512 bytes into its page, so a bio holds BIG_BIO_SECTORS sectors.
 */
#define BIG_BIO_ORDER   6               /* the buffer: 256 KiB */
_Static_assert(8 + BIO_MAX_VECS <= 1 << BIG_BIO_ORDER, "a big bio's pages fit the buffer");

static int big_bio_rw(struct disk_test *t, uint8_t *block, uint64_t sector, enum bio_op op)
{
    /* block is 256 KiB and aligned to it (a buddy block): its page 8
     * starts 32 KiB below the 64 KiB boundary at page 16. */
    struct bio *bio = bio_alloc(GFP_KERNEL);
    bio->bdev = t->dev;
    bio->sector = sector;
    bio->op = op;
    for (int i = 0; i < BIO_MAX_VECS; i++) {
        uint32_t off = i ? 0 : SECTOR_SIZE;
        KASSERT_EQ(bio_add_page(bio, virt_to_page(block + (8 + i) * PAGE_SIZE),
                                PAGE_SIZE - off, off), 0);
    }
    int err = submit_bio_wait(bio);
    bio_put(bio);
    return err;
}

void big_bios(struct disk_test *t, uint64_t first, uint32_t count)
{
    enum { ORDER = BIG_BIO_ORDER };
    KASSERT(count % BIG_BIO_SECTORS == 0);
    uint8_t *block = disk_buffer(ORDER);
    KASSERT_EQ(virt_to_phys(block) % (PAGE_SIZE << ORDER), 0);
    uint8_t *data = block + 8 * PAGE_SIZE + SECTOR_SIZE;      /* where the bio's bytes are */
    /* The original pattern first, read into the straddling pages. */
    KASSERT_EQ(big_bio_rw(t, block, first, BIO_READ), 0);
    pattern_check(data, t->seed, first, BIG_BIO_SECTORS);
    for (uint32_t done = 0; done < count; done += BIG_BIO_SECTORS) {
        pattern_fill(data, t->seed + 1, first + done, BIG_BIO_SECTORS);
        KASSERT_EQ(big_bio_rw(t, block, first + done, BIO_WRITE), 0);
    }
    for (uint32_t done = 0; done < count; done += BIG_BIO_SECTORS) {
        memset(block, 0, PAGE_SIZE << ORDER);
        KASSERT_EQ(big_bio_rw(t, block, first + done, BIO_READ), 0);
        pattern_check(data, t->seed + 1, first + done, BIG_BIO_SECTORS);
    }
    disk_buffer_free(block, ORDER);
}

/* Many one-page bios in flight at once, each with its own page. */
#define FLIGHT_MAX_BIOS 256

struct flight {
    struct completion all_done;
    volatile int left;              /* bios not yet ended */
    volatile int failed;
    int *status;                    /* each bio's, when the caller wants them */
};

static struct flight_tag {
    struct flight *f;
    int i;
} flight_tags[FLIGHT_MAX_BIOS];     /* bio->private: which bio of which burst */

static void flight_end(struct bio *bio)
{
    struct flight_tag *tag = bio->private;
    struct flight *f = tag->f;
    if (bio->status)
        f->failed++;
    if (f->status)
        f->status[tag->i] = bio->status;
    bio_put(bio);                   /* from the interrupt: the pool allows it */
    if (--f->left == 0)
        complete(&f->all_done);
}

int flight_rw_status(struct block_device *dev, struct page **pages, const uint64_t *sectors,
                     int n, enum bio_op op, int *status)
{
    static struct flight f;
    static struct bio *bios[FLIGHT_MAX_BIOS];
    KASSERT(n <= FLIGHT_MAX_BIOS);
    init_completion(&f.all_done, "disk-test-bios");
    f.left = n;
    f.failed = 0;
    f.status = status;
    for (int i = 0; i < n; i++) {
        struct bio *bio = bios[i] = bio_alloc(GFP_KERNEL);      /* may sleep: before */
        bio->bdev = dev;
        bio->sector = sectors[i];
        bio->op = op;
        bio->end_io = flight_end;
        flight_tags[i] = (struct flight_tag){ &f, i };
        bio->private = &flight_tags[i];
        bio_add_page(bio, pages[i], PAGE_SIZE, 0);
    }
    uint32_t flags = irq_save();
    for (int i = 0; i < n; i++)
        submit_bio(bios[i]);
    irq_restore(flags);
    KASSERT(wait_for_completion_timeout(&f.all_done, IO_TIMEOUT_MS) > 0);
    return f.failed;
}

int flight_rw(struct disk_test *t, struct page **pages, const uint64_t *sectors, int n,
              enum bio_op op)
{
    return flight_rw_status(t->dev, pages, sectors, n, op, NULL);
}

/* Write [first, first + count) by bios submitted in disk order (the
 * driver may merge them into commands of over 256 sectors: LBA48), then
 * read it back by bios submitted in a shuffled order. */
void many_bios(struct disk_test *t, uint64_t first, uint32_t count)
{
    static struct page *pages[FLIGHT_MAX_BIOS];
    static uint64_t sectors[FLIGHT_MAX_BIOS];
    int n = (int)(count / 8);
    KASSERT(count % 8 == 0 && n <= FLIGHT_MAX_BIOS);
    for (int i = 0; i < n; i++) {
        pages[i] = alloc_page(GFP_KERNEL);
        KASSERT(pages[i] != NULL);
        pattern_fill(page_address(pages[i]), t->seed + 1, first + 8 * i, 8);
        sectors[i] = first + 8 * i;
    }
    KASSERT_EQ(flight_rw(t, pages, sectors, n, BIO_WRITE), 0);

    struct rng r;
    ktest_rng_init(&r);
    for (int i = n - 1; i > 0; i--) {           /* Fisher-Yates, pages with their sectors */
        int j = (int)rng_below(&r, (uint32_t)i + 1);
        struct page *p = pages[i];
        uint64_t s = sectors[i];
        pages[i] = pages[j], sectors[i] = sectors[j];
        pages[j] = p, sectors[j] = s;
    }
    for (int i = 0; i < n; i++)
        memset(page_address(pages[i]), 0, PAGE_SIZE);
    KASSERT_EQ(flight_rw(t, pages, sectors, n, BIO_READ), 0);
    for (int i = 0; i < n; i++) {
        pattern_check(page_address(pages[i]), t->seed + 1, sectors[i], 8);
        free_page(pages[i]);
    }
}
