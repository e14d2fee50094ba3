"""nbdsrv_tests.py - the kernel's NBD server (net/nbdsrv/nbdsrv.c)
against a client nobody here wrote: the host's qemu-io and qemu-img.

nbdsrv_serves_host_qemu_io: a seeded image (disks.py) is hda, the kernel
boots to its monitor with nbdsrv=PORT serving hda, and qemu-boot
--hostfwd makes 127.0.0.1:HOSTPORT on the host (that address only) reach
the guest's PORT.  qemu-io writes the pattern of seed + 1 over a region
that is not page aligned and larger than one request, through
nbd://127.0.0.1:HOSTPORT/hda, and flushes; qemu-img then reads the whole
export back, which must hold the new pattern there and the old one
everywhere else.  'halt' ends the boot, and the image on the host must
hold the same: the writes reached the disk, not only nbdsrv's pages.

Every process it starts is bounded in time and stopped at the end: the
clients by their timeouts, QEMU by halt or, failing that, by a signal to
its process group.

NBDSRV_TESTS: each a function (log_path) -> None on pass or a reason.
"""
import os
import re
import signal
import subprocess
import time

import disks
import judge
import kernel
from nbd_tests import nbd_serve

GUEST_PORT = 10809              # nbdsrv's port in the guest
SEED = 1999
IMAGE_SECTORS = 8 << 11         # 8 MiB
# Odd sectors, and more than one request (nbdsrv answers 64 KiB at most).
WRITTEN = (1001, 700)
BOOT_TIMEOUT_S = 90             # qemu-boot's own limit for the whole boot
READY_TIMEOUT_S = 40            # for the server and the monitor prompt
CLIENT_TIMEOUT_S = 30           # each client command
HALT_TIMEOUT_S = 20
LISTENING = f'nbdsrv: listening on port {GUEST_PORT}, serving hda'
EXPECT = [
    rf"nbdsrv: listening on port {GUEST_PORT}, serving hda \({IMAGE_SECTORS} sectors\)",
    rf"nbdsrv: serving hda \({IMAGE_SECTORS * disks.SECTOR} bytes\) to ",    # qemu-io
    r"nbdsrv: the client disconnected",
    rf"nbdsrv: serving hda \({IMAGE_SECTORS * disks.SECTOR} bytes\) to ",    # qemu-img
    r"nbdsrv: the client disconnected",
    r"monitor: halt \(0 test failures in this boot\)",
]


def wait_ready(qemu, log, listening=re.escape(LISTENING)):
    """None once the server's line (a pattern) and the monitor prompt have
    shown, else why not."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        text = kernel.read_log(log) if os.path.exists(log) else ""
        if re.search(listening, text) and "swiod> " in text:
            return None
        if qemu.poll() is not None:
            return f"the boot ended (status {qemu.returncode}) before the server listened"
        time.sleep(0.2)
    return f"no /{listening}/ and monitor prompt within {READY_TIMEOUT_S} s"


def client(cmd, log):
    """Run one host client; None, or why it failed.  Its output goes to log."""
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=CLIENT_TIMEOUT_S,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"{cmd[0]} did not finish within {CLIENT_TIMEOUT_S} s"
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    if r.returncode != 0 or "error" in (r.stdout + r.stderr).lower():
        return f"{cmd[0]} failed (status {r.returncode}): {(r.stdout + r.stderr).strip()[-300:]}"
    return None


def exchange(directory, url, clients_log):
    """qemu-io writes the region and flushes; qemu-img reads it all back."""
    first, count = WRITTEN
    source = os.path.join(directory, "written.raw")
    with open(source, "wb") as f:
        f.write(disks.pattern(SEED + 1, first, count))
    readback = os.path.join(directory, "readback.raw")
    reason = (client(["qemu-io", "-f", "raw", "-c",
                      f"write -s {source} {first * disks.SECTOR} {count * disks.SECTOR}",
                      "-c", "flush", url], clients_log)
              or client(["qemu-img", "convert", "-f", "raw", "-O", "raw", url, readback],
                        clients_log))
    if reason:
        return reason
    if os.path.getsize(readback) != IMAGE_SECTORS * disks.SECTOR:
        return f"qemu-img read {os.path.getsize(readback)} bytes, not the whole export"
    reason = disks.verify(readback, SEED, written=[WRITTEN])
    return f"read back through nbdsrv: {reason}" if reason else None


def stop(qemu):
    """halt typed at the monitor; a signal to the group if that does not end it."""
    try:
        qemu.communicate(b"halt\n", timeout=HALT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(qemu.pid, signal.SIGKILL)
        qemu.wait()


def nbdsrv_serves_host_qemu_io(log):
    directory = disks.scratch_dir("nbdsrv_serves_host_qemu_io")
    image = disks.make_image(os.path.join(directory, "hda.raw"),
                             IMAGE_SECTORS * disks.SECTOR, SEED)
    host_port = nbd_serve.free_port()
    cmd = kernel.boot_command(f"nbdsrv={GUEST_PORT} nbdsrv_dev=hda monitor", log,
                              timeout=BOOT_TIMEOUT_S, disks=[image],
                              hostfwd=[f"{host_port}:{GUEST_PORT}"])
    # qemu-boot types its standard input at the monitor once that closes,
    # so halt goes in only after the clients are done.
    qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        reason = wait_ready(qemu, log) or exchange(
            directory, f"nbd://127.0.0.1:{host_port}/hda", log + ".clients")
    finally:
        stop(qemu)
    text = kernel.read_log(log)
    if reason:
        return reason
    if qemu.returncode != 0:
        return f"qemu-boot status {qemu.returncode}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, EXPECT) or disks.verify(image, SEED,
                                                                   written=[WRITTEN])
    return disks.kept_if_failed(directory, reason)


def nbd_connect_attaches_after_boot(log):
    """The monitor's "nbd connect" (nbd_attach()), for servers that start
    after boot: a port nobody listens on is refused and leaves no device;
    nbdsrv's port gives nbd0 -- the lowest name free -- in the block layer
    and in the nbd view."""
    directory = disks.scratch_dir("nbd_connect_attaches_after_boot")
    image = disks.make_image(os.path.join(directory, "hda.raw"),
                             IMAGE_SECTORS * disks.SECTOR, SEED)
    rc = kernel.boot(f"monitor nbdsrv={GUEST_PORT} nbdsrv_dev=hda", log, disks=[image],
                     stdin_text=f"nbd connect 127.0.0.1:1\nnbd connect 127.0.0.1:{GUEST_PORT}\n"
                                "nbd\nhalt\n")
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, [
        r"nbd: nbd0: cannot connect to 127\.0\.0\.1:1 \(-111\)",
        r"nbd connect 127\.0\.0\.1:1: failed \(-111\)",
        rf"nbd: nbd0: connected to 127\.0\.0\.1:{GUEST_PORT}, export \"\" by NBD_OPT_GO",
        rf"block: nbd0: {IMAGE_SECTORS} sectors",
        rf"nbd connect 127\.0\.0\.1:{GUEST_PORT}: nbd0",
        rf"nbd0: server 127\.0\.0\.1:{GUEST_PORT} export \"\" \(NBD_OPT_GO\)",
        r"  connected; socket",
        r"monitor: halt \(0 test failures in this boot\)"])
    return disks.kept_if_failed(directory, reason)


NBDSRV_TESTS = {
    "nbdsrv_serves_host_qemu_io": nbdsrv_serves_host_qemu_io,
    "nbd_connect_attaches_after_boot": nbd_connect_attaches_after_boot,
}
