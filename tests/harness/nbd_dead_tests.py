"""nbd_dead_tests.py - when an NBD device dies for good: a file's dirty
pages (tests/kernel/test_nbd_dead.c), and swapped-out pages that can no
longer be read (tests/kernel/test_swap_read_fails.c).

The kernel test runs from the monitor, on a fresh ext2 image that
qemu-nbd serves as nbd0; the harness kills qemu-nbd KILL_AFTER_S after the
test says the server may go (kswiod is then writing the file back), and
types ps, vmstat and halt after it.  Passing means: the test's own checks
(reclaim came back, a task at the monitor's priority kept running, fsync
-EIO twice, every page still in memory as last written), the monitor
answering afterwards, the "device dead" line once, the retry
line of the old loop at most a burst's worth, and no panic.
swap_read_fails_on_dead_server: the hog's pages swapped out to nbd0,
the server killed, the read pass: its tasks ended with a report naming
page, slot, device and error, no unread page mapped, and the monitor's
views and halt answered after it.
swap_read_fails_on_late_server: the same read pass (swap_server_stalls)
against nbd_fake.py's "late" server, which stops answering when the test
says the server may go: the pass's reads time out (nbd_timeout=5), and
the server sends every held reply LATE_S later.  The late replies are
ignored (the device died once, of the timeout), and only after they were
sent are the views typed.
nbd_reconnect_to_changed_export_leaves_it_dead: swap on nbd0, then `nbd
reconnect nbd0` to a server whose export is now half as large: the
device is dead with the reason in its view, the swap area stays on a dead
device, and swapoff, the views and halt answer.
nbd_reconnect_to_read_only_export_leaves_it_dead: the same with an ext2
mounted read-write and a file just written, to a server whose export is
now read-only: dead, the file system's reads and sync fail with -EIO,
umount unmounts all the same and says writing back failed.
NBD_DEAD_TESTS: name -> function (log_path) -> None on pass or a reason.
"""
import os
import re
import subprocess
import threading
import time

import judge
import kernel
import mmap_tests
import nbd_fake
import nbd_tests
import swap_tests

TEST = "nbd_dead_device_keeps_dirty_pages"
IMAGE_MIB = 64
RAM_MIB = 64                    # the 8 MiB file stays cached: no page is read back
BOOT_LIMIT_S = 120              # the whole boot; the test itself takes seconds
TRIGGER = "the server may go now"
DEAD_SAID = (r"writeback: nbd0: inode \d+: device dead, writes fail for good \(-5\); "
             r"its dirty pages \(\d+ now\) stay in memory")
RETRY_LINE = r"kswiod: inode \d+: writing \d+ pages failed"
MAX_RETRY_LINES = 10            # include/ratelimit.h's burst


def judged_lines(text, patterns, scratch):
    """None when text has the patterns in order and no panic (scratch, the
    test's image, is then removed); else why not."""
    reason = judge.missing_in_order(text, patterns) or (
        "a panic" if "panic" in text.lower() else None)
    if not reason:
        os.unlink(scratch)
    return reason


def dead_device_keeps_dirty_pages(log):
    image = mmap_tests.fresh_ext2(log + ".img", IMAGE_MIB)
    script = f"test {TEST}\nps\nvmstat\nhalt\n"
    with nbd_tests.nbd_serve.Server("qemu-nbd", image,
                                    log=nbd_tests.server_log(log)) as srv:
        killer = threading.Thread(target=nbd_tests.kill_when_busy, args=(srv, log, TRIGGER),
                                  daemon=True)
        killer.start()
        rc = nbd_tests.boot(TEST, log, srv.port, mem=RAM_MIB, timeout=BOOT_LIMIT_S,
                            stdin_text=script)
        killer.join(timeout=nbd_tests.WATCH_LIMIT_S)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, [
        nbd_tests.CONNECTED, TRIGGER, r"nbd: nbd0: .*" + nbd_tests.DIED,
        r"nbd_dead: reclaim freed \d+ pages in \d+ ms and came back",
        r"nbd_dead: fsync gave -5, then -5; 2048 pages dirty in memory, 0 words differ",
        rf"test {TEST}: ok", r"^  id name +state +prio +waits on$",
        r"^free \d+ pages  active \d+  inactive \d+$", r"monitor: halt \(0 test failures"])
    if reason:
        return reason
    said = len(re.findall(DEAD_SAID, text))
    retries = len(re.findall(RETRY_LINE, text))
    if said != 1:
        return f"kswiod said the device died {said} times, not once"
    if retries > MAX_RETRY_LINES:
        return f"{retries} lines of kswiod retrying the dead device's pages"
    if "panic" in text.lower():
        return "a panic"
    os.unlink(image)
    return None


SWAP_TEST = "swap_read_fails_on_dead_server"
SWAP_AREA_MIB = 128
SWAP_RAM_MIB = 32               # the hog is 2x this
VIEWS = "nbd\nswap\nvmstat\nps\nnetstat\n"


def swap_read_fails_on_dead_server(log):
    area = log + ".img"
    with open(area, "wb") as f:
        f.truncate(SWAP_AREA_MIB << 20)
    subprocess.run([swap_tests.MKSWAP, area], check=True, capture_output=True)
    script = f"test {SWAP_TEST}\n{VIEWS}halt\n"
    with nbd_tests.nbd_serve.Server("qemu-nbd", area,
                                    log=nbd_tests.server_log(log)) as srv:
        killer = threading.Thread(target=nbd_tests.kill_when_busy,
                                  args=(srv, log, "the server may go now"), daemon=True)
        killer.start()
        rc = nbd_tests.boot(SWAP_TEST, log, srv.port, "nbd_timeout=5", mem=SWAP_RAM_MIB,
                            timeout=BOOT_LIMIT_S, stdin_text=script)
        killer.join(timeout=nbd_tests.WATCH_LIMIT_S)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    return judged_lines(text, [
        nbd_tests.CONNECTED, r"swap_read_fails: \d+ pages swapped out to nbd0; the server may go now",
        r"nbd: nbd0: .*" + nbd_tests.DIED,
        r"swap-in: task hog \(\d+\): page [0-9a-f]{8}, slot \d+ of nbd0: "
        r"(reading it failed|the read it waited for failed) \(-5\)",
        r"bus error: task hog \(\d+\) touched [0-9a-f]{8}, whose page could not be read; "
        r"ending it",
        r"swap_read_fails: [1-4] of 4 tasks ended \([1-9]\d* by bus errors\), 0 bad pages",
        rf"test {SWAP_TEST}: ok", r"^nbd0: ", r"^free \d+ pages  active \d+  inactive \d+$",
        r"^  id name +state +prio +waits on$", r"monitor: halt \(0 test failures"], area)


def swap_read_fails_on_late_server(log):
    area = mmap_tests.fresh_swap(log + ".img", SWAP_AREA_MIB)
    with open(area, "rb") as f:
        image = f.read()
    with nbd_fake.FakeServer("late", image=image) as srv:
        def stall_when_told():
            deadline = time.monotonic() + nbd_tests.WATCH_LIMIT_S
            while time.monotonic() < deadline and not srv.stalled.is_set():
                if os.path.exists(log) and "the server may go now" in kernel.read_log(log):
                    srv.stall_now()
                time.sleep(0.1)
        watcher = threading.Thread(target=stall_when_told, daemon=True)
        watcher.start()
        cmd = kernel.boot_command(
            f"monitor nbd={nbd_tests.GUEST_SERVER}:{srv.port} nbd_export={nbd_tests.EXPORT} "
            "nbd_timeout=5 swap_server_stalls", log, timeout=BOOT_LIMIT_S, mem=SWAP_RAM_MIB, net=True,
            guestfwd=[srv.port])
        qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        qemu.stdin.write(f"test {SWAP_TEST}\n".encode())
        qemu.stdin.flush()
        # The views only once the late replies went: they come after them.
        sent = srv.late_sent.wait(BOOT_LIMIT_S)
        qemu.stdin.write(f"{VIEWS}halt\n".encode())
        qemu.stdin.close()
        try:
            rc = qemu.wait(timeout=BOOT_LIMIT_S)
        except subprocess.TimeoutExpired:
            qemu.kill()
            rc = qemu.wait()
        watcher.join(timeout=nbd_tests.WATCH_LIMIT_S)
        events = "; ".join(srv.events)
    text = kernel.read_log(log)
    if not sent:
        return f"the server never sent its late replies ({events})"
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    deaths = len(re.findall(r"^\[[ \d.]+\] nbd: nbd0: .*" + nbd_tests.DIED, text, re.M))
    if deaths != 1:
        return f"nbd0 died {deaths} times, not once: a late reply was taken for a new lie"
    reason = judged_lines(text, [
        nbd_tests.CONNECTED, r"swap_read_fails: \d+ pages swapped out to nbd0; the server may go now",
        nbd_tests.LIES["stall"].replace(str(nbd_tests.FAULT_TIMEOUT_S * 1000), "5000") +
        nbd_tests.DIED,
        r"swap_read_fails: [1-4] of 4 tasks ended \([1-9]\d* by bus errors\), 0 bad pages",
        rf"test {SWAP_TEST}: ok", r"^nbd0: ", r"^  died: timeout: ",
        r"^free \d+ pages  active \d+  inactive \d+$",
        r"^  id name +state +prio +waits on$", r"monitor: halt \(0 test failures"], area)
    return reason and f"{reason} (server: {events})"


CHANGED_BYTES = nbd_fake.EXPORT_BYTES // 2


CUT = (r"nbd: nbd0: connection cut to connect again \(nbd reconnect\); failing 0 requests "
       r"in flight and 0 queued with -EIO, device down until it has connected again")


def reconnected_to(mode, image, script, log):
    """script typed at the monitor with nbd_fake.py's mode serving image
    (its file: removed when the test passes); (rc, log text)."""
    with open(image, "rb") as f:
        data = f.read()
    with nbd_fake.FakeServer(mode, image=data) as srv:
        rc = nbd_tests.boot("monitor", log, srv.port, stdin_text=script)
    return rc, kernel.read_log(log)


def refused_says(changed):
    """What the log and the reconnect command say of a reconnect refused
    because the export changed."""
    return [rf"nbd: nbd0: {changed}; device dead$", r"^nbd reconnect nbd0: failed \(-5\)$"]


def died_view(changed):
    """The nbd view of it: the old export, dead, and why."""
    return [rf"^nbd0: server .* {nbd_fake.EXPORT_BYTES} bytes, flags 0x5:",
            r"^  dead; socket closed;", rf"^  died: {changed}$"]


SHRANK = (rf"connected again, but the export is now {CHANGED_BYTES} bytes, not "
          rf"{nbd_fake.EXPORT_BYTES}")
READ_ONLY = r"connected again, but the export is now read-only"


def reconnect_to_changed_export(log):
    area = mmap_tests.fresh_swap(log + ".img", nbd_fake.EXPORT_BYTES >> 20)
    rc, text = reconnected_to("size_change", area, "swapon nbd0\nnbd reconnect nbd0\n"
                              f"{VIEWS}swapoff nbd0\nswap\nhalt\n", log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    return judged_lines(text, [
        nbd_tests.CONNECTED + rf": {nbd_fake.EXPORT_BYTES} bytes", r"swap: nbd0: \d+ pages",
        CUT, nbd_tests.CONNECTED + rf": {CHANGED_BYTES} bytes",
        *refused_says(SHRANK), *died_view(SHRANK),
        r"^nbd0 ", r"^free \d+ pages  active \d+  inactive \d+$",
        r"^  id name +state +prio +waits on$", r"^segments in \d+ out \d+",
        r"swiod> swapoff nbd0", r"swiod> swap", r"monitor: halt \(0 test failures"], area)


def reconnect_to_read_only_export(log):
    image = mmap_tests.fresh_ext2(log + ".img", nbd_fake.EXPORT_BYTES >> 20)
    rc, text = reconnected_to(
        "read_only_later", image, "mount nbd0 /mnt\nwrite /mnt/kept written-before\n"
        f"nbd reconnect nbd0\ncat /mnt/kept\nsync\numount /mnt\ncat /mnt/kept\n{VIEWS}"
        "halt\n", log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    return judged_lines(text, [
        nbd_tests.CONNECTED + r": \d+ bytes, flags 0x5,", r"vfs: mounted nbd0 on /mnt$",
        CUT, nbd_tests.CONNECTED + r": \d+ bytes, flags 0x7,", *refused_says(READ_ONLY),
        r"^cat /mnt/kept: error -5$", r"^sync : error -5$",
        r"vfs: unmounted /mnt, but writing it back to nbd0 failed \(-5\)",
        r"^umount /mnt: unmounted, but writing it back failed \(-5\)$",
        r"^cat /mnt/kept: error -2$", *died_view(READ_ONLY), r"^device +prio +pages +used +bad$",
        r"^free \d+ pages  active \d+  inactive \d+$", r"^  id name +state +prio +waits on$",
        r"^segments in \d+ out \d+", r"monitor: halt \(0 test failures"], image)


NBD_DEAD_TESTS = {
    "swap_read_fails_on_late_server": swap_read_fails_on_late_server,
    "nbd_reconnect_to_changed_export_leaves_it_dead": reconnect_to_changed_export,
    "nbd_reconnect_to_read_only_export_leaves_it_dead": reconnect_to_read_only_export,
    "swap_read_fails_on_dead_server": swap_read_fails_on_dead_server,
    "nbd_dead_device_keeps_dirty_pages": dead_device_keeps_dirty_pages,
}
