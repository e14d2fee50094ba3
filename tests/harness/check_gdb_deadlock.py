"""check_gdb_deadlock.py - the check of docs/deadlock-1999.md's gdb walk.

check_gdb_walks.py runs the walk as the document shows it (make debug
SCENARIO=deadlock_1999: the scenario under the default policy on make
run's machine, nbdsrv serving hdd as nbd0 over loopback) and hands gdb's
output and the serial log to check_walk, which proves that the stops,
each a temporary breakpoint set only when the one before it was hit,
show the scenario's moments:

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
Then gdb lets it run: the test must still pass (its ok line in the serial
log), so the walk watched the cure, not something it broke.
"""
import re

import check_gdb
from check_gdb import (Failure, base_name, check_bt, check_switched_out, in_order,
                       kbt_sections, parse_kps, stop_texts)

# The functions the walk stops in, in the scenario's order.
STOPS = ["task_a_main", "ext2_new_block", "kswiod_queue_page", "get_pages", "try_to_free_pages"]
HOLDS_LOCK_SUPER = r"(?:\n +holds .*)*\n +holds lock_super, taken at ext2_new_block"


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
    print(f"check_gdb: ok: at {stop}: kps: {current} current"
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
    print(f"check_gdb: ok: at {stop}: kbt {name}: {' <- '.join(want)}")


def check_walk(out, serial, typed):
    """gdb's output out and the serial log serial of the walk (what the
    console showed, typed, is not needed)."""
    t = stop_texts(out, STOPS)
    check_bt("ext2_new_block", t["ext2_new_block"],
             ["ext2_new_block", "ext2_get_block", "vfs_write", "task_a_main"])
    check_kps("ext2_new_block", t["ext2_new_block"], "task-A")
    check_gdb.check_reclaim_handover(t["kswiod_queue_page"])
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
    if "test deadlock_1999: ok" not in serial:
        raise Failure("deadlock_1999 did not pass once gdb let it run")
    print("check_gdb: ok: deadlock_1999 passed once gdb let it run")
