/*
 * bench_mm.c - bench=page_alloc and bench=kmalloc: the cost of one
 * allocation plus its free, in instructions (median over many pairs, the
 * cost of reading the clock subtracted).  Run on the release build
 * (MM_DEBUG=0): poisoning and its checks would dominate otherwise.
 */
#include "kbench.h"
#include "mm.h"
#include "slab.h"
#include "vsprintf.h"
#include "x86.h"

#define PAIRS   1001
#define WARMUP  100

static uint32_t samples[PAIRS];

static void bench_page_pairs(unsigned order)
{
    uint32_t overhead = bench_overhead();
    for (int i = -WARMUP; i < PAIRS; i++) {
        uint64_t t0 = rdtsc();
        struct page *p = alloc_pages(GFP_KERNEL, order);
        free_pages(p, order);
        uint64_t t1 = rdtsc();
        if (i >= 0)
            samples[i] = (uint32_t)bench_instructions(t1 - t0) - overhead;
    }
    char params[16];
    ksnprintf(params, sizeof(params), "order=%u", order);
    bench_report("page_alloc", params, "instructions_per_pair", bench_median(samples, PAIRS),
                 "instructions");
}

KBENCH(page_alloc)
{
    bench_page_pairs(0);
    bench_page_pairs(3);
}

static void bench_kmalloc_pairs(size_t size)
{
    uint32_t overhead = bench_overhead();
    for (int i = -WARMUP; i < PAIRS; i++) {
        uint64_t t0 = rdtsc();
        void *p = kmalloc(size, GFP_KERNEL);
        kfree(p);
        uint64_t t1 = rdtsc();
        if (i >= 0)
            samples[i] = (uint32_t)bench_instructions(t1 - t0) - overhead;
    }
    char params[16];
    ksnprintf(params, sizeof(params), "size=%u", (unsigned)size);
    bench_report("kmalloc", params, "instructions_per_pair", bench_median(samples, PAIRS),
                 "instructions");
}

KBENCH(kmalloc)
{
    bench_kmalloc_pairs(64);
    bench_kmalloc_pairs(1024);
}
