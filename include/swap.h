/*
 * swap.h - swap areas: block devices that hold anonymous pages reclaim
 * has taken out of memory.
 *
 * swapon() accepts only a device that mkswap prepared: the Linux swap
 * header (version 1, "SWAPSPACE2" in the last 10 bytes of page 0) with a
 * last_page that fits the device and a list of bad pages inside it.
 * Anything else is refused with a message that says what is wrong, and
 * nothing on the device is touched.  Page 0 is the header; slots 1 ..
 * last_page hold pages, less the bad ones.
 *
 * Slots are handed out in clusters (SWAP_CLUSTER slots in a row) so that
 * pages reclaimed together land next to each other on disk and can be
 * written with one request.  Areas are tried by priority, highest first.
 *
 * Locking: swap_lock (a spinlock) protects the areas and their maps; all
 * calls but swapon/swapoff (which read the disk) work in any context.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"

#define SWAP_CLUSTER        32          /* slots handed out together */
#define SWAP_MAX_BADPAGES   637         /* what fits in the header page */
#define SWAP_SLOT_BAD       0xFF        /* in the slot map: never use */

struct block_device;

struct swap_area {
    struct block_device *bdev;
    int prio;
    uint32_t last_page;         /* slots are 1 .. last_page */
    uint32_t nr_bad;
    uint32_t inuse;             /* slots holding a page */
    uint8_t *map;               /* per slot: 0 free, 1 used, SWAP_SLOT_BAD */
    uint32_t cluster_next;      /* next slot of the current cluster */
    uint32_t cluster_left;      /* slots left in it */
    struct list_head link;      /* on the list of areas, by priority */
};

void swap_init(void);
/* Turn on swapping to the block device named dev: 0, or -ENOENT, -EBUSY
 * (already on), -EINVAL (no valid swap header: the log says why), -EIO. */
int swapon(const char *dev, int prio);
/* -EBUSY while pages live there (bringing them back is reclaim's job). */
int swapoff(const char *dev);
/* A free slot, from the most urgent area with room: 0, or -ENOSPC. */
int swap_slot_alloc(struct swap_area **area, uint32_t *slot);
void swap_slot_free(struct swap_area *area, uint32_t slot);
void swap_for_each(void (*fn)(const struct swap_area *area, void *arg), void *arg);
