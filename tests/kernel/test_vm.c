/*
 * test_vm.c - page tables: a mapping in a fresh address space reaches the
 * same frame as the direct map, an unmapped or read-only page faults at
 * the right address with the right error code, kernel text is read-only,
 * bad requests are refused, and kernel stacks sit above a guard page.
 */
#include "fault_catch.h"
#include "kerrno.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"
#include "test_helpers.h"
#include "vm.h"

#define TEST_VA         0x40000000u

static __attribute__((noipa)) uint32_t read_word(volatile uint32_t *p) { return *p; }
static __attribute__((noipa)) void write_word(volatile uint32_t *p, uint32_t v) { *p = v; }

KTEST(vm_map_write_read_unmap_faults)
{
    struct vm_space *space = vm_space_create();
    struct page *frame = alloc_page(GFP_KERNEL | __GFP_ZERO);
    KASSERT(space && frame);
    KASSERT_EQ(vm_map(space, TEST_VA, page_to_phys(frame), PTE_WRITE), 0);

    uint32_t pa, prot;
    KASSERT_EQ(vm_lookup(space, TEST_VA + 0x123, &pa, &prot), 0);
    KASSERT_EQ(pa, page_to_phys(frame) + 0x123);
    KASSERT(prot & PTE_WRITE);

    vm_switch(space);
    write_word((uint32_t *)(TEST_VA + 8), 0xC0FFEE);        /* through the new mapping */
    KASSERT_EQ(((uint32_t *)page_address(frame))[2], 0xC0FFEE);  /* seen in the direct map */

    KASSERT_EQ(vm_unmap(space, TEST_VA, &pa), 0);
    KASSERT_EQ(pa, page_to_phys(frame));
    struct fault_catch fc;
    if (fault_catch_try(&fc) == 0) {
        read_word((uint32_t *)(TEST_VA + 8));
        fault_catch_end();
        KASSERT(!"reading an unmapped page did not fault");
    }
    KASSERT_EQ(fc.vector, 14);
    KASSERT_EQ(fc.cr2, TEST_VA + 8);
    KASSERT_EQ(fc.error, 0);                                /* not present, read */

    vm_switch(&kernel_space);
    vm_space_destroy(space);
    free_page(frame);
}

KTEST(vm_read_only_page_faults_on_write)
{
    struct vm_space *space = vm_space_create();
    struct page *frame = alloc_page(GFP_KERNEL | __GFP_ZERO);
    KASSERT(space && frame);
    KASSERT_EQ(vm_map(space, TEST_VA, page_to_phys(frame), PTE_WRITE), 0);
    vm_switch(space);
    write_word((uint32_t *)TEST_VA, 7);
    /* Mapped, but in the user half: no view may read it on trust. */
    KASSERT(!kernel_addr_mapped(TEST_VA, 4));
    KASSERT_EQ(vm_protect(space, TEST_VA, 0), 0);           /* now read-only */
    KASSERT_EQ(read_word((uint32_t *)TEST_VA), 7);          /* reading is fine */

    struct fault_catch fc;
    if (fault_catch_try(&fc) == 0) {
        write_word((uint32_t *)(TEST_VA + 4), 8);
        fault_catch_end();
        KASSERT(!"writing a read-only page did not fault");
    }
    KASSERT_EQ(fc.cr2, TEST_VA + 4);
    KASSERT_EQ(fc.error, X86_PF_PROT | X86_PF_WRITE);
    vm_switch(&kernel_space);
    vm_space_destroy(space);
    free_page(frame);
}

KTEST(vm_kernel_text_is_read_only)
{
    extern void kmain(void);
    uint32_t *code = (uint32_t *)(uint32_t)kmain;
    struct fault_catch fc;
    if (fault_catch_try(&fc) == 0) {
        write_word(code, 0xCCCCCCCC);
        fault_catch_end();
        KASSERT(!"writing kernel text did not fault");
    }
    KASSERT_EQ(fc.cr2, (uint32_t)code);
    KASSERT_EQ(fc.error, X86_PF_PROT | X86_PF_WRITE);
}

KTEST(vm_refuses_bad_requests)
{
    struct vm_space *space = vm_space_create();
    KASSERT(space != NULL);
    KASSERT_EQ(vm_map(space, TEST_VA + 1, 0x200000, 0), -EINVAL);     /* unaligned */
    KASSERT_EQ(vm_map(space, TEST_VA, 0x200001, 0), -EINVAL);
    KASSERT_EQ(vm_map(space, KERNEL_VMA + 0x200000, 0x200000, 0), -EINVAL); /* direct map */
    KASSERT_EQ(vm_map(space, TEST_VA, 0x200000, 0), 0);
    KASSERT_EQ(vm_map(space, TEST_VA, 0x300000, 0), -EBUSY);         /* already mapped */
    KASSERT_EQ(vm_unmap(space, TEST_VA + PAGE_SIZE, NULL), -ENOENT);
    KASSERT_EQ(vm_protect(space, TEST_VA + PAGE_SIZE, 0), -ENOENT);
    KASSERT_EQ(vm_lookup(space, 0x80000000u, NULL, NULL), -ENOENT);
    KASSERT_EQ(vm_unmap(space, TEST_VA, NULL), 0);
    vm_space_destroy(space);
}

static uint32_t report_stack_pointer(void *arg)
{
    *(uint32_t *)arg = 1;
    uint32_t esp;
    __asm__ volatile("mov %%esp, %0" : "=r"(esp));
    return esp;
}

KTEST(kstack_runs_code_above_a_guard_page)
{
    drain_hot_pages();
    uint32_t free0 = nr_free_pages();
    uint8_t *stack = kstack_alloc("test stack");
    KASSERT(stack != NULL);
    uint32_t ran = 0;
    uint32_t esp = call_on_stack(report_stack_pointer, &ran, stack + KSTACK_SIZE);
    KASSERT_EQ(ran, 1);
    KASSERT(esp >= (uint32_t)stack && esp < (uint32_t)stack + KSTACK_SIZE);
    KASSERT(kernel_addr_mapped((uint32_t)stack, KSTACK_SIZE));
    KASSERT(!kernel_addr_mapped((uint32_t)stack - 1, 1));           /* the guard */
    KASSERT_STREQ(stack_guard_owner((uint32_t)stack - 8), "test stack");
    KASSERT(stack_guard_owner((uint32_t)stack + 8) == NULL);
    kstack_free(stack);
    KASSERT(!kernel_addr_mapped((uint32_t)stack, 1));
    drain_hot_pages();
    KASSERT_EQ(nr_free_pages(), free0);
}

static uint32_t overflow(void *arg)
{
    (void)arg;
    return recurse_deeply(0);
}

/* A kernel stack runs into its guard page: the double-fault task names
 * the stack, and the kernel panics (a manual test: the harness expects it). */
KTEST_MANUAL(kstack_overflow_names_the_stack)
{
    uint8_t *stack = kstack_alloc("overflow-test");
    KASSERT(stack != NULL);
    pr_info("recursing until the overflow-test stack overflows\n");
    call_on_stack(overflow, NULL, stack + KSTACK_SIZE);
}
