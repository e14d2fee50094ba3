/*
 * test_swap_readahead.c - a fault reads the slots around its own, whoever
 * owns them (mm/swapin.c).  KTEST_MANUAL: needs a mkswap area as hda
 * (tests/harness/swap_tests.py).
 *
 *   swap_readahead_reads_other_spaces_neighbours  two spaces' pages are
 *       dirtied in turn (a0 b0 a1 b1 ...), so reclaim gives them
 *       interleaved slots; one fault in a reads the cluster around it:
 *       a's pages there are mapped, b's wait in the swap cache (counted in
 *       vm_events.swapin_readahead); every word of both spaces then reads
 *       back as written, b's cached pages with no read of their own.
 */
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "vm.h"

#define RA_VA       0x40000000u
#define RA_PAGES    16              /* per space */

struct two_spaces {
    struct vm_space *space[2];
    uint32_t seed;
    volatile int bad;
};

static uint32_t word_at(uint32_t seed, int s, uint32_t va) { return (va * 2654435761u) ^ seed ^ s; }

/* Page i of each space in turn: the LRU (and so reclaim) meets them interleaved. */
static void fill_in_turn(void *arg)
{
    struct two_spaces *t = arg;
    for (uint32_t va = RA_VA; va < RA_VA + RA_PAGES * PAGE_SIZE; va += PAGE_SIZE)
        for (int s = 0; s < 2; s++) {
            task_set_vm(t->space[s]);
            for (uint32_t w = va; w < va + PAGE_SIZE; w += 4)
                *(volatile uint32_t *)w = word_at(t->seed, s, w);
        }
    task_set_vm(NULL);
}

static void touch_a_middle(void *arg)
{
    struct two_spaces *t = arg;
    task_set_vm(t->space[0]);
    (void)*(volatile uint32_t *)(RA_VA + RA_PAGES / 2 * PAGE_SIZE);
    task_set_vm(NULL);
}

static void check_both(void *arg)
{
    struct two_spaces *t = arg;
    for (int s = 0; s < 2; s++) {
        task_set_vm(t->space[s]);
        for (uint32_t w = RA_VA; w < RA_VA + RA_PAGES * PAGE_SIZE; w += 4)
            if (*(volatile uint32_t *)w != word_at(t->seed, s, w))
                t->bad++;
    }
    task_set_vm(NULL);
}

/* b's pages whose slots have a page in the swap cache. */
static uint32_t b_cached(struct two_spaces *t)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < RA_PAGES; i++) {
        uint32_t pte = vm_get_pte(t->space[1], RA_VA + i * PAGE_SIZE);
        struct swap_area *a = swap_area_by_index(swap_pte_area(pte));
        n += is_swap_pte(pte) && a && a->cache[swap_pte_slot(pte)] != NULL;
    }
    return n;
}

KTEST_MANUAL(swap_readahead_reads_other_spaces_neighbours)
{
    static struct two_spaces t;
    struct rng r;
    ktest_rng_init(&r);
    t = (struct two_spaces){ .seed = rng_next(&r) };
    KASSERT_EQ(swapon("hda", 0), 0);
    for (int s = 0; s < 2; s++) {
        KASSERT((t.space[s] = vm_space_create()) != NULL);
        KASSERT_EQ(vm_map_anon(t.space[s], RA_VA, RA_PAGES * PAGE_SIZE, PTE_WRITE), 0);
    }
    KASSERT_EQ(task_join(task_create("ra-fill", fill_in_turn, &t, PRIO_NORMAL)), 0);
    KASSERT(reclaim_some(2 * RA_PAGES) >= 2 * RA_PAGES);

    /* Interleaved on disk: each page of a has one of b next to it. */
    uint32_t next_to = 0;
    for (uint32_t i = 0; i < RA_PAGES; i++) {
        uint32_t pa = vm_get_pte(t.space[0], RA_VA + i * PAGE_SIZE);
        uint32_t pb = vm_get_pte(t.space[1], RA_VA + i * PAGE_SIZE);
        KASSERT(is_swap_pte(pa) && is_swap_pte(pb));
        next_to += swap_pte_slot(pb) == swap_pte_slot(pa) + 1;
    }
    pr_info("swap readahead: %u of %u pages of a have b's page in the next slot\n", next_to,
            RA_PAGES);
    KASSERT(next_to >= RA_PAGES / 2);
    KASSERT_EQ(b_cached(&t), 0);

    uint32_t ra0 = vm_events.swapin_readahead, in0 = vm_events.pswpin;
    KASSERT_EQ(task_join(task_create("ra-touch", touch_a_middle, &t, PRIO_NORMAL)), 0);
    uint32_t ra = vm_events.swapin_readahead - ra0, cached = b_cached(&t);
    uint32_t mid = RA_VA + RA_PAGES / 2 * PAGE_SIZE;
    pr_info("swap readahead: one fault read %u pages; %u of b's left in the swap cache "
            "(%u of b's pages are there)\n", vm_events.pswpin - in0, ra, cached);
    KASSERT(vm_get_pte(t.space[0], mid - PAGE_SIZE) & PTE_PRESENT);    /* a's neighbours */
    KASSERT(vm_get_pte(t.space[0], mid + PAGE_SIZE) & PTE_PRESENT);
    KASSERT(ra > 0);
    KASSERT_EQ(cached, ra);

    in0 = vm_events.pswpin;
    KASSERT_EQ(task_join(task_create("ra-check", check_both, &t, PRIO_NORMAL)), 0);
    KASSERT_EQ(t.bad, 0);
    KASSERT(vm_events.pswpin - in0 <= 2 * RA_PAGES - ra - 3);   /* b's cached: no reads */
    for (int s = 0; s < 2; s++)
        vm_space_destroy(t.space[s]);
    KASSERT_EQ(swapoff("hda"), 0);
}

/*
 * swap_readahead_window_follows_sequential_faults: one space's
 * SEQ_PAGES pages, swapped out in order, read back from the first page
 * to the last.  The read-ahead window must carry it (mm/swapin.c): far
 * fewer requests than pages, most pages read by windows, windows started
 * by markers ahead of the faults, the window grown to its largest; then a
 * fault far from the run reads a cluster and the window starts over.
 */
#define SEQ_PAGES   512
#define SEQ_RA_MAX  64              /* mm/swapin.c's SWAP_RA_MAX */

static void seq_fill(void *arg)
{
    struct two_spaces *t = arg;
    task_set_vm(t->space[0]);
    for (uint32_t w = RA_VA; w < RA_VA + SEQ_PAGES * PAGE_SIZE; w += 4)
        *(volatile uint32_t *)w = word_at(t->seed, 0, w);
    task_set_vm(NULL);
}

static void seq_check(void *arg)
{
    struct two_spaces *t = arg;
    task_set_vm(t->space[0]);
    for (uint32_t w = RA_VA; w < RA_VA + SEQ_PAGES * PAGE_SIZE; w += 4)
        if (*(volatile uint32_t *)w != word_at(t->seed, 0, w))
            t->bad++;
    task_set_vm(NULL);
}

static void seq_touch_middle(void *arg)
{
    struct two_spaces *t = arg;
    task_set_vm(t->space[0]);
    (void)*(volatile uint32_t *)(RA_VA + SEQ_PAGES / 2 * PAGE_SIZE);
    task_set_vm(NULL);
}

/* Reclaim until every page of the run is out: 0, or how many stay. */
static uint32_t swap_all_out(struct vm_space *s)
{
    uint32_t left = SEQ_PAGES;
    for (int tries = 0; left && tries < 20; tries++) {
        reclaim_some(SEQ_PAGES);
        left = 0;
        for (uint32_t i = 0; i < SEQ_PAGES; i++)
            left += !is_swap_pte(vm_get_pte(s, RA_VA + i * PAGE_SIZE));
    }
    return left;
}

KTEST_MANUAL(swap_readahead_window_follows_sequential_faults)
{
    static struct two_spaces t;
    struct rng r;
    ktest_rng_init(&r);
    t = (struct two_spaces){ .seed = rng_next(&r) };
    KASSERT_EQ(swapon("hda", 0), 0);
    KASSERT((t.space[0] = vm_space_create()) != NULL);
    KASSERT_EQ(vm_map_anon(t.space[0], RA_VA, SEQ_PAGES * PAGE_SIZE, PTE_WRITE), 0);
    struct vm_area *area = list_first_entry(&t.space[0]->areas, struct vm_area, link);
    KASSERT_EQ(task_join(task_create("seq-fill", seq_fill, &t, PRIO_NORMAL)), 0);
    KASSERT_EQ(swap_all_out(t.space[0]), 0);

    struct vm_event_counts e0 = vm_events;
    KASSERT_EQ(task_join(task_create("seq-check", seq_check, &t, PRIO_NORMAL)), 0);
    uint32_t reads = vm_events.swapin_reads - e0.swapin_reads;
    uint32_t pages = vm_events.pswpin - e0.pswpin;
    uint32_t windows = vm_events.swapin_ra_windows - e0.swapin_ra_windows;
    uint32_t ahead = vm_events.swapin_ra_async - e0.swapin_ra_async;
    uint32_t ra_pages = vm_events.swapin_ra_pages - e0.swapin_ra_pages;
    pr_info("swap readahead window: %u pages read in %u requests; %u windows (%u started "
            "ahead of the faults) read %u pages; largest window now %u pages\n", pages, reads,
            windows, ahead, ra_pages, area->ra.size);
    KASSERT_EQ(t.bad, 0);
    KASSERT(pages >= SEQ_PAGES);
    KASSERT(reads * 8 <= SEQ_PAGES);            /* far fewer requests than pages */
    KASSERT(ra_pages * 4 >= SEQ_PAGES * 3);     /* most pages came by windows */
    KASSERT(ahead * 2 >= windows && ahead >= 4);    /* mostly ahead of the faults */
    KASSERT_EQ(area->ra.size, SEQ_RA_MAX);      /* it grew all the way */

    /* A fault far from where the run ended is random: a cluster, and
     * the window starts over. */
    KASSERT_EQ(swap_all_out(t.space[0]), 0);
    windows = vm_events.swapin_ra_windows;
    KASSERT_EQ(task_join(task_create("seq-touch", seq_touch_middle, &t, PRIO_NORMAL)), 0);
    KASSERT_EQ(vm_events.swapin_ra_windows, windows);
    KASSERT_EQ(area->ra.size, 0);
    pr_info("swap readahead window: a fault in the middle read a cluster; the window "
            "starts over\n");
    vm_space_destroy(t.space[0]);
    KASSERT_EQ(swapoff("hda"), 0);
}
