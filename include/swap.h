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
#define SWAP_MAP_MAX        0xFE        /* the most references a slot can count */
#define SWAP_MAX_AREAS      16

/*
 * A swapped-out page's PTE: not present (bit 0 clear, so the CPU faults),
 * SWAP_PTE_MARK set so that it is not mistaken for "never touched", the
 * area's index in bits 2..5 and the slot from bit 12 on.
 */
#define SWAP_PTE_MARK       0x2u
static inline uint32_t swap_pte(unsigned area, uint32_t slot)
{
    return slot << 12 | area << 2 | SWAP_PTE_MARK;
}
static inline bool is_swap_pte(uint32_t pte) { return !(pte & 1u) && (pte & SWAP_PTE_MARK); }
static inline unsigned swap_pte_area(uint32_t pte) { return (pte >> 2) & (SWAP_MAX_AREAS - 1); }
static inline uint32_t swap_pte_slot(uint32_t pte) { return pte >> 12; }

struct block_device;

struct swap_area {
    struct block_device *bdev;
    unsigned index;             /* in swap PTEs */
    int prio;
    uint32_t last_page;         /* slots are 1 .. last_page */
    uint32_t nr_bad;
    uint32_t inuse;             /* slots holding a page */
    uint8_t *map;               /* per slot: 0 free, SWAP_SLOT_BAD, or the number of
                                 * PTEs that hold it (swap_slot_dup) */
    struct page **cache;        /* per slot: its swap-cache page, or NULL */
    bool draining;              /* swapoff under way: no new slots here */
    bool dead_said;             /* kswiod logged that the device died (kswiod only) */
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
/*
 * A slot's references (Linux's swap_map counts): one per PTE that holds
 * it -- a swap PTE naming it, or a PTE mapping the page that is its copy
 * in the swap cache.  After fork, parent and child hold one each, so a
 * slot shared copy-on-write outlives whichever lets go first.
 *
 * swap_slot_alloc: a free slot with one reference, from the most urgent
 * area with room: 0, or -ENOSPC.  swap_slot_dup: one more (at most
 * SWAP_MAP_MAX; PROCESS_MAX spaces are far fewer, and a slot is held at
 * most once per space).  swap_slot_put: one fewer; true when it was the
 * last, which it leaves for the caller to free now with swap_slot_free
 * (or, under writeback, kswiod when the write ends).  swap_slot_free
 * frees the slot whatever it counts (swapoff takes it back from every
 * holder).  swap_slot_count: its references, 0 when free or bad.
 */
int swap_slot_alloc(struct swap_area **area, uint32_t *slot);
/* The area swap_slot_alloc() would take a slot from has a full kswiod
 * queue: a page going there now would only be kept (reclaim asks first,
 * to spare the reverse map walk and the slot). */
bool swap_next_area_congested(void);
void swap_slot_dup(struct swap_area *area, uint32_t slot);
bool swap_slot_put(struct swap_area *area, uint32_t slot);
uint32_t swap_slot_count(const struct swap_area *area, uint32_t slot);
void swap_slot_free(struct swap_area *area, uint32_t slot);
/* A write to the slot failed: never hand it out again. */
void swap_slot_mark_bad(struct swap_area *area, uint32_t slot);
/* Slots in use and usable, over all areas. */
void swap_usage(uint32_t *used, uint32_t *total);
/* Free slots that swap_slot_alloc could hand out now (draining areas
 * excluded).  0: an anonymous page that has no slot cannot leave memory. */
uint32_t swap_slots_left(void);
/* The uptime in ms at which swap_slot_alloc last began to fail after a
 * success (swap ran out), 0 if it never has: how long the out-of-memory
 * decision takes after that is measured from here. */
uint64_t swap_ran_out_ms(void);
void swap_for_each(void (*fn)(const struct swap_area *area, void *arg), void *arg);
/* The area with this index (from a swap PTE), or NULL. */
struct swap_area *swap_area_by_index(unsigned index);

/* A swap entry names a slot: the swap PTE's value. */
static inline uint32_t swap_entry(const struct swap_area *a, uint32_t slot)
{
    return swap_pte(a->index, slot);
}

struct vm_space;
struct vm_area;
/* Bring the page a swap PTE names back and map it at va with prot: from
 * the swap cache if it is there, else read, together with the slots
 * around it (a cluster, whoever's: other spaces' pages wait in the swap
 * cache for their faults), or, when faults in area (may be NULL) are
 * sequential, with a read-ahead window of area's next pages (their
 * reads in flight together; mm/swapin.c).  keep_slot false: the slot is
 * released (swapoff), else the page stays in the swap cache while swap
 * has room, so that a page that is not written again costs no write.
 * 0 (also when the PTE changed meanwhile), -ENOMEM, or -EIO when the
 * page cannot be read (its read, or the one it waited for, failed),
 * said in one line naming the task, va, the device and the slot; the
 * PTE then still names the slot, and nothing unread is ever mapped. */
int swap_in_page(struct vm_area *area, struct vm_space *space, uint32_t va, uint32_t pte,
                 uint32_t prot, bool keep_slot);
