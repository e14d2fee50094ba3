#!/usr/bin/env python3
"""check_gdb_deadlock.py - the gdb session of docs/deadlock-1999.md, in batch mode.

usage: python3 tests/harness/check_gdb_deadlock.py [--log-dir DIR] [--timeout S]

Boots deadlock_1999 as deadlock_tests.py does (reclaim=kswiod, seed 1999,
32 MiB, nbdsrv serving a fresh ext2 image as nbd0 over loopback), halted
under QEMU's gdb stub, and follows the scenario with one temporary
breakpoint after the other -- each is set only when the one before it
was hit, so it stops at the scenario's moment and not at an earlier call:

  1. task_a_main: task-A starts (nbd0 already held);
  2. ext2_new_block: task-A allocates a block (bt through vfs_write from
     task_a_main; kps shows task-A current);
  3. kswiod_queue_page: reclaim hands a dirty page to kswiod (bt through
     shrink_inactive from kswapd or direct reclaim);
  4. get_pages (inlined in nbdsrv's answer()): nbd0 let go, nbdsrv
     allocates for A's bitmap read; kps shows task-A blocked on the
     buffer holding lock_super, kswiod blocked on lock_super, nbdsrv
     current;
  5. try_to_free_pages: that allocation enters reclaim (bt from get_pages
     through alloc_pages); kbt task-A is the bread under ext2_new_block,
     kbt kswiod/nbd0 the writeback blocked in ext2_new_block's mutex_lock, and
     kiodq lists the file pages waiting in kswiod's queue.
Then gdb lets it run: the test must still pass (its ok line on the serial
console), so the session watched the cure, not something it broke.

gdb's output goes to DIR/gdb-deadlock.log, the console to
DIR/gdb-deadlock-serial.log.  Exits 0 on a pass, 1 with the reason as the
last line printed.  QEMU is always killed; everything is bounded by
--timeout.  Port 1234, as for check_gdb.py: one gdb check at a time.
"""
import argparse
import os
import re
import sys
import time

import check_gdb
import kernel
import mmap_tests
from check_gdb import Failure, in_order, kbt_sections, parse_kps, check_switched_out, base_name
from deadlock_tests import BOOT, IMAGE_MIB, SEED

CMDLINE = f"test=deadlock_1999 {BOOT} seed={SEED}"

# (function to stop in, commands run there), in the scenario's order.
STOPS = [
    ("task_a_main", []),
    ("ext2_new_block", ["bt", "kps"]),
    ("kswiod_queue_page", ["bt"]),
    ("get_pages", ["bt", "kps"]),
    ("try_to_free_pages", ["bt", "kps", "kbt task-A", "kbt kswiod/nbd0", "kiodq"]),
]
COMMANDS = (["break kmain", "continue"]
            + [c for fn, cmds in STOPS for c in (f"tbreak {fn}", "continue", *cmds)]
            + ["continue"])

STOP_LINE = re.compile(r"^Temporary breakpoint \d+(?:\.\d+)?, (?:0x[0-9a-f]+ in )?(\w+) \(",
                       re.M)
BT_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+) \(", re.M)
HOLDS_LOCK_SUPER = r"(?:\n +holds .*)*\n +holds lock_super, taken at ext2_new_block"


def stop_texts(out):
    """{function: gdb's output from its breakpoint's stop to the next stop}."""
    heads = list(STOP_LINE.finditer(out))
    ends = [h.start() for h in heads[1:]] + [len(out)]
    texts = {h.group(1): out[h.start():end] for h, end in zip(heads, ends)}
    missing = [fn for fn, _ in STOPS if fn not in texts]
    if missing:
        raise Failure(f"the breakpoint in {missing[0]} was not hit "
                      f"(stops seen: {', '.join(texts) or 'none'})")
    return texts


def check_bt(stop, text, want):
    frames = BT_FRAME.findall(text)
    if not in_order(frames, want):
        raise Failure(f"at {stop}: bt {' <- '.join(frames) or '(none)'} does not show "
                      f"{' <- '.join(want)} in that order")
    print(f"check_gdb_deadlock: ok: at {stop}: bt shows {' <- '.join(want)}")


def check_kps(stop, text, current, blocked=()):
    """kps marks current as the running task, each (name, waits on) of
    blocked as blocked there, and task-A, if blocked, holding lock_super
    (a task blocked on lock_super lists it too: held[] records a lock
    when it is asked for)."""
    tasks = parse_kps(text)
    cur = [n for n, (is_cur, state, _) in tasks.items() if is_cur and state == "running"]
    if cur != [current]:
        raise Failure(f"at {stop}: kps shows {cur or 'no task'} current and running, "
                      f"not {current}")
    for name, waits in blocked:
        got = tasks.get(name)
        if not got or got[1:] != ("blocked", waits):
            raise Failure(f"at {stop}: kps: {name} is {got and got[1:]}, not blocked on {waits}")
    if blocked and not re.search(rf"^ +\d+ task-A +blocked .*{HOLDS_LOCK_SUPER}", text, re.M):
        raise Failure(f"at {stop}: kps does not show task-A holding lock_super")
    print(f"check_gdb_deadlock: ok: at {stop}: kps: {current} current"
          + "".join(f"; {n} blocked on {w}" for n, w in blocked)
          + ("; task-A holds lock_super" if blocked else ""))


def check_kbt(stop, text, name, want):
    head, section = kbt_sections(text).get(name, (None, ""))
    if head is None or head.startswith("is current"):
        raise Failure(f"at {stop}: kbt {name} printed no switched-out backtrace")
    frames = check_switched_out(f"at {stop}: kbt {name}", section)
    if not in_order([base_name(f) for f in frames], want):
        raise Failure(f"at {stop}: kbt {name}: {' <- '.join(frames)} does not show "
                      f"{' <- '.join(want)} in that order")
    print(f"check_gdb_deadlock: ok: at {stop}: kbt {name}: {' <- '.join(want)}")


def check_session(out):
    t = stop_texts(out)
    check_bt("ext2_new_block", t["ext2_new_block"],
             ["ext2_new_block", "ext2_get_block", "vfs_write", "task_a_main"])
    check_kps("ext2_new_block", t["ext2_new_block"], "task-A")
    reclaimer = BT_FRAME.findall(t["kswiod_queue_page"])
    reclaimer = "kswapd" if "kswapd" in reclaimer else "try_to_free_pages"
    check_bt("kswiod_queue_page", t["kswiod_queue_page"],
             ["kswiod_queue_page", "shrink_inactive", reclaimer])
    check_bt("get_pages", t["get_pages"], ["get_pages", "nbdsrv_main"])
    waiting = [("task-A", "buffer (WAIT_QUEUE)"), ("kswiod/nbd0", "lock_super (WAIT_MUTEX)")]
    check_kps("get_pages", t["get_pages"], "nbdsrv", waiting)
    stop = "try_to_free_pages"
    check_bt(stop, t[stop], ["try_to_free_pages", "alloc_pages", "get_pages", "nbdsrv_main"])
    check_kps(stop, t[stop], "nbdsrv", waiting)
    check_kbt(stop, t[stop], "task-A", ["wait_on_buffer", "bread", "ext2_new_block",
                                         "task_a_main"])
    check_kbt(stop, t[stop], "kswiod/nbd0", ["mutex_lock", "ext2_new_block", "ext2_writepages",
                                         "start_one", "kswiod"])
    check_gdb.check_output(t[stop], [
        ("kiodq counted the pages waiting for kswiod",
         r"^kswiod: [1-9]\d* queued, \d+ in flight in \d+ bios"),
        ("kiodq named nbd0's kswiod", r"^kswiod/nbd0: [1-9]\d* queued, \d+ in flight in \d+ bios$"),
        ("kiodq listed a file page in the queue", r"^ +0  pfn 0x[0-9a-f]+  file  inode \d+ page \d+$"),
    ])


def main():
    p = argparse.ArgumentParser(description="the deadlock_1999 gdb session (batch mode)")
    p.add_argument("--log-dir", default=kernel.LOG_DIR)
    p.add_argument("--timeout", type=float, default=90, metavar="S")
    args = p.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)
    gdb_log = os.path.join(args.log_dir, "gdb-deadlock.log")
    serial = os.path.join(args.log_dir, "gdb-deadlock-serial.log")
    deadline = time.monotonic() + args.timeout
    qemu = None
    try:
        image = mmap_tests.fresh_ext2(os.path.join(args.log_dir, "gdb-deadlock.img"), IMAGE_MIB)
        qemu = check_gdb.start_qemu(serial, CMDLINE, [image], mem=32)
        check_gdb.wait_for_stub(qemu, deadline)
        out, note = check_gdb.run_gdb(gdb_log, deadline, COMMANDS)
        try:
            check_session(out)
            qemu.wait(timeout=max(1, deadline - time.monotonic()))
            if "test deadlock_1999: ok" not in kernel.read_log(serial):
                raise Failure(f"deadlock_1999 did not pass after the session; see {serial}")
            print("check_gdb_deadlock: ok: deadlock_1999 passed once gdb let it run")
        except Failure as f:
            raise Failure(f"{f}{'; ' + note if note else ''}; see {gdb_log}")
        os.unlink(image)
    except Exception as f:          # a timeout in wait() too: a failure, said so
        print(f"check_gdb_deadlock: FAIL: {f}", flush=True)
        return 1
    finally:
        if qemu:
            check_gdb.stop_qemu(qemu)
    print(f"check_gdb_deadlock: PASS (gdb output in {gdb_log})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
