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
#include "disk_pattern.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"
#include "vsprintf.h"
#include "wait.h"
#include "x86.h"

KERNEL_PARAM(error_read, "0", "the sector whose read the ATA error test expects to fail");
KERNEL_PARAM(error_write, "0", "the sector whose write the ATA error test expects to fail");

KTEST(ata_reads_seeded_pattern)
{
    struct disk_test t;
    disk_test("hda", &t);
    read_check(&t, 0, (uint32_t)t.dev->nr_sectors, t.seed);    /* the whole disk */
    read_check(&t, t.dev->nr_sectors - 1, 1, t.seed);
    /* Past the end: the block layer refuses it before the driver sees it. */
    uint8_t *buf = disk_buffer(0);
    KASSERT_EQ(blkdev_rw(t.dev, t.dev->nr_sectors - 1, buf, 2 * SECTOR_SIZE, BIO_READ), -EIO);
    disk_buffer_free(buf, 0);
}

KTEST(ata_write_lands_in_place)
{
    struct disk_test t;
    disk_test("hda", &t);
    write_region(&t, t.write_sector, t.write_count);
}

KTEST(ata_big_bios_cross_64k_boundary)
{
    struct disk_test t;
    disk_test("hda", &t);
    big_bios(&t, t.write_sector, t.write_count);
}

KTEST(ata_many_bios_in_flight_complete)
{
    struct disk_test t;
    disk_test("hda", &t);
    many_bios(&t, t.write_sector, t.write_count);
}

/* Everything above again, by PIO (the spec boots with ata=pio): the
 * region is cut in three, one for each way of writing. */
KTEST(ata_pio_reads_and_writes)
{
    struct disk_test t;
    disk_test("hda", &t);
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
    disk_test("hda", &t);
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
    disk_test("hda", &t);
    uint32_t bad_read = cmdline_get_u32("error_read", 0);
    uint32_t bad_write = cmdline_get_u32("error_write", 0);
    KASSERT(bad_read && bad_write);
    uint8_t *buf = disk_buffer(1);
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
    disk_buffer_free(buf, 1);
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
    disk_test("hda", &t);
    enum { ORDER = 4 };
    uint8_t *buf = disk_buffer(ORDER);
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
    disk_buffer_free(buf, ORDER);
}
