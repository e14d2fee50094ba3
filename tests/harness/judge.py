"""judge.py - deciding whether one kernel test passed.

A test passes only when everything agrees: qemu-boot reports the verdict
the test expects, the log holds the test's begin line, its ok line and the
summary line, every pattern the spec demands is there, none it rejects is,
and no panic shows.  A test that skipped (ktest_skip: "test NAME:
skipped: why") has not passed: it is a failure unless its spec allows a
skip, and then it is judged Skipped -- counted apart, never as passed.
The harness self-test feeds deliberately broken tests through this same
function to prove that each way of failing is caught.
"""
import re


class Skipped(str):
    """judge()'s answer for a test that skipped where its spec allows it:
    the reason it gave.  Neither a pass (None) nor a failure."""

VERDICT_LINES = {
    0: "qemu-boot: the kernel reported success",
    1: "qemu-boot: the kernel reported failure",
}


def judge(name, rc, log_text, expect=(), verdict="pass", reject=(), may_skip=False):
    """Return None when the test passed, Skipped(why) when it skipped and
    may_skip, else the reason it did not pass."""
    if verdict == "panic":
        if rc != 2 or "qemu-boot: the kernel panicked" not in log_text:
            return f"expected a panic, got qemu-boot status {rc}: {last_verdict(log_text)}"
        required = [f"test {name}: begin"]
    else:
        if rc != 0:
            return f"qemu-boot status {rc}: {last_verdict(log_text)}"
        if "PANIC" in log_text:
            return "the log shows a PANIC"
        skip = re.search(rf"test {re.escape(name)}: skipped: (.*)$", log_text, re.M)
        if skip:
            why = skip.group(1)
            return Skipped(why) if may_skip else f"skipped ({why}), which its spec does not allow"
        required = [f"test {name}: begin", f"test {name}: ok",
                    "tests: 1 passed, 0 failed, 0 skipped"]
    for line in required:
        if line not in log_text:
            return f"missing line: {line!r}"
    for pattern in expect:
        if not re.search(pattern, log_text, re.M):
            return f"missing output matching /{pattern}/"
    for pattern in reject:
        if re.search(pattern, log_text, re.M):
            return f"output matches /{pattern}/, which must not appear"
    return None


def missing_in_order(text, patterns):
    """None when every pattern (multi-line regexes) matches text, each
    after the one before; else which one did not."""
    pos = 0
    for pattern in patterns:
        m = re.compile(pattern, re.M).search(text, pos)
        if not m:
            return f"missing output matching /{pattern}/ (in order)"
        pos = m.end()
    return None


def last_verdict(log_text):
    lines = [l for l in log_text.splitlines() if l.startswith("qemu-boot: ")]
    return lines[-1][len("qemu-boot: "):] if lines else "no verdict line"
