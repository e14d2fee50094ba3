#!/usr/bin/env python3
"""check_gdb.py - prove the debugging story of `make debug` in batch mode.

usage: python3 tests/harness/check_gdb.py [--log-dir DIR] [--timeout S]

Boots `monitor` halted under QEMU's gdb stub (tools/qemu-boot --gdb, port
1234, serial console to DIR/gdb-serial.log), runs gdb -batch with
tools/gdb/gdbinit and proves, in this order, that
  1. `break kmain` set at the reset vector, before GRUB has loaded the
     kernel, stops the kernel there, and `bt` shows kmain in frame #0;
  2. `break monitor_run` stops there too;
  3. `kdmesg` then reads the boot banner out of the log ring;
  4. `kmem` reads the page allocator and the slab caches: pages are free,
     the buddy books balance (no WARNING line), and kmalloc-64 is listed.
gdb's whole output goes to DIR/gdb.log.  Exits 0 on a pass; on a failure
exits 1 with the reason as the last line printed (harness_tests.py shows
that line).  QEMU is always killed, whatever happens; everything is bounded
by --timeout.  Port 1234 is fixed (QEMU -s, gdbinit), so if it is taken the
check fails at once and says so rather than attach to someone else's QEMU.
"""
import argparse
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PORT = 1234
BANNER = "swiod 0.1.0: a teaching kernel"         # kernel/main.c, include/version.h

GDB_COMMANDS = ["break kmain", "continue", "bt",
                "break monitor_run", "continue", "kdmesg", "kmem"]

# What gdb's output must show, in this order: (what it proves, pattern).
EXPECT = [
    ("the kmain breakpoint was hit", r"^Breakpoint 1, kmain \("),
    ("bt shows kmain in frame #0", r"^#0\s+(0x[0-9a-f]+ in )?kmain \("),
    ("the monitor_run breakpoint was hit", r"^Breakpoint 2, monitor_run \("),
    ("kdmesg printed the boot banner", r"^\[ *\d+\.\d+\] " + re.escape(BANNER)),
    ("kmem printed the totals with pages free", r"^free: [1-9]\d* pages "),
    ("kmem printed the buddy books line", r"^buddy: (books balance|WARNING)"),
    ("kmem listed the cache kmalloc-64", r"^kmalloc-64 +64 "),
]

# What gdb's output must not show anywhere: (what it means, pattern).
REFUSE = [
    ("kmem found the buddy books unbalanced", r"^buddy: WARNING.*"),
]


class Failure(Exception):
    """The check failed; the message says why."""


def port_open():
    try:
        with socket.create_connection(("127.0.0.1", PORT), timeout=1):
            return True
    except OSError:
        return False


def start_qemu(serial_log):
    """qemu-boot in a process group of its own, so stop_qemu's one killpg
    ends qemu-boot and the QEMU it started."""
    if port_open():
        raise Failure(f"port {PORT} is already in use (a `make debug` session?); "
                      "cannot start QEMU's gdb stub")
    return subprocess.Popen([os.path.join(ROOT, "tools", "qemu-boot"), "--gdb", "--quiet",
                             "--log", serial_log, "--", "monitor"],
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_stub(qemu, deadline):
    while time.monotonic() < deadline:
        if qemu.poll() is not None:
            raise Failure(f"QEMU exited (status {qemu.returncode}) before its gdb stub "
                          f"came up: {qemu.stderr.read().strip()}")
        if port_open():
            return
        time.sleep(0.1)
    raise Failure(f"QEMU's gdb stub did not open port {PORT} in time")


def stop_qemu(qemu):
    """SIGTERM to the group, then SIGKILL for anything left: QEMU can outlive
    qemu-boot, so the group is signalled even after qemu-boot has gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(qemu.pid, sig)
        except ProcessLookupError:
            return                              # the whole group is gone
        try:
            qemu.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def run_gdb(gdb_log, deadline):
    cmd = ["gdb", "-batch", "-nx", "-x", os.path.join("tools", "gdb", "gdbinit")]
    for c in GDB_COMMANDS:
        cmd += ["-ex", c]
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=max(1, deadline - time.monotonic()))
        out, note = r.stdout + r.stderr, None
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")
        note = "gdb timed out"
    with open(gdb_log, "w") as f:
        f.write(shlex.join(cmd) + "\n\n" + out)
    return out, note


def check_output(out):
    """Each expected line must come after the previous one."""
    pos = 0
    for what, pattern in EXPECT:
        m = re.compile(pattern, re.M).search(out, pos)
        if not m:
            raise Failure(f"not shown: {what} (no line matching /{pattern}/ "
                          "after the previous check's)")
        print(f"check_gdb: ok: {what}")
        pos = m.end()
    for what, pattern in REFUSE:
        m = re.compile(pattern, re.M).search(out)
        if m:
            raise Failure(f"{what}: {m.group(0)}")


def main():
    p = argparse.ArgumentParser(description="prove gdb can debug swiod (batch mode)")
    p.add_argument("--log-dir", default=os.path.join(ROOT, "build", "test-logs"))
    p.add_argument("--timeout", type=float, default=60, metavar="S")
    args = p.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)
    gdb_log = os.path.join(args.log_dir, "gdb.log")
    deadline = time.monotonic() + args.timeout

    qemu = None
    try:
        if not os.path.exists(os.path.join(ROOT, "build", "swiod.elf")):
            raise Failure("build/swiod.elf is missing; run make")
        qemu = start_qemu(os.path.join(args.log_dir, "gdb-serial.log"))
        wait_for_stub(qemu, deadline)
        out, note = run_gdb(gdb_log, deadline)
        try:
            check_output(out)
        except Failure as f:
            print("check_gdb: gdb's last lines:\n    " + "\n    ".join(out.splitlines()[-8:]))
            raise Failure(f"{f}{'; ' + note if note else ''}; see {gdb_log}")
    except Failure as f:
        print(f"check_gdb: FAIL: {f}", flush=True)
        return 1
    finally:
        if qemu:
            stop_qemu(qemu)
    print(f"check_gdb: PASS (gdb output in {gdb_log})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
