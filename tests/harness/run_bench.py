#!/usr/bin/env python3
"""run_bench.py - make bench: every built-in benchmark (KBENCH), each in its
own QEMU (under -icount unless BENCHES says otherwise), printing the
BENCH lines the kernel reports.

Beside the kernel's instruction counts it prints wall-clock figures that
only the host can measure, as "BENCH name host_... ms" lines.  The
benchmark's own settings (memory, disks, an NBD export, more of the
command line) come from BENCHES below.

usage: run_bench.py [--only 'glob,glob'] [--cmdline 'more kernel arguments']

--cmdline adds to every benchmark's command line, to compare settings:
make bench BENCH=nbd_swap BENCH_CMDLINE=e1000_offload=off.
"""
import argparse
import fnmatch
import os
import re
import subprocess
import sys
import time

import kernel


def scratch_disk(mib):
    """A function making an empty (sparse) mib MiB image in build/ for a
    benchmark to write over; it returns the --disk arguments."""
    def setup():
        path = os.path.join(kernel.ROOT, "build", f"bench-disk-{mib}MiB.img")
        with open(path, "wb") as f:
            f.truncate(mib << 20)
        return [path]
    return setup


def scratch_ext2(mib):
    """A fresh, empty ext2 image of mib MiB (4 KiB blocks, Debian's
    defaults) in build/: the --disk arguments for it."""
    def setup():
        path = os.path.join(kernel.ROOT, "build", f"bench-ext2-{mib}MiB.img")
        if os.path.exists(path):
            os.unlink(path)
        subprocess.run(["/sbin/mke2fs", "-q", "-F", "-t", "ext2", "-b", "4096", path,
                        f"{mib}M"], check=True, capture_output=True)
        return [path]
    return setup


def scratch_swap(mib):
    """A fresh swap area of mib MiB that mkswap made, in build/."""
    def setup():
        path = os.path.join(kernel.ROOT, "build", f"bench-swap-{mib}MiB.img")
        with open(path, "wb") as f:
            f.truncate(0)
            f.truncate(mib << 20)
        subprocess.run(["/sbin/mkswap", path], check=True, capture_output=True)
        return [path]
    return setup


# Per-benchmark settings; a benchmark with no entry gets the defaults
# (128 MiB, no disks, 300 s).  "setup" makes disks on the fly.
BENCHES = {
    # Disk speed is wall-clock time: under -icount the guest clock is
    # virtual and skips ahead while the CPU waits for the disk.
    "disk": dict(setup=scratch_disk(80), icount=False),
    "ext2": dict(setup=scratch_ext2(64), icount=False),
    # hda for the hog, hdb (make run's size) for the out-of-memory decision.
    "swap": dict(setup=lambda: scratch_swap(512)() + scratch_swap(160)(), icount=False),
    # nbd0 served by qemu-nbd through slirp (qemu-boot --nbd starts and stops it).
    "nbd": dict(nbd=scratch_disk(32), icount=False),
    # bench=swap's hog on hda, alone and then with nbd0's writeback blocked.
    "swap_during_stall": dict(setup=scratch_swap(512), nbd=scratch_ext2(64), icount=False),
    "nbd_one_at_a_time": dict(nbd=scratch_disk(32), icount=False),
    # bench=swap's hog with its swap area on nbd0 (issue 20's workload).
    "nbd_swap": dict(nbd=scratch_swap(512), icount=False),
    # bench=nbd's stream over loopback through nbdsrv, then /bin/nbd-server
    # (from the user image, hda), both serving hdb.
    # getpid's round trip, then /bin/userbench from the user image (hda).
    "user": dict(setup=lambda: user_root()),
    "nbd_user": dict(setup=lambda: user_root() + scratch_disk(64)(),
                     cmdline="nbdsrv=10809 nbdsrv_dev=hdb", icount=False),
}


def user_root():
    """The user programs' image (user_tests.user_image), for hda."""
    from user_tests import user_image
    return [user_image(os.path.join(kernel.ROOT, "build", "bench-user-root.img"))]


def run_bench(name, kernel_elf, more_cmdline=""):
    spec = BENCHES.get(name, {})
    log = os.path.join(kernel.LOG_DIR, f"bench-{name}.log")
    cmd = [kernel.QEMU_BOOT, "--quiet", "--timing", "--log", log, "--kernel", kernel_elf,
           "--timeout", str(spec.get("timeout", 300)), "--mem", str(spec.get("mem", 128))]
    if spec.get("icount", True):
        cmd.append("--icount")
    for d in spec["setup"]() if "setup" in spec else spec.get("disks", ()):
        cmd += ["--disk", d]
    if "nbd" in spec:
        cmd += ["--nbd", spec["nbd"]()[0]]
    start = time.monotonic()
    line = " ".join(a for a in (f"bench={name}", spec.get("cmdline", ""), more_cmdline) if a)
    r = subprocess.run(cmd + ["--", line],
                       capture_output=True, text=True)
    wall = time.monotonic() - start
    text = kernel.read_log(log)
    for line in re.findall(r"^\[ *[\d.]+\] ((?:BENCH|profile) .*)$", text, re.M):
        print(line)                     # profile lines: BENCH_CMDLINE=profile=N
    m = re.search(r"first kernel output after (\d+) ms", r.stderr)
    if m:
        print(f"BENCH {name} host_ms_to_first_kernel_line={m.group(1)} ms")
    print(f"BENCH {name} host_ms_whole_run={wall * 1000:.0f} ms")
    if r.returncode != 0:
        print(f"bench {name}: FAILED ({r.stderr.strip().splitlines()[-1]}); log: {log}")
    return r.returncode == 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated globs of benchmark names")
    ap.add_argument("--kernel", default=kernel.KERNEL, help="the kernel to measure")
    ap.add_argument("--cmdline", default="", help="more kernel arguments for every benchmark")
    args = ap.parse_args()
    names = kernel.registered("kbench_desc_", args.kernel)
    if args.only:
        names = [n for n in names if any(fnmatch.fnmatch(n, g) for g in args.only.split(","))]
    os.makedirs(kernel.LOG_DIR, exist_ok=True)
    ok = all([run_bench(n, args.kernel, args.cmdline) for n in names])
    return 0 if ok and names else 1


if __name__ == "__main__":
    sys.exit(main())
