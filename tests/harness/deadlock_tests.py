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
request -> reclaim_io -> lock_super.  
deadlock_1999_kswiod_completes: the default policy, the cure.  The same
stage ends with A's write done: reclaim handed dirty pages to kswiod,
kswiod (not reclaim) blocked on lock_super while A held it, and with
kswiod still blocked nbdsrv got its pages from clean ones -- the report's
second chain; every file reads back from the image (debugfs) as the kernel
wrote it, and e2fsck -fn finds the image clean.

deadlock_1999_user_sync_cycle_named, deadlock_1999_user_kswiod_completes:
the same two endings with nbd0 served by /bin/nbd-server, a process, from
hdb (hda: the user image).  Under reclaim=sync the hang detector names
task-A -> nbd-server -> task-A, says nbd-server is a user process with its
pid, and prints its kernel stack from its system call (or fault) through
reclaim and ext2's page write down to lock_super; under kswiod the
process gets clean pages while kswiod waits, and the files and e2fsck
are checked as above.

deadlock_1999_user_flusher_completes: reclaim=sync, the 1999 policy, and
yet it completes: the server runs as nbd-server -f, prctl(PR_SET_IO_FLUSHER),
so its own reclaim is GFP_NOIO -- it frees clean pages and writes none, so
never waits on lock_super -- while kswapd, which may write, blocks there
as the policy says until A lets it go.  No reclaim of nbd-server gives up;
the files and e2fsck are checked as above.

monitor_demo_deadlock_both_policies: the monitor's 'demo deadlock' (the
cure, which completes), then 'demo deadlock sync' (the deadlock, named),
then ps showing task-A, nbdsrv and kswapd still blocked, and a third demo
refused while that deadlock is there.

monitor_demo_deadlock_user: 'demo deadlock user' and 'demo deadlock user
sync', the same with /bin/nbd-server as the server; ps shows nbd-server
and task-A still blocked.

monitor_demo_deadlock_flusher: 'demo deadlock flusher' completes under
reclaim=sync with nbd-server -f; then 'demo deadlock user sync' is
refused: this boot's server is an IO flusher.

Each test is a function (log_path) -> None on pass or a reason.
"""
import os

import ext2_images
import judge
import kernel
import mmap_tests
from user_tests import user_image

PORT = 10809                    # nbdsrv's, on the guest's loopback only
BOOT = f"nbdsrv={PORT} nbd=127.0.0.1:{PORT}"
IMAGE_MIB = 128
SEED = 1999

# The sync run's end: nbd0's connection cut and made again, as an
# administrator would; A's write fails, every mapped page reaches the disk.
RECONNECT_EXPECT = [
    r"deadlock_1999: sync: ending it as an administrator would: nbd reconnect nbd0",
    r"nbd: nbd0: connection cut to connect again \(nbd reconnect\); failing [1-9]\d* requests",
    r"nbd: nbd0: connected again; requests failed by the cut may be retried",
    r"deadlock_1999: sync: the cut failed A's bitmap read \(A's write: -5\), A let lock_super "
    r"go, SERVER answered and took the new connection",
    r"deadlock_1999: sync: every page of the mappings is on nbd0",
    r"result: deadlocked on purpose, named, ended by nbd reconnect",
]

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
    # The wait check names the cycle when nbdsrv's reclaim sleeps, before
    # the hang detector's threshold has passed.
    r"reclaim: BUG: task nbdsrv waits on mutex lock_super while reclaiming",
    r"reclaim:   nbdsrv waits for mutex lock_super held by task-A since ext2_new_block",
    r"reclaim: where task-A, which can end that wait, is:",
    r"lockdep: BUG: possible deadlock \(lock order cycle\)",
    r"lock_super -> nbdsrv request, first seen",
    r"nbdsrv request -> reclaim_io, first seen in task nbdsrv",
    r"so reclaim_io -> lock_super would close a cycle",
    r"deadlock_1999: sync: the 1999 deadlock happened \(A is still stuck\) and was named: "
    r"[1-9]\d* hang reports \([1-9]\d* of a cycle\), [1-9]\d* lock order cycles",
] + [line.replace("SERVER", "nbdsrv") for line in RECONNECT_EXPECT]

KSWIOD_EXPECT = [
    r"deadlock_1999: seed=\d+ \(boot with seed=\d+ to repeat\), reclaim=kswiod",
    r"deadlock_1999: step 2: task-A holds lock_super and waits for the bitmap",
    r"deadlock_1999: step 3: \d+ pages taken, \d+ free; kswiod/nbd0 blocked on lock_super",
    r"deadlock_1999: kswiod: A's bitmap read was answered; reclaim handed [1-9]\d* dirty pages "
    r"to kswiod instead of writing them",
    r"deadlock_1999: kswiod: kswiod/nbd0, not reclaim, blocked on lock_super while A held it; "
    r"reclaim waited for 0 writes; nbdsrv: 0 requests refused for want of a page",
    r"deadlock_1999: kswiod: the second chain: kswiod was blocked on lock_super \(task-A held "
    r"it, waiting for nbdsrv\), and nbdsrv still got its pages: A's read answered, [1-9]\d* "
    r"pages for [1-9]\d* requests since, reclaim freed [1-9]\d* clean pages and waited for no "
    r"write",
]
# staged=anon: no clean page anywhere; nbdsrv's memory comes from swap-out
# to hdb, by kswiod/hdb, while kswiod/nbd0 is blocked on lock_super.
NO_CLEAN_EXPECT = [
    r"deadlock_1999: step 1: \d+ \+ \d+ pages dirty in the mappings, 1024 anonymous and dirty "
    r"\(no clean page\)",
    r"deadlock_1999: step 3: \d+ pages taken, \d+ free; kswiod/nbd0 blocked on lock_super",
    r"reclaim waited for 0 writes; nbdsrv: 0 requests refused for want of a page",
    r"and nbdsrv still got its pages: A's read answered, [1-9]\d* pages for [1-9]\d* requests "
    r"since, reclaim freed [1-9]\d* swapped-out pages and waited for no write",
    r"deadlock_1999: kswiod: 1024 anonymous pages back from swap, 0 words differ",
]
# What the 1999 policy prints, and the cure must never: reclaim waiting for a
# write, the lock order cycle, the hang.
KSWIOD_REJECT = [r"hung: DEADLOCK", r"reclaim: BUG", r"lockdep: BUG"]


def scenario(cmdline, expect, check_image, reject=(), swap_mib=0, user=False, test=None):
    """deadlock_1999 with cmdline; swap_mib: a swap area as hdb too.
    user: deadlock_1999_user (or test, a variant of it), with the user
    image as hda and the ext2 as hdb (/bin/nbd-server serves it)."""
    test = test or ("deadlock_1999_user" if user else "deadlock_1999")

    def run(log):
        image = mmap_tests.fresh_ext2(f"{log}.ext2.img", IMAGE_MIB)
        disks = (([user_image(f"{log}.root.img")] if user else []) + [image]
                 + ([mmap_tests.fresh_swap(f"{log}.swap.img", swap_mib)] if swap_mib else []))
        server = "" if user else BOOT
        rc = kernel.boot(f"test={test} {server} seed={SEED} {cmdline}".strip(), log,
                         timeout=90, mem=32, disks=disks)
        text = kernel.read_log(log)
        reason = judge.judge(test, rc, text, expect=expect, reject=reject)
        if not reason and check_image:
            problems = ext2_images.e2fsck_problems(image)
            reason = ("e2fsck -fn complains after the kernel wrote it: " + problems[:600]
                      if problems else mmap_tests.files_match(image, text))
        if not reason:
            for d in disks:
                os.unlink(d)
        return reason
    return run


DEMO_SCRIPT = ("demo deadlock\ndemo deadlock sync\nps\ndemo deadlock\nnbd reconnect nbd0\nps\n"
               "halt\n")
DEMO_EXPECT = [
    r"swiod> demo deadlock\n",
    r"demo: the 1999 deadlock under reclaim=kswiod",
    r"deadlock_1999: kswiod: kswiod/nbd0, not reclaim, blocked on lock_super while A held it",
    r"test deadlock_1999: ok",
    r"swiod> demo deadlock sync",
    r"demo: the 1999 deadlock under reclaim=sync",
    r"deadlock_1999: EXPECTED DEADLOCK: the 1999 policy, reclaim=sync, for this test only",
    r"hung: DEADLOCK: task-A -> nbdsrv -> task-A",
    r"test deadlock_1999_sync: ok",
    r"demo: task-A, nbdsrv and kswapd stay deadlocked on purpose: try ps and locks; "
    r"nbd reconnect nbd0 ends it",
    r"swiod> ps",
    r"^ +\d+ kswapd +blocked +\d+ +lock_super$",
    r"^ +\d+ nbdsrv +blocked +\d+ +lock_super$",
    r"^ +\d+ task-A +blocked +\d+ +buffer$",
    r"demo: the sync run's deadlock is still there",
    r"swiod> nbd reconnect nbd0",
    r"^nbd reconnect nbd0: connected again \(0\)$",
    r"swiod> ps",
    r"^ +\d+ nbdsrv +(sleeping|ready|running|blocked) +\d+ +(?!lock_super)",
    r"monitor: halt \(0 test failures in this boot\)",
]


# deadlock_1999_user: the server of 1999 as it was, a process --
# /bin/nbd-server serving nbd0 from hdb (a fresh ext2), hda the user image.
USER_SERVER = r"deadlock_1999: nbd0 is served by /bin/nbd-server, pid (\d+), a process"
USER_SYNC_EXPECT = [
    USER_SERVER,
    r"deadlock_1999: seed=\d+ \(boot with seed=\d+ to repeat\), reclaim=sync",
    r"deadlock_1999: step 2: task-A holds lock_super and waits for the bitmap",
    r"deadlock_1999: step 4: nbd0 answers again: nbd-server must allocate for the read",
    r"reclaim: BUG: task nbd-server waits on mutex lock_super while reclaiming",
    r"hung:   task-A waits on wait queue buffer, which only nbd-server can end",
    r"hung:   nbd-server waits for mutex lock_super held by task-A since ext2_new_block",
    r"hung: DEADLOCK: task-A -> nbd-server \(pid \d+\) -> task-A",
    r"\] +\[<[0-9a-f]+>\] bread\+",                      # A's stack: the bitmap read
    r"hung: nbd-server is a user process, pid \d+: its kernel stack starts at a system call "
    r"or a fault",
    r"hung: where nbd-server waits:",
    r"\] +\[<[0-9a-f]+>\] mutex_lock\+",                 # the process's stack, from
    r"\] +\[<[0-9a-f]+>\] ext2_new_block\+",             # lock_super ...
    r"\] +\[<[0-9a-f]+>\] ext2_writepages\+",            # ... in a page write ...
    r"\] +\[<[0-9a-f]+>\] try_to_free_pages\+",          # ... by reclaim ...
    r"\] +\[<[0-9a-f]+>\] (syscall_dispatch|handle_page_fault)\+",   # its call or fault
    r"deadlock_1999: sync: the 1999 deadlock happened \(A is still stuck\) and was named: "
    r"[1-9]\d* hang reports \([1-9]\d* of a cycle\)",
    r"deadlock_1999: sync: nbd-server's own reclaim ran [1-9]\d* times and handed [1-9]\d* "
    r"pages to a write to nbd0, the device it serves: the write it waits for",
] + [line.replace("SERVER", "nbd-server") for line in RECONNECT_EXPECT]
USER_KSWIOD_EXPECT = [
    USER_SERVER,
    r"deadlock_1999: seed=\d+ \(boot with seed=\d+ to repeat\), reclaim=kswiod",
    r"deadlock_1999: step 3: \d+ pages taken, \d+ free; kswiod/nbd0 blocked on lock_super",
    r"deadlock_1999: kswiod: A's bitmap read was answered; reclaim handed [1-9]\d* dirty pages "
    r"to kswiod instead of writing them",
    r"deadlock_1999: kswiod: kswiod/nbd0, not reclaim, blocked on lock_super while A held it; "
    r"reclaim waited for 0 writes; nbd-server \(pid \d+\): 0 requests answered with an error",
    r"deadlock_1999: kswiod: the second chain: kswiod was blocked on lock_super \(task-A held "
    r"it, waiting for nbd-server\), and nbd-server still got its pages: A's read answered, "
    r"[1-9]\d* requests since, reclaim freed [1-9]\d* clean pages and waited for no write",
]

# deadlock_1999_user_flusher: reclaim=sync, the server nbd-server -f.
USER_FLUSHER_EXPECT = [
    USER_SERVER,
    r"deadlock_1999: seed=\d+ \(boot with seed=\d+ to repeat\), reclaim=sync",
    r"deadlock_1999: step 4: nbd0 answers again: nbd-server must allocate for the read",
    r"deadlock_1999: io flusher: ",
    r"deadlock_1999: io flusher: nbd-server's own reclaim ran [1-9]\d* times and handed 0 "
    r"pages to a write to nbd0, the device it serves",
]
FLUSHER_REJECT = [r"gives up", r"BUG: task nbd-server", r"hung: DEADLOCK"]


USER_DEMO_SCRIPT = "demo deadlock user\ndemo deadlock user sync\nps\ndemo deadlock user\nhalt\n"
USER_DEMO_EXPECT = [
    r"swiod> demo deadlock user\n",
    r"demo: the 1999 deadlock under reclaim=kswiod: ext2 on nbd0, served by /bin/nbd-server, "
    r"a process",
    USER_SERVER,
    r"and nbd-server still got its pages: A's read answered",
    r"test deadlock_1999_user: ok",
    r"swiod> demo deadlock user sync",
    r"demo: the 1999 deadlock under reclaim=sync: ext2 on nbd0, served by /bin/nbd-server",
    r"deadlock_1999: EXPECTED DEADLOCK: the 1999 policy, reclaim=sync, for this test only",
    r"hung: DEADLOCK: task-A -> nbd-server \(pid \d+\) -> task-A",
    r"test deadlock_1999_user_sync: ok",
    r"demo: task-A, nbd-server and kswapd stay deadlocked on purpose: try ps and locks; "
    r"nbd reconnect nbd0 ends it",
    r"swiod> ps",
    r"^ +\d+ nbd-server +blocked +\d+ +lock_super$",
    r"^ +\d+ task-A +blocked +\d+ +buffer$",
    r"demo: the sync run's deadlock is still there",
    r"monitor: halt \(0 test failures in this boot\)",
]

FLUSHER_DEMO_SCRIPT = "demo deadlock flusher\ndemo deadlock user sync\nhalt\n"
FLUSHER_DEMO_EXPECT = [
    r"swiod> demo deadlock flusher\n",
    r"demo: the 1999 policy, reclaim=sync, with /bin/nbd-server -f: an IO flusher",
    USER_SERVER,
    r"deadlock_1999: io flusher: reclaim=sync, and A's bitmap read was answered",
    r"test deadlock_1999_user_flusher: ok",
    r"swiod> demo deadlock user sync",
    r"demo: nbd-server was started as an IO flusher \(-f\) by an earlier demo in this boot",
    r"monitor: halt \(0 test failures in this boot\)",
]


def typed_boot(log, cmdline, disks, script, expect):
    """Boot with 32 MiB, nbd_timeout=3600 (a deadlock stays while it is
    looked at) and script typed: None when the boot ends well and expect
    appears in order (the disks go then), else why not."""
    rc = kernel.boot(f"{cmdline} nbd_timeout=3600 seed={SEED}".strip(), log, timeout=90,
                     mem=32, disks=disks, stdin_text=script)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}: {judge.last_verdict(text)}"
    reason = judge.missing_in_order(text, expect)
    if not reason:
        for d in disks:
            os.unlink(d)
    return reason


def monitor_demo(script, expect, user=False, swap=False):
    """The monitor's demo, typed: with nbdsrv (make run's disks), or
    (user) with the user image as hda and a fresh ext2 (swap: a fresh
    swap area) as hdb."""
    def run(log):
        image = (mmap_tests.fresh_swap(f"{log}.swap.img", SWAP_MIB) if swap
                 else mmap_tests.fresh_ext2(f"{log}.ext2.img", IMAGE_MIB))
        disks = ([user_image(f"{log}.root.img")] if user else []) + [image]
        return typed_boot(log, f"{'' if user else BOOT} monitor", disks, script, expect)
    return run


SWAPPED_DEMO_SCRIPT = "demo deadlock swapped\nps\nnbd\ndemo deadlock mlock\nhalt\n"
SWAPPED_DEMO_EXPECT = [
    r"swiod> demo deadlock swapped\n",
    r"demo: /bin/nbd-server serves nbd0, the only swap; its own pages are paged out on purpose",
    r"hung: DEADLOCK: nbd-server \(pid \d+\) -> nbd0 swap-in read -> nbd-server \(pid \d+\)$",
    r"test deadlock_1999_server_swapped_out_named: ok",
    r"demo: nbd-server, hog-a and hog-b stay deadlocked on purpose: try ps and nbd",
    r"swiod> ps", r"^ +\d+ nbd-server +blocked +\d+ +bio$",
    r"^ +\d+ hog-b +blocked +\d+ +swap-in read$",
    r"swiod> nbd", r"in flight [1-9]\d* of",
    r"swiod> demo deadlock mlock",
    r"demo: an earlier demo's deadlock is still there",
    r"monitor: halt \(0 test failures in this boot\)",
]
MLOCK_DEMO_SCRIPT = "demo deadlock mlock\ndemo deadlock swapped\nhalt\n"
MLOCK_DEMO_EXPECT = [
    r"swiod> demo deadlock mlock\n",
    r"demo: /bin/nbd-server -l \(mlockall\) serves nbd0, the only swap",
    r"the hog read 256 and 256 of its 256 pages back from nbd0, 0 and 0 words differ",
    r"test deadlock_1999_server_swapped_out_mlock_completes: ok",
    r"swiod> demo deadlock swapped",
    r"demo: the swapped demo serves hdb \(a swap area\) as nbd0 .*it runs once per boot",
    r"monitor: halt \(0 test failures in this boot\)",
]

# The shell's "monitor CMD": a demo typed at make run's shell, and a line
# the monitor refuses.
SHELL_DEMO_SCRIPT = ("monitor demo deadlock user\necho status $?\nmonitor nosuch\n"
                     "echo status $?\nexit 0\n")
SHELL_DEMO_EXPECT = [
    r"demo: the 1999 deadlock under reclaim=kswiod: ext2 on nbd0, served by /bin/nbd-server",
    USER_SERVER,
    r"and nbd-server still got its pages: A's read answered",
    r"test deadlock_1999_user: ok",
    r"^status 0$",
    r"unknown command \"nosuch\"; try help",
    r"sh: monitor: ",
    r"^status 1$",
]


def shell_demo(log):
    """init=/bin/sh with the user image as / (hda) and a fresh ext2 as
    hdb; SHELL_DEMO_SCRIPT typed; the boot ends when the shell exits 0."""
    disks = [user_image(f"{log}.root.img"), mmap_tests.fresh_ext2(f"{log}.ext2.img", IMAGE_MIB)]
    return typed_boot(log, "init=/bin/sh mount=hda:/", disks, SHELL_DEMO_SCRIPT,
                      SHELL_DEMO_EXPECT)


# The server swapped out (tests/kernel/test_server_swapped.c): the user
# image as hda, a fresh swap area as hdb, which /bin/nbd-server serves as
# nbd0, the only swap.
SWAP_MIB = 16
SWAPPED_OUT = [
    r"nbd user: nbd0 serves /dev/hdb over loopback",
    r"server_swapped_out: paged out the hog: 256 pages to kswiod",
    r"server_swapped_out: paged out the hog again: 0 pages to kswiod, 256 clean copies freed",
]
SWAPPED_NAMED_EXPECT = SWAPPED_OUT + [
    r"server_swapped_out: paged out nbd-server: [1-9]\d* pages to kswiod",
    r"server_swapped_out: paged out nbd-server again: \d+ pages to kswiod, [1-9]\d* clean "
    r"copies freed",
    r"hung:   hog-[ab] waits for the nbd0 swap-in read of slot \d+, which only nbd-server can "
    r"end \(it answers nbd0's requests\)",
    # The reader waiting on swapin_wq for the other's read, followed too:
    r"hung: task \"(hog-[ab])\" \(id \d+\) blocked for \d+ s on wait queue swap-in read "
    r"\(uninterruptible\)\n(?:.*\n){0,4}.*hung:   \1 waits for the nbd0 swap-in read of slot "
    r"\d+, which only nbd-server can end",
    r"hung: DEADLOCK: nbd-server \(pid \d+\) -> nbd0 swap-in read -> nbd-server \(pid \d+\)$",
    r"hung: nbd-server is a user process, pid \d+: its kernel stack starts at a system call "
    r"or a fault",
    r"\] +\[<[0-9a-f]+>\] submit_bio_wait\+",          # the server's own read ...
    r"\] +\[<[0-9a-f]+>\] swap_in_page\+",             # ... of its page ...
    r"\] +\[<[0-9a-f]+>\] handle_page_fault\+",        # ... from its fault
    r"server_swapped_out: nbd-server \(pid \d+\) deadlocked on its own page",
    r"test deadlock_1999_server_swapped_out_named: ok",
    r"swiod> ps", r"^ +\d+ nbd-server +blocked", r"swiod> nbd", r"swiod> swap",
]
SWAPPED_MLOCK_EXPECT = SWAPPED_OUT + [
    r"nbd-server: pid \d+ listening on port \d+, serving /dev/hdb \(\d+ bytes\) as \"\" and "
    r"\"hdb\", memory locked",
    r"server_swapped_out: paged out nbd-server: 0 pages to kswiod, 0 clean copies freed, "
    r"[1-9]\d* mlocked left",
    r"server_swapped_out: mlock: nbd-server \(pid \d+\) ran with -l, mlockall: none of its "
    r"[1-9]\d* pages could be paged out, so it can answer every swap-in read",
    r"server_swapped_out: the hog read 256 and 256 of its 256 pages back from nbd0, 0 and 0 "
    r"words differ",
    r"test deadlock_1999_server_swapped_out_mlock_completes: ok",
]

# The server's own reclaim, with the hog dirty and kswapd stopped.
OWN_RECLAIM = r"server_swapped_out: own reclaim: nbd-server \(pid \d+, %s\) reclaimed [1-9]\d* times, "
OWN_READ_BACK = (r"server_swapped_out: the hog read 256 and 256 of its 256 pages back from nbd0, "
                 r"0 and 0 words differ")
FLUSHER_OWN_EXPECT = [
    r"server_swapped_out: own reclaim: \d+ clean pages freed first; the hog's 256 pages dirty, "
    r"kswapd stopped",
    OWN_RECLAIM % "-l -f" + r"kept [1-9]\d* dirty pages it may not write, and handed 0 pages "
    r"to a write to nbd0, the device it serves",
    r"an IO flusher's reclaim is GFP_NOIO",
    OWN_READ_BACK,
    r"test deadlock_1999_server_flusher_reclaim_writes_nothing_to_nbd0: ok",
]
PLAIN_OWN_EXPECT = [
    OWN_RECLAIM % "-l" + r"kept 0 dirty pages it may not write, and handed [1-9]\d* pages to "
    r"a write to nbd0, the device it serves",
    r"without -f the server's reclaim gave kswiod [1-9]\d* writes that only the server itself "
    r"can answer",
    OWN_READ_BACK,
    r"test deadlock_1999_server_plain_reclaim_writes_to_nbd0: ok",
]


def swapped_disks(directory):
    return [user_image(os.path.join(directory, "root.img")),
            mmap_tests.fresh_swap(os.path.join(directory, "swap.img"), SWAP_MIB)]


# Kernel tests with disks (run_tests.py's specs).
DEADLOCK_SPECS = {
    # The deadlock stays; nbd_timeout must not end it before it is named.
    "deadlock_1999_server_swapped_out_named": {
        "setup": swapped_disks, "cmdline": f"hung_timeout=3 nbd_timeout=3600 seed={SEED}",
        "timeout": 120, "mem": 32, "views": ["ps", "nbd", "swap"],
        "expect": SWAPPED_NAMED_EXPECT, "reject": [r"reclaim: BUG", r"PANIC"]},
    "deadlock_1999_server_swapped_out_mlock_completes": {
        "setup": swapped_disks, "cmdline": f"nbd_timeout=30 seed={SEED}", "timeout": 120,
        "mem": 32, "expect": SWAPPED_MLOCK_EXPECT,
        "reject": [r"hung: task", r"hung: DEADLOCK", r"reclaim: BUG"]},
    "deadlock_1999_server_flusher_reclaim_writes_nothing_to_nbd0": {
        "setup": swapped_disks, "cmdline": f"nbd_timeout=30 seed={SEED}", "timeout": 120,
        "mem": 32, "expect": FLUSHER_OWN_EXPECT,
        "reject": [r"hung: task", r"hung: DEADLOCK", r"reclaim: BUG"]},
    "deadlock_1999_server_plain_reclaim_writes_to_nbd0": {
        "setup": swapped_disks, "cmdline": f"nbd_timeout=30 seed={SEED}", "timeout": 120,
        "mem": 32, "expect": PLAIN_OWN_EXPECT,
        "reject": [r"hung: task", r"hung: DEADLOCK", r"reclaim: BUG"]},
}

DEADLOCK_TESTS = {
    # The same two endings with the server a process (user/nbd-server.c).
    "deadlock_1999_user_sync_cycle_named": scenario("reclaim=sync hung_timeout=3",
                                                    USER_SYNC_EXPECT, check_image=True,
                                                    user=True),
    "deadlock_1999_user_kswiod_completes": scenario("", USER_KSWIOD_EXPECT, check_image=True,
                                                    reject=KSWIOD_REJECT, user=True),
    # Linux 5.6's cure under the 1999 policy: nbd-server -f, an IO flusher.
    "deadlock_1999_user_flusher_completes": scenario(
        "reclaim=sync", USER_FLUSHER_EXPECT, check_image=True, reject=FLUSHER_REJECT,
        user=True, test="deadlock_1999_user_flusher"),
    # The expected-deadlock demonstration: it passes because the kernel
    # deadlocked the 1999 way and said so.
    "deadlock_1999_sync_cycle_named": scenario("reclaim=sync hung_timeout=3", SYNC_EXPECT,
                                               check_image=True),
    # The cure: the same stage under the default policy completes.
    "deadlock_1999_no_clean_pages_completes": scenario(
        "staged=anon swap_dev=hdb", NO_CLEAN_EXPECT, check_image=True, reject=KSWIOD_REJECT,
        swap_mib=32),
    "deadlock_1999_kswiod_completes": scenario("", KSWIOD_EXPECT, check_image=True,
                                               reject=KSWIOD_REJECT),
    "monitor_demo_deadlock_both_policies": monitor_demo(DEMO_SCRIPT, DEMO_EXPECT),
    "monitor_demo_deadlock_user": monitor_demo(USER_DEMO_SCRIPT, USER_DEMO_EXPECT, user=True),
    "monitor_demo_deadlock_flusher": monitor_demo(FLUSHER_DEMO_SCRIPT, FLUSHER_DEMO_EXPECT,
                                                  user=True),
    "monitor_demo_deadlock_swapped": monitor_demo(SWAPPED_DEMO_SCRIPT, SWAPPED_DEMO_EXPECT,
                                                  user=True, swap=True),
    "monitor_demo_deadlock_mlock": monitor_demo(MLOCK_DEMO_SCRIPT, MLOCK_DEMO_EXPECT, user=True,
                                                swap=True),
    "shell_monitor_runs_demo_deadlock_user": shell_demo,
}
