"""specs.py - what the harness needs to know about particular kernel tests.

A kernel test with no entry here boots with test=NAME, 128 MiB and no
disks, and must pass (see judge.py).  An entry may add to the command line,
demand output patterns, expect a panic instead of a pass, or set memory,
disks and the timeout.  "reject" patterns must not appear.  Manual tests (KTEST_MANUAL) must have an entry or
be listed in NOT_RUN_DIRECTLY, since they fail on purpose.
"""

KERNEL_TESTS = {
    "block_ramdisk_round_trip_and_bounds": dict(cmdline="ramdisk=2"),
    "boot_memory_map_sane": dict(
        cmdline="expect_mem_mib=128",
        expect=[r"swiod 0\.1\.0: a teaching kernel",
                r"^\[ *\d+\.\d+\] memory map:$",
                r"0000000000100000-[0-9a-f]{16} available"]),
    "cmdline_boot_arguments_arrive": dict(
        cmdline='probe="two words" n=0x2a n=7 flag'),
    "cmdline_seed_reaches_tests": dict(cmdline="seed=12345"),
    "printk_log_ring_keeps_every_level": dict(
        cmdline="loglevel=7",
        expect=[r"printk-test: a debug line", r"printk-test: a warning line"]),
    "fault_divide_error_caught": dict(
        expect=[r"exception 0 \(divide error\), error code 0x0",
                r"\[<[0-9a-f]{8}>\] fault_divide_by_zero\+0x[0-9a-f]+/0x[0-9a-f]+$"]),
    "fault_page_fault_reports_cr2": dict(
        expect=[r"exception 14 \(page fault\)",
                r"cr2 0bad0004: page not present, read, kernel mode",
                r"cr2 0bad000c: page not present, write, kernel mode",
                r"\] fault_read_unmapped\+0x[0-9a-f]+/",
                r"\] fault_page_fault_reports_cr2\+0x[0-9a-f]+/"]),
    "fault_stack_overflow_reported": dict(
        verdict="panic",
        expect=[r"exception 8 \(double fault\)",
                r"esp is in the guard page below the boot stack: kernel stack overflow",
                r"PANIC: kernel stack overflow",
                r"\] recurse_deeply\+"]),
    "kstack_overflow_names_the_stack": dict(
        verdict="panic",
        expect=[r"esp is in the guard page below overflow-test: kernel stack overflow",
                r"PANIC: kernel stack overflow"]),
    "hung_task_timeout_follows_command_line": dict(cmdline="hung_timeout=7"),
    "hung_task_two_task_deadlock_reported": dict(
        expect=[r"hung: task \"deadlock-[ab]\" \(id \d+\) blocked for \d+ s on mutex deadlock-m[12]",
                r"hung: DEADLOCK: deadlock-([ab]) -> deadlock-[ab] -> deadlock-\1$"]),
}

# Manual tests that only the harness self-test boots (harness_tests.py).
NOT_RUN_DIRECTLY = {
    "selftest_fails", "selftest_panics", "selftest_hangs",
    "selftest_triple_faults", "selftest_exits_without_verdict_line",
}
