/*
 * test_ata.c - the ATA driver on QEMU's PIIX IDE disks, by DMA and by PIO:
 * known data reads back right, written data lands where it should (the
 * host checks the image afterwards), big bios whose pages cross a 64 KiB
 * boundary work, many bios in flight at once all complete, LBA48 reaches
 * past sector 2^28, and a disk error fails only its own bio.
 *
 * The disks are made by the harness (tests/harness/disks.py) with a seeded
 * pattern; the command line brings the seed (disk_seed=), and the region
 * a test may write (write_sector=, write_count=), which it fills with the
 * pattern of seed + 1 -- what the host's check then expects there, and the
 * original pattern everywhere else.  Booted without those (test=all), the
 * tests skip.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"
#include "wait.h"

#define SECTOR_WORDS    (SECTOR_SIZE / 4)
#define IO_TIMEOUT_MS   20000

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

static void pattern_fill(void *buf, uint32_t seed, uint64_t sector, uint32_t count)
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
static void pattern_check(const void *buf, uint32_t seed, uint64_t sector, uint32_t count)
{
    static uint32_t want[SECTOR_WORDS];
    const uint8_t *p = buf;
    for (uint32_t s = 0; s < count; s++, sector++, p += SECTOR_SIZE) {
        pattern_fill(want, seed, sector, 1);
        if (memcmp(p, want, SECTOR_SIZE) != 0)
            ktest_fail(__FILE__, __LINE__, "sector %llu is not the pattern of seed %u "
                       "(it starts %08x %08x %08x)", (unsigned long long)sector, seed,
                       ((const uint32_t *)p)[0], ((const uint32_t *)p)[1],
                       ((const uint32_t *)p)[2]);
    }
}

struct disk_test {
    struct block_device *dev;
    uint32_t seed;                  /* the image's pattern; seed + 1 is written */
    uint32_t write_sector, write_count;
};

/* The disk and what the command line says about it; false when there is
 * no disk_seed=: booted without the harness's image (test=all in make
 * run), the test has nothing to work on and says it skipped -- the specs
 * reject that line, so under the harness a skip is a failure. */
static bool disk_test(const char *name, struct disk_test *t)
{
    if (!cmdline_has("disk_seed")) {
        pr_info("test_ata: no disk_seed= on the command line; skipped: no test disk\n");
        return false;
    }
    *t = (struct disk_test){ .dev = blkdev_find(name) };
    KASSERT(t->dev != NULL);
    t->seed = cmdline_get_u32("disk_seed", 0);
    t->write_sector = cmdline_get_u32("write_sector", 0);
    t->write_count = cmdline_get_u32("write_count", 0);
    uint32_t sectors = cmdline_get_u32("disk_sectors", 0);
    if (sectors)
        KASSERT_EQ(t->dev->nr_sectors, sectors);
    return true;
}

/* A buffer of 2^order pages in the direct map. */
static uint8_t *buffer(unsigned order)
{
    struct page *p = alloc_pages(GFP_KERNEL, order);
    KASSERT(p != NULL);
    return page_address(p);
}

static void buffer_free(uint8_t *buf, unsigned order) { free_pages(virt_to_page(buf), order); }

/* Read [first, first + count) in 256 KiB pieces and check the pattern. */
static void read_check(struct disk_test *t, uint64_t first, uint32_t count, uint32_t seed)
{
    enum { ORDER = 6, PIECE = (PAGE_SIZE << ORDER) / SECTOR_SIZE };
    uint8_t *buf = buffer(ORDER);
    while (count) {
        uint32_t n = count < PIECE ? count : PIECE;
        memset(buf, 0, n * SECTOR_SIZE);
        KASSERT_EQ(blkdev_rw(t->dev, first, buf, n * SECTOR_SIZE, BIO_READ), 0);
        pattern_check(buf, seed, first, n);
        first += n;
        count -= n;
    }
    buffer_free(buf, ORDER);
}

/* Write [first, first + count) with the pattern of seed + 1: three lone
 * sectors (a bio with one partial-page segment), then the rest at once. */
static void write_region(struct disk_test *t, uint64_t first, uint32_t count)
{
    enum { ORDER = 6 };
    KASSERT(count > 3 && count <= (PAGE_SIZE << ORDER) / SECTOR_SIZE);
    uint8_t *buf = buffer(ORDER);
    pattern_fill(buf, t->seed + 1, first, count);
    KASSERT_EQ(blkdev_rw(t->dev, first, buf, 3 * SECTOR_SIZE, BIO_WRITE), 0);
    KASSERT_EQ(blkdev_rw(t->dev, first + 3, buf + 3 * SECTOR_SIZE, (count - 3) * SECTOR_SIZE,
                         BIO_WRITE), 0);
    buffer_free(buf, ORDER);
    read_check(t, first, count, t->seed + 1);
    read_check(t, first - 1, 1, t->seed);           /* the neighbours are untouched */
    read_check(t, first + count, 1, t->seed);
}

/*
 * Bios of BIO_MAX_VECS segments over physically contiguous pages that
 * straddle a 64 KiB boundary: the driver merges contiguous segments into
 * PRD entries and must cut them at the boundary.  The first segment starts
 * 512 bytes into its page, so a bio holds 127 sectors.
 */
#define BIG_BIO_SECTORS ((BIO_MAX_VECS * PAGE_SIZE - SECTOR_SIZE) / SECTOR_SIZE)

static int big_bio_rw(struct disk_test *t, uint8_t *block, uint64_t sector, enum bio_op op)
{
    /* block is 128 KiB and aligned to it (a buddy block): its page 8
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

static void big_bios(struct disk_test *t, uint64_t first, uint32_t count)
{
    enum { ORDER = 5 };
    KASSERT(count % BIG_BIO_SECTORS == 0);
    uint8_t *block = buffer(ORDER);
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
    buffer_free(block, ORDER);
}

/* Many one-page bios in flight at once, each with its own page. */
struct flight {
    struct completion all_done;
    volatile int left;              /* bios not yet ended */
    volatile int failed;
};

static void flight_end(struct bio *bio)
{
    struct flight *f = bio->private;
    if (bio->status)
        f->failed++;
    bio_put(bio);                   /* from the interrupt: the pool allows it */
    if (--f->left == 0)
        complete(&f->all_done);
}

/* One 8-sector bio per page, pages[i] to or from sectors[i], all
 * submitted in one burst with interrupts off -- so none can complete
 * before the last is queued and the driver sees them all, as it would
 * from kswiod's clustering; then wait for all.  Returns how many failed. */
static int flight_rw(struct disk_test *t, struct page **pages, const uint64_t *sectors, int n,
                     enum bio_op op)
{
    enum { MAX_BIOS = 256 };
    static struct flight f;
    static struct bio *bios[MAX_BIOS];
    KASSERT(n <= MAX_BIOS);
    init_completion(&f.all_done, "ata-test-bios");
    f.left = n;
    f.failed = 0;
    for (int i = 0; i < n; i++) {
        struct bio *bio = bios[i] = bio_alloc(GFP_KERNEL);      /* may sleep: before */
        bio->bdev = t->dev;
        bio->sector = sectors[i];
        bio->op = op;
        bio->end_io = flight_end;
        bio->private = &f;
        bio_add_page(bio, pages[i], PAGE_SIZE, 0);
    }
    uint32_t flags = irq_save();
    for (int i = 0; i < n; i++)
        submit_bio(bios[i]);
    irq_restore(flags);
    KASSERT(wait_for_completion_timeout(&f.all_done, IO_TIMEOUT_MS) > 0);
    return f.failed;
}

/* Write [first, first + count) by bios submitted in disk order (the
 * driver may merge them into commands of over 256 sectors: LBA48), then
 * read it back by bios submitted in a shuffled order. */
static void many_bios(struct disk_test *t, uint64_t first, uint32_t count)
{
    enum { MAX_BIOS = 256 };
    static struct page *pages[MAX_BIOS];
    static uint64_t sectors[MAX_BIOS];
    int n = (int)(count / 8);
    KASSERT(count % 8 == 0 && n <= MAX_BIOS);
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

KTEST(ata_reads_seeded_pattern)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    read_check(&t, 0, (uint32_t)t.dev->nr_sectors, t.seed);    /* the whole disk */
    read_check(&t, t.dev->nr_sectors - 1, 1, t.seed);
    /* Past the end: the block layer refuses it before the driver sees it. */
    uint8_t *buf = buffer(0);
    KASSERT_EQ(blkdev_rw(t.dev, t.dev->nr_sectors - 1, buf, 2 * SECTOR_SIZE, BIO_READ), -EIO);
    buffer_free(buf, 0);
}

KTEST(ata_write_lands_in_place)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    write_region(&t, t.write_sector, t.write_count);
}

KTEST(ata_big_bios_cross_64k_boundary)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    big_bios(&t, t.write_sector, t.write_count);
}

KTEST(ata_many_bios_in_flight_complete)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    many_bios(&t, t.write_sector, t.write_count);
}

/* Everything above again, by PIO (the spec boots with ata=pio): the
 * region is cut in three, one for each way of writing. */
KTEST(ata_pio_reads_and_writes)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    uint32_t big = 2 * BIG_BIO_SECTORS, many = t.write_count - 64 - big;
    read_check(&t, 0, 4096, t.seed);
    read_check(&t, t.dev->nr_sectors - 1, 1, t.seed);
    write_region(&t, t.write_sector, 64);
    big_bios(&t, t.write_sector + 64, big);
    many_bios(&t, t.write_sector + 64 + big, many);
}

/* hda is a sparse 200 GiB image with the pattern around sector 2^28. */
KTEST(ata_lba48_beyond_2pow28)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    uint64_t lba28_end = 1ull << 28;
    KASSERT(t.dev->nr_sectors > lba28_end);
    read_check(&t, lba28_end - 8, 16, t.seed);          /* one bio across 2^28 */
    read_check(&t, lba28_end - 64, 128, t.seed);
    KASSERT(t.write_sector > lba28_end);
    write_region(&t, t.write_sector, t.write_count);
}

/*
 * hda sits behind QEMU's blkdebug, which fails every read touching
 * error_read= and every write touching error_write= with EIO.  Those bios
 * fail with -EIO and a log line naming the disk and the sector; bios
 * merged with a failing one still succeed (the driver retries them one by
 * one); and the disk goes on working.
 */
KTEST(ata_disk_error_fails_only_its_bio)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    uint32_t bad_read = cmdline_get_u32("error_read", 0);
    uint32_t bad_write = cmdline_get_u32("error_write", 0);
    KASSERT(bad_read && bad_write);
    uint8_t *buf = buffer(1);
    uint32_t errors = t.dev->errors, mark = log_mark();
    char line[64];

    KASSERT_EQ(blkdev_rw(t.dev, bad_read - 4, buf, 8 * SECTOR_SIZE, BIO_READ), -EIO);
    ksnprintf(line, sizeof(line), "ata: hda: read error at sector %u", bad_read - 4);
    KASSERT(log_contains(mark, line));
    KASSERT_EQ(t.dev->errors, errors + 1);

    read_check(&t, bad_read + 4000, 8, t.seed);         /* elsewhere all is well */

    /* Four adjacent bios, the third over the bad sector, queued behind a
     * bio elsewhere: the four go as one command, which fails; retried
     * one by one, only the third fails. */
    static struct page *pages[5];
    uint64_t first = bad_read - bad_read % 8 - 16;
    uint64_t sectors[5] = { bad_read + 4000, first, first + 8, first + 16, first + 24 };
    for (int i = 0; i < 5; i++)
        KASSERT((pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO)) != NULL);
    mark = log_mark();
    KASSERT_EQ(flight_rw(&t, pages, sectors, 5, BIO_READ), 1);
    KASSERT(log_contains(mark, "ata: hda: retrying those 4 bios one at a time"));
    for (int i = 0; i < 5; i++) {
        if (i != 3)
            pattern_check(page_address(pages[i]), t.seed, sectors[i], 8);
        free_page(pages[i]);
    }

    pattern_fill(buf, t.seed + 1, bad_write - 2, 4);
    mark = log_mark();
    KASSERT_EQ(blkdev_rw(t.dev, bad_write - 2, buf, 4 * SECTOR_SIZE, BIO_WRITE), -EIO);
    ksnprintf(line, sizeof(line), "ata: hda: write error at sector %u", bad_write - 2);
    KASSERT(log_contains(mark, line));

    write_region(&t, t.write_sector, t.write_count);    /* and writes still work */
    buffer_free(buf, 1);
}

/*
 * hda is throttled by QEMU to 8 KiB a second (with a small burst): after
 * a 64 KiB read, the next request waits about 8 s for its turn -- longer
 * than the driver's timeout, which must then reset the channel (stopping
 * the bus master first), fail that bio with -EIO and go on: the request
 * after it is served.
 */
KTEST(ata_timeout_resets_channel)
{
    struct disk_test t;
    if (!disk_test("hda", &t))
        return;
    enum { ORDER = 4 };
    uint8_t *buf = buffer(ORDER);
    KASSERT_EQ(blkdev_rw(t.dev, 0, buf, PAGE_SIZE << ORDER, BIO_READ), 0);  /* the burst */
    pattern_check(buf, t.seed, 0, (PAGE_SIZE << ORDER) / SECTOR_SIZE);
    uint32_t mark = log_mark();
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(blkdev_rw(t.dev, 500, buf, SECTOR_SIZE, BIO_READ), -EIO);
    uint64_t waited = timer_uptime_ms() - t0;
    KASSERT(waited >= 4900 && waited < 6000);
    KASSERT(log_contains(mark, "ata: hda: timeout: read at sector 500 (1 sectors)"));
    KASSERT(log_contains(mark, "resetting ide0"));
    read_check(&t, 1000, 1, t.seed);
    buffer_free(buf, ORDER);
}
