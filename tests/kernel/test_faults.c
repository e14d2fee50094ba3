/*
 * test_faults.c - CPU exceptions are caught and reported with the right
 * vector, error code, faulting address and a backtrace that names the
 * function that faulted.
 *
 * The faulting helpers are noipa (no inlining, cloning or other
 * interprocedural tricks) so that they keep their own name, and each ends
 * with an empty asm that uses the result: without it GCC may schedule the
 * faulting instruction after the epilogue's "pop %ebp", and a frame-pointer
 * backtrace taken there skips the helper's caller.
 */
#include "fault_catch.h"
#include "ksyms.h"
#include "ktest.h"
#include "vm.h"
#include "kstring.h"
#include "printk.h"
#include "test_helpers.h"

#define VECTOR_DIVIDE_ERROR 0
#define VECTOR_PAGE_FAULT   14

/* Nothing is mapped in the lower 3 GiB yet: the first access faults. */
#define UNMAPPED_ADDRESS    0x0BAD0000u

#define KEEP_BEFORE_EPILOGUE(v) __asm__ volatile("" : : "r"(v) : "memory")

static __attribute__((noipa)) int fault_divide_by_zero(volatile int divisor)
{
    int quotient = 100 / divisor;
    KEEP_BEFORE_EPILOGUE(quotient);
    return quotient;
}

static __attribute__((noipa)) uint32_t fault_read_unmapped(volatile uint32_t *p)
{
    uint32_t v = *p;
    KEEP_BEFORE_EPILOGUE(v);
    return v;
}

static __attribute__((noipa)) void fault_write_unmapped(volatile uint32_t *p)
{
    *p = 0x5a5a5a5a;
    KEEP_BEFORE_EPILOGUE(p);
}

static const char *function_at(uint32_t pc)
{
    uint32_t off, size;
    return ksym_lookup(pc, &off, &size);
}

/* True when some caller in the caught backtrace is the function name. */
static bool backtrace_has(const struct fault_catch *fc, const char *name)
{
    for (int i = 1; i < fc->depth; i++) {
        const char *f = function_at(fc->pcs[i] - 1);
        if (f && strcmp(f, name) == 0)
            return true;
    }
    return false;
}

KTEST(fault_divide_error_caught)
{
    struct fault_catch fc;
    if (fault_catch_try(&fc) == 0) {
        fault_divide_by_zero(0);
        fault_catch_end();
        KASSERT(!"dividing by zero did not fault");
    }
    KASSERT_EQ(fc.vector, VECTOR_DIVIDE_ERROR);
    KASSERT_STREQ(function_at(fc.eip), "fault_divide_by_zero");
    KASSERT(backtrace_has(&fc, "fault_divide_error_caught"));
}

KTEST(fault_page_fault_reports_cr2)
{
    struct fault_catch fc;
    volatile uint32_t *p = (volatile uint32_t *)UNMAPPED_ADDRESS;

    if (fault_catch_try(&fc) == 0) {
        fault_read_unmapped(p + 1);
        fault_catch_end();
        KASSERT(!"reading unmapped memory did not fault");
    }
    KASSERT_EQ(fc.vector, VECTOR_PAGE_FAULT);
    KASSERT_EQ(fc.cr2, UNMAPPED_ADDRESS + 4);
    KASSERT_EQ(fc.error, 0);                /* not present, read, kernel */
    KASSERT_STREQ(function_at(fc.eip), "fault_read_unmapped");
    KASSERT(backtrace_has(&fc, "fault_page_fault_reports_cr2"));

    if (fault_catch_try(&fc) == 0) {
        fault_write_unmapped(p + 3);
        fault_catch_end();
        KASSERT(!"writing unmapped memory did not fault");
    }
    KASSERT_EQ(fc.vector, VECTOR_PAGE_FAULT);
    KASSERT_EQ(fc.cr2, UNMAPPED_ADDRESS + 12);
    KASSERT_EQ(fc.error, X86_PF_WRITE);
    KASSERT_STREQ(function_at(fc.eip), "fault_write_unmapped");
}

/* Runs the boot stack into its guard page: the double-fault task must
 * report a kernel stack overflow (and then the kernel panics, so this is a
 * manual test; the harness expects the panic and the report). */
KTEST_MANUAL(fault_stack_overflow_reported)
{
    pr_info("recursing until the boot stack overflows\n");
    recurse_deeply(0);
}
