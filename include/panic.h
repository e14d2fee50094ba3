/*
 * panic.h - stopping the kernel when it cannot go on, and telling the
 * harness why.
 *
 * panic() prints "PANIC: message" and a backtrace, then leaves QEMU through
 * the isa-debug-exit device with KEXIT_PANIC.  machine_exit() leaves QEMU
 * with a test verdict.  QEMU's exit status is (code << 1) | 1, so the codes
 * below come out as 33, 35 and 37: none of them is a status QEMU uses for
 * its own errors (1) or a clean shutdown or triple fault (0).
 */
#pragma once
#include <stdint.h>

enum kexit_code {
    KEXIT_SUCCESS = 0x10,   /* QEMU exits 33 */
    KEXIT_FAILURE = 0x11,   /* QEMU exits 35 */
    KEXIT_PANIC   = 0x12,   /* QEMU exits 37 */
};

__attribute__((noreturn)) void machine_exit(enum kexit_code code);
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
/* panic() after the caller has printed its own report: takes the frame to
 * backtrace from instead of the caller's. */
__attribute__((noreturn)) void panic_at(uint32_t eip, uint32_t ebp, const char *why);

#define BUG_ON(cond) \
    do { if (cond) panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); } while (0)
