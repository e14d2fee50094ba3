/*
 * panic.c - panic() and machine_exit() (see include/panic.h).
 */
#include <stdarg.h>
#include "panic.h"
#include "backtrace.h"
#include "printk.h"
#include "vsprintf.h"
#include "x86.h"

#define ISA_DEBUG_EXIT_PORT 0xF4    /* QEMU -device isa-debug-exit,iobase=0xf4 */

static int panicking;

void machine_exit(enum kexit_code code)
{
    cli();
    outl(ISA_DEBUG_EXIT_PORT, code);
    /* Still here: no debug-exit device (real hardware, or QEMU started by
     * hand without it).  Stop the CPU instead. */
    printk(LOG_EMERG, "machine_exit: no isa-debug-exit device; halting\n");
    for (;;)
        hlt();
}

void panic_at(uint32_t eip, uint32_t ebp, const char *why)
{
    cli();
    if (panicking++) {              /* a panic while panicking: just stop */
        printk(LOG_EMERG, "PANIC (nested): %s\n", why);
        machine_exit(KEXIT_PANIC);
    }
    printk(LOG_EMERG, "PANIC: %s\n", why);
    backtrace_print(LOG_EMERG, eip, ebp);
    machine_exit(KEXIT_PANIC);
}

void panic(const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    /* Start the backtrace at our caller: its pc, and its frame pointer,
     * which our own frame saved at [ebp]. */
    panic_at((uint32_t)__builtin_return_address(0), *(uint32_t *)read_ebp(), why);
}
