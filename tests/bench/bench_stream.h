/*
 * bench_stream.h - sequential streaming through the block layer, for the
 * device benchmarks (bench_disk.c, bench_nbd.c).
 */
#pragma once
#include <stdint.h>

#define BENCH_STREAM_MAX_DEPTH 16       /* bios in flight at most */

/* Write bytes to dev_name from sector 0, then read them back, depth bios
 * of BIO_MAX_VECS pages in flight; reports "BENCH bench write_NMiB_s=..."
 * and "read_NMiB_s=..." (wall-clock seconds by the guest's TSC).  0, or
 * -1 after a line saying what went wrong. */
int bench_stream(const char *bench, const char *dev_name, uint32_t bytes, int depth);
