/*
 * test_nbd.c - nbd0 against real and lying NBD servers.  Each test needs
 * the harness (tests/harness/nbd_tests.py), which starts the server on
 * the host, boots with nbd=10.0.2.100:PORT and judges the log and the
 * image afterwards; so they are KTEST_MANUAL (test=all has no server),
 * and without nbd0 each fails at once saying so.
 *
 *   nbd_pattern_round_trip       the image's seeded pattern reads back; the
 *                                region written (write_sector=,
 *                                write_count=) is checked on the host
 *   nbd_written_data_reads_back  a server with no pattern (nbdkit memory):
 *                                what is written reads back, in-kernel only
 *   nbd_survives_faulty_server   bursts of writes and reads for nbd_io_ms=
 *                                against a server that fails, stalls, dies
 *                                or lies; nbd_expect= says what must
 *                                happen: clean, errors or dead
 *   nbd_refused_server_leaves_no_device  the handshake was refused
 */
#include "blkdev.h"
#include "cmdline.h"
#include "disk_pattern.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "nbd.h"
#include "printk.h"
#include "test_helpers.h"
#include "timer.h"

KERNEL_PARAM(nbd_expect, "", "what nbd_survives_faulty_server must see: clean, errors or dead");
KERNEL_PARAM(nbd_io_ms, "5000", "how long nbd_survives_faulty_server writes and reads, in ms");

#define SECTORS_PER_PAGE    (PAGE_SIZE / SECTOR_SIZE)
#define FAULT_PAGES         64      /* one burst: more than NBD_MAX_INFLIGHT */
#define FAST_FAIL_MS        100     /* a dead device fails a bio at once */
#define DEFAULT_IO_MS       5000

static struct nbd_stats stats(struct block_device *dev)
{
    struct nbd_stats st;
    KASSERT_EQ(nbd_get_stats(dev, &st), 0);
    return st;
}

static void flush_if_offered(struct block_device *dev)
{
    int err = nbd_flush(dev);
    KASSERT(err == 0 || err == -EOPNOTSUPP);
}

/* The ATA tests' checks, on an NBD device: the whole image reads as the
 * pattern, then the write region is cut in three, one for each way of
 * writing. */
void nbd_pattern_checks(struct block_device *dev)
{
    struct disk_test t;
    disk_test(dev->name, &t);
    uint32_t big = 2 * BIG_BIO_SECTORS, many = t.write_count - 64 - big;
    KASSERT(t.write_count > 64 + big && many % SECTORS_PER_PAGE == 0);
    read_check(&t, 0, (uint32_t)dev->nr_sectors, t.seed);
    write_region(&t, t.write_sector, 64);
    big_bios(&t, t.write_sector + 64, big);
    many_bios(&t, t.write_sector + 64 + big, many);
    flush_if_offered(dev);
    struct nbd_stats st = stats(dev);
    pr_info("nbd test: %llu reads, %llu writes, %llu flushes, at most %u in flight\n",
            (unsigned long long)st.reads, (unsigned long long)st.writes,
            (unsigned long long)st.flushes, st.max_inflight);
    KASSERT(st.connected);
    KASSERT(st.max_inflight > 1);           /* the burst really overlapped */
    KASSERT_EQ(st.failed + st.server_errors + st.timeouts, 0);
}

KTEST_MANUAL(nbd_pattern_round_trip)
{
    nbd_pattern_checks(test_nbd0());
}

KTEST_MANUAL(nbd_written_data_reads_back)
{
    struct disk_test t;
    struct block_device *dev = test_nbd0();
    disk_test("nbd0", &t);
    many_bios(&t, t.write_sector, t.write_count);
    int err = nbd_trim(dev, t.write_sector, SECTORS_PER_PAGE);
    KASSERT(err == 0 || err == -EOPNOTSUPP);
    flush_if_offered(dev);
    KASSERT(stats(dev).connected);
}

/* What each page of the fault region may hold: the pattern of known (0:
 * unknown, the server's initial contents), or of maybe -- a later write
 * that failed may still have landed. */
struct page_truth {
    uint32_t known, maybe;
};

struct fault_run {
    struct block_device *dev;
    struct page *pages[FAULT_PAGES];
    uint64_t sectors[FAULT_PAGES];
    int status[FAULT_PAGES];
    struct page_truth truth[FAULT_PAGES];
    uint32_t rounds, ok, failed;
};

static void fault_round(struct fault_run *r, uint32_t seed)
{
    for (int i = 0; i < FAULT_PAGES; i++)
        pattern_fill(page_address(r->pages[i]), seed, r->sectors[i], SECTORS_PER_PAGE);
    flight_rw_status(r->dev, r->pages, r->sectors, FAULT_PAGES, BIO_WRITE, r->status);
    for (int i = 0; i < FAULT_PAGES; i++) {
        struct page_truth *t = &r->truth[i];
        if (r->status[i] == 0)
            *t = (struct page_truth){ seed, 0 };
        else
            t->maybe = seed;
        r->ok += !r->status[i];
        r->failed += !!r->status[i];
    }
    for (int i = 0; i < FAULT_PAGES; i++)
        memset(page_address(r->pages[i]), 0, PAGE_SIZE);
    flight_rw_status(r->dev, r->pages, r->sectors, FAULT_PAGES, BIO_READ, r->status);
    for (int i = 0; i < FAULT_PAGES; i++) {
        const struct page_truth *t = &r->truth[i];
        const void *data = page_address(r->pages[i]);
        r->ok += !r->status[i];
        r->failed += !!r->status[i];
        /* No silent corruption: a read that succeeded returns what was
         * written, or what a failed write since may have left.  Before the
         * first good write the contents are the server's, unknown here. */
        if (r->status[i] == 0 && t->known &&
            !pattern_matches(data, t->known, r->sectors[i], SECTORS_PER_PAGE) &&
            !(t->maybe && pattern_matches(data, t->maybe, r->sectors[i], SECTORS_PER_PAGE)))
            ktest_fail(__FILE__, __LINE__, "sector %llu read back as neither seed %u nor %u",
                       (unsigned long long)r->sectors[i], t->known, t->maybe);
    }
    r->rounds++;
}

KTEST_MANUAL(nbd_survives_faulty_server)
{
    static struct fault_run r;
    const char *expect = cmdline_get("nbd_expect");
    KASSERT(expect != NULL);
    bool dead_wanted = strcmp(expect, "dead") == 0;
    r = (struct fault_run){ .dev = test_nbd0() };
    uint64_t first = cmdline_get_u32("write_sector", 0);
    KASSERT(first + FAULT_PAGES * SECTORS_PER_PAGE <= r.dev->nr_sectors);
    for (int i = 0; i < FAULT_PAGES; i++) {
        KASSERT((r.pages[i] = alloc_page(GFP_KERNEL)) != NULL);
        r.sectors[i] = first + (uint64_t)i * SECTORS_PER_PAGE;
    }
    uint64_t end = timer_uptime_ms() + cmdline_get_u32("nbd_io_ms", DEFAULT_IO_MS);
    uint32_t seed = ktest_seed();
    while (timer_uptime_ms() < end && !(dead_wanted && !stats(r.dev).connected))
        fault_round(&r, ++seed);
    struct nbd_stats st = stats(r.dev);
    pr_info("nbd test: %u rounds, %u bios ok, %u failed; server errors %u, timeouts %u; "
            "device %s\n", r.rounds, r.ok, r.failed, st.server_errors, st.timeouts,
            st.connected ? "connected" : "dead");
    if (strcmp(expect, "clean") == 0) {
        KASSERT(st.connected && r.failed == 0 && r.rounds >= 2);
    } else if (strcmp(expect, "errors") == 0) {
        KASSERT(st.connected && r.failed > 0 && r.ok > 0 && st.server_errors > 0);
    } else {
        KASSERT(dead_wanted);
        KASSERT(!st.connected);
        /* A server killed between two rounds had nothing in flight to
         * fail; the bio below shows the death all the same.  (A stall
         * always has: the harness wants its timeout line.) */
        if (!r.failed)
            pr_info("nbd test: the server died with nothing in flight\n");
        uint64_t t0 = timer_uptime_ms();    /* later bios fail at once */
        KASSERT_EQ(flight_rw_status(r.dev, r.pages, r.sectors, 1, BIO_READ, r.status), 1);
        KASSERT(timer_uptime_ms() - t0 < FAST_FAIL_MS);
        KASSERT_EQ(nbd_flush(r.dev) == -EIO || nbd_flush(r.dev) == -EOPNOTSUPP, 1);
    }
    for (int i = 0; i < FAULT_PAGES; i++)
        free_page(r.pages[i]);
}

KTEST_MANUAL(nbd_refused_server_leaves_no_device)
{
    KASSERT(cmdline_get("nbd") != NULL);
    KASSERT(blkdev_find("nbd0") == NULL);
}
