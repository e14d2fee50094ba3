"""specs.py - what the harness needs to know about particular kernel tests.

A kernel test with no entry here boots with test=NAME, 128 MiB and no
disks, and must pass (see judge.py).  An entry may add to the command line,
demand output patterns, expect a panic instead of a pass, or set memory,
disks, the timeout and "net": True for an e1000 on QEMU's user networking;
"may_skip": True lets it skip (ktest_skip: counted as skipped, not failed).  "reject" patterns must not appear.  Manual tests (KTEST_MANUAL) must have an entry or
be listed in NOT_RUN_DIRECTLY, since they fail on purpose.

Tests with disks: "setup" is a function(directory) that makes the images
there and returns the --disk arguments; "check" is a function(disks,
log_text) run after a passing boot that returns None or why it failed
(see disks.py).
"""
import disks

SEED = 1999                     # the January of the deadlock
MIB = 1 << 20
LBA28_END = 1 << 28
# tests/kernel/disk_pattern.h's BIG_BIO_SECTORS: a bio of BIO_MAX_VECS (32)
# pages whose first segment starts 512 bytes in.
BIG_BIO_SECTORS = (32 * 4096 - 512) // 512


def ata_test(write, size=16 * MIB, regions=None, cmdline="", rules=(), drive_opts="",
             expect=(), timeout=60):
    """A test on hda, an image of size bytes with the seeded pattern (in
    regions only, if given).  write=(sector, count) is the region the test
    writes; the check wants it changed and everything else as it was.
    rules: blkdebug (event, sector) pairs that fail with EIO; drive_opts:
    more of QEMU's -drive options (",throttling.bps-total=N")."""
    def setup(directory):
        image = disks.make_image(f"{directory}/hda.img", size, SEED, regions)
        return [(disks.blkdebug(directory, image, rules) if rules else image) + drive_opts]

    def check(paths, log_text):
        return disks.verify(disks.image_path(paths[0]), SEED, [write], regions)

    return dict(cmdline=f"disk_seed={SEED} disk_sectors={size // 512} write_sector={write[0]} "
                        f"write_count={write[1]} {cmdline}".strip(),
                setup=setup, check=check, timeout=timeout,
                expect=[r"ata: hda: QEMU HARDDISK on ide0 master, \d+ sectors, LBA48, (DMA|PIO)$",
                        *expect])


KERNEL_TESTS = {
    "ata_reads_seeded_pattern": ata_test(
        write=(0, 0),
        expect=[r"pci: 00:01\.1 8086:7010 class 01\.01\.80 IDE controller",
                r"ata: hdc: ATAPI device, skipped",
                r"ata: IDE bus master registers at 0x[0-9a-f]+; transfers by DMA$"]),
    "ata_write_lands_in_place": ata_test(write=(5000, 300)),
    "ata_big_bios_cross_64k_boundary": ata_test(write=(10000, 4 * BIG_BIO_SECTORS)),
    "ata_many_bios_in_flight_complete": ata_test(write=(20000, 2048)),
    "ata_pio_reads_and_writes": ata_test(
        write=(6000, 64 + 2 * BIG_BIO_SECTORS + 512), cmdline="ata=pio",
        expect=[r"transfers by PIO \(ata=pio\)$", r"ata: hda: .* PIO$"]),
    "ata_lba48_beyond_2pow28": ata_test(
        write=(LBA28_END + 4096, 64), size=200 << 30,
        regions=[(LBA28_END - 64, 128), (LBA28_END + 4095, 66)]),
    "ata_disk_error_fails_only_its_bio": ata_test(
        write=(3000, 16), cmdline="error_read=1000 error_write=2000",
        rules=[("read_aio", 1000), ("write_aio", 2000)],
        expect=[r"ata: hda: read error at sector 996 \(8 sectors, DMA\): status 0x[0-9a-f]{2} "
                r"\([A-Z ]*ERR\) error 0x[0-9a-f]{2} \([A-Z ]+\)$",
                r"ata: hda: retrying those 4 bios one at a time",
                r"ata: hda: write error at sector 1998 "]),
    "ata_timeout_resets_channel": ata_test(
        write=(0, 0), drive_opts=",throttling.bps-total=8192",
        expect=[r"ata: hda: timeout: read at sector 500 \(1 sectors\) had no answer in 5000 ms: "
                r"status 0x[0-9a-f]{2}.*; resetting ide0$"]),
    "block_ramdisk_round_trip_and_bounds": dict(cmdline="ramdisk=2"),
    # The profile's first line is the spinner, with nearly every tick.
    "profile_finds_the_function_that_spins": dict(
        cmdline="profile=2",
        expect=[r"profile: \d+ buckets of 4 bytes over \d+ KiB of kernel text",
                r"profile test: (\d+) ticks, \d+ in the kernel",
                r"profile test: +(9\d|1\d\d) +(9\d|100)% profile_spin_target$",
                r"profile irqs off: +([1-9]\d|1\d\d) +(9\d|100)% profile_irqs_off_target$"]),
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
    "cmdline_unregistered_parameter_panics": dict(
        verdict="panic",
        expect=[r"PANIC: cmdline: never_registered= is read but not registered: "
                r"add KERNEL_PARAM\(never_registered, \.\.\.\)"]),
    "cmdline_default_unlike_its_table_panics": dict(
        verdict="panic",
        expect=[r"PANIC: cmdline: hog_tasks= has the default 5 here but 4 in its KERNEL_PARAM"]),
    "hung_task_timeout_follows_command_line": dict(cmdline="hung_timeout=7"),
    "hung_task_two_task_deadlock_reported": dict(
        expect=[r"hung: task \"deadlock-[ab]\" \(id \d+\) blocked for \d+ s on mutex deadlock-m[12]",
                r"hung: DEADLOCK: deadlock-([ab]) -> deadlock-[ab] -> deadlock-\1$"]),
}

# Manual tests that only the harness self-test boots (harness_tests.py).
NOT_RUN_DIRECTLY = {
    # Booted with a swap area and judged by swap_tests.py:
    "swap_4x_ram_reads_back_every_page", "swap_full_ends_the_hog_and_the_rest_goes_on",
    "swap_write_errors_lose_no_page", "reclaim_never_waits_for_a_stalled_swap_disk",
    "swapoff_brings_pages_back",
    # Booted with a fresh ext2 image and judged by mmap_tests.py:
    "mmap_writes_of_1_5x_ram_reach_the_files", "swap_mmap_and_write_at_once_lose_nothing",
    "reclaim_torture_loses_no_byte",
    "swap_pages_out_and_back_bit_identical", "reclaim_gives_used_pages_a_second_chance",
    "reclaim_ages_used_pages_without_sleeping",
    "swap_slots_cluster_and_skip_bad_pages",
    "vfs_open_files_read_write_lseek",
    "selftest_fails", "selftest_panics", "selftest_hangs",
    "selftest_triple_faults", "selftest_exits_without_verdict_line", "selftest_skips",
    # Booted with a copy of an ext2 image and judged by ext2_tests.py:
    # make run's last stress test (and the monitor's demo): it leaves its deadlock.
    "deadlock_1999_sync", "deadlock_1999_user_sync",
    "ext2_write_boundary_files_read_back", "ext2_write_many_files_created_and_removed",
    "ext2_write_fill_until_enospc_then_reuse", "ext2_rename_and_rmdir_semantics",
    # Booted against an NBD server and judged by nbd_tests.py (which runs
    # each under its own name too):
    "nbd_pattern_round_trip", "nbd_written_data_reads_back", "nbd_survives_faulty_server",
    "nbd_refused_server_leaves_no_device",
    # Booted with nbdsrv, or (_user) with the user image for /bin/nbd-server,
    # and judged by deadlock_tests.py:
    "deadlock_1999", "deadlock_1999_user", "deadlock_1999_user_flusher",
}
