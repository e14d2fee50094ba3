/*
 * backtrace.c - frame-pointer backtraces (see include/backtrace.h).
 */
#include <stdbool.h>
#include "backtrace.h"
#include "ksyms.h"
#include "mm.h"
#include "vm.h"
#include "printk.h"

int backtrace_collect(uint32_t ebp, uint32_t *pcs, int max)
{
    int n = 0;
    while (n < max && ebp && (ebp & 3) == 0 && kernel_addr_mapped(ebp, 8)) {
        const uint32_t *frame = (const uint32_t *)ebp;
        pcs[n++] = frame[1];
        if (frame[0] <= ebp)        /* stacks grow down: callers sit higher */
            break;
        ebp = frame[0];
    }
    return n;
}

/* A return address points after the call: look up pc - 1 so that a call
 * which ends a function is not blamed on the next function. */
static void print_pc(int level, uint32_t pc, bool is_return_address)
{
    char where[96];
    ksym_describe(pc - is_return_address, where, sizeof(where));
    printk(level, "  [<%08x>] %s\n", pc, where);
}

void backtrace_print(int level, uint32_t eip, uint32_t ebp)
{
    uint32_t pcs[BACKTRACE_MAX];
    int n = backtrace_collect(ebp, pcs, BACKTRACE_MAX);
    printk(level, "backtrace:\n");
    print_pc(level, eip, false);
    for (int i = 0; i < n; i++)
        print_pc(level, pcs[i], true);
    if (n == BACKTRACE_MAX)
        printk(level, "  ... (deeper frames not shown: BACKTRACE_MAX is %d)\n", BACKTRACE_MAX);
}
