"""swap_tests.py - swap areas judged against what mkswap (util-linux)
writes: a good area is taken, with its bad pages; a device without a valid
header is refused with a message naming what is wrong, and the kernel goes
on.  Each test is a function (log_path) -> None on pass or a reason.
"""
import os
import struct
import subprocess

import judge
import kernel

MKSWAP = "/sbin/mkswap"
AREA_MIB = 4
HEADER = 1024                   # version, last_page, nr_badpages follow the boot bits
BAD_PAGES = (5, 6, 40)


def make_area(path, patch=None):
    """A fresh mkswap'd area in path; patch(f) may then damage it."""
    with open(path, "wb") as f:
        f.truncate(AREA_MIB << 20)
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
    f.seek(HEADER + 4 * 3 + 16 + 16 + 4 * 117)          # the badpages array
    f.write(struct.pack(f"<{len(BAD_PAGES)}I", *BAD_PAGES))


def zero_signature(f):
    f.seek(4096 - 10)
    f.write(bytes(10))


REFUSALS = {
    "no_signature": (zero_signature, "no swap signature (SWAPSPACE2)"),
    "wrong_version": (set_field(0, 2), "swap header version is not 1"),
    "last_page_past_end": (set_field(4, (AREA_MIB << 8) + 10), "last_page is past the end"),
    "bad_page_outside": (lambda f: (set_field(8, 1)(f), set_field(4 * 3 + 16 + 16 + 4 * 117, 99999)(f)),
                         "bad page outside the area"),
}


def swapon_refuses_bad_headers(log):
    """Each damaged header is refused with its reason; the monitor goes on."""
    for name, (patch, message) in REFUSALS.items():
        area = make_area(f"{log}.{name}.img", patch)
        sublog = f"{log}.{name}"
        rc = kernel.boot("monitor", sublog, disks=[area],
                         stdin_text="swapon hda\nswap\nhalt\n")
        text = kernel.read_log(sublog)
        if rc != 0:
            return f"{name}: qemu-boot status {rc}"
        if message not in text or "swapon hda: error -22" not in text:
            return f"{name}: no refusal saying '{message}'"
        if "swap: hda:" in text.split("swapon hda: error")[1]:
            return f"{name}: the area shows up although it was refused"
        os.unlink(area)
    return None


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


def swap_pages_round_trip(log):
    """The kernel test swap_pages_out_and_back_bit_identical on a plain
    mkswap area."""
    area = make_area(log + ".img")
    name = "swap_pages_out_and_back_bit_identical"
    rc = kernel.boot(f"test={name}", log, disks=[area])
    reason = judge.judge(name, rc, kernel.read_log(log))
    if not reason:
        os.unlink(area)
    return reason


SWAP_TESTS = {
    "swap_pages_out_and_back_bit_identical": swap_pages_round_trip,
    "swapon_refuses_bad_headers": swapon_refuses_bad_headers,
    "swapon_takes_a_mkswap_area": swapon_takes_a_mkswap_area,
}
