/*
 * test_swap.c - swap slots on an area mkswap made (the harness gives it as
 * hda, with pages 5, 6 and 40 marked bad): clusters of consecutive slots,
 * bad pages and the header never handed out, swapoff refused while slots
 * are in use.
 */
#include "kerrno.h"
#include "ktest.h"
#include "swap.h"

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
