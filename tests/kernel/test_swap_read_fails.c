/*
 * test_swap_read_fails.c - a swap-in whose read fails ends the task that
 * faulted, with a report, and maps nothing (mm/swapin.c,
 * kernel/exceptions.c).  KTEST_MANUAL: each needs a swap area the
 * harness made (tests/harness/swap_tests.py, nbd_dead_tests.py).
 *
 *   swap_read_fails_ends_both_faulters  (mkswap area as hda)
 *       Two spaces' pages are swapped out interleaved (a0 b0 a1 b1 ...).
 *       With hda stalled, a fault in a starts the read-around that also
 *       covers b's neighbouring slot; a second task faults on that page
 *       of b and waits for a's read.  Then hda dies and the read fails:
 *       both tasks are ended with -EIO, both PTEs still name their slots
 *       (nothing unread was mapped), the slots are not in the swap cache,
 *       and every slot is free again once the spaces go.
 *   swap_read_fails_on_dead_server  (swap_dev=, default nbd0)
 *       A hog of 2x RAM is written, so that much of it is on the swap
 *       device; the test says "the server may go now" and the harness
 *       kills the NBD server.  The hog's read pass then meets pages it
 *       cannot read: its tasks are ended with reports, the kernel goes
 *       on, no page that was never read is mapped (0 bad pages among the
 *       pages checked), and no slot is left behind.  With
 *       swap_server_stalls the server stops answering instead (and
 *       answers late, after nbd_timeout): the read pass starts while the
 *       device is alive, its reads wait, time out and kill the device --
 *       the same ends, and the late replies change nothing.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "hog.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "vm.h"

#define RF_VA           0x40000000u
#define RF_PAGES        16          /* per space */
#define POLL_MS         5
#define POLL_LIMIT_MS   10000       /* a read or a wait starts long before this */
#define DEATH_WAIT_MS   30000       /* the harness kills the server well before */
/* swap_server_stalls: the harness stalls the server within this of the
 * line saying it may (it polls the log every 100 ms). */
#define STALL_START_MS  1000

KERNEL_PARAM(swap_server_stalls, "", "swap_read_fails_on_dead_server: the server stalls "
             "instead of dying; read at once and let the request timeout kill the device");

struct toucher {
    struct vm_space *space;
    uint32_t va;
};

static void touch(void *arg)
{
    struct toucher *t = arg;
    task_set_vm(t->space);
    (void)*(volatile uint32_t *)t->va;
    task_set_vm(NULL);
}

/* Write every page of both spaces, in turn: reclaim meets them
 * interleaved and gives them neighbouring slots. */
static void fill_in_turn(void *arg)
{
    struct vm_space **space = arg;
    for (uint32_t va = RF_VA; va < RF_VA + RF_PAGES * PAGE_SIZE; va += PAGE_SIZE)
        for (int s = 0; s < 2; s++) {
            task_set_vm(space[s]);
            memset((void *)va, 0xa0 + s, PAGE_SIZE);
        }
    task_set_vm(NULL);
}

/* Poll cond every POLL_MS for up to POLL_LIMIT_MS. */
#define POLL_UNTIL(cond)                                                    \
    ({                                                                      \
        uint32_t waited_ = 0;                                               \
        while (!(cond) && waited_ < POLL_LIMIT_MS) {                        \
            sleep_ms(POLL_MS);                                              \
            waited_ += POLL_MS;                                             \
        }                                                                   \
        (cond);                                                             \
    })

static bool reading(const struct swap_area *a, uint32_t slot)
{
    const struct page *p = a->cache[slot];
    return p && (p->flags & PG_locked);
}

static bool waits_for_read(const struct task *t)
{
    return t->state == TASK_UNINTERRUPTIBLE && t->wchan && !strcmp(t->wchan, "swap-in read");
}

KTEST_MANUAL(swap_read_fails_ends_both_faulters)
{
    static struct vm_space *space[2];
    static struct toucher ta, tb;
    struct block_device *hda = blkdev_find("hda");
    KASSERT(hda != NULL);
    KASSERT_EQ(swapon("hda", 0), 0);
    for (int s = 0; s < 2; s++) {
        KASSERT((space[s] = vm_space_create()) != NULL);
        KASSERT_EQ(vm_map_anon(space[s], RF_VA, RF_PAGES * PAGE_SIZE, PTE_WRITE), 0);
    }
    KASSERT_EQ(task_join(task_create("rf-fill", fill_in_turn, space, PRIO_NORMAL)), 0);
    KASSERT(reclaim_some(2 * RF_PAGES) >= 2 * RF_PAGES);

    /* A page of a in the middle whose next slot holds a page of b. */
    ta = (struct toucher){ space[0], 0 };
    tb = (struct toucher){ space[1], 0 };
    uint32_t pa = 0, pb = 0;
    for (uint32_t i = RF_PAGES / 4; i < RF_PAGES && !tb.va; i++) {
        pa = vm_get_pte(space[0], RF_VA + i * PAGE_SIZE);
        for (uint32_t j = 0; j < RF_PAGES && !tb.va; j++) {
            pb = vm_get_pte(space[1], RF_VA + j * PAGE_SIZE);
            if (is_swap_pte(pa) && is_swap_pte(pb) &&
                swap_pte_slot(pb) == swap_pte_slot(pa) + 1) {
                ta.va = RF_VA + i * PAGE_SIZE;
                tb.va = RF_VA + j * PAGE_SIZE;
            }
        }
    }
    KASSERT(tb.va != 0);
    struct swap_area *area = swap_area_by_index(swap_pte_area(pa));
    uint32_t slot_a = swap_pte_slot(pa), slot_b = swap_pte_slot(pb);
    pr_info("swap read fails: a's %08x in slot %u, b's %08x in slot %u\n", ta.va, slot_a,
            tb.va, slot_b);

    blkdev_stall(hda, true);
    struct task *fa = task_create("fault-a", touch, &ta, PRIO_NORMAL);
    KASSERT(POLL_UNTIL(reading(area, slot_b)));     /* a's read-around holds b's slot */
    struct task *fb = task_create("fault-b", touch, &tb, PRIO_NORMAL);
    KASSERT(POLL_UNTIL(waits_for_read(fb)));
    pr_info("swap read fails: fault-b waits for fault-a's read; hda dies now\n");
    blkdev_mark_dead(hda);
    blkdev_stall(hda, false);
    int code_a = task_join(fa), code_b = task_join(fb);
    pr_info("swap read fails: fault-a ended with %d, fault-b with %d\n", code_a, code_b);
    KASSERT_EQ(code_a, -EIO);
    KASSERT_EQ(code_b, -EIO);

    /* Nothing unread mapped: the PTEs still name the slots, which hold
     * their pages and no swap-cache copy. */
    KASSERT_EQ(vm_get_pte(space[0], ta.va), pa);
    KASSERT_EQ(vm_get_pte(space[1], tb.va), pb);
    KASSERT(area->cache[slot_a] == NULL && area->cache[slot_b] == NULL);
    KASSERT(area->map[slot_a] == 1 && area->map[slot_b] == 1);
    for (int s = 0; s < 2; s++)
        vm_space_destroy(space[s]);
    uint32_t used, total;
    swap_usage(&used, &total);
    KASSERT_EQ(used, 0);                            /* no slot leaked */
}

KTEST_MANUAL(swap_read_fails_on_dead_server)
{
    static struct hog h;
    const char *dev = cmdline_get("swap_dev") ? cmdline_get("swap_dev") : "nbd0";
    struct block_device *bdev = blkdev_find(dev);
    KASSERT(bdev != NULL);
    KASSERT_EQ(swapon(dev, 0), 0);
    h = (struct hog){ .name = "swap_read_fails", .seed = ktest_seed(),
                      .pages = 2 * nr_managed_pages(), .tasks = 4 };
    KASSERT_EQ(hog_map(&h), 0);
    uint32_t out0 = vm_events.pswpout, errors0 = vm_events.bus_errors;
    hog_pass(&h, true);
    KASSERT_EQ(h.ended, 0);
    pr_info("swap_read_fails: %u pages swapped out to %s; the server may go now\n",
            vm_events.pswpout - out0, dev);
    bool stalls = cmdline_has("swap_server_stalls");
    if (stalls)
        sleep_ms(STALL_START_MS);
    for (uint32_t ms = 0; !stalls && !blkdev_dead(bdev) && ms < DEATH_WAIT_MS; ms += 100)
        sleep_ms(100);
    KASSERT(stalls || blkdev_dead(bdev));

    hog_pass(&h, false);
    KASSERT(blkdev_dead(bdev));                     /* a stall too: it timed out */
    uint32_t bus_errors = vm_events.bus_errors - errors0;
    pr_info("swap_read_fails: %d of %d tasks ended (%u by bus errors), %u bad pages\n",
            h.ended, h.tasks, bus_errors, h.bad_pages);
    KASSERT(bus_errors > 0);
    KASSERT_EQ(h.bad_pages, 0);                     /* nothing unread was mapped */
    hog_unmap(&h);
    uint32_t used, total;
    swap_usage(&used, &total);
    KASSERT_EQ(used, 0);                            /* no slot leaked */
    KASSERT_EQ(swapoff(dev), 0);
}
