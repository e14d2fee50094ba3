/*
 * fault_catch.h - surviving an expected CPU exception.
 *
 * Tests that fault on purpose (and, later, code that touches memory it does
 * not trust) arm a catcher first.  An exception while it is armed is still
 * reported on the console, but instead of panicking the kernel records what
 * happened and resumes after fault_catch_try() with a nonzero value, the way
 * longjmp returns to setjmp:
 *
 *     struct fault_catch fc;
 *     if (fault_catch_try(&fc) == 0) {
 *         ...code that may fault...
 *         fault_catch_end();
 *     } else {
 *         ...fc.vector, fc.cr2, fc.pcs[] tell what happened...
 *     }
 *
 * Only one catcher is armed at a time; it is disarmed by the fault or by
 * fault_catch_end().  The code between must not leave locks held.
 */
#pragma once
#include <stdint.h>
#include "backtrace.h"
#include "setjmp.h"

struct fault_catch {
    jmp_buf resume;
    unsigned vector;            /* what was caught */
    uint32_t error;             /* the CPU's error code, or 0 */
    uint32_t eip;               /* the faulting instruction */
    uint32_t cr2;               /* the faulting address, for a page fault */
    int depth;                  /* pcs[0] is eip, then the callers */
    uint32_t pcs[BACKTRACE_MAX + 1];
};

extern struct fault_catch *fault_catch_armed;

#define fault_catch_try(fc) (fault_catch_armed = (fc), setjmp((fc)->resume))

static inline void fault_catch_end(void) { fault_catch_armed = 0; }
