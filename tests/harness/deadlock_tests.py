"""deadlock_tests.py - the January 1999 deadlock (tests/kernel/test_deadlock.c,
docs/deadlock-1999.md): ext2 on nbd0, served over loopback by nbdsrv, the
kernel's own NBD server task, from a fresh ext2 image as hda, with 32 MiB
of RAM.

deadlock_1999_sync_cycle_named: reclaim=sync, the 1999 policy.  The
deadlock happens on purpose; the test passes only when the hang detector
printed the cycle task-A -> nbdsrv -> task-A with each edge (lock_super
held by A, A's bitmap bread answered only by nbdsrv, nbdsrv in reclaim
from its page allocation, writing a page through ext2 and waiting for
lock_super) and the lock validator the lock order lock_super -> nbdsrv
request -> reclaim_io -> lock_super.  Each test is a function (log_path)
-> None on pass or a reason.
"""
import os

import judge
import kernel
import mmap_tests

PORT = 10809                    # nbdsrv's, on the guest's loopback only
BOOT = f"nbdsrv={PORT} nbd=127.0.0.1:{PORT}"
IMAGE_MIB = 128
SEED = 1999

SYNC_EXPECT = [
    r"deadlock_1999: seed=\d+ \(boot with seed=\d+ to repeat\), reclaim=sync",
    r"deadlock_1999: step 2: task-A holds lock_super and waits for the bitmap",
    r"hung: locks held by task-A:",
    r"#1 lock_super \(mutex\) taken at ext2_new_block",
    r"hung:   task-A waits on wait queue buffer, which only nbdsrv can end",
    r"hung:   nbdsrv waits for mutex lock_super held by task-A since ext2_new_block",
    r"hung: DEADLOCK: task-A -> nbdsrv -> task-A",
    r"\] +\[<[0-9a-f]+>\] bread\+",                      # A's stack: the bitmap read
    r"\] +\[<[0-9a-f]+>\] try_to_free_pages\+",          # nbdsrv's: reclaim ...
    r"\] +\[<[0-9a-f]+>\] ext2_writepages\+",            # ... writing a page
    r"\] +\[<[0-9a-f]+>\] nbdsrv_main\+",                # ... from its allocation
    r"lockdep: BUG: possible deadlock \(lock order cycle\)",
    r"lock_super -> nbdsrv request, first seen",
    r"nbdsrv request -> reclaim_io, first seen in task nbdsrv",
    r"so reclaim_io -> lock_super would close a cycle",
    r"deadlock_1999: sync: the 1999 deadlock happened \(A is still stuck\) and was named: "
    r"[1-9]\d* hang reports \([1-9]\d* of a cycle\), [1-9]\d* lock order cycles",
]


def scenario(cmdline, expect, check_image):
    def run(log):
        image = mmap_tests.fresh_ext2(f"{log}.ext2.img", IMAGE_MIB)
        rc = kernel.boot(f"test=deadlock_1999 {BOOT} seed={SEED} {cmdline}".strip(), log,
                         timeout=90, mem=32, disks=[image])
        text = kernel.read_log(log)
        reason = judge.judge("deadlock_1999", rc, text, expect=expect)
        if not reason and check_image:
            reason = mmap_tests.files_match(image, text)
        if not reason:
            os.unlink(image)
        return reason
    return run


DEADLOCK_TESTS = {
    # The expected-deadlock demonstration: it passes because the kernel
    # deadlocked the 1999 way and said so.
    "deadlock_1999_sync_cycle_named": scenario("reclaim=sync hung_timeout=3", SYNC_EXPECT,
                                               check_image=False),
}
