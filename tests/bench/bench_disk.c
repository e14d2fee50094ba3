/*
 * bench_disk.c - bench=disk: write 64 MiB to hda, then read it back,
 * sequentially, in bios of BIO_MAX_VECS pages with STREAM_DEPTH of them
 * in flight (each completion submits the next from its end_io, so the
 * queue never runs dry while the task sleeps).  Reports the seconds each
 * took, by the guest clock.
 *
 * The clock is the TSC, calibrated against the PIT (bench_tsc_hz).  Under
 * -icount guest time is virtual -- it advances with executed instructions
 * and jumps ahead to the next timer while the CPU idles waiting for the
 * disk -- so make bench runs this one without it, and the unit says so
 * when it is not.
 */
#include "blkdev.h"
#include "kbench.h"
#include "mm.h"
#include "printk.h"
#include "timer.h"
#include "wait.h"
#include "x86.h"

#define BENCH_BYTES         (64u << 20)
#define STREAM_DEPTH        8               /* bios in flight */
#define BIO_SECTORS         (BIO_MAX_VECS * PAGE_SIZE / SECTOR_SIZE)

struct stream {
    uint64_t next, end;             /* sectors still to submit: [next, end) */
    volatile int inflight;
    volatile int errors;
    struct completion done;
};

static void stream_next(struct bio *bio)
{
    struct stream *s = bio->private;
    if (bio->status)
        s->errors++;
    if (s->next < s->end) {         /* reuse the bio for the next piece */
        bio->sector = s->next;
        s->next += BIO_SECTORS;
        submit_bio(bio);
        return;
    }
    bio_put(bio);
    if (--s->inflight == 0)
        complete(&s->done);
}

/* One pass over [0, BENCH_BYTES) of dev; the microseconds it took, or 0
 * after an error. */
static uint64_t stream_pass(struct block_device *dev, struct page **pages, enum bio_op op,
                            uint64_t hz)
{
    static struct stream s;
    s.next = 0;
    s.end = BENCH_BYTES / SECTOR_SIZE;
    s.inflight = STREAM_DEPTH;
    s.errors = 0;
    init_completion(&s.done, "bench-disk");
    struct bio *bios[STREAM_DEPTH];
    for (int i = 0; i < STREAM_DEPTH; i++) {
        bios[i] = bio_alloc(GFP_KERNEL);
        bios[i]->bdev = dev;
        bios[i]->sector = s.next;
        bios[i]->op = op;
        bios[i]->end_io = stream_next;
        bios[i]->private = &s;
        for (int v = 0; v < BIO_MAX_VECS; v++)
            bio_add_page(bios[i], pages[i * BIO_MAX_VECS + v], PAGE_SIZE, 0);
        s.next += BIO_SECTORS;
    }
    uint64_t t0 = rdtsc();
    for (int i = 0; i < STREAM_DEPTH; i++)
        submit_bio(bios[i]);
    wait_for_completion(&s.done);
    uint64_t us = (rdtsc() - t0) * 1000000 / hz;
    if (s.errors) {
        pr_err("bench disk: %d bios failed\n", s.errors);
        return 0;
    }
    return us;
}

KBENCH(disk)
{
    static struct page *pages[STREAM_DEPTH * BIO_MAX_VECS];
    struct block_device *dev = blkdev_find("hda");
    if (!dev || dev->nr_sectors < BENCH_BYTES / SECTOR_SIZE) {
        pr_err("bench disk: needs hda of at least %u MiB\n", BENCH_BYTES >> 20);
        return;
    }
    for (unsigned i = 0; i < STREAM_DEPTH * BIO_MAX_VECS; i++) {
        pages[i] = alloc_page(GFP_KERNEL);
        if (!pages[i]) {
            pr_err("bench disk: out of memory\n");
            return;
        }
        uint32_t *w = page_address(pages[i]);
        for (unsigned j = 0; j < PAGE_SIZE / 4; j++)
            w[j] = i * 0x01000193u + j;
    }
    uint64_t hz = bench_tsc_hz();
    uint64_t write_us = stream_pass(dev, pages, BIO_WRITE, hz);
    uint64_t read_us = stream_pass(dev, pages, BIO_READ, hz);
    if (write_us && read_us) {
        bench_report_seconds("disk", "write_64MiB_s", write_us);
        bench_report_seconds("disk", "read_64MiB_s", read_us);
    }
    for (unsigned i = 0; i < STREAM_DEPTH * BIO_MAX_VECS; i++)
        free_page(pages[i]);
}
