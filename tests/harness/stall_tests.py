"""stall_tests.py - a stall stays with its device (tests/kernel/
test_writeback_stall.c): ext2 on nbd0 stalled while a 4x RAM hog swaps to
hda, and swap on nbd0 stalled while a file on hda is written and fsync'd.
nbd0 is qemu-nbd serving a fresh image; the kernel test stalls it in the
block layer (blkdev_stall), as a server that holds its requests would.
Passing: the kernel test's checks, its summary lines, and e2fsck -fn
clean on the ext2 image afterwards.
STALL_TESTS: name -> function (log_path) -> None on pass or a reason.
"""
import os

import ext2_images
import judge
import kernel
import mmap_tests
import nbd_tests

RAM_MIB = 32
SWAP_MIB = 160                  # the hog is 4x RAM
EXT2_MIB = 64


def boot_with(test, log, nbd_image, disk, cmdline):
    with nbd_tests.nbd_serve.Server("qemu-nbd", nbd_image,
                                    log=nbd_tests.server_log(log)) as srv:
        line = (f"test={test} nbd={nbd_tests.GUEST_SERVER}:{srv.port} "
                f"nbd_export={nbd_tests.EXPORT} {cmdline}")
        return kernel.boot(line, log, timeout=240, mem=RAM_MIB, disks=[disk], net=True,
                           guestfwd=[srv.port])


def verdict(test, log, rc, ext2_image, expect):
    reason = judge.judge(test, rc, kernel.read_log(log), expect=expect)
    if not reason:
        problems = ext2_images.e2fsck_problems(ext2_image)
        reason = f"e2fsck -fn complains: {problems[:600]}" if problems else None
    return reason


def stall_test(test, nbd_holds, expect):
    """test with nbd0 serving nbd_holds ("ext2" or "swap") and hda the
    other; the ext2 image must pass e2fsck -fn after."""
    def run(log):
        ext2 = mmap_tests.fresh_ext2(log + ".ext2.img", EXT2_MIB)
        swap = mmap_tests.fresh_swap(log + ".swap.img", SWAP_MIB)
        served, disk = (ext2, swap) if nbd_holds == "ext2" else (swap, ext2)
        other = "swap" if nbd_holds == "ext2" else "ext2"
        rc = boot_with(test, log, served, disk, f"{nbd_holds}_dev=nbd0 {other}_dev=hda")
        reason = verdict(test, log, rc, ext2, expect)
        if not reason:
            os.unlink(ext2)
            os.unlink(swap)
        return reason
    return run


STALL_TESTS = {
    "writeback_stall_ext2_stalled_swap_goes_on": stall_test(
        "writeback_stall_ext2_stalled_swap_goes_on", "ext2", [
            r"writeback_stall: nbd0 stalled with [1-9]\d* pages of the file handed to "
            r"kswiod/nbd0",
            r"writeback_stall: the hog on hda: \d+ MiB, [1-9]\d* swap-outs, 0 bad pages, "
            r"0 tasks ended, in \d+ ms; [1-9]\d* file pages still waiting on nbd0"]),
    "writeback_stall_swap_stalled_file_goes_on": stall_test(
        "writeback_stall_swap_stalled_file_goes_on", "swap", [
            r"writeback_stall: nbd0 stalled with \d+ swap pages queued, [1-9]\d* in flight",
            r"writeback_stall: 4096 KiB written to hda and fsync'd in \d+ ms \(done\) while "
            r"nbd0 stalled"]),
}
