#!/usr/bin/env python3
"""run_tests.py - make test: every test, each in a fresh QEMU, two at a time.

Kernel tests are found in build/swiod.elf (KTEST); each boots with
test=NAME and is judged by judge.py, with anything particular from
specs.py (which may make disk images before the boot and check them
after it).  Harness tests (harness_tests.py) are judged on the host side.
Logs go to build/test-logs/NAME.log and are kept; a failure prints the
log's last lines.  The last two lines are "N skipped" (a skip is never a
pass; judge.py allows one only where the spec says may_skip) and
"N passed, N failed"; the exit status is 0 only when none failed.

usage: run_tests.py [--only 'glob,glob']
"""
import argparse
import concurrent.futures
import contextlib
import fnmatch
import os
import shutil
import sys
import time

import kernel
from deadlock_tests import DEADLOCK_SPECS, DEADLOCK_TESTS
from disks import scratch_dir
from ext2_corrupt_tests import EXT2_CORRUPT_TESTS
from ext2_tests import EXT2_TESTS
from harness_tests import HARNESS_TESTS
from swap_tests import SWAP_TESTS
from judge import Skipped, judge
from mmap_tests import MMAP_TESTS
from nbd_dead_tests import NBD_DEAD_TESTS
from stall_tests import STALL_TESTS
from nbd_tests import NBD_SPECS, NBD_TESTS
from nbdsrv_tests import NBDSRV_TESTS
from nbd_user_tests import NBD_USER_SPECS, NBD_USER_TESTS
from net_tests import NET_SPECS, NET_TESTS
from specs import KERNEL_TESTS, NOT_RUN_DIRECTLY
from tcp_tests import TCP_SPECS, TCP_TESTS
from user_tests import USER_SPECS, USER_TESTS

KERNEL_TESTS = {**KERNEL_TESTS, **NET_SPECS, **TCP_SPECS, **NBD_SPECS, **USER_SPECS,
                **NBD_USER_SPECS, **DEADLOCK_SPECS}

PARALLEL = 2
TAIL_LINES = 25
SUITE_TIMEOUT_S = 1200          # the whole suite; CI allows 20 minutes


def kernel_test(name):
    spec = KERNEL_TESTS.get(name, {})

    def run(log):
        cmdline = f"test={name} {spec.get('cmdline', '')}".strip()
        views = spec.get("views")       # monitor commands typed after the test, then halt
        if views:
            cmdline += " monitor"
        disks = spec.get("disks", ())
        if "setup" in spec:         # images made fresh for every run
            disks = spec["setup"](scratch_dir(name))
        rc = kernel.boot(cmdline, log, timeout=spec.get("timeout", 60),
                         mem=spec.get("mem"), disks=disks, net=spec.get("net", False),
                         stdin_text="".join(v + "\n" for v in views) + "halt\n" if views else None)
        text = kernel.read_log(log)
        reason = judge(name, rc, text, spec.get("expect", ()),
                       spec.get("verdict", "pass"), spec.get("reject", ()),
                       spec.get("may_skip", False))
        if reason is None and "check" in spec:      # what only the host can see
            reason = spec["check"](disks, text)
        return reason
    return run


def all_tests():
    tests = {n: kernel_test(n) for n in kernel.registered("ktest_desc_")
             if n not in NOT_RUN_DIRECTLY}
    tests.update(HARNESS_TESTS)
    tests.update(EXT2_TESTS)
    tests.update(EXT2_CORRUPT_TESTS)
    tests.update(SWAP_TESTS)
    tests.update(MMAP_TESTS)
    for more in (NET_TESTS, TCP_TESTS, NBD_TESTS, NBD_DEAD_TESTS, NBDSRV_TESTS, NBD_USER_TESTS,
                 DEADLOCK_TESTS, STALL_TESTS, USER_TESTS):
        tests.update(more)
    return tests


def print_totals(passed, failed, skipped):
    """The suite's verdict: skips apart, never counted as passes."""
    print(f"{skipped} skipped", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)


def run_one(name, fn):
    log = os.path.join(kernel.LOG_DIR, name + ".log")
    start = time.monotonic()
    try:
        reason = fn(log)
    except Exception as e:          # a harness bug is a failure, not a crash
        reason = f"harness error: {e!r}"
    return name, reason, time.monotonic() - start, log


def tail(log):
    if not os.path.exists(log):
        return "    (no log)"
    lines = kernel.read_log(log).splitlines()[-TAIL_LINES:]
    return "\n".join("    | " + l for l in lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", help="comma-separated globs of test names")
    args = ap.parse_args()

    tests = all_tests()
    if args.only:
        short = kernel.aliases()        # a stress test's short name picks it too
        globs = [short.get(g, g) for g in args.only.split(",")]
        tests = {n: f for n, f in tests.items() if any(fnmatch.fnmatch(n, g) for g in globs)}
    # A whole run starts with no logs; a run of some tests replaces only
    # theirs, so two people running different tests keep each other's.
    if args.only:
        os.makedirs(kernel.LOG_DIR, exist_ok=True)
        for name in tests:
            with contextlib.suppress(FileNotFoundError):
                os.remove(os.path.join(kernel.LOG_DIR, name + ".log"))
    else:
        shutil.rmtree(kernel.LOG_DIR, ignore_errors=True)
        os.makedirs(kernel.LOG_DIR)

    print(f"running {len(tests)} tests, {PARALLEL} at a time; logs in build/test-logs/")
    passed = failed = skipped = 0
    start = time.monotonic()
    pool = concurrent.futures.ThreadPoolExecutor(PARALLEL)
    futures = {pool.submit(run_one, n, f): n for n, f in sorted(tests.items())}
    try:
        for fut in concurrent.futures.as_completed(futures, timeout=SUITE_TIMEOUT_S):
            name, reason, secs, log = fut.result()
            if reason is None:
                passed += 1
                print(f"PASS {name} ({secs:.1f} s)", flush=True)
            elif isinstance(reason, Skipped):
                skipped += 1
                print(f"SKIP {name} ({secs:.1f} s): {reason}", flush=True)
            else:
                failed += 1
                print(f"FAIL {name} ({secs:.1f} s): {reason}\n  log: {log}\n{tail(log)}",
                      flush=True)
    except concurrent.futures.TimeoutError:
        # Every boot has its own timeout; this catches a harness-side check
        # that never returns.  Threads cannot be killed: report and leave.
        stuck = [n for f, n in futures.items() if not f.done()]
        failed += len(stuck)
        for name in stuck:
            print(f"FAIL {name}: still running after the suite's {SUITE_TIMEOUT_S} s limit",
                  flush=True)
        print_totals(passed, failed, skipped)
        os._exit(1)
    pool.shutdown()
    print(f"total time {time.monotonic() - start:.1f} s")
    print_totals(passed, failed, skipped)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
