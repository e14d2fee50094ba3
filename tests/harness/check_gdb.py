#!/usr/bin/env python3
"""check_gdb.py - prove the debugging story of `make debug` in batch mode.

usage: python3 tests/harness/check_gdb.py [--log-dir DIR] [--timeout S]
                                          [--kiodq|--kps-process|--user-program|--nbd-dead]

With --user-program it proves gdb stops in a user program: it boots
init=/bin/execer from the user image (execer checks its bad execs, then
becomes /bin/hello with the arguments "from execer"), loads hello's
symbols with `kuser hello` (after `kuser execer`, which it must
replace: break main has one location, in user/hello.c), and `break main if $kcurrent("hello")` must
stop in hello's main, not in execer's code at that address: bt shows
main in user/hello.c with argc=3, argv[1] reads "from" out of the
process's memory, and kps lists the hello process with its memory.  Then
gdb lets it run, and hello's greeting and the boot's clean end must show
in the serial log.

With --kps-process it proves kps's view of user processes: it boots
init=/bin/forks from the user image, stops where its first forked
child starts (fork_child_start: a parent and its child exist) and checks that kps gives each forks process a line with its
parent's pid and its pages resident and in swap.

With --kiodq it proves the IO queue command instead: it boots the test
swap_pages_out_and_back_bit_identical with an area mkswap made as hda,
stops in kswiod's start_one (kswiod is about to write: its queue holds
the pages reclaim handed over) and checks that `kiodq` lists them, each
with the swap device and slot it goes to.

With --nbd-dead it proves the views of a device whose server lied: it
boots nbd_survives_faulty_server (nbd_expect=dead) with nbd0 served by
nbd_fake.py's "closes" server, which closes the connection mid-IO (the
client sees it as a failed send or receive, whichever comes first), stops
at machine_exit (the test is over, the device dead, its two tasks gone)
and checks that kdmesg shows why nbd0 died, kps lists no task of the
dead connection alive, and kiodq and kmem still read the kernel whole.

Boots `monitor` halted under QEMU's gdb stub (tools/qemu-boot --gdb on a
free port of 127.0.0.1, serial console to DIR/gdb-serial.log), runs gdb -batch with
tools/gdb/gdbinit and proves, in this order, that
  1. `break kmain` set at the reset vector, before GRUB has loaded the
     kernel, stops the kernel there, and `bt` shows kmain in frame #0;
  2. `break monitor_run` stops there too;
  3. `kdmesg` then reads the boot banner out of the log ring;
  4. `kmem` reads the page allocator and the slab caches: pages are free,
     the buddy books balance (no WARNING line), and kmalloc-64 is listed;
  5. `kps` lists the boot tasks kmain, idle and khungtaskd, exactly one of
     them current ('*') and running, and khungtaskd sleeping in sleep_ms
     (wait channel "sleep", WAIT_SLEEP): started before the monitor, it
     sleeps a second before its first scan;
  6. `kbt` gives a true backtrace of each: of the current task (kmain, as
     it runs monitor_run) gdb's own bt; of the sleeping khungtaskd, walked
     from the context switch_to saved, __schedule's return into schedule,
     sleep_ms, khungtaskd and task_start in that order; of idle, never run
     yet or switched out from an interrupt;
  7. `tbreak sleep_ms` stops the kernel again, about a second later, when
     khungtaskd has scanned and naps again, and kps and kbt are checked
     once more: now kmain is the switched-out one (its walk must reach
     monitor_run and kmain) and idle has most likely run, so its walk goes
     through interrupt_common into idle.
Which task is current is read from kps, never assumed: the current task's
kbt must be gdb's bt with the breakpoint's function in frame #0, every other
task's a frame-pointer walk with the functions above, so the check holds
whichever task happened to call the function the breakpoint is on.

gdb's whole output goes to DIR/gdb.log.  Exits 0 on a pass; on a failure
exits 1 with the reason as the last line printed (harness_tests.py shows
that line).  QEMU is always killed, whatever happens; everything is bounded
by --timeout.  The port is a free one (gdbinit is told it in
SWIOD_GDB_PORT), so the check runs next to a `make debug` session on 1234
and next to other gdb checks.
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
BANNER = "swiod 0.1.0: a teaching kernel"         # kernel/main.c, include/version.h

# The tasks that exist in every monitor boot by the time monitor_run runs
# (kernel/sched.c, kernel/hung.c); khungtaskd is the sleeping one.
TASKS = ["kmain", "idle", "khungtaskd"]

TASK_COMMANDS = ["kps"] + [f"kbt {name}" for name in TASKS]

GDB_COMMANDS = (["break kmain", "continue", "bt",
                 "break monitor_run", "continue", "kdmesg", "kmem"] + TASK_COMMANDS
                + ["tbreak sleep_ms", "continue"] + TASK_COMMANDS)

# --nbd-dead: the boot's end, after the lying server killed nbd0.
NBD_DEAD_COMMANDS = ["break kmain", "continue", "break machine_exit", "continue", "kdmesg",
                     "kps", "kiodq", "kmem"]
NBD_DEAD_EXPECT = [
    ("the machine_exit breakpoint was hit", r"^Breakpoint 2, (0x[0-9a-f]+ in )?machine_exit \("),
    ("kdmesg showed why nbd0 died",
     r"^\[ *\d+\.\d+\] nbd: nbd0: .*\(-\d+\); failing \d+ requests in flight and \d+ "
     r"queued with -EIO, device dead$"),
    ("kdmesg showed the test passed", r"^\[ *\d+\.\d+\] tests: 1 passed, 0 failed"),
    ("kps listed the tasks", r"^ +id +name +state +prio +waits on$"),
    ("kiodq read kswiod's devices", r"^kswiod: \d+ queued, \d+ in flight in \d+ bios"),
    ("kmem printed the totals", r"^free: [1-9]\d* pages "),
]
# A task of the dead connection still alive in kps's table: both have
# exited (a detached one may still be listed, "dead", until it is reaped).
NBD_TASK_LINE = r"^[* ] +\d+ nbd0-(recv|send) +(?!dead )\S+"

# Where the second stop begins in gdb's output (check_tasks splits there).
SECOND_STOP = r"^Temporary breakpoint 3, (0x[0-9a-f]+ in )?sleep_ms \("

# What gdb's output must show, in this order: (what it proves, pattern).
EXPECT = [
    ("the kmain breakpoint was hit", r"^Breakpoint 1, kmain \("),
    ("bt shows kmain in frame #0", r"^#0\s+(0x[0-9a-f]+ in )?kmain \("),
    ("the monitor_run breakpoint was hit", r"^Breakpoint 2, monitor_run \("),
    ("kdmesg printed the boot banner", r"^\[ *\d+\.\d+\] " + re.escape(BANNER)),
    ("kmem printed the totals with pages free", r"^free: [1-9]\d* pages "),
    ("kmem printed the buddy books line", r"^buddy: (books balance|WARNING)"),
    ("kmem listed the cache kmalloc-64", r"^kmalloc-64 +64 "),
    ("the sleep_ms breakpoint was hit", SECOND_STOP),
]

# --kps-process: /bin/forks as init; its first child's first moment
# (fork_child_start), when a parent and a child exist, each with pages.
KPS_PROCESS_COMMANDS = ["break kmain", "continue", "tbreak fork_child_start", "continue", "kps"]
KPS_PROCESS_EXPECT = [
    ("the fork_child_start breakpoint was hit (a forked child's first moment)",
     r"^Temporary breakpoint 2, (0x[0-9a-f]+ in )?fork_child_start \("),
    ("kps listed the forks processes", r"^[* ] +\d+ forks "),
    ("kps gave a process its parent and its memory",
     r"^ +process: parent \d+, [1-9]\d* pages resident, 0 swapped$"),
    ("kps gave the child the parent's pid",
     r"^ +process: parent [1-9]\d*, [1-9]\d* pages resident, 0 swapped$"),
]

# --user-program: /bin/execer as init, which execs /bin/hello from execer.
USER_PROGRAM_COMMANDS = ["break kmain", "continue", "kuser execer", "kuser hello",
                         'break main if $kcurrent("hello")', "continue", "bt",
                         "print argv[1]", "kps", "continue"]
USER_PROGRAM_EXPECT = [
    ("kuser loaded hello's symbols", r"^kuser: build/user/root/bin/hello symbols loaded "),
    ("break main found hello's main alone (kuser hello replaced execer)",
     r"^Breakpoint 2 at 0x[0-9a-f]+: file user/hello\.c, line \d+\.$"),
    ("the main breakpoint was hit", r"^Breakpoint 2, main \("),
    ("bt shows main in user/hello.c with its three arguments",
     r"^#0\s+(0x[0-9a-f]+ in )?main \(argc=3, argv=0x[0-9a-f]+\) at user/hello\.c:\d+$"),
    ("argv[1] read out of the process's memory", r'^\$1 = 0x[0-9a-f]+ "from"$'),
    ("kps listed the hello process as current",
     r"^\* +\d+ hello +running "),
    ("kps gave it its parent and its memory",
     r"^ +process: parent \d+, [1-9]\d* pages resident, 0 swapped$"),
]
# In the serial log once gdb let go: hello ran on, the boot ended cleanly.
USER_PROGRAM_SERIAL = [
    ("hello printed its arguments, gdb gone", r"^hello: argv\[2\] = execer"),
    ("init (execer become hello) exited with status 0",
     r"process: /bin/execer \(pid \d+\) exited with status 0$"),
]

KIODQ_COMMANDS = ["break kmain", "continue", "break start_one", "continue", "kiodq"]
KIODQ_EXPECT = [
    ("the start_one breakpoint was hit (kswiod has work)", r"^Breakpoint 2, start_one \("),
    ("kiodq counted queued pages", r"^kswiod: [1-9]\d* queued, \d+ in flight in \d+ bios"),
    ("kiodq listed a queued page with its swap slot",
     r"^ +0  pfn 0x[0-9a-f]+  swap  hda slot [1-9]\d*$"),
]

# A stop, as gdb prints it: "Breakpoint 2, f (...)", "Temporary breakpoint
# 4, 0x... in f (...)", "Breakpoint 1.2, ..." at one of several locations;
# and a frame of gdb's bt.  (check_gdb_walks.py and the walks' checks.)
STOP_LINE = re.compile(r"^(?:Temporary breakpoint|Breakpoint) (\d+)(\.\d+)?, "
                       r"(?:0x[0-9a-f]+ in )?(\w+) \(", re.M)
BT_FRAME = re.compile(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+) \(", re.M)

# What gdb's output must not show anywhere: (what it means, pattern).
REFUSE = [
    ("kmem found the buddy books unbalanced", r"^buddy: WARNING.*"),
    ("a command died with a Python exception", r"^Python Exception .*"),
]

# kps's table: its header, then one line per task ('*' marks current).
KPS_HEADER = r"^ +id +name +state +prio +waits on$"
KPS_LINE = re.compile(r"^([* ]) +(\d+) (\S+) +(\S+) +(\S+)(?: +(.*))?$")
# kbt: a header line per task, then gdb's bt ("#0  monitor_run () at ...")
# or, for a switched-out task, "#0  0xc010679b in __schedule+0xeb (...)".
KBT_HEADER = re.compile(r'^kbt: task (\d+) "([^"]*)" (.*)$', re.M)
KBT_FRAME = re.compile(r"^#\d+ +0x[0-9a-f]+ in (\S+)\+0x[0-9a-f]+", re.M)
# Where switch_to returns to: __schedule, or a caller it was inlined into.
SWITCH_CALLERS = {"__schedule", "schedule", "preempt_now", "irq_exit", "task_exit"}


class Failure(Exception):
    """The check failed; the message says why."""


def free_port():
    """A port of 127.0.0.1 that nothing listens on (QEMU's gdb stub binds
    it a moment later)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def start_qemu(serial_log, port, cmdline="monitor", disks=(), mem=None, guestfwd=None):
    """qemu-boot, its gdb stub on port, in a process group of its own, so
    stop_group's one killpg ends qemu-boot and the QEMU it started;
    guestfwd: a host port the guest reaches at 10.0.2.100."""
    disk_args = [a for d in disks for a in ("--disk", d)]
    mem_args = ["--mem", str(mem)] if mem else []
    net_args = ["--guestfwd", str(guestfwd)] if guestfwd else []
    return subprocess.Popen([os.path.join(ROOT, "tools", "qemu-boot"), "--gdb",
                             "--gdb-port", str(port), "--quiet", "--log", serial_log,
                             *mem_args, *disk_args, *net_args, "--", cmdline],
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def wait_for_stub(qemu, port, deadline):
    while time.monotonic() < deadline:
        if qemu.poll() is not None:
            raise Failure(f"QEMU exited (status {qemu.returncode}) before its gdb stub "
                          f"came up: {qemu.stderr.read().strip()}")
        if port_open(port):
            return
        time.sleep(0.1)
    raise Failure(f"QEMU's gdb stub did not open port {port} in time")


def stop_group(proc):
    """SIGTERM to proc's process group, then SIGKILL for anything left:
    QEMU can outlive qemu-boot, so the group is signalled even after
    qemu-boot has gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return                              # the whole group is gone
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def run_gdb(gdb_log, deadline, commands, port):
    cmd = ["gdb", "-batch", "-nx", "-x", os.path.join("tools", "gdb", "gdbinit")]
    for c in commands:
        cmd += ["-ex", c]
    try:
        r = subprocess.run(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, capture_output=True,
                           env={**os.environ, "SWIOD_GDB_PORT": str(port)},
                           text=True, timeout=max(1, deadline - time.monotonic()))
        out, note = r.stdout + r.stderr, None
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace") + (e.stderr or b"").decode(errors="replace")
        note = "gdb timed out"
    with open(gdb_log, "w") as f:
        f.write(shlex.join(cmd) + "\n\n" + out)
    return out, note


def check_output(out, expect):
    """Each expected line must come after the previous one."""
    pos = 0
    for what, pattern in expect:
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


def stop_texts(out, wanted):
    """{function: gdb's output from its first stop to the next stop}, for
    each function of wanted; a Failure names the first one with no stop."""
    heads = list(STOP_LINE.finditer(out))
    ends = [h.start() for h in heads[1:]] + [len(out)]
    texts = {}
    for h, end in zip(heads, ends):
        texts.setdefault(h.group(3), out[h.start():end])
    missing = [fn for fn in wanted if fn not in texts]
    if missing:
        raise Failure(f"the breakpoint in {missing[0]} was not hit "
                      f"(stops seen: {', '.join(texts) or 'none'})")
    return texts


def check_bt(stop, text, want):
    """gdb's bt in text shows the functions of want, in that order."""
    frames = BT_FRAME.findall(text)
    if not in_order(frames, want):
        raise Failure(f"at {stop}: bt {' <- '.join(frames) or '(none)'} does not show "
                      f"{' <- '.join(want)} in that order")
    print(f"check_gdb: ok: at {stop}: bt shows {' <- '.join(want)}")


def check_reclaim_handover(text):
    """At a stop in kswiod_queue_page: bt shows reclaim handing the page
    over, in shrink_inactive, called by kswapd or by direct reclaim."""
    reclaimer = "kswapd" if "kswapd" in BT_FRAME.findall(text) else "try_to_free_pages"
    check_bt("kswiod_queue_page", text, ["kswiod_queue_page", "shrink_inactive", reclaimer])


def base_name(symbol):
    """A function's name without a compiler suffix (.isra.0, .part.0) or an
    assembly local label (higher_half.clear_identity)."""
    return symbol.split(".")[0]


def in_order(names, wanted):
    """Does wanted appear in names as a subsequence (in order, gaps allowed)?"""
    it = iter(names)
    return all(w in it for w in wanted)


def parse_kps(out):
    """{name: (is_current, state, waits_on)} from kps's table."""
    m = re.compile(KPS_HEADER, re.M).search(out)
    if not m:
        raise Failure(f"kps printed no table (no line matching /{KPS_HEADER}/)")
    tasks = {}
    for line in out[m.end():].lstrip("\n").splitlines():
        if line.startswith("        holds "):
            continue                            # a held lock of the task above
        t = KPS_LINE.match(line)
        if not t:
            break
        tasks[t.group(3)] = (t.group(1) == "*", t.group(4), t.group(6) or "")
    return tasks


def kbt_sections(out):
    """{task name: (header rest, text up to the next kbt header)}."""
    heads = list(KBT_HEADER.finditer(out))
    ends = [h.start() for h in heads[1:]] + [len(out)]
    return {h.group(2): (h.group(3), out[h.end():end]) for h, end in zip(heads, ends)}


def check_switched_out(what, text):
    """The frames kbt walked for a switched-out task, checked for damage;
    what says which kbt, for the failure message."""
    frames = [base_name(f) for f in KBT_FRAME.findall(text)]
    if not frames:
        raise Failure(f"{what}: no '#N 0x... in symbol+0x...' frames:{text.rstrip()}")
    for bad in ("walk stopped", " in ??", "more frames"):
        if bad in text:
            raise Failure(f"{what}: the walk went wrong ({bad!r}):{text.rstrip()}")
    return frames


def check_tasks(out):
    """kps and kbt at the two stops (see the module docstring, 5 to 7)."""
    second = re.search(SECOND_STOP, out, re.M)      # check_output found it
    check_stop(out[:second.start()], "monitor_run", khungtaskd_asleep=True)
    check_stop(out[second.end():], "sleep_ms", khungtaskd_asleep=False)


def check_stop(out, stop, khungtaskd_asleep):
    """kps, then kbt of each task in TASKS, as gdb printed them while the
    kernel was stopped at the function stop (by whichever task called it)."""
    tasks = parse_kps(out)
    missing = [n for n in TASKS if n not in tasks]
    if missing:
        raise Failure(f"at {stop}: kps does not list {', '.join(missing)} (it lists "
                      f"{', '.join(tasks) or 'nothing'})")
    current = [n for n, (cur, _, _) in tasks.items() if cur]
    if len(current) != 1:
        raise Failure(f"at {stop}: kps marks {len(current)} tasks current, not one: {current}")
    for n, (cur, state, _) in tasks.items():
        if cur != (state == "running"):
            raise Failure(f"at {stop}: kps: task {n} is {state} but "
                          f"{'' if cur else 'not '}marked current")
    print(f"check_gdb: ok: at {stop}: kps lists {', '.join(TASKS)}; "
          f"{current[0]} is current and running")
    if khungtaskd_asleep:
        _, state, waits = tasks["khungtaskd"]
        if (state, waits) != ("sleeping", "sleep (WAIT_SLEEP)"):
            raise Failure(f"at {stop}: kps: khungtaskd is {state!r} waiting on {waits!r}, "
                          "not sleeping on 'sleep (WAIT_SLEEP)'")
        print(f"check_gdb: ok: at {stop}: kps shows khungtaskd sleeping on sleep (WAIT_SLEEP)")

    sections = kbt_sections(out)
    for n in TASKS:
        if n not in sections:
            err = re.search(rf"^kbt: .*{re.escape(n)}.*$", out, re.M)
            raise Failure(f"at {stop}: kbt {n} printed no backtrace"
                          + (f": {err.group(0)}" if err else ""))
        head, text = sections[n]
        is_current = head.startswith("is current")
        if is_current != tasks[n][0]:
            raise Failure(f"at {stop}: kbt {n} says '{head}', but kps says it is "
                          f"{'' if tasks[n][0] else 'not '}current")
        if is_current:
            # gdb's own bt, of the task that hit the breakpoint.
            if not re.search(rf"^#0\s+(0x[0-9a-f]+ in )?{stop} \(", text, re.M):
                raise Failure(f"at {stop}: kbt {n} (current) did not run gdb's bt, "
                              f"or its frame #0 is not {stop}:{text}")
            print(f"check_gdb: ok: at {stop}: kbt {n} (current) ran gdb's bt")
            continue
        frames = check_switched_out(f"at {stop}: kbt {n}", text)
        if n == "idle" and frames == ["task_start"] and "never run" in text:
            print(f"check_gdb: ok: at {stop}: kbt idle (switched out) shows it has "
                  "never run: task_start")
            continue
        if frames[0] not in SWITCH_CALLERS:
            raise Failure(f"at {stop}: kbt {n}: frame #0 is in {frames[0]}, not where "
                          f"switch_to returns ({', '.join(sorted(SWITCH_CALLERS))}):{text}")
        want = {"khungtaskd": ["schedule", "sleep_ms", "khungtaskd", "task_start"],
                "idle": ["interrupt_common", "idle"],
                "kmain": ["monitor_run", "kmain"]}[n]
        if not in_order(frames, want):
            raise Failure(f"at {stop}: kbt {n}: the frames {' <- '.join(frames)} do not "
                          f"show {' <- '.join(want)} in that order")
        print(f"check_gdb: ok: at {stop}: kbt {n} (switched out): {' <- '.join(frames)}")


def check_boot_end(qemu, serial_log, deadline):
    """After gdb's last continue: the program ran on (USER_PROGRAM_SERIAL in
    the serial log, in order) and the kernel ended the boot with success
    (qemu-boot's status 0)."""
    try:
        status = qemu.wait(timeout=max(1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise Failure("the boot did not end once gdb let it run")
    with open(serial_log, errors="replace") as f:
        check_output(f.read(), USER_PROGRAM_SERIAL)
    if status != 0:
        raise Failure(f"the boot did not end cleanly: qemu-boot exited with status {status}")
    print("check_gdb: ok: the boot ended with success")


def main():
    p = argparse.ArgumentParser(description="prove gdb can debug swiod (batch mode)")
    p.add_argument("--log-dir", default=os.path.join(ROOT, "build", "test-logs"))
    p.add_argument("--timeout", type=float, default=60, metavar="S")
    p.add_argument("--kiodq", action="store_true", help="check kiodq during a swap test")
    p.add_argument("--kps-process", action="store_true",
                   help="check kps's process lines while /bin/forks runs as init")
    p.add_argument("--user-program", action="store_true",
                   help="check kuser and a breakpoint in /bin/hello's main")
    p.add_argument("--nbd-dead", action="store_true",
                   help="check the views once a lying NBD server killed nbd0")
    args = p.parse_args()
    os.makedirs(args.log_dir, exist_ok=True)
    gdb_log = os.path.join(args.log_dir, "gdb-kiodq.log" if args.kiodq
                           else "gdb-kps.log" if args.kps_process
                           else "gdb-user.log" if args.user_program
                           else "gdb-nbd-dead.log" if args.nbd_dead else "gdb.log")
    commands, expect = (KIODQ_COMMANDS, KIODQ_EXPECT) if args.kiodq else \
        (KPS_PROCESS_COMMANDS, KPS_PROCESS_EXPECT) if args.kps_process else \
        (USER_PROGRAM_COMMANDS, USER_PROGRAM_EXPECT) if args.user_program else \
        (NBD_DEAD_COMMANDS, NBD_DEAD_EXPECT) if args.nbd_dead else \
        (GDB_COMMANDS, EXPECT)
    deadline = time.monotonic() + args.timeout

    qemu, port, fake = None, free_port(), None
    try:
        if not os.path.exists(os.path.join(ROOT, "build", "swiod.elf")):
            raise Failure("build/swiod.elf is missing; run make")
        if args.kiodq:
            area = os.path.join(args.log_dir, "gdb-swap.img")
            with open(area, "wb") as f:
                f.truncate(0)
                f.truncate(4 << 20)
            subprocess.run(["/sbin/mkswap", area], check=True, capture_output=True)
            qemu = start_qemu(os.path.join(args.log_dir, "gdb-kiodq-serial.log"), port,
                              "test=swap_pages_out_and_back_bit_identical", [area])
        elif args.kps_process:
            from user_tests import user_image
            image = user_image(os.path.join(args.log_dir, "gdb-kps-root.img"))
            qemu = start_qemu(os.path.join(args.log_dir, "gdb-kps-serial.log"), port,
                              "init=/bin/forks mount=hda:/", [image])
        elif args.user_program:
            from user_tests import user_image
            image = user_image(os.path.join(args.log_dir, "gdb-user-root.img"))
            serial_log = os.path.join(args.log_dir, "gdb-user-serial.log")
            qemu = start_qemu(serial_log, port, "init=/bin/execer mount=hda:/", [image])
        elif args.nbd_dead:
            import nbd_fake
            fake = nbd_fake.FakeServer("closes").__enter__()
            qemu = start_qemu(os.path.join(args.log_dir, "gdb-nbd-dead-serial.log"), port,
                              f"test=nbd_survives_faulty_server nbd_expect=dead nbd_io_ms=30000 "
                              f"nbd=10.0.2.100:{fake.port} nbd_export=swiod", guestfwd=fake.port)
        else:
            qemu = start_qemu(os.path.join(args.log_dir, "gdb-serial.log"), port)
        wait_for_stub(qemu, port, deadline)
        out, note = run_gdb(gdb_log, deadline, commands, port)
        try:
            check_output(out, expect)
            if args.user_program:
                check_boot_end(qemu, serial_log, deadline)
            elif args.nbd_dead:
                m = re.search(NBD_TASK_LINE, out, re.M)
                if m:
                    raise Failure(f"kps lists a task of the dead connection alive: {m.group(0)}")
            elif not args.kiodq and not args.kps_process:
                check_tasks(out)
        except Failure as f:
            print("check_gdb: gdb's last lines:\n    " + "\n    ".join(out.splitlines()[-8:]))
            raise Failure(f"{f}{'; ' + note if note else ''}; see {gdb_log}")
    except Failure as f:
        print(f"check_gdb: FAIL: {f}", flush=True)
        return 1
    finally:
        if qemu:
            stop_group(qemu)
        if fake:
            fake.stop()
    print(f"check_gdb: PASS (gdb output in {gdb_log})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
