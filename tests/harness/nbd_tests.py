"""nbd_tests.py - the NBD client against servers nobody here wrote, and
against one that lies.

Each test starts its server on 127.0.0.1 on a free port (tools/nbd-serve,
or nbd_fake.py), boots a kernel test (tests/kernel/test_nbd.c, or the ext2
and swap tests on nbd0) with nbd=10.0.2.100:PORT and the port forwarded,
stops the server whatever happened, and judges the log -- and, where the
server keeps a file, the file: the seeded pattern (disks.py), e2fsck -fn
and debugfs (ext2_images.py).

NBD_SPECS: none -- every NBD kernel test needs a server, so each is run
from here, under its own name (which replaces the direct boot run_tests
would make) and under more names for the other servers and faults.
NBD_TESTS: the harness tests, each a function (log_path) -> None on pass
or a reason.
"""
import os
import socket
import subprocess
import threading
import time
from importlib.machinery import SourceFileLoader

import disks
import ext2_images
import ext2_tests
import judge
import kernel
import mmap_tests
import nbd_fake
import swap_tests
import tcp_tests
from user_session import user_image

nbd_serve = SourceFileLoader("nbd_serve",
                             os.path.join(kernel.ROOT, "tools", "nbd-serve")).load_module()

GUEST_SERVER = "10.0.2.100"     # tools/qemu-boot: --guestfwd ports appear here
EXPORT = nbd_serve.DEFAULT_EXPORT
SEED = 1999
IMAGE_MIB = 8
MIB = 1 << 20
PATTERN_WRITE = (2048, 64 + 2 * 127 + 512)     # test_nbd.c cuts it in three
FAULT_TIMEOUT_S = 3             # nbd_timeout= where a stall must be noticed
CONNECTED = r"nbd: nbd0: connected to 10\.0\.2\.100:\d+, export \"swiod\" by NBD_OPT_GO"
DIED = r"; failing \d+ requests in flight and \d+ queued with -EIO, device dead$"
KILL_AFTER_S = 1.5              # server killed this long after the client connected
WATCH_LIMIT_S = 60              # the log watcher gives up after this


def boot(test, log, port, cmdline="", mem=None, timeout=90, stdin_text=None, forward=()):
    """Boot test with nbd0 at the host's port; forward: more host ports
    the guest reaches at 10.0.2.100."""
    line = f"test={test} nbd={GUEST_SERVER}:{port} nbd_export={EXPORT} {cmdline}".strip()
    if stdin_text is not None:
        line = line.replace(f"test={test} ", "monitor ")
    return kernel.boot(line, log, timeout=timeout, mem=mem, net=True,
                       guestfwd=[port, *forward], stdin_text=stdin_text)


def judged(test, log, rc, expect=()):
    return judge.judge(test, rc, kernel.read_log(log), expect=expect)


def server_log(log):
    return log + ".server"


# --- the seeded pattern on each server ---

def pattern_on(kind):
    """nbd_pattern_round_trip against kind serving an image with the
    pattern; the host then finds the written region, and only it, changed."""
    def test(log):
        image = disks.make_image(log + ".img", IMAGE_MIB * MIB, SEED)
        write_sector, write_count = PATTERN_WRITE
        cmdline = (f"disk_seed={SEED} disk_sectors={IMAGE_MIB * MIB // 512} "
                   f"write_sector={write_sector} write_count={write_count}")
        with nbd_serve.Server(kind, image, log=server_log(log)) as srv:
            rc = boot("nbd_pattern_round_trip", log, srv.port, cmdline)
        reason = (judged("nbd_pattern_round_trip", log, rc, [CONNECTED]) or
                  disks.verify(image, SEED, [PATTERN_WRITE]))
        if not reason:
            os.unlink(image)
        return reason
    return test


def memory_export(log):
    """nbdkit's memory plugin keeps nothing the host could read: what is
    written is read back in the kernel only."""
    with nbd_serve.Server("nbdkit", f"memory:{IMAGE_MIB}M", log=server_log(log)) as srv:
        rc = boot("nbd_written_data_reads_back", log, srv.port,
                  f"disk_seed={SEED} write_sector=0 write_count=2048")
    return judged("nbd_written_data_reads_back", log, rc, [CONNECTED])


def export_name_fallback(log):
    """A server without NBD_OPT_GO: NBD_OPT_EXPORT_NAME instead, then the
    same reads and writes."""
    with nbd_fake.FakeServer("no_go") as srv:
        rc = boot("nbd_written_data_reads_back", log, srv.port,
                  f"disk_seed={SEED} write_sector=0 write_count=2048")
    return judged("nbd_written_data_reads_back", log, rc, [
        r"nbd: nbd0: server does not support NBD_OPT_GO; falling back to NBD_OPT_EXPORT_NAME",
        r"nbd: nbd0: connected to .* by NBD_OPT_EXPORT_NAME"])


# --- ext2 and swap on nbd0 ---

def ext2_on_nbd(log):
    """The ext2 boundary-file test with its file system on nbd0 (qemu-nbd
    serving a copy of plain1k): e2fsck -fn clean, every file byte-identical
    in debugfs."""
    copy = ext2_images.fresh_copy(ext2_images.images()["plain1k"], log + ".img")
    test = "ext2_write_boundary_files_read_back"
    with nbd_serve.Server("qemu-nbd", copy, log=server_log(log)) as srv:
        rc = boot(test, log, srv.port, "ext2_dev=nbd0", timeout=120)
    reason = judged(test, log, rc, [CONNECTED, r"vfs: mounted nbd0"])
    if reason:
        return reason
    problems = ext2_images.e2fsck_problems(copy)
    if problems:
        return "e2fsck -fn complains after the kernel wrote it over NBD: " + problems[:600]
    reason = ext2_tests.boundary_files_match(copy)
    if not reason:
        os.unlink(copy)
    return reason


SWAP_MIB, SWAP_RAM_MIB, SWAP_HOG_MIB = 160, 32, 128     # swap_tests.py's swap_hog


def swap_area(path):
    """A SWAP_MIB file that mkswap made, for qemu-nbd to serve."""
    with open(path, "wb") as f:
        f.truncate(SWAP_MIB * MIB)
    subprocess.run([swap_tests.MKSWAP, path], check=True, capture_output=True)
    return path


def swap_on_nbd(log):
    """swap_hog at 4x RAM with its swap area on nbd0 (qemu-nbd serving a
    file mkswap made): every page back intact."""
    area = swap_area(log + ".img")
    with nbd_serve.Server("qemu-nbd", area, log=server_log(log)) as srv:
        rc = boot("swap_4x_ram_reads_back_every_page", log, srv.port, f"swap_dev=nbd0 hog_mb={SWAP_HOG_MIB}",
                  mem=SWAP_RAM_MIB, timeout=300)
    reason = judged("swap_4x_ram_reads_back_every_page", log, rc, [CONNECTED, r"swap: nbd0: \d+ pages",
                                          "swap_hog: " + swap_tests.HOG_SUMMARY])
    if not reason:
        os.unlink(area)
    return reason


def two_devices(log):
    """What make run wants: ext2 on nbd0 and swap on nbd1, two qemu-nbd
    servers at once (nbd= and nbd_export= as lists).  A file written and
    unmounted is in the image for debugfs, e2fsck -fn finds it clean, and
    the swap area is taken."""
    copy = ext2_images.fresh_copy(ext2_images.images()["plain1k"], log + ".img")
    area = swap_area(log + ".swap")
    script = ("mount nbd0 /mnt\nwrite /mnt/over-nbd two-devices\nswapon nbd1\nswap\n"
              "umount /mnt\nswapoff nbd1\nhalt\n")
    with nbd_serve.Server("qemu-nbd", copy, log=server_log(log)) as fs, \
            nbd_serve.Server("qemu-nbd", area, log=server_log(log)) as sw:
        line = (f"monitor nbd={GUEST_SERVER}:{fs.port},{GUEST_SERVER}:{sw.port} "
                f"nbd_export={EXPORT},{EXPORT}")
        rc = kernel.boot(line, log, net=True, guestfwd=[fs.port, sw.port], stdin_text=script)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, [
        r"nbd: nbd0: connected", r"nbd: nbd1: connected", r"vfs: mounted nbd0 on /mnt",
        r"swap: nbd1: \d+ pages", r"^nbd1 +0 +\d+ +0 +0$", r"swap: nbd1: off"])
    problems = ext2_images.e2fsck_problems(copy)
    reason = reason or (problems and "e2fsck -fn complains: " + problems[:600])
    # The monitor's write ends the text with a newline.
    reason = reason or ext2_images.compare_file(copy, "/over-nbd", b"two-devices\n")
    if not reason:
        os.unlink(copy)
        os.unlink(area)
    return reason


# --- faults: real servers that fail, slow down, stall or die ---

def faulty(expect, cmdline="", filters=(), during=None, expect_lines=()):
    """nbd_survives_faulty_server (nbd_expect=expect) against nbdkit's file
    plugin with filters; during(server, log) runs beside the boot."""
    def test(log):
        image = disks.make_image(log + ".img", IMAGE_MIB * MIB, SEED)
        with nbd_serve.Server("nbdkit", image, filters=filters, log=server_log(log)) as srv:
            watcher = None
            if during:
                watcher = threading.Thread(target=during, args=(srv, log), daemon=True)
                watcher.start()
            rc = boot("nbd_survives_faulty_server", log, srv.port,
                      f"nbd_expect={expect} write_sector=2048 {cmdline}", timeout=120)
            if watcher:
                watcher.join(timeout=WATCH_LIMIT_S)
        reason = judged("nbd_survives_faulty_server", log, rc, [CONNECTED, *expect_lines])
        if not reason:
            os.unlink(image)
        return reason
    return test


def kill_when_busy(srv, log, trigger="nbd: nbd0: connected"):
    """Kill the server KILL_AFTER_S after trigger is in the log (by
    default the client connecting: the test is then in the middle of its
    bursts)."""
    deadline = time.monotonic() + WATCH_LIMIT_S
    while time.monotonic() < deadline:
        if os.path.exists(log) and trigger in kernel.read_log(log):
            time.sleep(KILL_AFTER_S)
            srv.kill()
            return
        time.sleep(0.1)


def pause_when_busy(srv, log):
    """Pause nbdkit's request processing (its pause filter, through the
    control socket) KILL_AFTER_S after the client connected: the requests
    then in flight and every later one hang until the client gives up."""
    deadline = time.monotonic() + WATCH_LIMIT_S
    while time.monotonic() < deadline:
        if os.path.exists(log) and "nbd: nbd0: connected" in kernel.read_log(log):
            time.sleep(KILL_AFTER_S)
            with socket.socket(socket.AF_UNIX) as ctl:
                ctl.settimeout(WATCH_LIMIT_S)
                ctl.connect(pause_socket(log))
                ctl.sendall(b"p")
                ctl.recv(1)                 # "P": requests before the pause are done
            return
        time.sleep(0.1)


def pause_socket(log):
    return log + ".pause"


# --- a server that lies ---

# Why the device died, as the log and the monitor's nbd say it.
DEATHS = {
    "bad_magic": r"reply magic 0x12345678 is wrong",
    "structured": r"structured reply \(magic 0x668e33ef\), never negotiated",
    "unknown_cookie": r"unknown cookie 0x5a5a[0-9a-f]{12} \(error 0\)",
    "not_in_flight": r"reply for a request not in flight \(answered already\) "
                     r"0x[0-9a-f]{16} \(error 0\)",
    "truncated": r"truncated reply to read of \d+ bytes at sector \d+ "
                 r"\(cookie 0x[0-9a-f]{16}\): -\d+",
    "closes": r"the server closed the connection \(-\d+\)",
    # Data that keeps coming, too slowly to ever end: the timeout ends it.
    "trickle": rf"timeout: read of \d+ bytes at sector \d+ \(cookie 0x[0-9a-f]{{16}}\) "
               rf"had no reply in {FAULT_TIMEOUT_S * 1000} ms",
    "stall": rf"timeout: \w+ of \d+ bytes at sector \d+ \(cookie 0x[0-9a-f]{{16}}\) "
             rf"had no reply in {FAULT_TIMEOUT_S * 1000} ms",
}
LIES = {mode: "nbd: nbd0: " + why for mode, why in DEATHS.items()}
# A lie the device survives: the requests it answers fail, the rest go on.
UNKNOWN_ERROR = (rf"nbd: nbd0: server failed (read|write) of \d+ bytes at sector \d+: "
                 rf"unknown \({nbd_fake.UNKNOWN_ERROR}\)")

# Every monitor view a student would type after the failure, each with a
# line its output must have: a view that reads what the dead device freed
# panics instead (STYLE.md).
VIEWS = {
    "nbd": r"^nbd0: server 10\.0\.2\.100:\d+ export \"swiod\"",
    "netstat": r"^segments in \d+ out \d+",
    "ifconfig": r"^gateway [\d.]+; skbs in use \d+, reserve \d+, emergency reserve \d+ "
                r"\(found empty \d+ times\)$",
    "ps": r"^  id name +state +prio +waits on$",
    "locks": r"^lock classes: \d+ of \d+",
    "vmstat": r"^free \d+ pages  active \d+  inactive \d+$",
    "swap": r"^device +prio +pages +used +bad$",
    "mem": r"^early allocator: \d+ of \d+ KiB used$",
}
# The nbd view of a device that died, and why.  The socket is "closed"
# once the sender has closed it, which may be a tick after the timer
# failed the device.
def dead_says(mode):
    return [r"^  dead; socket .+; timeout \d+ ms$", r"^  died: " + DEATHS[mode]]


def with_views(test):
    """The monitor's script: test, then every view, then halt."""
    return f"test {test}\n" + "".join(v + "\n" for v in VIEWS) + "halt\n"


def judged_with_views(test, log, rc, before, nbd_says):
    """A with_views boot: exit 0, the lines before in order, the test
    passed, each view's line (nbd's with nbd_says) and the halt."""
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    return judge.missing_in_order(text, [
        *before, rf"test {test}: ok", VIEWS["nbd"], *nbd_says, *list(VIEWS.values())[1:],
        r"monitor: halt \(0 test failures"])


def lying(mode):
    """nbd_survives_faulty_server against nbd_fake.py's mode, typed at the
    monitor and followed by every view and halt: the test passes (the
    device dead with the lie named, or alive with the lied-to requests
    failed), then each view answers -- nbd saying why the device died --
    and the machine halts with its verdict, never a panic."""
    def test(log):
        name = "nbd_survives_faulty_server"
        if mode in DEATHS:
            cmdline, lie = f"nbd_expect=dead nbd_io_ms=30000 nbd_timeout={FAULT_TIMEOUT_S}", [
                LIES[mode] + DIED]
            nbd_says = dead_says(mode)
        else:
            cmdline, lie = "nbd_expect=errors nbd_io_ms=3000", [UNKNOWN_ERROR]
            nbd_says = [r"^  connected; socket .*; timeout \d+ ms$"]
        with nbd_fake.FakeServer(mode) as srv:
            rc = boot(name, log, srv.port, cmdline, stdin_text=with_views(name))
        return judged_with_views(name, log, rc, [CONNECTED, *lie], nbd_says)
    return test


def option_length_lie(log):
    """An option reply claiming 1 MiB: the handshake is refused, saying
    so, and there is no nbd0; the kernel goes on."""
    with nbd_fake.FakeServer("opt_len_lie") as srv:
        rc = boot("nbd_refused_server_leaves_no_device", log, srv.port,
                  f"nbd_timeout={FAULT_TIMEOUT_S}")
    return judged("nbd_refused_server_leaves_no_device", log, rc, [
        r"nbd: nbd0: handshake with 10\.0\.2\.100:\d+ failed: option reply \(type 0x3\) "
        r"claims 1048576 bytes of data, more than the 4098 the protocol allows \(-71\)$"])


# --- a server that lies in the handshake ---

HANDSHAKE_FAILED = r"nbd: nbd0: handshake with 10\.0\.2\.100:\d+ failed: "
# Why each handshake lie is refused, as the log says it.
REFUSALS = {
    "size_zero": r"export size 0 is not a whole number of 512-byte sectors \(-22\)$",
    "size_unaligned": rf"export size {nbd_fake.EXPORT_BYTES + nbd_fake.ODD_BYTES} is not a "
                      r"whole number of 512-byte sectors \(-22\)$",
    "greeting_only": rf"option reply: not there within the handshake's {FAULT_TIMEOUT_S * 1000} "
                     r"ms \(-110\)$",
    "slow_handshake": rf"\w[\w ]*: not there within the handshake's {FAULT_TIMEOUT_S * 1000} ms "
                      r"\(-110\)$",
    "closes_in_options": r"option reply: the server closed the connection \(-32\)$",
}
NO_DEVICE = r"^nbd: no NBD device \(boot with nbd=A\.B\.C\.D:PORT\)$"


def refused_handshake(mode):
    """nbd_refused_server_leaves_no_device against nbd_fake.py's mode: the
    handshake fails within nbd_timeout with one line saying why, there is
    no nbd0, and every view answers after it -- nbd saying there is no
    device -- and the machine halts."""
    def test(log):
        name = "nbd_refused_server_leaves_no_device"
        with nbd_fake.FakeServer(mode) as srv:
            rc = boot(name, log, srv.port, f"nbd_timeout={FAULT_TIMEOUT_S}",
                      stdin_text=with_views(name))
        text = kernel.read_log(log)
        if rc != 0:
            return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
        return judge.missing_in_order(text, [
            HANDSHAKE_FAILED + REFUSALS[mode], rf"test {name}: ok", NO_DEVICE,
            *list(VIEWS.values())[1:], r"monitor: halt \(0 test failures"])
    return test


# Where the huge export's test writes and reads: its 64 pages cross
# sector 2^32, where a sector number cut to 32 bits would wrap to 0.
HUGE_WRITE_SECTOR = (1 << 32) - 256


def huge_export(log):
    """An export past 2^41 bytes (2^32 sectors): taken whole -- sector
    numbers are 64 bits wide on the way to the server -- and the faulty-
    server test's rounds across sector 2^32 read back what they wrote,
    clean; the connect line gives the size, and every view answers after."""
    name = "nbd_survives_faulty_server"
    with nbd_fake.FakeServer("size_huge") as srv:
        rc = boot(name, log, srv.port, f"nbd_expect=clean nbd_io_ms=2000 "
                  f"write_sector={HUGE_WRITE_SECTOR}", stdin_text=with_views(name))
        if not any((HUGE_WRITE_SECTOR + 256 + i) in srv.far for i in range(256)):
            return "no write reached the server past sector 2^32"
    return judged_with_views(name, log, rc, [
        CONNECTED + rf": {nbd_fake.HUGE_BYTES} bytes,", r"nbd test: \d+ rounds, \d+ bios ok, "
        r"0 failed; server errors 0, timeouts 0; device connected"], [
        r"^  connected; socket .*; timeout \d+ ms$"])


READ_ONLY_MIB = nbd_fake.EXPORT_BYTES >> 20


def read_only_export(log):
    """An export whose transmission flags say NBD_FLAG_READ_ONLY, holding an
    ext2: swapon refuses it (-EROFS), the mount is read-only, a write to a
    file fails (-EROFS) -- and no write ever reaches the device, so the
    driver never refuses one -- reading goes on; then every view and halt."""
    image = mmap_tests.fresh_ext2(log + ".img", READ_ONLY_MIB)
    with open(image, "rb") as f:
        data = f.read()
    script = ("swapon nbd0\nmount nbd0 /mnt\nwrite /mnt/f text\nls /mnt\numount /mnt\n" +
              "".join(v + "\n" for v in VIEWS) + "halt\n")
    with nbd_fake.FakeServer("read_only", image=data) as srv:
        rc = boot("monitor", log, srv.port, stdin_text=script)
    return read_only_judged(log, rc, image, [
        r"swap: nbd0: the device is read-only; no swap area on it",
        r"^swapon nbd0: error -30$",
        r"ext2: nbd0: the device is read-only; mounting read-only",
        r"vfs: mounted nbd0 on /mnt \(read-only\)", r"^write /mnt/f: error -30$",
        r"lost\+found", VIEWS["nbd"] + r".*: read-only flush$",
        r"^  connected; socket .*; timeout \d+ ms$", *list(VIEWS.values())[1:],
        r"monitor: halt \(0 test failures"])


def read_only_judged(log, rc, image, lines):
    """A boot against the read-only export: exit 0, connected with the
    flag, then the lines in order, and no write ever reached the driver;
    image (the test's scratch file) is removed when it passes."""
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    if "refused: the export is read-only" in text:
        return "a write reached the read-only device"
    reason = judge.missing_in_order(text, [CONNECTED + r": \d+ bytes, flags 0x7,", *lines])
    if not reason:
        os.unlink(image)
    return reason


def read_only_export_from_a_program(log):
    """The read-only export as /dev/nbd0 to a program: the shell's
    `echo lost > /dev/nbd0` is refused at open (-EROFS, "Read-only file
    system"), so no write reaches the driver; the nbd view after."""
    image = user_image(log + ".ext2.img")
    script = "echo lost > /dev/nbd0\necho status $?\nmonitor nbd\nmonitor\n"
    with nbd_fake.FakeServer("read_only") as srv:
        rc = kernel.boot(f"init=/bin/init mount=hda:/ nbd={GUEST_SERVER}:{srv.port} "
                         f"nbd_export={EXPORT}", log, disks=[image], net=True,
                         guestfwd=[srv.port], stdin_text=script)
    return read_only_judged(log, rc, image, [
        r"blkdev: nbd0 is read-only: not opened for writing \(-EROFS\)",
        r"^sh: /dev/nbd0: Read-only file system$", r"^status 1$",
        VIEWS["nbd"] + r".*: read-only flush$", r"^  connected; socket .*; timeout \d+ ms$",
        r"process: /bin/init \(pid 1\) exited with status 0"])


# --- another connection floods, free memory is gone (test_nbd_flood.c) ---

FLOOD_HOLDS_POOL = r"nbd_flood: free memory 0 pages; the flood holds the skb pool"
FLOOD_RAM_MIB, FLOOD_HOG_MIB = 32, 64


def flooded(test, server, log, cmdline="", **boot_args):
    """Boot test against server (a context manager with a port) with
    tcp_tests.py's echo server as the flood's peer; both stopped after."""
    echo = tcp_tests.EchoServer()
    try:
        with server as srv:
            return boot(test, log, srv.port, f"flood_port={echo.port} {cmdline}",
                        forward=[echo.port], **boot_args)
    finally:
        echo.stop()


def flood_stalled_server(log):
    """A server that answers nothing, behind a flood with no free memory:
    every read fails with -EIO within nbd_timeout (and a tick); then every
    view and halt."""
    test = "nbd_flood_stalled_server_times_out"
    rc = flooded(test, nbd_fake.FakeServer("stall", lie_after=1), log,
                 f"nbd_timeout={FAULT_TIMEOUT_S}", stdin_text=with_views(test))
    return judged_with_views(test, log, rc, [
        CONNECTED, FLOOD_HOLDS_POOL, LIES["stall"] + DIED,
        r"nbd_flood: 8 of 8 reads failed in \d+ ms"], dead_says("stall"))


def flood_swap_hog(log):
    """Swap on nbd0 (qemu-nbd) beside the same flood: 0 bad pages (a
    guard: it passes without the emergency reserve too, test_nbd_flood.c)."""
    test = "nbd_flood_swap_hog"
    area = swap_area(log + ".img")
    rc = flooded(test, nbd_serve.Server("qemu-nbd", area, log=server_log(log)), log,
                 f"hog_mb={FLOOD_HOG_MIB}", mem=FLOOD_RAM_MIB, timeout=300)
    reason = judged(test, log, rc, [CONNECTED, FLOOD_HOLDS_POOL, r"swap: nbd0: \d+ pages",
                                    f"{test}: " + swap_tests.HOG_SUMMARY])
    if not reason:
        os.unlink(area)
    return reason


# --- the monitor ---

def monitor_typed(log, script, cmdline, want, regions=()):
    """script typed at the monitor of a boot with qemu-nbd serving a
    patterned image as nbd0; want: lines in order; regions: the
    (sector, count) written, the only ones the host may find changed."""
    image = disks.make_image(log + ".img", IMAGE_MIB * MIB, SEED)
    with nbd_serve.Server("qemu-nbd", image, log=server_log(log)) as srv:
        rc = boot("monitor", log, srv.port, f"disk_seed={SEED} {cmdline}", stdin_text=script)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, want) or (
        disks.verify(image, SEED, list(regions)) if regions else None)
    if not reason:
        os.unlink(image)
    return reason


def monitor_nbd(log):
    """The monitor's nbd: the connection, the export's flags, counters
    that moved after a test's IO, and a flush."""
    return monitor_typed(log, "nbd\ntest nbd_written_data_reads_back\nnbd\nnbd flush\nhalt\n",
                         "write_sector=0 write_count=256", [
        r"^nbd0: server 10\.0\.2\.100:\d+ export \"swiod\" \(NBD_OPT_GO\), 8388608 bytes, "
        r"flags 0x[0-9a-f]+: .*flush",
        r"^  connected; socket .*; timeout 15000 ms$",
        r"^  reads 0 \(0 KiB\)  writes 0 \(0 KiB\)",
        r"test nbd_written_data_reads_back: ok",
        r"^  in flight 0 of 16 \(most (1[0-6]|[2-9])\), queued 0$",
        r"^  reads 32 \(128 KiB\)  writes 32 \(128 KiB\)  flushes 1  trims [01]$",
        r"^nbd flush nbd0: done \(0\)$"])


def reconnect_nbd(log):
    """The monitor's nbd reconnect: qemu-nbd's connection cut and made
    again, then the pattern test's reads and writes over the new one --
    the host finds the written region, and only it, changed -- and the
    view counts the reconnect.  (A request in flight when the cut comes
    failing with -EIO: deadlock_1999_sync_cycle_named.)"""
    write_sector, write_count = PATTERN_WRITE
    return monitor_typed(
        log, "nbd reconnect nbd0\ntest nbd_pattern_round_trip\nnbd\nnbd reconnect hda\nhalt\n",
        f"disk_sectors={IMAGE_MIB * MIB // 512} write_sector={write_sector} "
        f"write_count={write_count}", [
            r"nbd: nbd0: connection cut to connect again \(nbd reconnect\); failing 0 requests "
            r"in flight and 0 queued with -EIO, device down until it has connected again",
            r"nbd: nbd0: connected to 10\.0\.2\.100:\d+, export \"swiod\"",
            r"nbd: nbd0: connected again; requests failed by the cut may be retried",
            r"^nbd reconnect nbd0: connected again \(0\)$",
            r"test nbd_pattern_round_trip: ok",
            r"^  connected; socket .*; timeout 15000 ms$",
            r"^  server errors 0  timeouts 0  failed by the connection 0  reconnects 1$",
            r"^nbd reconnect hda: failed \(-19\)$"], regions=[PATTERN_WRITE])


NBD_SPECS = {}
NBD_TESTS = {
    "nbd_pattern_round_trip": pattern_on("qemu-nbd"),
    "nbd_reconnect_cuts_and_connects_again": reconnect_nbd,
    "nbd_pattern_round_trip_nbd_server": pattern_on("nbd-server"),
    "nbd_pattern_round_trip_nbdkit_file": pattern_on("nbdkit"),
    "nbd_written_data_reads_back": memory_export,
    "nbd_export_name_fallback": export_name_fallback,
    "nbd_ext2_write_tree_e2fsck_clean": ext2_on_nbd,
    "nbd_swap_hog_4x_ram": swap_on_nbd,
    "nbd_two_devices_ext2_and_swap": two_devices,
    "nbd_survives_faulty_server": faulty(
        "errors", "nbd_io_ms=4000", filters=[("error", {"error": "EIO", "error-rate": "10%"})],
        expect_lines=[r"nbd: nbd0: server failed (read|write) of \d+ bytes at sector \d+: "
                      r"EIO \(5\)"]),
    "nbd_slow_server_still_correct": faulty(
        "clean", "nbd_io_ms=3000",
        filters=[("delay", {"delay-read": "20ms", "delay-write": "20ms"})]),
    "nbd_stalled_server_times_out": faulty(
        "dead", f"nbd_io_ms=30000 nbd_timeout={FAULT_TIMEOUT_S}",
        filters=[("delay", {"delay-read": "30"})],
        expect_lines=[LIES["stall"] + DIED]),
    "nbd_paused_server_times_out": lambda log: faulty(
        "dead", f"nbd_io_ms=30000 nbd_timeout={FAULT_TIMEOUT_S}",
        filters=[("pause", {"pause-control": pause_socket(log)})], during=pause_when_busy,
        expect_lines=[LIES["stall"] + DIED])(log),
    "nbd_server_killed_mid_io": faulty(
        "dead", "nbd_io_ms=30000", during=kill_when_busy, expect_lines=[r"nbd: nbd0: .*" + DIED]),
    "nbd_refused_server_leaves_no_device": option_length_lie,
    "nbd_monitor_shows_connection": monitor_nbd,
    "nbd_flood_stalled_server_times_out": flood_stalled_server,
    "nbd_flood_swap_hog": flood_swap_hog,
    **{f"nbd_lying_server_{mode}": lying(mode) for mode in (*DEATHS, "unknown_error")},
    **{f"nbd_lying_handshake_{mode}": refused_handshake(mode) for mode in REFUSALS},
    "nbd_huge_export_taken_whole": huge_export,
    "nbd_read_only_export_refuses_swap_and_writes": read_only_export,
    "nbd_read_only_export_refused_to_a_program": read_only_export_from_a_program,
}
