/*
 * swapfile.c - swap areas: the header check, turning them on and off, and
 * the slot allocator (see include/swap.h).
 *
 * The header is Linux's, as mkswap writes it (util-linux, "union
 * swap_header"): the first 1024 bytes are left for a boot loader, then
 * version, last_page, nr_badpages, a uuid and a label, padding, and the
 * bad page numbers; the page ends with the magic "SWAPSPACE2".
 *
 * An area whose device is dead for good (blkdev_dead: an NBD server that
 * went away) gets no new slots and counts as having none left: a write
 * there fails at once, and handing out its slots one after another would
 * only mark them bad one after another.
 */
#include "blkdev.h"
#include "internal.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "mutex.h"
#include "printk.h"
#include "ratelimit.h"
#include "reclaim.h"
#include "slab.h"
#include "spinlock.h"
#include "swap.h"
#include "timer.h"
#include "vm.h"
#include "vsprintf.h"

#define SWAP_MAGIC          "SWAPSPACE2"
#define SWAP_MAGIC_V0       "SWAP-SPACE"    /* the old format, before Linux 2.2 */
#define SWAP_MAGIC_LEN      10
#define SWAP_VERSION        1

struct swap_header_info {
    uint8_t bootbits[1024];
    uint32_t version;
    uint32_t last_page;
    uint32_t nr_badpages;
    uint8_t uuid[16];
    char volume[16];
    uint32_t padding[117];
    uint32_t badpages[SWAP_MAX_BADPAGES];
} __attribute__((packed));

_Static_assert(sizeof(struct swap_header_info) <= PAGE_SIZE - SWAP_MAGIC_LEN,
               "the bad page list ends before the magic");

static struct list_head areas = LIST_HEAD_INIT(areas);     /* by priority */
static struct swap_area *by_index[SWAP_MAX_AREAS];
static struct spinlock swap_lock;
static struct mutex swapon_mutex;       /* one swapon/swapoff at a time */
static bool out_of_slots;               /* the last swap_slot_alloc failed; swap_lock */
static uint64_t ran_out_ms;             /* uptime when it started to fail */

void swap_init(void)
{
    spin_lock_init(&swap_lock, "swap");
    mutex_init(&swapon_mutex, "swapon");
}

/* Check the header page of dev; 0 and *h usable, or -EINVAL with the
 * reason logged, naming the field and its value. */
static int check_header(const struct block_device *dev, const uint8_t *page)
{
    const struct swap_header_info *h = (const void *)page;
    uint64_t dev_pages = dev->nr_sectors / (PAGE_SIZE / SECTOR_SIZE);
    char why[120] = "";
    if (memcmp(page + PAGE_SIZE - SWAP_MAGIC_LEN, SWAP_MAGIC_V0, SWAP_MAGIC_LEN) == 0)
        ksnprintf(why, sizeof(why), "an old version 0 area (SWAP-SPACE), not SWAPSPACE2: "
                  "run mkswap again");
    else if (memcmp(page + PAGE_SIZE - SWAP_MAGIC_LEN, SWAP_MAGIC, SWAP_MAGIC_LEN) != 0)
        ksnprintf(why, sizeof(why), "no swap signature (SWAPSPACE2) at the end of page 0: "
                  "not made by mkswap");
    else if (h->version != SWAP_VERSION)
        ksnprintf(why, sizeof(why), "swap header version is not 1");
    else if (h->last_page < 1)
        ksnprintf(why, sizeof(why), "swap header says the area has no pages");
    else if (h->last_page >= dev_pages)
        ksnprintf(why, sizeof(why), "swap header's last_page is past the end of the device");
    else if (h->nr_badpages > SWAP_MAX_BADPAGES)
        ksnprintf(why, sizeof(why), "swap header lists %u bad pages, more than the %u that "
                  "fit in it", h->nr_badpages, SWAP_MAX_BADPAGES);
    for (uint32_t i = 0; !why[0] && i < h->nr_badpages; i++)
        if (h->badpages[i] < 1 || h->badpages[i] > h->last_page)
            ksnprintf(why, sizeof(why), "swap header lists a bad page outside the area: "
                      "badpages[%u] is %u (1..last_page)", i, h->badpages[i]);
    if (why[0]) {
        pr_err("swap: %s: %s (version %u, last_page %u, device %llu pages)\n", dev->name, why,
               h->version, h->last_page, (unsigned long long)dev_pages);
        return -EINVAL;
    }
    return 0;
}

static struct swap_area *find_area(const struct block_device *dev)
{
    list_for_each(link, &areas) {
        struct swap_area *a = list_entry(link, struct swap_area, link);
        if (a->bdev == dev)
            return a;
    }
    return NULL;
}

int swapon(const char *name, int prio)
{
    struct block_device *dev = blkdev_find(name);
    if (!dev)
        return -ENOENT;
    if (dev->read_only) {           /* every swap-out would fail: no area at all */
        pr_err("swap: %s: the device is read-only; no swap area on it\n", name);
        return -EROFS;
    }
    mutex_lock(&swapon_mutex);
    int err = find_area(dev) ? -EBUSY : 0;
    unsigned index = 0;
    while (!err && index < SWAP_MAX_AREAS && by_index[index])
        index++;
    if (index == SWAP_MAX_AREAS)
        err = -ENOSPC;
    uint8_t *page = err ? NULL : get_zeroed_page(GFP_KERNEL);
    struct swap_area *a = NULL;
    if (!err && !page)
        err = -ENOMEM;
    if (!err && dev->nr_sectors < PAGE_SIZE / SECTOR_SIZE) {
        /* Else the read of the header would fail with -EIO, blaming the disk. */
        pr_err("swap: %s: the device has %llu sectors, less than the page a swap header "
               "takes\n", name, (unsigned long long)dev->nr_sectors);
        err = -EINVAL;
    }
    if (!err)
        err = blkdev_rw(dev, 0, page, PAGE_SIZE, BIO_READ);
    if (!err)
        err = check_header(dev, page);
    if (!err) {
        const struct swap_header_info *h = (const void *)page;
        /* A slot's count and its swap cache page: 5 bytes a page, from a
         * last_page the device's size allows -- 200 GiB asks for 250 MiB.
         * In 64 bits, so that the product cannot wrap on the way. */
        uint64_t slots = (uint64_t)h->last_page + 1;
        uint64_t cache_bytes = slots * sizeof(struct page *);
        a = kmalloc(sizeof(*a), GFP_KERNEL | __GFP_ZERO);
        uint8_t *map = a ? kmalloc((size_t)slots, GFP_KERNEL | __GFP_ZERO) : NULL;
        struct page **cache = map && cache_bytes <= SIZE_MAX
                                  ? kmalloc((size_t)cache_bytes, GFP_KERNEL | __GFP_ZERO) : NULL;
        /* Its pages will need a writer: kswiod/DEV, started only for an
         * area that is taken (a refused one leaves no task behind). */
        if (!cache) {
            pr_err("swap: %s: no memory for the slot maps of %u pages (%llu KiB)\n", name,
                   h->last_page, (unsigned long long)((slots + cache_bytes) / 1024));
            err = -ENOMEM;
        } else {
            err = kswiod_attach(dev);
        }
        if (err) {
            kfree(cache);
            kfree(map);
            kfree(a);
        } else {
            *a = (struct swap_area){ .bdev = dev, .index = index, .prio = prio,
                                     .last_page = h->last_page, .map = map, .cache = cache };
            map[0] = SWAP_SLOT_BAD;                 /* the header */
            for (uint32_t i = 0; i < h->nr_badpages; i++)
                if (map[h->badpages[i]] != SWAP_SLOT_BAD) {
                    map[h->badpages[i]] = SWAP_SLOT_BAD;
                    a->nr_bad++;
                }
            uint32_t flags = spin_lock_irqsave(&swap_lock);
            struct list_head *pos = &areas;         /* before the first less urgent */
            list_for_each(link, &areas) {
                if (list_entry(link, struct swap_area, link)->prio < prio) {
                    pos = link;
                    break;
                }
            }
            list_add_tail(&a->link, pos);
            by_index[index] = a;
            spin_unlock_irqrestore(&swap_lock, flags);
            pr_info("swap: %s: %u pages (%u KiB), %u bad, priority %d\n", name,
                    a->last_page - a->nr_bad, (a->last_page - a->nr_bad) * 4, a->nr_bad, prio);
        }
    }
    if (page)
        free_page_address(page);
    mutex_unlock(&swapon_mutex);
    return err;
}

/* swapoff's walk: bring back every page of one space that is in area --
 * of an anonymous area or a private file mapping -- with the PTE bits
 * its area gives it (VM_SHARED's, VM_LOCKED's, PROT_NONE's too). */
static int unuse_space(struct vm_space *s, void *arg)
{
    struct swap_area *area = arg;
    list_for_each(link, &s->areas) {
        const struct vm_area *va_range = list_entry(link, struct vm_area, link);
        for (uint32_t va = vm_next_used(s, va_range->start, va_range->end); va < va_range->end;
             va = vm_next_used(s, va + PAGE_SIZE, va_range->end)) {
            uint32_t pte = vm_get_pte(s, va);
            if (!is_swap_pte(pte) || swap_pte_area(pte) != area->index)
                continue;
            int err = swap_in_page(NULL, s, va, pte, vm_anon_prot(s, va), false);
            if (err)
                return err;
        }
    }
    return 0;
}

/*
 * Bring every page in area back to memory: first the swapped-out ones
 * (a walk of every address space), then the resident pages that keep a
 * copy there, which become dirty; writes in flight are waited for.  No
 * new slots are handed out in the area meanwhile (draining).
 */
static int unuse_area(struct swap_area *a)
{
    int err = vm_for_each_space(unuse_space, a);
    for (int tries = 0; !err && a->inuse && tries < 10; tries++) {
        kswiod_drain(a->bdev);
        swap_cache_release_area(a);
    }
    return err ? err : a->inuse ? -EBUSY : 0;
}

int swapoff(const char *name)
{
    struct block_device *dev = blkdev_find(name);
    if (!dev)
        return -ENOENT;
    mutex_lock(&swapon_mutex);
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    struct swap_area *a = find_area(dev);
    if (a)
        a->draining = true;
    spin_unlock_irqrestore(&swap_lock, flags);
    int err = a ? unuse_area(a) : -EINVAL;
    flags = spin_lock_irqsave(&swap_lock);
    if (!err) {
        list_del(&a->link);
        by_index[a->index] = NULL;
    } else if (a) {
        a->draining = false;
    }
    spin_unlock_irqrestore(&swap_lock, flags);
    if (!err) {
        kfree(a->cache);
        kfree(a->map);
        kfree(a);
        pr_info("swap: %s: off\n", name);
    } else if (a) {
        pr_err("swap: %s: swapoff failed (%d): %u pages are still there; the area stays on\n",
               name, err, a->inuse);
    }
    mutex_unlock(&swapon_mutex);
    return err;
}

/* A free slot of a, continuing its cluster, or starting a new one at the
 * first run of SWAP_CLUSTER free slots (or, failing that, any free slot). */
static uint32_t take_slot(struct swap_area *a)
{
    if (a->cluster_left && a->map[a->cluster_next] == 0) {
        a->cluster_left--;
        return a->cluster_next++;
    }
    uint32_t run = 0, any = 0;
    for (uint32_t s = 1; s <= a->last_page; s++) {
        if (a->map[s] != 0) {
            run = 0;
            continue;
        }
        any = any ? any : s;
        if (++run == SWAP_CLUSTER || s == a->last_page) {
            uint32_t start = s - run + 1;
            a->cluster_next = start + 1;
            a->cluster_left = run - 1;
            return start;
        }
    }
    a->cluster_left = 0;
    return any;
}

int swap_slot_alloc(struct swap_area **area, uint32_t *slot)
{
    int err = -ENOSPC;
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    list_for_each(link, &areas) {
        struct swap_area *a = list_entry(link, struct swap_area, link);
        /* A full area is passed over at once: take_slot would read its
         * whole map to find nothing, and reclaim asks for every page it
         * looks at while swap is full. */
        bool full = a->inuse + a->nr_bad >= a->last_page;
        uint32_t s = a->draining || full || blkdev_dead(a->bdev) ? 0 : take_slot(a);
        if (s) {
            a->map[s] = 1;
            a->inuse++;
            *area = a;
            *slot = s;
            err = 0;
            break;
        }
    }
    if (err && !out_of_slots)
        ran_out_ms = timer_uptime_ms();
    out_of_slots = err != 0;
    spin_unlock_irqrestore(&swap_lock, flags);
    return err;
}

bool swap_next_area_congested(void)
{
    bool congested = false;
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    list_for_each(link, &areas) {
        struct swap_area *a = list_entry(link, struct swap_area, link);
        if (!a->draining && a->inuse + a->nr_bad < a->last_page && !blkdev_dead(a->bdev)) {
            congested = kswiod_full(a->bdev);   /* the area swap_slot_alloc would pick */
            break;
        }
    }
    spin_unlock_irqrestore(&swap_lock, flags);
    return congested;
}

uint64_t swap_ran_out_ms(void)
{
    return ran_out_ms;
}

static bool slot_in_use(const struct swap_area *a, uint32_t slot)
{
    return slot >= 1 && slot <= a->last_page && a->map[slot] && a->map[slot] != SWAP_SLOT_BAD;
}

void swap_slot_dup(struct swap_area *a, uint32_t slot)
{
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    bool ok = slot_in_use(a, slot) && a->map[slot] < SWAP_MAP_MAX;
    if (ok)
        a->map[slot]++;
    spin_unlock_irqrestore(&swap_lock, flags);
    if (!ok)
        pr_err("swap: %s: slot %u cannot count another reference (it counts %u)\n",
               a->bdev->name, slot, a->map[slot]);
}

bool swap_slot_put(struct swap_area *a, uint32_t slot)
{
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    bool last = !slot_in_use(a, slot) || a->map[slot] == 1;
    if (!last)
        a->map[slot]--;
    spin_unlock_irqrestore(&swap_lock, flags);
    return last;
}

uint32_t swap_slot_count(const struct swap_area *a, uint32_t slot)
{
    return slot_in_use(a, slot) ? a->map[slot] : 0;
}

void swap_slot_free(struct swap_area *a, uint32_t slot)
{
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    if (slot_in_use(a, slot)) {
        a->map[slot] = 0;
        a->inuse--;
    } else {
        pr_err("swap: %s: freeing slot %u, which is not in use\n", a->bdev->name, slot);
    }
    spin_unlock_irqrestore(&swap_lock, flags);
}

void swap_slot_mark_bad(struct swap_area *a, uint32_t slot)
{
    static struct ratelimit rl = RATELIMIT_INIT("swap");    /* a bio fails 16 at once */
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    if (slot_in_use(a, slot)) {
        a->map[slot] = SWAP_SLOT_BAD;
        a->inuse--;
        a->nr_bad++;
    }
    spin_unlock_irqrestore(&swap_lock, flags);
    if (ratelimit_ok(&rl))
        pr_err("swap: %s: slot %u failed a write; marked bad, never used again\n",
               a->bdev->name, slot);
}

void swap_usage(uint32_t *used, uint32_t *total)
{
    *used = *total = 0;
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    list_for_each(link, &areas) {
        struct swap_area *a = list_entry(link, struct swap_area, link);
        *used += a->inuse;
        *total += a->last_page - a->nr_bad;
    }
    spin_unlock_irqrestore(&swap_lock, flags);
}

uint32_t swap_slots_left(void)
{
    uint32_t left = 0;
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    list_for_each(link, &areas) {
        struct swap_area *a = list_entry(link, struct swap_area, link);
        if (!a->draining && !blkdev_dead(a->bdev))
            left += a->last_page - a->nr_bad - a->inuse;
    }
    spin_unlock_irqrestore(&swap_lock, flags);
    return left;
}

void swap_for_each(void (*fn)(const struct swap_area *area, void *arg), void *arg)
{
    uint32_t flags = spin_lock_irqsave(&swap_lock);
    list_for_each(link, &areas)
        fn(list_entry(link, struct swap_area, link), arg);
    spin_unlock_irqrestore(&swap_lock, flags);
}

struct swap_area *swap_area_by_index(unsigned index)
{
    return index < SWAP_MAX_AREAS ? by_index[index] : NULL;
}
