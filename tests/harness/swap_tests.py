"""swap_tests.py - swap areas judged against what mkswap (util-linux)
writes: a good area is taken, with its bad pages; a device without a valid
header is refused with a message naming what is wrong, and the kernel goes
on.  Each test is a function (log_path) -> None on pass or a reason.
"""
import os
import re
import struct
import subprocess

import disks
import judge
import kernel

MKSWAP = "/sbin/mkswap"
AREA_MIB = 4
HEADER = 1024                   # version, last_page, nr_badpages follow the boot bits
PAGE = 4096
BADPAGES = 4 * 3 + 16 + 16 + 4 * 117    # the badpages array, after the header's fields
MAX_BADPAGES = 637                      # include/swap.h: what fits before the magic
BAD_PAGES = (5, 6, 40)


def make_area(path, patch=None, size=AREA_MIB << 20):
    """A fresh mkswap'd area of size bytes in path (a device smaller than
    a page is left as zeros: mkswap refuses it); patch(f) may then damage
    it."""
    with open(path, "wb") as f:
        f.truncate(size)
    if size >= PAGE:
        subprocess.run([MKSWAP, path], check=True, capture_output=True)
    if patch:
        with open(path, "r+b") as f:
            patch(f)
    return path


def set_field(offset, value):
    def patch(f):
        f.seek(HEADER + offset)
        f.write(struct.pack("<I", value))
    return patch


def list_bad_pages(f):
    f.seek(HEADER + 8)
    f.write(struct.pack("<I", len(BAD_PAGES)))
    f.seek(HEADER + BADPAGES)
    f.write(struct.pack(f"<{len(BAD_PAGES)}I", *BAD_PAGES))


def set_signature(offset, magic):
    """Zero the signature at the end of page 0, and write magic at offset."""
    def patch(f):
        f.seek(PAGE - 10)
        f.write(bytes(10))
        f.seek(offset)
        f.write(magic)
    return patch


def bad_page(index, value):
    """A header listing index good bad pages (BAD_PAGES), then value."""
    def patch(f):
        set_field(8, index + 1)(f)
        for i in range(index):
            set_field(BADPAGES + 4 * i, BAD_PAGES[i])(f)
        set_field(BADPAGES + 4 * index, value)(f)
    return patch


# name -> (damage, what the refusal must say[, device size])
REFUSALS = {
    "no_signature": (set_signature(PAGE - 10, bytes(10)), "no swap signature (SWAPSPACE2)"),
    "signature_a_page_late": (set_signature(2 * PAGE - 10, b"SWAPSPACE2"),
                              "no swap signature (SWAPSPACE2) at the end of page 0"),
    "old_version_0_signature": (set_signature(PAGE - 10, b"SWAP-SPACE"),
                                "an old version 0 area (SWAP-SPACE), not SWAPSPACE2"),
    "wrong_version": (set_field(0, 2), "swap header version is not 1 (version 2,"),
    "version_0": (set_field(0, 0), "swap header version is not 1 (version 0,"),
    "no_pages": (set_field(4, 0), "swap header says the area has no pages"),
    "last_page_past_end": (set_field(4, (AREA_MIB << 8) + 10),
                           f"swap header's last_page is past the end of the device (version 1, "
                           f"last_page {(AREA_MIB << 8) + 10}, device {AREA_MIB << 8} pages)"),
    "last_page_2pow32": (set_field(4, 0xffffffff), "swap header's last_page is past the end of "
                         "the device (version 1, last_page 4294967295,"),
    "too_many_bad_pages": (set_field(8, MAX_BADPAGES + 1),
                           f"swap header lists {MAX_BADPAGES + 1} bad pages, more than the "
                           f"{MAX_BADPAGES} that fit in it"),
    "bad_page_outside": (bad_page(0, 99999), "swap header lists a bad page outside the area: "
                         "badpages[0] is 99999"),
    "bad_page_0": (bad_page(2, 0), "swap header lists a bad page outside the area: "
                   "badpages[2] is 0"),
    "device_smaller_than_a_page": (None, "the device has 6 sectors, less than the page a swap "
                                   "header takes", 3072),
}


def swapon_refuses_bad_headers(log):
    """Each damaged header is refused with its reason and -EINVAL; the
    views after it answer (no area listed, no kswiod/hda started for it)
    and the monitor halts."""
    for name, (patch, message, *size) in REFUSALS.items():
        area = make_area(f"{log}.{name}.img", patch, *size)
        sublog = f"{log}.{name}"
        rc = kernel.boot("monitor", sublog, disks=[area],
                         stdin_text="swapon hda\nswap\nvmstat\nps\nhalt\n")
        text = kernel.read_log(sublog)
        if rc != 0:
            return f"{name}: qemu-boot status {rc}"
        if f"swap: hda: {message}" not in text or "swapon hda: error -22" not in text:
            return f"{name}: no refusal saying '{message}'"
        after = text.split("swapon hda: error")[1]
        if "swap: hda:" in after or re.search(r"^hda ", after, re.M):
            return f"{name}: the area shows up although it was refused"
        if "kswiod/hda" in after:
            return f"{name}: the refused area left a kswiod/hda task"
        reason = judge.missing_in_order(after, [r"^device +prio +pages +used +bad$",
                                                r"^reclaim violations 0$",
                                                r"monitor: halt \(0 test failures"])
        if reason:
            return f"{name}: {reason}"
        os.unlink(area)
    return None


def swapon_of_a_huge_area_says_no_memory(log):
    """A valid area of 200 GiB (a sparse file mkswap made) wants 250 MiB of
    slot maps in 128 MiB of RAM: swapon says so and gives -12; the views
    answer, no kswiod/hda was started, and a small area is taken
    afterwards (kswiod/hdb)."""
    huge = make_area(log + ".huge.img", size=200 << 30)
    small = make_area(log + ".small.img")
    pages = (200 << 18) - 1
    rc = kernel.boot("monitor", log, disks=[huge, small],
                     stdin_text="swapon hda\nswap\nvmstat\nswapon hdb\nswap\nps\nhalt\n")
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, [
        rf"swap: hda: no memory for the slot maps of {pages} pages \(\d+ KiB\)$",
        r"^swapon hda: error -12$", r"^device +prio +pages +used +bad\nswiod> vmstat",
        r"^reclaim violations 0$", r"swap: hdb: 1023 pages", r"^hdb +-?\d+ +1023 +0 +0$",
        r" kswiod/hdb ", r"monitor: halt \(0 test failures"])
    if not reason and "kswiod/hda" in text:
        reason = "the refused area left a kswiod/hda task"
    if not reason:
        os.unlink(huge)
        os.unlink(small)
    return reason


def swapon_takes_a_mkswap_area(log):
    """The kernel test swap_slots_cluster_and_skip_bad_pages, on an area
    mkswap made whose header lists bad pages 5, 6 and 40."""
    area = make_area(log + ".img", list_bad_pages)
    name = "swap_slots_cluster_and_skip_bad_pages"
    rc = kernel.boot(f"test={name}", log, disks=[area])
    text = kernel.read_log(log)
    reason = judge.judge(name, rc, text,
                         expect=[rf"swap: hda: {(AREA_MIB << 8) - 1 - len(BAD_PAGES)} pages "
                                 rf"\(\d+ KiB\), {len(BAD_PAGES)} bad, priority 1"])
    if not reason:
        os.unlink(area)
    return reason


def on_area(name, expect=()):
    """The kernel test name with a plain mkswap area as hda."""
    def run(log):
        area = make_area(log + ".img")
        rc = kernel.boot(f"test={name}", log, disks=[area])
        reason = judge.judge(name, rc, kernel.read_log(log), expect=expect)
        if not reason:
            os.unlink(area)
        return reason
    return run


def monitor_swap_and_vmstat(log):
    """The monitor's swapon, swap, vmstat and swapoff, then a test that
    sends 16 pages out through kswiod and faults them back: vmstat's counts
    move by what the test did."""
    area = make_area(log + ".img")
    script = ("swapon hda 5\nswap\nvmstat\nswapoff hda\n"
              "test swap_pages_out_and_back_bit_identical\nvmstat\nswap\nhalt\n")
    rc = kernel.boot("monitor", log, disks=[area], stdin_text=script)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}"
    want = [r"^device +prio +pages +used +bad$", r"^hda +5 +1023 +0 +0$",
            r"^free \d+ pages  active \d+  inactive \d+$",
            r"^swapouts 0  swapins 0  scanned 0  reclaimed 0$",
            r"^kswiod queued 0  in flight 0  completed 0  errors 0  bios 0 \(total queued 0\)$",
            r"swap: hda: off", r"test swap_pages_out_and_back_bit_identical: ok",
            r"^swapouts 16  swapins 16  scanned \d+  reclaimed (3[2-9]|[4-9]\d)",
            r"^kswiod queued 0  in flight 0  completed 16  errors 0  bios [1-9]\d* "
            r"\(total queued 16\)$",
            r"^reclaim violations 0$"]
    if re.search(r"^hda ", text.split("reclaim violations 0")[-1], re.M):
        return "swap still lists hda after the test turned it off"
    reason = judge.missing_in_order(text, want)
    if reason:
        return reason
    os.unlink(area)
    return None


def stress(test, area_mib, cmdline="", rules=(), expect=(), timeout=120):
    """A boot-suite stress test (tests/kernel/test_reclaim.c) with 32 MiB
    of RAM and hda an area of area_mib that mkswap made; rules: blkdebug
    (event, sector) pairs that fail with EIO."""
    def run(log):
        area = f"{log}.img"
        with open(area, "wb") as f:
            f.truncate(area_mib << 20)
        subprocess.run([MKSWAP, area], check=True, capture_output=True)
        disk = disks.blkdebug(os.path.dirname(log), area, rules) if rules else area
        rc = kernel.boot(f"test={test} {cmdline}".strip(), log, timeout=timeout, mem=32,
                         disks=[disk])
        reason = judge.judge(test, rc, kernel.read_log(log),
                             expect=[r"seed=\d+ \(boot with seed=\d+ to repeat\)", *expect])
        if not reason:
            os.unlink(area)
        return reason
    return run


HOG_SUMMARY = r"verified in \d+ ms: 0 bad pages, [1-9]\d* swap-outs, [1-9]\d* swap-ins"
RUN_SWAP_MIB = 160              # make run's swap area (tools/mkrundisks)

# The stress tests of make run's suite boot here with its sizes: 32 MiB of
# RAM, its swap area and the kernel's default hog sizes (4x RAM for
# swap_4x_ram_reads_back_every_page), so that a test that passes here passes there too.  (The
# hogs and the lines they print keep the tests' short names.)
SWAP_TESTS = {
    "swap_4x_ram_reads_back_every_page": stress("swap_4x_ram_reads_back_every_page", RUN_SWAP_MIB, expect=[
        r"swap_hog: .* MiB in 4 tasks", r"swap_hog: wrote \d+ pages in \d+ ms",
        "swap_hog: " + HOG_SUMMARY]),
    "swap_4x_ram_reads_back_every_page_reclaim_sync": stress("swap_4x_ram_reads_back_every_page", 160, "hog_mb=64 reclaim=sync", expect=[
        r"reclaim: policy sync", "swap_hog: " + HOG_SUMMARY,
        r"reclaim: BUG: task \S+ waits on wait queue page writeback while reclaiming",
        r"reclaim=sync: [1-9]\d* waits that reclaim must not make were reported, and \d+ "
        r"lock order cycles"]),
    "swap_full_ends_the_hog_and_the_rest_goes_on": stress(
        "swap_full_ends_the_hog_and_the_rest_goes_on", RUN_SWAP_MIB, expect=[
        r"reclaim: hog gives up: nothing left it could free",
        r"out of memory: no page for [0-9a-f]{8} even after reclaim; ending task hog",
        r"swap_full: the hog was ended, \d+ ms after swap was full",
        r"swap_full: afterwards a \d+ MiB hog: 0 bad pages; the system goes on"]),
    "swap_write_errors_lose_no_page": stress("swap_write_errors_lose_no_page", 160, rules=[("write_aio", 800), ("write_aio", 24000)], expect=[
        r"swap: hda: slot 100 failed a write; marked bad, never used again",
        r"kswiod: hda: writing \d+ pages at slot \d+ failed; they stay in memory",
        "swap_eio: " + HOG_SUMMARY,
        r"swap_eio: [1-9]\d* page writes failed; every page came back intact"]),
    "reclaim_never_waits_for_a_stalled_swap_disk": stress(
        "reclaim_never_waits_for_a_stalled_swap_disk", RUN_SWAP_MIB, expect=[
        r"reclaim_never_waits: hda stalled; 1024 resident pages dirtied",
        r"reclaim_never_waits: all \d+ pages allocated with the disk stalled; kswiod holds "
        r"\d+ queued and \d+ in flight; slowest page \d+ us"],
        ),
    "swapoff_brings_pages_back": stress("swapoff_brings_pages_back", 160, expect=[
        r"swap: hda: swapoff failed \(-12\): \d+ pages are still there; the area stays on",
        r"swapoff: done: \d+ pages in memory, 0 still swapped", r"swap: hda: off"]),
    "swap_pages_out_and_back_bit_identical": on_area("swap_pages_out_and_back_bit_identical"),
    "swap_readahead_reads_other_spaces_neighbours": on_area(
        "swap_readahead_reads_other_spaces_neighbours",
        expect=[r"swap readahead: one fault read \d+ pages; [1-9]\d* of b's left in the swap cache"]),
    "swap_readahead_window_follows_sequential_faults": on_area(
        "swap_readahead_window_follows_sequential_faults",
        expect=[r"swap readahead window: \d+ pages read in \d+ requests; \d+ windows \(\d+ "
                r"started ahead of the faults\) read \d+ pages; largest window now 64 pages",
                r"swap readahead window: a fault in the middle read a cluster"]),
    "swap_read_fails_ends_both_faulters": on_area(
        "swap_read_fails_ends_both_faulters",
        expect=[r"swap read fails: fault-b waits for fault-a's read; hda dies now",
                r"swap-in: task fault-[ab] \(\d+\): page [0-9a-f]{8}, slot \d+ of hda: "
                r"(reading it failed|the read it waited for failed) \(-5\)",
                r"bus error: task fault-[ab] \(\d+\) touched [0-9a-f]{8}, whose page could "
                r"not be read; ending it",
                r"swap read fails: fault-a ended with -5, fault-b with -5"]),
    "reclaim_gives_used_pages_a_second_chance": on_area(
        "reclaim_gives_used_pages_a_second_chance",
        expect=[r"second chance: 16 of 16 used pages stayed, \d+ cold pages went to swap"]),
    "reclaim_ages_used_pages_without_sleeping": on_area(
        "reclaim_ages_used_pages_without_sleeping",
        expect=[r"aging: reclaim freed \d+ pages, all used lately and clean, with 0 sleeps "
                r"and 0 writes"]),
    "monitor_swap_and_vmstat": monitor_swap_and_vmstat,
    "swapon_refuses_bad_headers": swapon_refuses_bad_headers,
    "swapon_takes_a_mkswap_area": swapon_takes_a_mkswap_area,
    "swapon_of_a_huge_area_says_no_memory": swapon_of_a_huge_area_says_no_memory,
}
