/*
 * test_swap.c - swap slots on an area mkswap made (the harness gives it as
 * hda, with pages 5, 6 and 40 marked bad): clusters of consecutive slots,
 * bad pages and the header never handed out, swapoff refused while slots
 * are in use.
 */
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "vm.h"

#define SLOTS 100

KTEST_MANUAL(swap_slots_cluster_and_skip_bad_pages)
{
    static uint32_t slot[SLOTS];
    struct swap_area *area = NULL, *a;
    KASSERT_EQ(swapon("hda", 1), 0);
    KASSERT_EQ(swapon("hda", 1), -EBUSY);

    for (int i = 0; i < SLOTS; i++) {
        KASSERT_EQ(swap_slot_alloc(&a, &slot[i]), 0);
        KASSERT(area == NULL || a == area);
        area = a;
        KASSERT(slot[i] != 0 && slot[i] != 5 && slot[i] != 6 && slot[i] != 40);
        for (int j = 0; j < i; j++)
            KASSERT(slot[j] != slot[i]);
    }
    KASSERT_EQ(area->nr_bad, 3);
    KASSERT_EQ(area->inuse, SLOTS);
    /* The first cluster is the first run of SWAP_CLUSTER free slots: 7..38. */
    for (int i = 0; i < SWAP_CLUSTER; i++)
        KASSERT_EQ(slot[i], 7 + i);

    KASSERT_EQ(swapoff("hda"), -EBUSY);
    swap_slot_free(area, slot[10]);
    struct swap_area *again;
    uint32_t reused;
    KASSERT_EQ(swap_slot_alloc(&again, &reused), 0);
    for (int i = 0; i < SLOTS; i++)
        if (i != 10)
            KASSERT(reused != slot[i]);
    slot[10] = reused;
    for (int i = 0; i < SLOTS; i++)
        swap_slot_free(area, slot[i]);
    KASSERT_EQ(area->inuse, 0);
    KASSERT_EQ(swapoff("hda"), 0);
    KASSERT_EQ(swapoff("hda"), -EINVAL);
}

#define SWAP_VA     0x40000000u
#define SWAP_PAGES  16
#define CHANCE_PAGES    64          /* reclaim_gives_used_pages_a_second_chance */
#define HOT_PAGES       16

struct swap_probe {
    struct vm_space *space;
    uint32_t seed;
    volatile int bad;
};

static uint32_t word_at(uint32_t seed, uint32_t va) { return (va * 2654435761u) ^ seed; }

static void fill_and_check(void *arg)
{
    struct swap_probe *p = arg;
    task_set_vm(p->space);
    for (uint32_t va = SWAP_VA; va < SWAP_VA + SWAP_PAGES * PAGE_SIZE; va += 4)
        *(volatile uint32_t *)va = word_at(p->seed, va);
    task_set_vm(NULL);
}

/* Read one word of the middle page: one fault. */
static void touch_middle(void *arg)
{
    struct swap_probe *p = arg;
    task_set_vm(p->space);
    (void)*(volatile uint32_t *)(SWAP_VA + SWAP_PAGES / 2 * PAGE_SIZE);
    task_set_vm(NULL);
}

/* Write one word into each of CHANCE_PAGES pages. */
static void fill_pages(void *arg)
{
    struct swap_probe *p = arg;
    task_set_vm(p->space);
    for (uint32_t i = 0; i < CHANCE_PAGES; i++)
        *(volatile uint32_t *)(SWAP_VA + i * PAGE_SIZE) = i;
    task_set_vm(NULL);
}

static void check_pattern(void *arg)
{
    struct swap_probe *p = arg;
    task_set_vm(p->space);
    for (uint32_t va = SWAP_VA; va < SWAP_VA + SWAP_PAGES * PAGE_SIZE; va += 4)
        if (*(volatile uint32_t *)va != word_at(p->seed, va))
            p->bad++;
    task_set_vm(NULL);
}

/* Swap on hda, and a space with pages of anonymous memory at SWAP_VA
 * that a task has filled with fill. */
static void probe_setup(struct swap_probe *p, uint32_t pages, void (*fill)(void *))
{
    struct rng r;
    ktest_rng_init(&r);
    *p = (struct swap_probe){ .seed = rng_next(&r) };
    KASSERT_EQ(swapon("hda", 0), 0);
    p->space = vm_space_create();
    KASSERT(p->space != NULL);
    KASSERT_EQ(vm_map_anon(p->space, SWAP_VA, pages * PAGE_SIZE, PTE_WRITE), 0);
    KASSERT_EQ(task_join(task_create("swap-fill", fill, p, PRIO_NORMAL)), 0);
}

/* Pages reclaim sends to hda (an area mkswap made) and that are faulted
 * back in are bit-identical; while out, their PTEs hold the slot and the
 * memory is free; one fault brings a cluster of neighbours back; freeing
 * the space frees the slots. */
KTEST_MANUAL(swap_pages_out_and_back_bit_identical)
{
    static struct swap_probe p;
    probe_setup(&p, SWAP_PAGES, fill_and_check);

    drain_hot_pages();
    uint32_t free_before = nr_free_pages();
    uint32_t out0 = vm_events.pswpout, in0 = vm_events.pswpin, bios0 = vm_events.kswiod_bios;
    KASSERT(reclaim_some(SWAP_PAGES) >= SWAP_PAGES);    /* written by kswiod, then freed */
    drain_hot_pages();
    KASSERT(nr_free_pages() >= free_before + SWAP_PAGES);
    KASSERT_EQ(vm_events.pswpout - out0, SWAP_PAGES);
    KASSERT(vm_events.kswiod_bios - bios0 < SWAP_PAGES);    /* neighbours shared bios */
    for (uint32_t i = 0; i < SWAP_PAGES; i++)
        KASSERT(is_swap_pte(vm_get_pte(p.space, SWAP_VA + i * PAGE_SIZE)));

    /* One fault in the middle reads the cluster around it: the pages on
     * both sides come back with it. */
    KASSERT_EQ(task_join(task_create("swap-touch", touch_middle, &p, PRIO_NORMAL)), 0);
    uint32_t mid = SWAP_VA + SWAP_PAGES / 2 * PAGE_SIZE;
    KASSERT(vm_get_pte(p.space, mid - PAGE_SIZE) & PTE_PRESENT);
    KASSERT(vm_get_pte(p.space, mid + PAGE_SIZE) & PTE_PRESENT);
    KASSERT_EQ(task_join(task_create("swap-check", check_pattern, &p, PRIO_NORMAL)), 0);
    KASSERT_EQ(p.bad, 0);
    KASSERT_EQ(vm_events.pswpin - in0, SWAP_PAGES);
    KASSERT(vm_get_pte(p.space, SWAP_VA) & PTE_PRESENT);

    /* Back in memory, the pages keep their slots as clean copies: a
     * second reclaim frees them without writing. */
    KASSERT(reclaim_some(SWAP_PAGES) >= SWAP_PAGES);
    KASSERT_EQ(vm_events.pswpout - out0, SWAP_PAGES);
    vm_space_destroy(p.space);                              /* the slots go with it */
    KASSERT_EQ(swapoff("hda"), 0);
}

/*
 * Second chance.  Of 64 pages, the 16 that reclaim meets first -- the
 * oldest, at the tail of the inactive list -- were used since it last
 * looked (their PTEs' accessed bits are set; the others' are cleared).
 * Reclaim moves them to the active list and frees cold pages instead.
 */
KTEST_MANUAL(reclaim_gives_used_pages_a_second_chance)
{
    static struct swap_probe p;
    probe_setup(&p, CHANCE_PAGES, fill_pages);
    for (uint32_t i = HOT_PAGES; i < CHANCE_PAGES; i++) {
        uint32_t va = SWAP_VA + i * PAGE_SIZE;
        vm_set_pte(p.space, va, vm_get_pte(p.space, va) & ~PTE_ACCESSED);
    }
    KASSERT(reclaim_some(HOT_PAGES) >= HOT_PAGES);
    uint32_t hot_left = 0, cold_out = 0;
    for (uint32_t i = 0; i < CHANCE_PAGES; i++) {
        uint32_t pte = vm_get_pte(p.space, SWAP_VA + i * PAGE_SIZE);
        if (i < HOT_PAGES)
            hot_left += (pte & PTE_PRESENT) != 0;
        else
            cold_out += is_swap_pte(pte);
    }
    pr_info("second chance: %u of %u used pages stayed, %u cold pages went to swap\n",
            hot_left, HOT_PAGES, cold_out);
    KASSERT_EQ(hot_left, HOT_PAGES);
    KASSERT(cold_out >= HOT_PAGES);
    vm_space_destroy(p.space);
    kswiod_drain(NULL);
    KASSERT_EQ(swapoff("hda"), 0);
}

/* Read word 0 of each of CHANCE_PAGES pages, and count those that do not
 * hold what fill_pages wrote: the faults bring them back from swap. */
static void read_pages(void *arg)
{
    struct swap_probe *p = arg;
    task_set_vm(p->space);
    for (uint32_t i = 0; i < CHANCE_PAGES; i++)
        if (*(volatile uint32_t *)(SWAP_VA + i * PAGE_SIZE) != i)
            p->bad++;
    task_set_vm(NULL);
}

/*
 * Aging does not sleep.  64 pages, every one used since reclaim last
 * looked and every one clean (written to swap and read back: their slots
 * hold copies).  A pass that meets only such pages can just give them
 * their second chance, and the next, larger pass must come at once, as
 * Linux goes down its priorities: a run that slept after it waited for
 * nothing, since nothing else frees pages here (a sleep on every such
 * pass left bench=nbd_swap's CPU idle for 140 ms).  The pages are then
 * freed without a write, and read back whole.
 */
KTEST_MANUAL(reclaim_ages_used_pages_without_sleeping)
{
    static struct swap_probe p;
    probe_setup(&p, CHANCE_PAGES, fill_pages);
    drain_hot_pages();
    KASSERT(reclaim_some(CHANCE_PAGES) >= CHANCE_PAGES);
    KASSERT_EQ(task_join(task_create("swap-read", read_pages, &p, PRIO_NORMAL)), 0);
    KASSERT_EQ(p.bad, 0);
    uint32_t waits0 = vm_events.reclaim_waits, out0 = vm_events.pswpout;
    uint32_t freed = reclaim_some(CHANCE_PAGES);
    pr_info("aging: reclaim freed %u pages, all used lately and clean, with %u sleeps and "
            "%u writes\n", freed, vm_events.reclaim_waits - waits0, vm_events.pswpout - out0);
    KASSERT(freed >= CHANCE_PAGES);
    KASSERT_EQ(vm_events.reclaim_waits - waits0, 0);
    KASSERT_EQ(vm_events.pswpout - out0, 0);
    for (uint32_t i = 0; i < CHANCE_PAGES; i++)     /* they were the ones freed */
        KASSERT(is_swap_pte(vm_get_pte(p.space, SWAP_VA + i * PAGE_SIZE)));
    KASSERT_EQ(task_join(task_create("swap-read", read_pages, &p, PRIO_NORMAL)), 0);
    KASSERT_EQ(p.bad, 0);
    vm_space_destroy(p.space);
    kswiod_drain(NULL);
    KASSERT_EQ(swapoff("hda"), 0);
}
