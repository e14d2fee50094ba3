"""mmap_tests.py - dirty file pages under memory pressure, judged by
e2fsprogs: the kernel tests mmap_dirty and mixed (tests/kernel/test_mmap.c)
write files through shared mappings (and write()) on a fresh ext2 image
with 32 MiB of RAM (reclaim_torture, tests/kernel/test_torture.c, checks
its own files and leaves none: e2fsck judges the image), and print each
file's expected size and CRC-32 as

    FILE /PATH SIZE CRC

computed from the pattern, not read back.  After the boot e2fsck -fn must
find the image clean and debugfs must read every file with that size and
CRC.  Each test is a function (log_path) -> None on pass or a reason.
"""
import os
import re
import subprocess
import zlib

import ext2_images
import judge
import kernel

MKE2FS = "/sbin/mke2fs"
MKSWAP = "/sbin/mkswap"


def fresh_ext2(path, mib):
    if os.path.exists(path):
        os.unlink(path)
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", "4096", path, f"{mib}M"],
                   check=True, capture_output=True)
    return path


def fresh_swap(path, mib):
    with open(path, "wb") as f:
        f.truncate(0)
        f.truncate(mib << 20)
    subprocess.run([MKSWAP, path], check=True, capture_output=True)
    return path


def files_match(image, text):
    """None when every FILE line's file is in the image with that size and
    CRC (and there is at least one); else why not."""
    files = re.findall(r"\] FILE (\S+) (\d+) ([0-9a-f]{8})$", text, re.M)
    if not files:
        return "the kernel listed no FILE lines"
    for path, size, crc in files:
        got = ext2_images.debugfs_dump(image, path)
        if got is None:
            return f"debugfs cannot dump {path}"
        if len(got) != int(size) or zlib.crc32(got) != int(crc, 16):
            return (f"{path}: debugfs reads {len(got)} bytes crc32 {zlib.crc32(got):08x}, "
                    f"the kernel wrote {size} bytes crc32 {crc}")
    return None


def ext2_stress(test, with_swap, cmdline="", expect=(), files=True, mem=32, seeded=True,
                drive_opts="", reject=(), image_mib=128):
    """A test on a fresh ext2 image of image_mib (hdb after a swap area as
    hda when with_swap, else hda); files: the kernel lists FILE lines to
    check; seeded: it is randomized and prints its seed; drive_opts: more
    of QEMU's -drive options for the ext2 disk."""
    def run(log):
        ext2 = fresh_ext2(f"{log}.ext2.img", image_mib)
        disks = [fresh_swap(f"{log}.swap.img", 160)] if with_swap else []
        disks.append(ext2)
        rc = kernel.boot(f"test={test} {cmdline}".strip(), log, timeout=180, mem=mem,
                         disks=disks[:-1] + [ext2 + drive_opts])
        text = kernel.read_log(log)
        seed = [r"seed=\d+ \(boot with seed=\d+ to repeat\)"] if seeded else []
        reason = judge.judge(test, rc, text, expect=[*seed, *expect], reject=reject)
        if not reason:
            problems = ext2_images.e2fsck_problems(ext2)
            reason = ("e2fsck -fn complains after the kernel wrote it: " + problems[:600]
                      if problems else files_match(ext2, text) if files else None)
        if not reason:
            for d in disks:
                os.unlink(d)
        return reason
    return run


MMAP_TESTS = {
    "mmap_writes_of_1_5x_ram_reach_the_files": ext2_stress("mmap_writes_of_1_5x_ram_reach_the_files", False, expect=[
        r"mmap_dirty: written through the mappings; kswiod wrote [1-9]\d* pages meanwhile",
        r"mmap_dirty: unmounted; [1-9]\d* file pages written by kswiod, 0 reclaim waits"]),
    # The 1999 policy: reclaim writes the dirty file page itself, through
    # the file's lock and ext2's lock_super, and waits for that write --
    # reported every time.  The files are whole all the same (no server
    # here to deadlock with).
    "mmap_writes_of_1_5x_ram_reach_the_files_reclaim_sync": ext2_stress("mmap_writes_of_1_5x_ram_reach_the_files", False, "reclaim=sync", expect=[
        r"reclaim: policy sync",
        r"reclaim: BUG: task \S+ waits on wait queue (ext2 page io|page writeback) while "
        r"reclaiming",
        r"lockdep: BUG: possible deadlock \(lock order cycle\)",
        r"but lock_super already comes before reclaim",
        r"reclaim=sync: [1-9]\d* waits that reclaim must not make were reported, and [1-9]\d* "
        r"lock order cycles"]),
    "reclaim_torture_loses_no_byte": ext2_stress("reclaim_torture_loses_no_byte", True, expect=[
        r"torture: progress: hog passes [1-9]\d*, other ops: anon \d+ mmap [1-9]\d* write "
        r"[1-9]\d* shrink [1-9]\d*",
        r"torture: summary: 0 bad, 0 errors; [1-9]\d* swap-outs, [1-9]\d* kswiod writes"],
        files=False),
    "swap_mmap_and_write_at_once_lose_nothing": ext2_stress(
        "swap_mmap_and_write_at_once_lose_nothing", True, expect=[
        r"mixed: all writers done: [1-9]\d* swap-outs, [1-9]\d* page writes queued to kswiod, "
        r"[1-9]\d* kswapd wakeups, \d+ buffers written by the flush task",
        r"mixed: summary: 0 bad anonymous pages, 0 tasks ended"]),
    # tests/kernel/test_file_mmap.c: mappings meeting truncate.
    "filemap_truncate_unmaps_then_bus_error": ext2_stress(
        "filemap_truncate_unmaps_then_bus_error", False, files=False, mem=128, seeded=False,
        expect=[r"filemap: bus error: 20002000 is page 2 of inode \d+, past its end \(4096 bytes\)",
                r"bus error: task toucher \(\d+\) touched 20002000, past the end of the file"],
        reject=[r"the touch past the end went through"]),
    "filemap_fsync_writes_pages_dirty_in_a_pte": ext2_stress(
        "filemap_fsync_writes_pages_dirty_in_a_pte", False, files=False, mem=128,
        seeded=False, expect=[r"filemap: fsync handed 1 pages to kswiod"]),
    "filemap_split_area_reverse_map_finds_each_pte_once": ext2_stress(
        "filemap_split_area_reverse_map_finds_each_pte_once", False, files=False, mem=128,
        seeded=False, expect=[r"filemap: mlock of the middle: 3 areas map the file"]),
    "vm_munmap_goes_on_while_a_destroy_waits_for_a_file": ext2_stress(
        "vm_munmap_goes_on_while_a_destroy_waits_for_a_file", False, files=False, mem=128,
        seeded=False, expect=[r"vm: munmap of another space while a destroy waits for the "
                              r"file's lock: done after \d+ ms"]),
    # tests/kernel/test_fsync.c: a slow disk (1 MiB/s), so that the writers'
    # pages are always still being written when fsync looks.
    "fsync_ignores_pages_handed_over_meanwhile": ext2_stress(
        "fsync_ignores_pages_handed_over_meanwhile", False, files=False, mem=128,
        seeded=False, drive_opts=",throttling.bps-total=1048576",
        expect=[r"fsync: \d+ ms while the writers wrote [1-9]\d* pages; .*were still writing"]),
    "fsync_and_writer_under_pressure_no_enomem": ext2_stress(
        "fsync_and_writer_under_pressure_no_enomem", False, files=False, seeded=False,
        expect=[r"pressure: [1-9]\d* writes \(worst \d+ ms, error 0\), [1-9]\d* fsyncs "
                r"\(worst \d+ ms, error 0\)"]),
    "lockdep_lock_held_across_writeback_wait_reported": ext2_stress(
        "lockdep_lock_held_across_writeback_wait_reported", False, files=False, seeded=False,
        expect=[r"lockdep: BUG: possible deadlock \(lock order cycle\)", r"writeback"]),
    # tests/kernel/test_write_errors.c: a small file system, filled.
    "write_errors_never_livelock": ext2_stress(
        "write_errors_never_livelock", False, files=False, seeded=False, image_mib=8,
        expect=[r"write errors: the file system is full",
                r"write errors: \d+ ms of reclaim \(\d+ runs\): \d+ failed page writes; the "
                r"pinger ran [1-9]\d* times, at worst \d+ ms late; fsync gave -28, then -28; "
                r"0 words differ"]),
    # tests/kernel/test_readahead.c: the asynchronous read-ahead, on 128 MiB.
    "readahead_next_window_in_flight": ext2_stress(
        "readahead_next_window_in_flight", False, files=False, mem=128, seeded=False,
        expect=[r"readahead: after page 0, 128 pages cached"]),
    # A slow disk (1 MiB/s: a window takes a quarter of a second), so that the
    # truncation surely meets read-ahead still in flight.
    "readahead_truncated_in_flight": ext2_stress(
        "readahead_truncated_in_flight", False, files=False, mem=128, seeded=False,
        drive_opts=",throttling.bps-total=1048576"),
}
