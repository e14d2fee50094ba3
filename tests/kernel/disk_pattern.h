/*
 * disk_pattern.h - what the disk tests share (test_ata.c, test_nbd.c): the
 * seeded pattern of tests/harness/disks.py, and reads, writes and bursts
 * of bios that check it.
 *
 * The harness makes an image with the pattern of a seed and boots with
 * disk_seed= (and disk_sectors=, write_sector=, write_count=): a test
 * reads the pattern back, and writes the region it was given with the
 * pattern of seed + 1, which the host then looks for there.  Every helper
 * ends the running test (KASSERT) at the first thing that is wrong.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "blkdev.h"
#include "mm.h"

#define IO_TIMEOUT_MS   20000
/* A bio of BIO_MAX_VECS pages whose first segment starts 512 bytes in. */
#define BIG_BIO_SECTORS ((BIO_MAX_VECS * PAGE_SIZE - SECTOR_SIZE) / SECTOR_SIZE)

struct disk_test {
    struct block_device *dev;
    uint32_t seed;                  /* the image's pattern; seed + 1 is written */
    uint32_t write_sector, write_count;
};

/* The disk and what the command line says about it; without disk_seed=
 * the running test is skipped (ktest_skip), which make test fails. */
void disk_test(const char *name, struct disk_test *t);
/* Sector by sector, the pattern of seed from sector on. */
void pattern_fill(void *buf, uint32_t seed, uint64_t sector, uint32_t count);
/* Whether buf holds the pattern of seed; pattern_check fails the test at
 * the first sector that does not. */
bool pattern_matches(const void *buf, uint32_t seed, uint64_t sector, uint32_t count);
void pattern_check(const void *buf, uint32_t seed, uint64_t sector, uint32_t count);
/* 2^order pages in the direct map. */
uint8_t *disk_buffer(unsigned order);
void disk_buffer_free(uint8_t *buf, unsigned order);
/* Read [first, first + count) and check the pattern of seed. */
void read_check(struct disk_test *t, uint64_t first, uint32_t count, uint32_t seed);
/* Write the pattern of seed + 1 over the region, read it back, and check
 * its neighbours are untouched. */
void write_region(struct disk_test *t, uint64_t first, uint32_t count);
/* BIG_BIO_SECTORS bios over pages that straddle a 64 KiB boundary. */
void big_bios(struct disk_test *t, uint64_t first, uint32_t count);
/* One 8-sector bio per page, pages[i] at sectors[i], all submitted at
 * once; how many failed, and (when status is not NULL) each one's status. */
int flight_rw_status(struct block_device *dev, struct page **pages, const uint64_t *sectors,
                     int n, enum bio_op op, int *status);
int flight_rw(struct disk_test *t, struct page **pages, const uint64_t *sectors, int n,
              enum bio_op op);
/* The region written by a burst in disk order, read back by one shuffled. */
void many_bios(struct disk_test *t, uint64_t first, uint32_t count);
