"""kernel.py - what the test and bench runners share: finding the built-in
tests and benchmarks in the kernel image, and booting it through
tools/qemu-boot with the output kept in a log file."""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KERNEL = os.path.join(ROOT, "build", "swiod.elf")
QEMU_BOOT = os.path.join(ROOT, "tools", "qemu-boot")
LOG_DIR = os.path.join(ROOT, "build", "test-logs")
NM = "i686-linux-gnu-nm"


def registered(prefix, elf=KERNEL):
    """Names registered with KTEST (prefix ktest_desc_) or KBENCH
    (kbench_desc_): the macros leave one symbol per entry."""
    out = subprocess.run([NM, elf], check=True, capture_output=True, text=True).stdout
    names = re.findall(r"\s" + prefix + r"(\w+)$", out, re.M)
    return sorted(set(names))


def aliases(elf=KERNEL):
    """{SHORT: NAME} for the tests that also answer to a short name
    (KTEST_MANUAL_ALIAS: the symbol ktest_alias_SHORT sits at the address
    of ktest_desc_NAME)."""
    out = subprocess.run([NM, elf], check=True, capture_output=True, text=True).stdout
    at = dict(re.findall(r"^([0-9a-f]+) \w ktest_desc_(\w+)$", out, re.M))
    return {short: at[addr]
            for addr, short in re.findall(r"^([0-9a-f]+) \w ktest_alias_(\w+)$", out, re.M)}


def boot_command(cmdline, log, timeout=60, icount=False, mem=None, disks=(), extra=(),
                 net=False, guestfwd=(), hostfwd=()):
    """tools/qemu-boot's command line for one boot (see boot()); hostfwd:
    "HOST:GUEST" pairs, host 127.0.0.1:HOST reaching the guest's GUEST."""
    cmd = [QEMU_BOOT, "--quiet", "--log", log, "--timeout", str(timeout)]
    if net:
        cmd.append("--net")
    for port in guestfwd:
        cmd += ["--guestfwd", str(port)]
    for pair in hostfwd:
        cmd += ["--hostfwd", pair]
    if icount:
        cmd.append("--icount")
    if mem:
        cmd += ["--mem", str(mem)]
    for d in disks:
        cmd += ["--disk", d]
    return cmd + list(extra) + ["--", cmdline]


def boot(cmdline, log, timeout=60, icount=False, mem=None, disks=(), stdin_text=None,
         extra=(), net=False, guestfwd=()):
    """Boot once; return qemu-boot's exit status (0 success, 1 failure,
    2 panic, no verdict or timeout).  Serial output and qemu-boot's own
    verdict line go to log.  net: an e1000 on user networking; guestfwd:
    host ports the guest reaches at 10.0.2.100."""
    cmd = boot_command(cmdline, log, timeout, icount, mem, disks, extra, net, guestfwd)
    r = subprocess.run(cmd, input=(stdin_text or "").encode(), stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE)
    return r.returncode


def read_log(log):
    """The log as text, with the serial port's CR LF made LF."""
    with open(log, "rb") as f:
        return f.read().decode("utf-8", "replace").replace("\r\n", "\n")
