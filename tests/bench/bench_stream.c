/*
 * bench_stream.c - the streaming benchmark behind bench=disk and
 * bench=nbd (see bench_stream.h): write a device sequentially, then read
 * it back, in bios of BIO_MAX_VECS pages with depth of them in flight
 * (each completion submits the next from its end_io, so the queue never
 * runs dry while the task sleeps), timed by the TSC against the PIT.
 */
#include "bench_stream.h"
#include "blkdev.h"
#include "completion.h"
#include "kbench.h"
#include "mm.h"
#include "printk.h"
#include "sched.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"

#define BIO_SECTORS         (BIO_MAX_VECS * PAGE_SIZE / SECTOR_SIZE)
#define METRIC_LEN          32

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
    /* After an error, no more: a dead device ends a bio inside
     * submit_bio, so resubmitting from here would recurse once per piece
     * left (a 32 MiB pass overflowed the stack when nbd0 timed out). */
    if (s->next < s->end && !s->errors) {   /* reuse the bio for the next piece */
        bio->sector = s->next;
        s->next += BIO_SECTORS;
        submit_bio(bio);
        return;
    }
    bio_put(bio);
    if (--s->inflight == 0)
        complete(&s->done);
}

/* One pass over [0, bytes) of dev; the microseconds it took, or 0 after
 * an error. */
static uint64_t stream_pass(const char *bench, struct block_device *dev, struct page **pages,
                            enum bio_op op, uint32_t bytes, int depth, uint64_t hz)
{
    static struct stream s;
    static struct bio *bios[BENCH_STREAM_MAX_DEPTH];
    s.next = 0;
    s.end = bytes / SECTOR_SIZE;
    s.inflight = depth;
    s.errors = 0;
    init_completion(&s.done, "bench-stream");
    for (int i = 0; i < depth; i++) {
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
    struct sched_stats st0, st1;
    sched_get_stats(&st0);
    uint64_t t0 = rdtsc();
    for (int i = 0; i < depth; i++)
        submit_bio(bios[i]);
    wait_for_completion(&s.done);
    uint64_t t1 = rdtsc();
    sched_get_stats(&st1);
    uint64_t us = (t1 - t0) * 1000000 / hz;
    /* The CPU's share: what the rest of the machine (QEMU's device
     * models, slirp, the server) did meanwhile is the idle part. */
    pr_info("bench %s: %s pass: cpu busy %u ms of %u, %u task switches\n", bench,
            op == BIO_WRITE ? "write" : "read",
            (uint32_t)((t1 - t0 - (st1.idle_tsc - st0.idle_tsc)) * 1000 / hz),
            (uint32_t)(us / 1000), (uint32_t)(st1.switches - st0.switches));
    if (s.errors) {
        pr_err("bench %s: %d bios failed\n", bench, s.errors);
        return 0;
    }
    return us;
}

int bench_stream(const char *bench, const char *dev_name, uint32_t bytes, int depth)
{
    static struct page *pages[BENCH_STREAM_MAX_DEPTH * BIO_MAX_VECS];
    struct block_device *dev = blkdev_find(dev_name);
    if (!dev || dev->nr_sectors < bytes / SECTOR_SIZE || depth > BENCH_STREAM_MAX_DEPTH) {
        pr_err("bench %s: needs %s of at least %u MiB\n", bench, dev_name, bytes >> 20);
        return -1;
    }
    int n = depth * BIO_MAX_VECS, ret = 0;
    for (int i = 0; i < n; i++) {
        pages[i] = alloc_page(GFP_KERNEL);
        if (!pages[i]) {
            pr_err("bench %s: out of memory\n", bench);
            while (i--)
                free_page(pages[i]);
            return -1;
        }
        uint32_t *w = page_address(pages[i]);
        for (unsigned j = 0; j < PAGE_SIZE / 4; j++)
            w[j] = (uint32_t)i * 0x01000193u + j;
    }
    uint64_t hz = bench_tsc_hz();
    uint64_t write_us = stream_pass(bench, dev, pages, BIO_WRITE, bytes, depth, hz);
    uint64_t read_us = stream_pass(bench, dev, pages, BIO_READ, bytes, depth, hz);
    if (write_us && read_us) {
        char metric[METRIC_LEN];
        ksnprintf(metric, sizeof(metric), "write_%uMiB_s", bytes >> 20);
        bench_report_seconds(bench, metric, write_us);
        ksnprintf(metric, sizeof(metric), "read_%uMiB_s", bytes >> 20);
        bench_report_seconds(bench, metric, read_us);
    } else {
        ret = -1;
    }
    for (int i = 0; i < n; i++)
        free_page(pages[i]);
    return ret;
}
