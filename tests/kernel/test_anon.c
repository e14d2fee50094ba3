/*
 * test_anon.c - demand-zero anonymous memory: pages appear, zeroed, when a
 * task first touches them; a read-only area faults on write; an address
 * outside every area still faults; destroying the space gives every page
 * back.
 */
#include "fault_catch.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "sched.h"
#include "vm.h"

#define ANON_START  0x40000000u
#define ANON_PAGES  64
#define RO_START    0x50000000u

struct anon_probe {
    struct vm_space *space;
    volatile int bad;               /* pages that were not zero, or lost data */
    volatile uint32_t ro_error;     /* error code of the write to the RO area */
    volatile uint32_t outside_cr2;
};

static __attribute__((noipa)) void write_word(volatile uint32_t *p, uint32_t v) { *p = v; }
static __attribute__((noipa)) uint32_t read_word(volatile uint32_t *p) { return *p; }

static void touch_anon(void *arg)
{
    struct anon_probe *p = arg;
    task_set_vm(p->space);
    for (uint32_t i = 0; i < ANON_PAGES; i++) {
        volatile uint32_t *w = (uint32_t *)(ANON_START + i * PAGE_SIZE);
        if (read_word(w) != 0 || read_word(w + 1023) != 0)
            p->bad++;
        write_word(w, 0xA0000000u + i);
        write_word(w + 1023, i);
    }
    for (uint32_t i = 0; i < ANON_PAGES; i++) {
        volatile uint32_t *w = (uint32_t *)(ANON_START + i * PAGE_SIZE);
        if (read_word(w) != 0xA0000000u + i || read_word(w + 1023) != i)
            p->bad++;
    }
    if (read_word((uint32_t *)RO_START) != 0)       /* reading a read-only area is fine */
        p->bad++;
    struct fault_catch fc;
    if (fault_catch_try(&fc) == 0) {
        write_word((uint32_t *)RO_START, 1);
        fault_catch_end();
    } else {
        p->ro_error = fc.error;
    }
    if (fault_catch_try(&fc) == 0) {
        read_word((uint32_t *)(ANON_START - 4));    /* just below the area */
        fault_catch_end();
    } else {
        p->outside_cr2 = fc.cr2;
    }
    task_set_vm(NULL);
}

static void do_nothing(void *arg) { (void)arg; }

KTEST(vm_anonymous_memory_faults_in_zeroed_pages)
{
    static struct anon_probe p;
    p = (struct anon_probe){ 0 };
    /* A first space of the same shape, untouched, and a task that does
     * nothing, so that the slab caches already hold the pages their
     * structures take: the count below then sees only what the faults
     * brought in. */
    struct vm_space *warm = vm_space_create();
    KASSERT(warm && vm_map_anon(warm, ANON_START, PAGE_SIZE, 0) == 0 &&
            vm_map_anon(warm, RO_START, PAGE_SIZE, 0) == 0);
    struct task *idle = task_create("anon-warm", do_nothing, NULL, PRIO_NORMAL);
    KASSERT(idle != NULL);
    KASSERT_EQ(task_join(idle), 0);
    vm_space_destroy(warm);
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();
    p.space = vm_space_create();
    KASSERT(p.space != NULL);
    KASSERT_EQ(vm_map_anon(p.space, ANON_START, ANON_PAGES * PAGE_SIZE, PTE_WRITE), 0);
    KASSERT_EQ(vm_map_anon(p.space, RO_START, PAGE_SIZE, 0), 0);
    KASSERT_EQ(vm_map_anon(p.space, ANON_START + PAGE_SIZE, PAGE_SIZE, 0), -EINVAL);  /* overlap */
    KASSERT_EQ(vm_map_anon(p.space, ANON_START + 1, PAGE_SIZE, 0), -EINVAL);
    KASSERT_EQ(vm_map_anon(p.space, KERNEL_VMA, PAGE_SIZE, 0), -EINVAL);
    KASSERT_EQ(vm_lookup(p.space, ANON_START, NULL, NULL), -ENOENT);   /* nothing yet */

    struct task *t = task_create("anon", touch_anon, &p, PRIO_NORMAL);
    KASSERT(t != NULL);
    KASSERT_EQ(task_join(t), 0);
    KASSERT_EQ(p.bad, 0);
    KASSERT_EQ(p.ro_error, X86_PF_PROT | X86_PF_WRITE);
    KASSERT_EQ(p.outside_cr2, ANON_START - 4);
    for (uint32_t i = 0; i < ANON_PAGES; i++)
        KASSERT_EQ(vm_lookup(p.space, ANON_START + i * PAGE_SIZE, NULL, NULL), 0);
    KASSERT(nr_free_pages() + ANON_PAGES <= free0);

    vm_space_destroy(p.space);
    drain_hot_pages();
    KASSERT_EQ(nr_free_pages(), free0);             /* every page came back */
}
