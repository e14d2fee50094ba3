"""harness_tests.py - tests that are judged on the host side: the monitor
driven through the serial port, gdb in batch mode, the documents naming
only what exists, the harness proving it
cannot be fooled, the pure-logic unit tests, the whole boot suite in one
boot, and the benchmark machinery.

Each is a function (log_path) -> None on pass or a reason string.
"""
import os
import re
import shutil
import subprocess

import kernel
from judge import Skipped, judge, last_verdict, missing_in_order


def monitor_commands_answer(log):
    """Type commands into the serial port; each answer must come back.
    'helq<DEL>p' proves Backspace editing, 'bogus' the error path."""
    script = ("help\nhelp params\nuptime\ntests\nmem\nfree\nbuddy\nslab\nps\nlocks\n"
              "helq\x7fp\nbogus\ntest timer_ticks_advance\ndmesg\nhalt\n")
    rc = kernel.boot("monitor", log, stdin_text=script)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc} (halt should report success)"
    expect = [
        r"swiod> help\n  help +\[params\] +list the commands",   # help answers
        r"  halt +leave QEMU",
        r"swiod> help params\n  parameter +default",            # the parameter table
        r"^  hung_timeout +20 +report tasks blocked",
        r"swiod> uptime\nup \d+\.\d{3} s, \d+ ticks at 100 Hz",
        r"swiod> tests\n  \w+",                                  # the list ...
        r"^  timer_ticks_advance$",                               # ... with names
        r"  selftest_fails  \(manual",
        r"swiod> mem\nmemory map \(from GRUB",
        r"available: \d+ KiB",
        r"swiod> free\npages: \d+ free of \d+ managed",
        r"watermarks: min \d+  low \d+  high \d+ pages",
        r"GFP_ATOMIC +\d+ +\d+",
        r"swiod> buddy\norder  block KiB  free blocks\n",
        r"^   10       4096 +\d+\nbuddy_check: ok$",
        r"swiod> slab\ncache +size +slot +objects",
        r"^kmalloc-64 +64 ",
        r"swiod> ps\n  id name +state +prio +waits on\n",
        r"^\*  0 kmain +running +1",
        r"^   \d+ khungtaskd +sleeping +0  sleep$",
        r"swiod> locks\n",
        r"reclaim",
        r"swiod> helq\x08 \x08p\n  help +\[params\] +list the commands",   # edited line ran
        r'swiod> bogus\nunknown command "bogus"; try help',
        r"test timer_ticks_advance: ok",
        r"swiod> dmesg\n\[ *\d+\.\d+\] swiod 0\.1\.0: a teaching kernel",  # the log ring
        r"monitor: halt \(0 test failures in this boot\)",
    ]
    for pattern in expect:
        if not re.search(pattern, text, re.M):
            return f"missing monitor output matching /{pattern}/"
    return None


def gdb_batch_session(log):
    """gdb stops at kmain, shows the backtrace, and kdmesg, kmem, kps and kbt
    read the kernel; then, in a second session, kiodq lists kswiod's queue;
    in a third, kps shows forked user processes with parent and memory; in
    a fourth, kuser loads /bin/hello's symbols and gdb stops in its main;
    in a fifth, once a lying NBD server killed nbd0, kdmesg says why and
    kps, kiodq and kmem still read the kernel."""
    output = ""
    harness = os.path.join(kernel.ROOT, "tests", "harness")
    for extra in ([], ["--kiodq"], ["--kps-process"], ["--user-program"], ["--nbd-dead"]):
        r = subprocess.run(["python3", os.path.join(harness, "check_gdb.py"),
                            "--log-dir", os.path.dirname(log), *extra],
                           capture_output=True, text=True, timeout=120)
        output += r.stdout + r.stderr
        if r.returncode != 0:
            break
    with open(log, "w") as f:
        f.write(output)
    return None if r.returncode == 0 else output.strip().splitlines()[-1]


def run_check(log, script, *args, timeout):
    """Run a check script of this folder, its output to log; None when it
    exits 0, else its last line (the reason)."""
    r = subprocess.run(["python3", os.path.join(kernel.ROOT, "tests", "harness", script), *args],
                       capture_output=True, text=True, timeout=timeout)
    with open(log, "w") as f:
        f.write(r.stdout + r.stderr)
    return None if r.returncode == 0 else (r.stdout + r.stderr).strip().splitlines()[-1]


def gdb_walks_work_as_written(log):
    """Every gdb walk in README.md and docs/ (a `$ make debug` transcript),
    run as written: booted by tools/debug, its (gdb) lines fed to gdb in
    batch mode and its swiod> lines typed through tools/console while gdb
    holds the CPU (check_gdb_walks.py).  About 20 s on an idle machine;
    each walk is bounded by 60 s."""
    return run_check(log, "check_gdb_walks.py", "--log-dir", os.path.dirname(log), timeout=300)


def docs_mention_only_what_exists(log):
    """Every file, function and test that README.md and docs/ name exists
    (check_docs.py; no boot).  A misspelt or removed one fails the test,
    named with its document and line."""
    return run_check(log, "check_docs.py", timeout=120)


# Each deliberate failure and the reason the judge must give for it.
SELFTESTS = {
    "selftest_fails": (dict(), "the kernel reported failure"),
    "selftest_panics": (dict(), "the kernel panicked"),
    "selftest_hangs": (dict(timeout=8), "timeout"),
    "selftest_triple_faults": (dict(), "no verdict (triple fault"),
    "selftest_exits_without_verdict_line": (dict(), "missing line: 'test selftest_exits_without_verdict_line: ok'"),
    "selftest_skips": (dict(), "skipped (deliberately, for the harness self-test), which its "
                               "spec does not allow"),
}


def harness_selftest(log):
    """A failing test, a panic, a hang, a triple fault, a success with no
    ok line and a skip its spec does not allow must each be judged a
    failure, for the right reason; the same skip, allowed, is Skipped."""
    report = []
    for name, (opts, want) in SELFTESTS.items():
        sublog = os.path.join(os.path.dirname(log), name + ".log")
        rc = kernel.boot(f"test={name}", sublog, **opts)
        reason = judge(name, rc, kernel.read_log(sublog))
        report.append(f"{name}: judged {reason!r}")
        if reason is None:
            return f"{name} was judged a pass"
        if want not in reason:
            return f"{name}: judged {reason!r}, expected a reason containing {want!r}"
    skips = os.path.join(os.path.dirname(log), "selftest_skips.log")
    allowed = judge("selftest_skips", 0, kernel.read_log(skips), may_skip=True)
    report.append(f"selftest_skips, allowed: judged {allowed!r}")
    if not isinstance(allowed, Skipped):
        return f"selftest_skips, allowed to skip: judged {allowed!r}, not Skipped"
    with open(log, "w") as f:
        f.write("\n".join(report) + "\n")
    return None


def host_unit_tests(log):
    """The pure-logic code, compiled for the host under ASan and UBSan."""
    r = subprocess.run([os.path.join(kernel.ROOT, "tests", "host", "run")], cwd=kernel.ROOT,
                       capture_output=True, text=True, timeout=300)
    with open(log, "w") as f:
        f.write(r.stdout + r.stderr)
    return None if r.returncode == 0 else f"tests/host/run exited {r.returncode}"


# Why a test may skip in test=all with no disk, no network and no
# harness arguments (ktest_skip's reasons end so).
SUITE_SKIPS = ("no test disk", "no network", "no fault injection", "booted without the harness")


def boot_suite_in_one_boot(log):
    """test=all, as make run boots it: every non-manual test passes with
    the others in the same kernel -- or skips, for want of a disk, a
    network or the harness's arguments, and no other reason -- and the
    summary counts them all, the skips apart."""
    manual = set(kernel.registered("ktest_manual_"))
    automatic = [t for t in kernel.registered("ktest_desc_") if t not in manual]
    # Every test in one boot: about 35 s alone, more than the default
    # 60 s when the host is busy (it timed out at load 9).
    rc = kernel.boot("test=all", log, timeout=180)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}"
    skipped = 0
    for t in automatic:
        skip = re.search(rf"test {t}: skipped: (.*)$", text, re.M)
        if skip and not skip.group(1).endswith(SUITE_SKIPS):
            return f"test {t} skipped in the boot suite: {skip.group(1)}"
        skipped += bool(skip)
        if not skip and f"test {t}: ok" not in text:
            return f"test {t} did not pass in the boot suite"
    summary = f"tests: {len(automatic) - skipped} passed, 0 failed, {skipped} skipped"
    if summary not in text:
        return f"no summary {summary!r}"
    if re.search(r"test selftest_\w+: begin", text):
        return "test=all ran a manual test"
    if "printk-test: a debug line" in text:
        return "a debug line reached the console at the default loglevel"
    return None


def make_run_suite_ends_green(log):
    """make run's own boot (tools/bootrun: the ISO with its command line,
    32 MiB, fresh swap and ext2 disks), with 'vmstat' and 'halt' typed at
    the monitor: every test and every stress test passes in that one boot,
    the run's summary comes before the prompt, and e2fsck -fn finds the
    ext2 disk the stress tests wrote clean.  Between them, init starts the
    shell on the console: `ls /bin` there lists the programs, and its
    `monitor` command leads to the monitor.  Then, as a newcomer would find
    them, ext2 from the host's NBD server is mounted on /nbd and swap is on
    the other: a file written there through the monitor is in that image
    for debugfs, which e2fsck -fn finds clean.  About a minute on an idle
    machine."""
    import disks
    import ext2_images
    directory = disks.scratch_dir("make_run_suite_ends_green")
    cmd = [os.path.join(kernel.ROOT, "tools", "bootrun"), directory,
           os.path.join(kernel.ROOT, "build", "swiod.iso"),
           "--quiet", "--log", log, "--timeout", "600"]
    script = (b"ls /bin\nhog 24 procs=2\nmonitor\n"
              b"vmstat\nswap\nwrite /nbd/hello made by make run\nls /nbd\numount /nbd\nhalt\n")
    r = subprocess.run(cmd, input=script, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    text = kernel.read_log(log)
    m = re.search(r"command line: test=all,(\S+) ", text)
    if not m:
        return "no 'command line: test=all,...' line: not make run's command line"
    failed = re.findall(r"test (\w+): FAIL", text)
    if failed:
        return "failed in the run: " + ", ".join(failed)
    short = kernel.aliases()                # the list may name a test by its short name
    for name in m.group(1).split(","):
        name = short.get(name, name)
        if f"test {name}: ok" not in text:
            return f"stress test {name} did not pass"
    verdict = re.search(r"^\[ *[\d.]+\] tests: [1-9]\d* passed, 0 failed, \d+ skipped$", text,
                        re.M)
    summary, prompt = text.find("] run summary"), text.find("swiod> vmstat")
    if not verdict or not 0 <= summary < verdict.start() < prompt:
        return ("no run summary, then 'tests: N passed, 0 failed, N skipped', then the "
                "monitor prompt")
    if "monitor: halt (0 test failures in this boot)" not in text or r.returncode != 0:
        return f"qemu-boot status {r.returncode}: {last_verdict(text)}"
    if re.search(r"\]   left    ", text):
        return "the run summary says a test left something behind"
    reason = missing_in_order(text, [
        r"deadlock_1999: EXPECTED DEADLOCK", r"hung: DEADLOCK: task-A -> nbdsrv -> task-A",
        r"deadlock_1999: sync: ending it as an administrator would: nbd reconnect nbd0",
        r"test deadlock_1999_sync: result: deadlocked on purpose, named, ended by nbd reconnect"])
    if reason:
        return "the expected deadlock, named and then ended: " + reason
    reason = missing_in_order(text, [
        r"boot: hdb mounted on /", r"init: pid \d+, starting /bin/sh", r"^\$ ls /bin$",
        r"^usertests$", r"^\$ hog 24 procs=2$", r"^hog: 24 MiB, 6144 pages, 0 bad words$",
        r"^hog: 2 processes of 24 MiB: ok$", r"^\$ monitor$", r"init: /bin/sh asked for the monitor; init ends",
        r"process: /bin/init \(pid \d+\) exited with status 0", r"swiod> vmstat"])
    if reason:
        return "init and the shell: " + reason
    reason = missing_in_order(text, [
        r"nbd: nbd1: connected to 10\.0\.2\.100:10809", r"nbd: nbd2: connected to 10\.0\.2\.100:10810",
        r"boot: nbd1 mounted on /nbd", r"boot: swapping on nbd2", r"^nbd2 +0 +\d+ ",
        r"^hello$", r"monitor: halt"])
    if reason:
        return "the host's NBD disks: " + reason
    for image in ("ext2.img", "nbd-ext2.img", "deadlock.img"):
        problems = ext2_images.e2fsck_problems(os.path.join(directory, image))
        if problems:
            return f"e2fsck -fn complains about the run's {image}: " + problems[:600]
    reason = ext2_images.compare_file(os.path.join(directory, "nbd-ext2.img"), "/hello",
                                      b"made by make run\n")
    if reason:
        return reason
    shutil.rmtree(directory, ignore_errors=True)
    return None


def bench_boot_reports(log):
    """bench=boot under -icount prints its BENCH lines with real numbers."""
    rc = kernel.boot("bench=boot", log, icount=True)
    text = kernel.read_log(log)
    if rc != 0:
        return f"qemu-boot status {rc}"
    for metric in ("firmware_and_grub_instructions", "entry_to_kmain_instructions",
                   "kmain_to_ready_instructions"):
        m = re.search(rf"^\[ *[\d.]+\] BENCH boot {metric}=(\d+) instructions$", text, re.M)
        if not m:
            return f"no BENCH line for {metric}"
        if int(m.group(1)) == 0:
            return f"{metric} is 0"
    return None


def ext2_images_are_clean(log):
    """tools/mkimages builds both test images; e2fsck -fn finds them clean,
    and a file debugfs reads from each matches its manifest line -- the
    host-side tools the ext2 tests rely on, proven before they judge."""
    import ext2_images
    report = []
    for name, image in sorted(ext2_images.images().items()):
        problems = ext2_images.e2fsck_problems(image)
        if problems:
            with open(log, "w") as f:
                f.write(problems)
            return f"{name}: e2fsck -fn finds problems"
        entries = ext2_images.read_manifest(image.manifest)
        # The file that crosses into the doubly indirect block with 1 KiB blocks.
        path = "/sizes/268k_plus1"
        reason = ext2_images.check_against_manifest(image, path, entries)
        if reason:
            return f"{name}: {reason}"
        report.append(f"{name}: e2fsck clean, {len(entries)} files, {path} matches")
    with open(log, "w") as f:
        f.write("\n".join(report) + "\n")
    return None


HARNESS_TESTS = {
    "monitor_commands_answer": monitor_commands_answer,
    "gdb_batch_session": gdb_batch_session,
    "gdb_walks_work_as_written": gdb_walks_work_as_written,
    "docs_mention_only_what_exists": docs_mention_only_what_exists,
    "harness_selftest": harness_selftest,
    "host_unit_tests": host_unit_tests,
    "boot_suite_in_one_boot": boot_suite_in_one_boot,
    "make_run_suite_ends_green": make_run_suite_ends_green,
    "bench_boot_reports": bench_boot_reports,
    "ext2_images_are_clean": ext2_images_are_clean,
}
