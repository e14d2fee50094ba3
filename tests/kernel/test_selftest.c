/*
 * test_selftest.c - tests that go wrong on purpose, so that the harness
 * can prove it notices (tests/harness: harness_selftest).  Each is manual:
 * "all" and globs never pick them.
 */
#include "ktest.h"
#include "panic.h"
#include "printk.h"
#include "x86.h"

KTEST_MANUAL(selftest_fails)
{
    KASSERT_EQ(1 + 1, 3);
}

KTEST_MANUAL(selftest_panics)
{
    panic("deliberate panic for the harness self-test");
}

KTEST_MANUAL(selftest_hangs)
{
    cli();
    for (;;)
        hlt();
}

KTEST_MANUAL(selftest_triple_faults)
{
    /* With no IDT every exception escalates to a triple fault, which QEMU
     * (-no-reboot) turns into an exit with no verdict. */
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) none = { 0, 0 };
    __asm__ volatile("lidt %0; int3" : : "m"(none));
}

KTEST_MANUAL(selftest_skips)
{
    /* Counted as skipped by the kernel; a failure for make test, whose
     * spec does not allow it -- and a skip where a spec allows one. */
    ktest_skip("deliberately, for the harness self-test");
}

KTEST_MANUAL(selftest_exits_without_verdict_line)
{
    /* Success through isa-debug-exit, but no "ok" line and no summary. */
    machine_exit(KEXIT_SUCCESS);
}
