"""user_session.py - how a user-program test boots (user_tests.py and
user_socket_tests.py use it): the user image made fresh with mke2fs -d,
a monitor session that types commands (monitor_session, self_checked)
or a boot with init= (init_boot), and one way of judging them all: the
patterns in order, no PANIC, no rejected line, and e2fsck -fn clean.
"""
import os
import re
import shutil
import subprocess

import ext2_images
import kernel
from judge import last_verdict, missing_in_order
from mmap_tests import fresh_swap

MKE2FS = "/sbin/mke2fs"
USER_ROOT = os.path.join(kernel.ROOT, "build", "user", "root")


def user_image(path, mib=16, extra=None):
    """A fresh ext2 image holding build/user/root (/bin/hello, ...) and,
    when given, extra: {"/bin/NAME": bytes} more files."""
    if not os.path.isdir(os.path.join(USER_ROOT, "bin")):
        raise RuntimeError("no build/user/root/bin: run make first")
    if os.path.exists(path):
        os.unlink(path)
    root = USER_ROOT
    if extra:
        root = path + ".root"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(USER_ROOT, root)
        for name, data in extra.items():
            with open(os.path.join(root, name.lstrip("/")), "wb") as f:
                f.write(data)
            os.chmod(os.path.join(root, name.lstrip("/")), 0o755)
    subprocess.run([MKE2FS, "-q", "-F", "-t", "ext2", "-b", "1024", "-d", root, path,
                    f"{mib}M"], check=True, capture_output=True)
    if extra:
        shutil.rmtree(root)
    return path


def ended(path, how):
    """The kernel's line for a program that ended: how is 'exited with
    status N' or 'killed by SIGNAME'."""
    return rf"process: {re.escape(path)} \(pid \d+\) {how}"


def monitor_session(script, expect_in_order, reject=(), mem=None, swap_mib=0, timeout=60,
                    cmdline="", check=None, extra=None, check_image=None, more_disks=None,
                    guestfwd=()):
    """Boot the monitor with the user image as hda (after a swap area as
    hda when swap_mib, the image then hdb), mounted on /; type script;
    halt must report success and the patterns must appear in order;
    check(text), when given, has the last word (None or a reason), after
    check_image(image, disks) (the same, on the image and all the disks
    after the boot);
    extra() gives more files for the image (see user_image);
    more_disks(log) gives the paths of more disks, after the image;
    guestfwd: host ports the guest reaches at 10.0.2.100 (with a NIC)."""
    def run(log):
        disks, swapon = [], ""
        if swap_mib:
            disks.append(fresh_swap(f"{log}.swap.img", swap_mib))
            swapon = " swapon=hda"
        image = user_image(f"{log}.ext2.img", extra=extra() if extra else None)
        disks.append(image)
        if more_disks:
            disks.extend(more_disks(log))
        dev = "hdb" if swap_mib else "hda"
        rc = kernel.boot(f"monitor mount={dev}:/{swapon} {cmdline}".strip(), log,
                         timeout=timeout, mem=mem, disks=disks,
                         stdin_text=script + "halt\n", net=bool(guestfwd), guestfwd=guestfwd)
        text = kernel.read_log(log)
        if rc != 0:
            return f"qemu-boot status {rc}: {last_verdict(text)}"
        reason = judged(text, expect_in_order + [r"monitor: halt \(0 test failures"], reject)
        if not reason and check_image:
            reason = check_image(image, disks)
        if not reason and check:
            reason = check(text)
        reason = reason or e2fsck_clean(image)
        if not reason:
            for d in disks:
                os.unlink(d)
        return reason
    return run


def self_checked(command, expect_in_order, then="", **session):
    """A monitor session that runs one self-checking program (command:
    its name and arguments; then: more typed after it): its lines
    expect_in_order, then its "0 wrong" and a clean exit; no WRONG line
    anywhere."""
    name = command.split()[0]
    return monitor_session(
        f"run /bin/{command}\n{then}",
        expect_in_order + [rf"{name}: 0 wrong", ended(f"/bin/{name}", "exited with status 0")],
        reject=[r"WRONG"], **session)




def judged(text, expect, reject=()):
    """None when the patterns appear in order, no PANIC and no rejected
    pattern; else why not."""
    if "PANIC" in text:
        return "the log shows a PANIC"
    reason = missing_in_order(text, expect)
    for pattern in reject:
        if not reason and re.search(pattern, text, re.M):
            reason = f"output matches /{pattern}/, which must not appear"
    return reason


def e2fsck_clean(image):
    """None when e2fsck -fn finds the image clean; else its complaint."""
    problems = ext2_images.e2fsck_problems(image)
    return "e2fsck -fn complains after the boot: " + problems[:600] if problems else None


def init_boot(program, verdict_rc, expect, script=None, reject=()):
    """Boot with init=PROGRAM (and no monitor), script typed on the
    console: the boot ends when it does, with success only when it exited
    with status 0; the patterns must appear in order, the rejected ones
    not at all, and e2fsck -fn must find the image clean."""
    def run(log):
        image = user_image(f"{log}.ext2.img")
        rc = kernel.boot(f"init={program} mount=hda:/", log, disks=[image], stdin_text=script)
        text = kernel.read_log(log)
        if rc != verdict_rc:
            return f"qemu-boot status {rc}, want {verdict_rc}: {last_verdict(text)}"
        reason = judged(text, expect, reject) or e2fsck_clean(image)
        if not reason:
            os.unlink(image)
        return reason
    return run
