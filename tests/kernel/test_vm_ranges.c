/*
 * test_vm_ranges.c - what munmap, brk and mmap build on: vm_unmap_range()
 * cuts anonymous areas at either edge or splits them (freeing exactly the
 * pages in the range), vm_find_free() finds the highest gap, and
 * vm_area_protect() makes resident pages read-only.
 */
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "sched.h"
#include "test_helpers.h"
#include "vm.h"

#define AREA    0x40000000u
#define PAGES   8

static struct vm_space *space;

static void touch_all(void *arg)
{
    (void)arg;
    task_set_vm(space);
    for (uint32_t i = 0; i < PAGES; i++)
        *(volatile uint32_t *)(AREA + i * PAGE_SIZE) = i + 1;
    task_set_vm(NULL);
}

static bool mapped(uint32_t page)
{
    return vm_lookup(space, AREA + page * PAGE_SIZE, NULL, NULL) == 0;
}

KTEST(vm_unmap_range_cuts_and_splits_areas)
{
    drain_hot_pages();
    space = vm_space_create();
    KASSERT(space != NULL);
    KASSERT_EQ(vm_map_anon(space, AREA, PAGES * PAGE_SIZE, PTE_WRITE), 0);
    struct task *t = task_create("ranges", touch_all, NULL, PRIO_NORMAL);
    KASSERT(t != NULL);
    KASSERT_EQ(task_join(t), 0);
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();

    KASSERT_EQ(vm_unmap_range(space, AREA + 3 * PAGE_SIZE, 2 * PAGE_SIZE), 0);  /* split */
    drain_hot_pages();
    KASSERT_EQ(nr_free_pages(), free0 + 2);
    KASSERT(mapped(2) && !mapped(3) && !mapped(4) && mapped(5));
    /* The hole is a gap again: mapping it works, overlapping a half does not. */
    KASSERT_EQ(vm_map_anon(space, AREA + 2 * PAGE_SIZE, PAGE_SIZE, 0), -EINVAL);
    KASSERT_EQ(vm_find_free(space, 2 * PAGE_SIZE, AREA + 5 * PAGE_SIZE), AREA + 3 * PAGE_SIZE);
    KASSERT_EQ(vm_find_free(space, 3 * PAGE_SIZE, AREA + 5 * PAGE_SIZE), AREA - 3 * PAGE_SIZE);
    KASSERT_EQ(vm_unmap_range(space, AREA, PAGE_SIZE), 0);                     /* head */
    KASSERT_EQ(vm_unmap_range(space, AREA + 7 * PAGE_SIZE, PAGE_SIZE), 0);     /* tail */
    KASSERT(!mapped(0) && mapped(1) && mapped(6) && !mapped(7));
    KASSERT_EQ(vm_area_protect(space, AREA + 5 * PAGE_SIZE, 0), 0);
    uint32_t prot;
    KASSERT_EQ(vm_lookup(space, AREA + 6 * PAGE_SIZE, NULL, &prot), 0);
    KASSERT_EQ(prot & PTE_WRITE, 0);
    KASSERT_EQ(vm_area_protect(space, AREA + 6 * PAGE_SIZE, 0), -EINVAL);    /* not a start */
    KASSERT_EQ(vm_unmap_range(space, AREA + 1, PAGE_SIZE), -EINVAL);
    KASSERT_EQ(vm_unmap_range(space, 0, PAGES * PAGE_SIZE + AREA), 0);        /* everything */
    drain_hot_pages();
    KASSERT_EQ(nr_free_pages(), free0 + PAGES);
    KASSERT_EQ(vm_find_free(space, PAGE_SIZE, AREA), AREA - PAGE_SIZE);
    vm_space_destroy(space);
}
