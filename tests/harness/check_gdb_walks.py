#!/usr/bin/env python3
"""check_gdb_walks.py - run the gdb walks the documents show, exactly as written.

usage: python3 tests/harness/check_gdb_walks.py [--doc FILE]... [--log-dir DIR] [--timeout S]

A walk, in README.md or docs/*.md (the default documents), is a
transcript in a code block, which may go on over several blocks:

    $ make debug SCENARIO=swap_hog          (or plain `$ make debug`)
    (gdb) break monitor_run                 a command typed at gdb
    (gdb) continue
    swiod> reclaim 100                      a line typed at `make console`
    ...

Each `$ make debug` line starts a walk; every `(gdb) ` and `swiod> ` line
after it, up to the next walk, is part of it; other lines (gdb's output,
the text around) are left alone.  Every walk is booted by tools/debug,
make debug's own script, with the walk's SCENARIO, and its gdb commands
are fed to that gdb in batch mode (-nx -batch -ex CMD ...).  Console
lines are typed through tools/console, make console's own script, where
the walk shows them: once gdb has printed the stops (breakpoint hits) of
the `continue`s before the line -- while gdb holds the CPU, that is.
Every `continue` with more gdb commands after it must stop; a last one
ends when the kernel does (`halt` typed at the console).  Every walk is
judged for what any walk must show (those stops, one location for each
breakpoint, no command dying) and by its own check, chosen by document
and scenario in WALK_CHECKS; a walk with no check fails, so a walk added
to the documents comes with its check.

A walk's files: gdb's output in DIR/gdb-walk-DOC-N.log, the serial log
next to it (DOC-N-serial.log), the disks, image and console socket of
its tools/debug --dir in build/test-disks/gdb-walk-DOC-N/ (removed when
it passes).  The gdb stub listens on a free port of 127.0.0.1 (tools/debug
--port), so the walks need not port 1234 and run next to other gdb
tests.  Each walk is bounded by --timeout: then tools/debug's process
group is sent SIGTERM, and its trap stops QEMU and the NBD servers (a
stub still listening afterwards is a failure).  Exits 0 on a pass; on a
failure exits 1 with the reason as the last line.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time

import check_gdb
import check_gdb_deadlock
import disks
import kernel
from check_gdb import STOP_LINE, Failure, check_bt, stop_texts

WALK_START = re.compile(r"^\s*\$ make debug(?: SCENARIO=(\S+))?\s*$")
GDB_LINE = re.compile(r"^\s*\(gdb\) (.*?)\s*$")
CONSOLE_LINE = re.compile(r"^\s*swiod> (.*?)\s*$")


class Walk:
    """One walk of a document: where it starts, its scenario (None: make
    debug's default), and its lines in order as ("gdb"|"console", text)."""

    def __init__(self, doc, number, line, scenario):
        self.doc, self.number, self.line, self.scenario = doc, number, line, scenario
        self.steps = []

    @property
    def gdb_commands(self):
        return [text for kind, text in self.steps if kind == "gdb"]

    def expects_stop(self):
        """For each gdb command: is it a `continue` that must stop?  Every
        one with more gdb commands after it; a last one ends when the
        kernel does (halt typed at the console)."""
        cmds = self.gdb_commands
        return [c in ("continue", "c") and i + 1 < len(cmds) for i, c in enumerate(cmds)]

    def console_lines(self):
        """[(stops to wait for, line)]: a line is typed once gdb has printed
        the stops of the `continue`s before it."""
        lines, stops, expects = [], 0, iter(self.expects_stop())
        for kind, text in self.steps:
            if kind == "gdb":
                stops += next(expects)
            else:
                lines.append((stops, text))
        return lines

    @property
    def tag(self):
        """README-1, deadlock-1999-1: the names of its files."""
        return f"{os.path.splitext(os.path.basename(self.doc))[0]}-{self.number}"

    def log(self, log_dir):
        return os.path.join(log_dir, f"gdb-walk-{self.tag}.log")

    def __str__(self):
        scenario = f" SCENARIO={self.scenario}" if self.scenario else ""
        return f"{self.doc}:{self.line} (make debug{scenario})"


def find_walks(doc):
    walks = []
    with open(os.path.join(kernel.ROOT, doc)) as f:
        for n, text in enumerate(f, 1):
            m = WALK_START.match(text)
            if m:
                walks.append(Walk(doc, len(walks) + 1, n, m.group(1)))
                continue
            for kind, pattern in (("gdb", GDB_LINE), ("console", CONSOLE_LINE)):
                m = pattern.match(text)
                if m and walks:
                    walks[-1].steps.append((kind, m.group(1)))
    return walks


class Output:
    """A process's output, read as it comes, with the stops gdb printed
    counted so a console line can wait for them."""

    def __init__(self, stream):
        self.text, self.stops = "", 0
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for chunk in iter(lambda: os.read(stream.fileno(), 4096), b""):
            with self.changed:
                self.text += chunk.decode(errors="replace")
                self.stops = len(STOP_LINE.findall(self.text))
                self.changed.notify_all()

    def wait_stops(self, n, deadline):
        with self.changed:
            return self.changed.wait_for(lambda: self.stops >= n or not self.thread.is_alive(),
                                         timeout=max(0, deadline - time.monotonic())) \
                and self.stops >= n


def run_walk(walk, log_dir, timeout):
    """Boot the walk's make debug, feed gdb its commands and the console
    its lines; return (gdb's output, the serial log's text, what the
    console showed).  gdb's output goes to walk.log(log_dir), the serial
    log next to it.  Raises Failure when the walk could not be run."""
    work = disks.scratch_dir(f"gdb-walk-{walk.tag}")     # tools/debug --dir
    env = {k: v for k, v in os.environ.items()
           if k not in ("SCENARIO", "DEBUG_CMDLINE", "DEBUG_ARGS")}
    if walk.scenario:
        env["SCENARIO"] = walk.scenario
    port = check_gdb.free_port()
    cmd = [os.path.join(kernel.ROOT, "tools", "debug"), "--dir", work, "--port", str(port),
           "-nx", "-batch"] + [a for c in walk.gdb_commands for a in ("-ex", c)]
    deadline = time.monotonic() + timeout
    note = None
    debug = subprocess.Popen(cmd, cwd=kernel.ROOT, env=env, stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             start_new_session=True)
    gdb, console, shown = Output(debug.stdout), None, None
    try:
        if walk.console_lines():
            console = subprocess.Popen(
                [os.path.join(kernel.ROOT, "tools", "console"), "--wait", str(timeout),
                 os.path.join(work, "debug-console.sock")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                start_new_session=True)
            shown = Output(console.stdout)
            for stops, line in walk.console_lines():
                if not gdb.wait_stops(stops, deadline):
                    note = f"gdb did not stop {stops} times, so `{line}` was not typed"
                    break
                console.stdin.write(line.encode() + b"\n")
                console.stdin.flush()
            console.stdin.close()
        try:
            debug.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            note = note or f"the walk did not end within {timeout:g} s"
    finally:
        check_gdb.stop_group(debug)         # tools/debug and gdb; its trap stops QEMU
        if console:
            check_gdb.stop_group(console)
    if check_gdb.port_open(port):
        note = f"QEMU's gdb stub still listens on port {port} after tools/debug ended"
    gdb.thread.join(timeout=5)
    with open(walk.log(log_dir), "w") as f:
        f.write(f"{walk}\n{' '.join(cmd)}\n\n{gdb.text}")
    serial = ""
    if os.path.exists(os.path.join(work, "debug-serial.log")):
        serial_log = walk.log(log_dir).replace(".log", "-serial.log")
        shutil.copy(os.path.join(work, "debug-serial.log"), serial_log)
        serial = kernel.read_log(serial_log)
    if note:
        raise Failure(f"{note}; gdb's last lines:\n    "
                      + "\n    ".join(gdb.text.splitlines()[-8:]))
    shutil.rmtree(work, ignore_errors=True)
    return gdb.text, serial, shown.text.replace("\r\n", "\n") if shown else ""


def check_any_walk(walk, out):
    """What every walk must show: one location per breakpoint, a stop for
    each `continue` with more commands after it, and no command dying."""
    m = re.search(r"^(?:Temporary breakpoint|Breakpoint) \d+ at 0x[0-9a-f]+: (\w+)\. "
                  r"\((\d+) locations\)$", out, re.M)
    if m:
        raise Failure(f"a breakpoint on {m.group(1)} has {m.group(2)} locations (inlined "
                      "copies?); one the documents name must have one")
    stops = [m.group(3) for m in STOP_LINE.finditer(out)]
    several = [m.group(0) for m in STOP_LINE.finditer(out) if m.group(2)]
    if several:
        raise Failure(f"a stop at one of several locations: {several[0]}")
    want = sum(walk.expects_stop())
    if len(stops) < want:
        raise Failure(f"gdb stopped {len(stops)} times ({', '.join(stops) or 'never'}), "
                      f"the walk's continues expect {want}")
    for what, pattern in check_gdb.REFUSE:
        m = re.search(pattern, out, re.M)
        if m:
            raise Failure(f"{what}: {m.group(0)}")
    print(f"check_gdb_walks: ok: {walk}: {len(stops)} stops ({', '.join(stops)}), "
          "one location per breakpoint")


def check_queue_walk(out, serial, typed):
    """README: make debug (the stress suite), break kswiod_queue_page, bt,
    finish, kiodq: reclaim handed a page over, and it is in the queue."""
    text = stop_texts(out, ["kswiod_queue_page"])["kswiod_queue_page"]
    check_gdb.check_reclaim_handover(text)
    check_gdb.check_output(text, [
        ("finish: kswiod_queue_page returned true (the page is queued)",
         r"^Value returned is \$\d+ = true$"),
        ("kiodq counted the queued pages", r"^kswiod: [1-9]\d* queued, \d+ in flight in \d+ bios"),
        ("kiodq listed a page with where it goes",
         r"^ +0  pfn 0x[0-9a-f]+  (swap  \w+ slot \d+|file  inode \d+ page \d+)$"),
    ])


def check_console_walk(out, serial, typed):
    """README: make debug SCENARIO=swap_hog with make console: kuser sh and
    `break main if $kcurrent("sh")` stop in the shell's main when init
    starts it (bt in user/sh.c, kps with sh current and its process line);
    `monitor`, typed then, leaves the shell for the monitor; `reclaim 100`,
    typed while gdb holds the CPU at monitor_run, stops in reclaim_some,
    called by the monitor's command; halt ends the session."""
    texts = stop_texts(out, ["main", "monitor_run", "reclaim_some"])
    check_bt("main", texts["main"], ["main"])
    check_gdb.check_output(texts["main"], [
        ("bt shows the shell's main in user/sh.c",
         r"^#0\s+(0x[0-9a-f]+ in )?main \(argc=1, argv=0x[0-9a-f]+\) at user/sh\.c:\d+$"),
        ("kps lists sh as the current task", r"^\* +\d+ sh +running "),
        ("kps gives the shell's process its memory",
         r"^ +process: parent [1-9]\d*, [1-9]\d* pages resident, \d+ swapped$"),
    ])
    check_bt("reclaim_some", texts["reclaim_some"],
             ["reclaim_some", "cmd_reclaim", "monitor_run", "kmain"])
    check_gdb.check_output(serial, [
        ("swap_hog passed before the monitor", r"^\[ *[\d.]+\] test swap_4x_ram_reads_back_every_page: ok"),
        ("the shell left for the monitor", r"^sh: leaving for the kernel's monitor$"),
        ("the monitor ran the line typed at the console",
         r"swiod> reclaim \d+\nreclaimed \d+ pages"),
        ("halt, typed at the console, ended the session", r"monitor: halt \("),
    ])
    if "reclaimed" not in typed:
        raise Failure("make console did not show the monitor's answer")
    print("check_gdb_walks: ok: make console showed the answer to what it typed")


# (document, scenario): the check of that walk.
WALK_CHECKS = {
    ("README.md", None): check_queue_walk,
    ("README.md", "swap_hog"): check_console_walk,
    ("docs/deadlock-1999.md", "deadlock_1999"): check_gdb_deadlock.check_walk,
}


def main():
    p = argparse.ArgumentParser(description="run the documents' gdb walks as written")
    p.add_argument("--doc", action="append", metavar="FILE",
                   help="a document, relative to the root (default: README.md, docs/*.md)")
    p.add_argument("--log-dir", default=kernel.LOG_DIR)
    p.add_argument("--timeout", type=float, default=60, metavar="S", help="per walk (60)")
    args = p.parse_args()
    docs = args.doc or ["README.md"] + sorted(
        os.path.join("docs", f) for f in os.listdir(os.path.join(kernel.ROOT, "docs"))
        if f.endswith(".md"))
    os.makedirs(args.log_dir, exist_ok=True)
    try:
        walks = [w for doc in docs for w in find_walks(doc)]
        if not walks:
            raise Failure(f"no walk (no '$ make debug' line) in {', '.join(docs)}")
        unchecked = [str(w) for w in walks if (w.doc, w.scenario) not in WALK_CHECKS]
        if unchecked:
            raise Failure(f"no check in WALK_CHECKS for the walk at {unchecked[0]}")
        for walk in walks:
            if not walk.gdb_commands:
                raise Failure(f"{walk}: no '(gdb) ' lines")
            print(f"check_gdb_walks: {walk}: {len(walk.gdb_commands)} gdb commands, "
                  f"{len(walk.console_lines())} console lines", flush=True)
            start = time.monotonic()
            out, serial, typed = run_walk(walk, args.log_dir, args.timeout)
            try:
                check_any_walk(walk, out)
                WALK_CHECKS[walk.doc, walk.scenario](out, serial, typed)
            except Failure as f:
                raise Failure(f"{walk}: {f}; see {walk.log(args.log_dir)}")
            print(f"check_gdb_walks: ok: {walk} in {time.monotonic() - start:.1f} s", flush=True)
    except Failure as f:
        print(f"check_gdb_walks: FAIL: {f}", flush=True)
        return 1
    print(f"check_gdb_walks: PASS ({len(walks)} walks in {', '.join(docs)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
