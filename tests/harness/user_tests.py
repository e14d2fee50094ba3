"""user_tests.py - user programs (user/, built into build/user/root/bin)
run from an ext2 image made fresh for each boot with `mke2fs -d`, started
by the monitor's `run PATH ARGS` or by init= on the command line.  Each
test checks the programs' own output, the kernel's line saying how each
ended (its exit status or the signal that ended it), that the kernel
outlives whatever a program does (the monitor still answers and `halt`
reports success), and that e2fsck -fn finds the image clean afterwards.
Each test is a function (log_path) -> None on pass or a reason.  How
the boots are made and judged is user_session.py's; the socket and poll
tests are in user_socket_tests.py and join USER_TESTS here.
"""
import os
import re
import struct

import ext2_images
from user_session import USER_ROOT, ended, init_boot, monitor_session, user_image
from user_socket_tests import USER_SOCKET_TESTS

ELF_PHOFF, ELF_ENTRY, ELF_PHENTSIZE, ELF_PHNUM = 28, 24, 42, 44   # offsets in the ELF32 header
PHDR_SIZE, PH_OFFSET, PH_VADDR, PH_MEMSZ = 32, 4, 8, 20             # ... and in a program header


def patched(data, *edits):
    """data with each (offset, struct format, value) written in."""
    b = bytearray(data)
    for offset, fmt, value in edits:
        struct.pack_into(fmt, b, offset, value)
    return bytes(b)


def broken_programs():
    """hello, damaged in each way exec must refuse, and /bin/true of the
    host (x86-64, dynamically linked)."""
    with open(os.path.join(USER_ROOT, "bin", "hello"), "rb") as f:
        hello = f.read()
    phoff = struct.unpack_from("<I", hello, ELF_PHOFF)[0]
    first, second, fourth = phoff, phoff + PHDR_SIZE, phoff + 3 * PHDR_SIZE
    with open("/bin/true", "rb") as f:
        host_true = f.read()
    return {
        "/bin/script": b"#!/bin/sh\necho not an ELF file\n",
        "/bin/x86_64": host_true,
        "/bin/phnum": patched(hello, (ELF_PHNUM, "<H", 0xFFFF)),
        "/bin/phoff": patched(hello, (ELF_PHOFF, "<I", 0x7FFFFFF0)),
        "/bin/kernel_half": patched(hello, (first + PH_VADDR, "<I", 0xC0000000)),
        "/bin/overlap": patched(hello, (second + PH_VADDR, "<I", 0x08048000)),
        "/bin/wraps": patched(hello, (first + PH_MEMSZ, "<I", 0xFFFFFFF0)),
        "/bin/truncated": hello[:0x1800],
        "/bin/entry0": patched(hello, (ELF_ENTRY, "<I", 0)),
        "/bin/empty": b"",
        "/bin/phentsize": patched(hello, (ELF_PHENTSIZE, "<H", 16)),
        "/bin/offset_past": patched(hello, (second + PH_OFFSET, "<I", 0x7FFFF000)),
        "/bin/memsz_small": patched(hello, (fourth + PH_MEMSZ, "<I", 2)),   # filesz is 4
        "/bin/page0": patched(hello, (first + PH_VADDR, "<I", 0)),
        "/bin/entry_kernel": patched(hello, (ELF_ENTRY, "<I", 0xC0100000)),
    }


REFUSALS = {
    "script": "not an ELF file",
    "x86_64": "not a 32-bit little-endian i386 program",
    "phnum": r"no program headers, or more than EXEC_PHDRS_MAX \(16\)",
    "phoff": r"program headers cut short",
    "kernel_half": "a segment larger than its memory or past the user half",
    "overlap": "segments that share a page or overlap",
    "wraps": "a segment larger than its memory or past the user half",
    "empty": "not an ELF file",
    "phentsize": r"no program headers, or more than EXEC_PHDRS_MAX \(16\)",
    "offset_past": "the file ends inside a segment",
    "memsz_small": "a segment larger than its memory or past the user half",
    "page0": "a segment in page 0, where NULL points",
}


# Two rounds warm the caches (the programs' pages, the slab caches fork,
# exec and the areas grow: one round leaves them 2 pages short of where
# they settle), so that the third, the same, must give every page back.
HOSTILE_ROUND = ("run /bin/hostile\nrun /bin/hostile areas\nrun /bin/hostile insns\n"
                 "run /bin/hostile exec 50\n"
                 "ps\nvmstat\nswap\n"
                 "run /bin/sh\nhostile recurse\necho status $?\nps\nexit 0\n")

FUZZ_SEEDS = [1]
FUZZ_CALLS = 100000


def free_pages_come_back(text):
    """The monitor's two `free` answers (after a warm-up run, and after
    the runs under test) show no fewer free pages the second time (more
    is fine: reclaim may have dropped cached file pages meanwhile)."""
    counts = [int(n) for n in re.findall(r"^pages: (\d+) free of", text, re.M)]
    if len(counts) != 2:
        return f"expected two 'pages: N free' answers, found {len(counts)}"
    if counts[1] < counts[0]:
        return f"{counts[0] - counts[1]} pages not given back ({counts})"
    return None


def pages_back_or_in_empty_slabs(text):
    """free_pages_come_back, where the monitor's `slab` after each `free`
    may explain pages short: a cache that holds no more objects than
    before but kept another slab (a cache keeps an empty slab once grown,
    and which slab empties varies from run to run) -- every page short
    must be in such a slab."""
    counts = [int(n) for n in re.findall(r"^pages: (\d+) free of", text, re.M)]
    tables = [dict((m[0], (int(m[1]), int(m[2]), int(m[3]))) for m in re.findall(
        r"^(\S+) +\d+ +\d+ +(\d+) +(\d+) +(\d+)$", t, re.M))
        for t in re.findall(r"swiod> slab\n(.*?)swiod> ", text, re.S)]
    if len(counts) != 2 or len(tables) != 2:
        return f"expected two free and two slab answers, found {len(counts)} and {len(tables)}"
    if counts[1] >= counts[0]:
        return None
    grown = 0
    for name, (objects, slabs, pages) in tables[1].items():
        before = tables[0].get(name, (0, 0, pages))
        if objects <= before[0]:        # a cache holding more is not a kept empty slab
            grown += max(0, slabs - before[1]) * pages
    if counts[0] - counts[1] > grown:
        return (f"{counts[0] - counts[1]} pages not given back ({counts}), "
                f"{grown} of them in slabs kept")
    return None


def free_matches_the_monitor(text):
    """/bin/free -p's counts (sysinfo) against the monitor's free and swap
    just after: the same totals, the free pages within what the program
    itself held (it has exited when the monitor counts)."""
    mem = re.search(r"^Mem: +(\d+) +(\d+) +(\d+)$", text, re.M)
    swp = re.search(r"^Swap: +(\d+) +(\d+) +(\d+)$", text, re.M)
    mon = re.search(r"^pages: (\d+) free of (\d+) managed", text, re.M)
    area = re.search(r"^hda +-?\d+ +(\d+) +(\d+) +\d+$", text, re.M)
    if not (mem and swp and mon and area):
        return "free's Mem:/Swap: lines or the monitor's free/swap answers are missing"
    total, used, free = map(int, mem.groups())
    if total != int(mon.group(2)) or used + free != total:
        return f"free says {total} pages ({used} used + {free} free), the monitor {mon.group(2)}"
    if not 0 <= int(mon.group(1)) - free <= 64:
        return f"free says {free} pages free, the monitor then {mon.group(1)}"
    if (int(swp.group(1)), int(swp.group(2))) != (int(area.group(1)), int(area.group(2))):
        return f"free's swap {swp.groups()} is not the monitor's {area.groups()}"
    return None


KNOWN_TXT = b"known data: 0123456789\nsecond line\n"
FILEIO_BIG, FILEIO_HOLE_AT = 10000, 20000


def fileio_files_on_disk(image, disks):
    """What user/fileio.c leaves on the image, read back by debugfs."""
    pattern = bytes(ord("a") + (i * 7 + i // 26) % 26 for i in range(FILEIO_BIG))
    want = {
        "/work/moved.txt": pattern + bytes(FILEIO_HOLE_AT - FILEIO_BIG) + b"tail",
        "/work/log": b"a\nb\n",
        "/known.txt": KNOWN_TXT,
    }
    for path, data in want.items():
        got = ext2_images.debugfs_dump(image, path)
        if got != data:
            return (f"debugfs: {path} is " + ("missing" if got is None else
                    f"{len(got)} bytes, not the {len(data)} fileio wrote"))
    for path in ("/work/out.txt", "/work/sub", "/work/gone"):
        if ext2_images.debugfs_dump(image, path) is not None:
            return f"debugfs: {path} is still there"
    return None


def ls_lists_what_the_host_put_there(text):
    """`ls /bin`'s answer is exactly build/user/root/bin's names, and
    `ls -l /` gives known.txt's size as the host has it."""
    m = re.search(r"swiod> run /bin/ls /bin\n(.*?)\n\[ *[\d.]+\] process: /bin/ls", text, re.S)
    if not m:
        return "no answer to ls /bin"
    got = sorted(m.group(1).split("\n"))
    want = sorted(os.listdir(os.path.join(USER_ROOT, "bin")))
    if got != want:
        return f"ls /bin says {got}, the image holds {want}"
    if not re.search(rf"^- +{len(KNOWN_TXT)} known\.txt$", text, re.M):
        return f"ls -l / does not give known.txt as a {len(KNOWN_TXT)}-byte file"
    return None


def ls_dev_lists_the_block_devices(text):
    """ls /dev, ls -l /dev and sh's cd /dev + ls against the kernel's
    "block: NAME: N sectors" lines: the same names in the order they
    registered, each a block device (b) of N * 512 bytes, named in /dev
    or by its path."""
    devs = re.findall(r"^\[ *[\d.]+\] block: (\w+): (\d+) sectors", text, re.M)
    names = [name for name, _ in devs]
    if len(names) < 3:
        return f"the boot registered {names}, not hda, hdb and ram0 at least"
    m = re.search(r"swiod> run /bin/ls /dev\n(.*?)\n\[ *[\d.]+\] process: /bin/ls", text, re.S)
    if not m or m.group(1).split("\n") != names:
        return f"ls /dev says {m.group(1).split() if m else None}, the kernel registered {names}"
    for name, sectors in devs:
        if not re.search(rf"^b +{int(sectors) * 512} {name}$", text, re.M):
            return f"ls -l /dev does not give {name} as a block device of {int(sectors) * 512} bytes"
    if not re.search(rf"^b +{int(devs[0][1]) * 512} /dev/{names[0]}$", text, re.M):
        return f"ls -l /dev/{names[0]} does not give it as a block device"
    if "$ ls\n" + "\n".join(names) + "\n$ " not in text:
        return "sh's cd /dev then ls does not list the devices"
    return None


DEVIO_SIZE, DEVIO_WRITE_AT = 1024 * 1024, 5110
DEVIO_BIG_AT, DEVIO_BIG_LEN = 200003, 300001      # user/devio.c's BIG_AT, BIG_LEN


def devio_known():
    """What user/devio.c expects on /dev/hdb: known(i) at each offset i."""
    return bytes((i * 31 + i // 512) % 251 for i in range(DEVIO_SIZE))


def devio_disk(log):
    path = f"{log}.hdb.img"
    with open(path, "wb") as f:
        f.write(devio_known())
    return [path]


def devio_wrote_only_its_message(image, disks):
    """The second disk after the boot: known data, but for devio's 16
    bytes at DEVIO_WRITE_AT and its moved(i) = (7i + 3) % 253 over
    DEVIO_BIG_LEN bytes at DEVIO_BIG_AT."""
    with open(disks[-1], "rb") as f:
        got = f.read()
    msg = b"written by devio"
    want = devio_known()
    want = want[:DEVIO_WRITE_AT] + msg + want[DEVIO_WRITE_AT + len(msg):]
    end = DEVIO_BIG_AT + DEVIO_BIG_LEN
    want = (want[:DEVIO_BIG_AT] + bytes((i * 7 + 3) % 253 for i in range(DEVIO_BIG_AT, end))
            + want[end:])
    if got == want:
        return None
    first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]), None)
    return f"hdb after the boot: {len(got)} bytes, first wrong byte at {first}"


def ps_agrees_with_the_monitor(text):
    """/bin/ps's tasks against the monitor's ps just after: every kernel
    task the monitor lists is in /bin/ps, bracketed, under the same id;
    /bin/ps lists itself as a running user process."""
    m = re.search(r"swiod> run /bin/ps\n  PID  PPID S NAME +WAITS ON\n(.*?)\n\[", text, re.S)
    mon = re.search(r"swiod> ps\n  id name.*?\n(.*?)swiod> ", text, re.S)
    if not m or not mon:
        return "no /bin/ps table, or no monitor ps after it"
    ours = {}
    for line in m.group(1).split("\n"):
        f = line.split()
        ours[int(f[0])] = (f[3], f[2])
    for line in mon.group(1).split("\n"):
        f = re.match(r"[ *] *(\d+) (\S+)", line)
        if f and not f.group(2).startswith("ps"):
            want = f"[{f.group(2)}]"
            if ours.get(int(f.group(1)), ("",))[0] != want:
                return f"the monitor's task {f.group(1)} {f.group(2)} is not {want} in /bin/ps"
    mine = [v for v in ours.values() if v[0] == "ps"]
    if mine != [("ps", "R")]:
        return f"/bin/ps does not list itself once, running: {mine}"
    return None


FILEMAP_CASES = [
    "mmap_private_file_writes_stay_private", "munmap_of_a_file_mapping_whole_and_in_part",
    "prot_none_touch_ends_a_child", "private_file_and_prot_none_pages_swap_out_and_back",
    "mlock_of_a_file_mapping_keeps_its_pages",
]
USERTESTS_CASES = [
    "fork_exec_wait_tree", "cow_pages_swapped_out_and_back", "pipe_with_a_reader_that_dies",
    "bad_pointers_to_every_call", "fork_bomb_stopped_at_the_limit",
    "mmap_of_a_file_shared_between_processes", "mlock_honoured_while_a_hog_swaps",
    *FILEMAP_CASES, "killed_during_swap_in", "free_pages_come_back",
]
# The cases whose system calls main has: these must say ok; the others
# may say "skipped: CALL not built" until their calls land.
USERTESTS_MUST_PASS = [
    "fork_exec_wait_tree", "cow_pages_swapped_out_and_back", "pipe_with_a_reader_that_dies",
    "bad_pointers_to_every_call", "fork_bomb_stopped_at_the_limit",
    "mmap_of_a_file_shared_between_processes", "mlock_honoured_while_a_hog_swaps",
    *FILEMAP_CASES, "killed_during_swap_in", "free_pages_come_back",
]




def usertests_verdict(text):
    """Every case said ok or skipped (the required ones ok); after the
    full run every page came back (the monitor's free after a warm-up
    run and after it) and no swap slot is in use."""
    for name in USERTESTS_CASES:
        said = re.findall(rf"^usertests: {name}: (ok|skipped: .*)$", text, re.M)
        if not said:
            return f"usertests' case {name} said neither ok nor skipped"
        if name in USERTESTS_MUST_PASS and said[-1] != "ok":
            return f"usertests' case {name}: {said[-1]}, but its calls are built"
    used = re.findall(r"^hda +-?\d+ +\d+ +(\d+) +\d+$", text, re.M)
    if not used or used[-1] != "0":
        return f"swap slots still in use after usertests ended: {used[-1:] or 'no swap answer'}"
    return free_pages_come_back(text)


def usertests_pattern(pages, who):
    """user/usertests.c's pattern(i, who) over pages pages: its words as
    the disk holds them (little-endian)."""
    return b"".join(struct.pack("<I", ((i * 2654435761) & 0xFFFFFFFF) ^ who)
                    for i in range(pages * 1024))


def file_mappings_reached_the_disk(image, disks):
    """After the file-mapping cases: debugfs reads /usertests.shared with
    what the processes wrote through their shared mappings before munmap
    and fsync (pages 0-1 the child's, 2-3 the parent's), and
    /usertests.private with what was written before it was mapped -- none
    of the private writes."""
    want = {
        "/usertests.shared": usertests_pattern(2, 31) + usertests_pattern(4, 32)[8192:],
        "/usertests.private": usertests_pattern(4, 20),
    }
    for path, data in want.items():
        got = ext2_images.debugfs_dump(image, path)
        if got != data:
            first = None if got is None else next(
                (i for i in range(min(len(got), len(data))) if got[i] != data[i]), len(got))
            return (f"debugfs: {path} is " + ("missing" if got is None else
                    f"{len(got)} bytes, first byte unlike the writes at {first}"))
    return None


SH_SCRIPT = """echo hello world
echo one two | cat | cat
echo to a file > /f.txt
echo more >> /f.txt
cat < /f.txt
nothere
echo status $?
sh -c 'exit 3'
echo status $?
cd /bin
cat ../f.txt
./echo relative
cd /nowhere
echo 'quoted  spaces' "and $?"   # a comment
segv
echo status $?
cat /f.txt | hog 1 | cat
echo a | b
exit 0
"""


USER_TESTS = {
    # exec builds argv; write, getpid and getppid answer; a program that
    # is not there ends with 127, as in a shell; brk, mmap2 and munmap.
    "user_programs_run_with_arguments_and_exit_status": monitor_session(
        "run /bin/hello one two\nrun /bin/memcalls\nrun /bin/nothere\n",
        [r"hello: hello, world from pid (\d+) \(parent 0\)",
         r"hello: argv\[0\] = /bin/hello\nhello: argv\[1\] = one\nhello: argv\[2\] = two\n",
         ended("/bin/hello", "exited with status 0"),
         r"memcalls: 0 wrong", ended("/bin/memcalls", "exited with status 0"),
         r"exec: nothere \(\d+\): error -2", ended("/bin/nothere", "exited with status 127")],
        reject=[r"WRONG"]),
    # The user library against known answers: errno and strerror, the
    # formats, a line longer than printf's buffer, malloc's blocks.
    "user_libc_sets_errno_formats_and_allocates": monitor_session(
        "run /bin/libctest\n",
        [r'libctest: strerror\(EFAULT\): "Bad address"',
         r'libctest: snprintf: "\[  -42\|ab  \|0000beef\|z\|3000000000\]"',
         r"^={600}$",
         r"libctest: a churn of 1000 blocks does not grow the heap: got 1, want 1",
         r"libctest: realloc to a mapping keeps the bytes: got 1, want 1",
         r"libctest: 0 wrong", ended("/bin/libctest", "exited with status 0")],
        reject=[r"WRONG"]),
    # sysinfo (116) and /bin/free: the kernel's own counts.
    "user_free_shows_the_kernels_memory_counts": monitor_session(
        "run /bin/free -p\nfree\nswap\n",
        [r"^Mem: ", r"^Swap: ", ended("/bin/free", "exited with status 0")],
        check=free_matches_the_monitor, swap_mib=16),
    # usertests (user/usertests.c), each case in a child of its own, on a
    # 32 MiB machine with swap: its hogs push everything else out.  A
    # first run warms the caches: it fills the slab caches (the fork
    # bomb), reads the programs the cases run (sh, hog) and the blocks of
    # the root directory into the caches, and leaves in the buffer cache
    # the bitmap and indirect blocks of the files the cases make and
    # remove.  The second run must then give back every page.
    "user_usertests_pass": monitor_session(
        "run /bin/usertests\nrun /bin/hog 1\nfree\nrun /bin/usertests\nfree\nswap\nsync\n",
        [r"usertests: \d+ skipped; \d+ passed, 0 failed$",
         r"usertests: \d+ skipped; \d+ passed, 0 failed$",
         ended("/bin/usertests", "exited with status 0")],
        reject=[r"FAILED", r"WRONG"], check=usertests_verdict, mem=32, swap_mib=64,
        timeout=300),
    # Mappings of files, private and shared, cut by munmap, PROT_NONE and
    # mlocked (usertests' cases, each in a child of its own), on a 32 MiB
    # machine with swap: the touches that must fail end their children
    # with the segfault report; after a sync, debugfs finds what the
    # shared mappings wrote in the file and no private write in the other,
    # and e2fsck no inode left by the file unlinked while mapped.
    "user_file_mappings_private_shared_unmapped_prot_none_locked": monitor_session(
        "run /bin/usertests " + " ".join(FILEMAP_CASES) + "\nswap\nsync\n",
        [r"segfault: task usertests \(\d+\) wrote [0-9a-f]{8} at eip [0-9a-f]{8}: no area "
         r"there, or its protection forbids it",
         r"^usertests: mmap_private_file_writes_stay_private: ok$",
         r"segfault: task usertests \(\d+\) read [0-9a-f]{8} ", r"segfault: .* wrote ",
         r"^usertests: munmap_of_a_file_mapping_whole_and_in_part: ok$",
         r"segfault: task usertests \(\d+\) read [0-9a-f]{8} at eip [0-9a-f]{8}: a protection "
         r"violation; ending it \(SIGSEGV\)", r"segfault: .* wrote .*: a protection violation",
         *[rf"^usertests: {name}: ok$" for name in FILEMAP_CASES[2:]],
         rf"usertests: 0 skipped; {len(FILEMAP_CASES)} passed, 0 failed$",
         ended("/bin/usertests", "exited with status 0")],
        reject=[r"FAILED", r"PANIC"], check_image=file_mappings_reached_the_disk, mem=32,
        swap_mib=64, timeout=300),
    # execve from user mode: bad arguments fail and leave the program
    # running; then it becomes hello, same pid, its own arguments.
    "user_execve_replaces_the_program_or_fails_cleanly": monitor_session(
        "run /bin/execer\n",
        [r"execer: a file that is not there: got -2, want -2",
         r"execer: a directory: got -13, want -13",
         r"execer: a string of argv in the kernel's half: got -14, want -14",
         r"execer: a string of envp in the kernel's half: got -14, want -14",
         r"exec: /bin/hello: more than EXEC_ENVP_MAX \(256\) environment strings",
         r"execer: EXEC_ENVP_MAX \+ 1 environment strings: got -7, want -7",
         r"exec: /bin/hello: more than EXEC_ARGS_MAX \(4096\) bytes of path, arguments and "
         r"environment",
         r"execer: environment strings past EXEC_ARGS_MAX bytes: got -7, want -7",
         r"(?s)execer: pid (\d+), 0 wrong; now becoming /bin/hello\n"
         r".*hello: hello, world from pid \1 \(parent 0\)",
         r"hello: argv\[0\] = /bin/hello\nhello: argv\[1\] = from\nhello: argv\[2\] = execer\n"
         r"hello: envp\[0\] = FROM=execer\nhello: envp\[1\] = EMPTY=\n",
         ended("/bin/execer", "exited with status 0")],
        reject=[r"WRONG", r"execve of /bin/hello failed"]),
    # nanosleep, clock_gettime and sched_yield; a monitor that waits for a
    # sleeping program is not a hang (hung_timeout=1, a 1.5 s nap).
    "user_time_calls_sleep_and_tell_the_time": monitor_session(
        "run /bin/sleeper\n",
        [r"sleeper: it slept at least 1500 ms: got 1, want 1",
         r"sleeper: slept \d+ ms; 0 wrong", ended("/bin/sleeper", "exited with status 0")],
        reject=[r"WRONG", r"hung: task \S+ \(id \d+\) blocked for"],
        cmdline="hung_timeout=1"),
    # Every bad pointer and bad number fails its one call (invariant 5).
    "user_bad_pointers_give_efault": monitor_session(
        "run /bin/badptr\n",
        [r"badptr: write from NULL: got -14, want -14",
         r"badptr: write from the kernel's half: got -14, want -14",
         r"badptr: write across the end of a mapping: got -14, want -14",
         r"^badptr: written with DF set$",
         r"badptr: 0 wrong", ended("/bin/badptr", "exited with status 0")],
        reject=[r"WRONG"]),
    # A hostile program (user/hostile.c): the memory calls given lengths
    # and addresses that wrap or reach the kernel's half, copies into
    # read-only, PROT_NONE and holed buffers (a partial read says what it
    # delivered and moves the position by that), poll, wait4 and kill
    # given numbers out of range, execve of argv that runs into a hole and
    # of files that are no program -- each Linux's errno; one-page
    # mappings until VM_AREAS_MAX says -ENOMEM (splits too); instructions
    # a program may not use or that trap, each child ended with Linux's
    # signal (int3 and the trap flag SIGTRAP); then a
    # recursion until the stack is gone ends in SIGSEGV, the shell says
    # 139, and the mapping nearest the stack is untouched.  The views
    # answer after each, and every page comes back.
    "user_hostile_program_gets_linux_errnos_and_the_kernel_stays_up": monitor_session(
        HOSTILE_ROUND * 2 + "free\nslab\n" + HOSTILE_ROUND + "free\nslab\n",
        [r"hostile: 15 calls given 43 bad buffers: 0 not -EFAULT",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"mm: hostile \(\d+\): its space has all VM_AREAS_MAX \(1024\) areas: -ENOMEM",
         r"hostile: mmap past the limit: got -12, want -12",
         r"hostile: munmap of a page in the middle of an area: got -12, want -12",
         r"hostile: then a mapping fits again: got 1, want 1",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"user fault: task hostile \(\d+\): breakpoint at eip [0-9a-f]{8}; ending it \(SIGTRAP\)",
         r"hostile: int3: the signal: got 5, want 5",
         r"user fault: task hostile \(\d+\): general protection fault at eip [0-9a-f]{8}; "
         r"ending it \(SIGSEGV\)", r"hostile: hlt: the signal: got 11, want 11",
         r"user fault: task hostile \(\d+\): divide error at eip [0-9a-f]{8}; ending it \(SIGFPE\)",
         r"hostile: int \$0x0e \(the page fault's vector\): the signal: got 11, want 11",
         r"user fault: task hostile \(\d+\): debug at eip [0-9a-f]{8}; ending it \(SIGTRAP\)",
         r"hostile: the nested-task flag across a system call: the signal: got 0, want 0",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"hostile: the last of the execs", ended("/bin/hostile", "exited with status 0"),
         r"sh: hostile: killed by signal 11", r"^status 139$",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"swiod> ps\n  id name", r"swiod> vmstat\n", r"swiod> swap\n",
         r"hostile: a child that recursed: its signal: got 11, want 11",
         r"hostile: words changed in the mapping nearest the stack: got 0, want 0",
         r"segfault: task hostile \(\d+\) wrote [0-9a-f]{8} at eip [0-9a-f]{8}: no area there",
         r"sh: hostile: killed by signal 11", r"^status 139$", r"PID +PPID",
         ended("/bin/sh", "exited with status 0")],
        reject=[r"WRONG", r"hostile: still alive"], check=pages_back_or_in_empty_slabs, mem=32,
        swap_mib=16),
    # Every process slot flooding loopback connections nobody reads
    # (hostile sockets): the socket buffers take all of memory, the fork
    # that finds none fails, each write that finds no room says -EAGAIN
    # or -ENOMEM, and the kernel goes on.  Killed, every connection goes
    # (after TIME_WAIT), the views answer, the next program runs, and the
    # second flood gives back every page the first left (a cache's kept
    # empty slab apart).
    "user_socket_flood_from_every_process_fails_writes_not_the_kernel": monitor_session(
        "run /bin/hostile sockets 7001\nfree\nslab\nrun /bin/hostile sockets 7002\nfree\nslab\n"
        "netstat\nps\nvmstat\nrun /bin/hello after\n",
        [r"hostile: child \d+: [1-9]\d* connections, \d+ bytes queued, last write -1[12]",
         r"hostile: \d+ processes flooding",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"hostile: \d+ processes flooding",
         r"hostile: 0 wrong", ended("/bin/hostile", "exited with status 0"),
         r"swiod> netstat\nTCP connections:\nsegments in", r"swiod> ps\n  id name",
         r"swiod> vmstat\n", r"hello: argv\[1\] = after"],
        reject=[r"WRONG", r"hostile: child \d+: 0 connections"],
        check=pages_back_or_in_empty_slabs, mem=32, timeout=300),
    # A segfault ends the program with a report; the kernel goes on: the
    # next program runs, the views answer, halt reports success.
    "user_segfault_ends_the_program_not_the_kernel": monitor_session(
        "run /bin/segv\nrun /bin/hello after\nps\nfree\n",
        [r"segv: writing to address 0",
         r"segfault: task segv \(\d+\) wrote 00000000 at eip 0804[0-9a-f]{4}: no area there",
         r"  esi [0-9a-f]{8} edi [0-9a-f]{8} ebp [0-9a-f]{8} esp bf[0-9a-f]{6}",
         ended("/bin/segv", "killed by SIGSEGV"),
         r"hello: argv\[1\] = after", ended("/bin/hello", "exited with status 0"),
         r"swiod> ps\n  id name", r"swiod> free\npages: \d+ free"],
        reject=[r"segv: still alive"]),
    # A 48 MiB program on a 32 MiB machine: its pages go to swap and come
    # back bit-identical (invariant 4), twice over; then three 16 MiB
    # processes at once.  The monitor waits for
    # it longer than hung_timeout=1 without being reported as hung.
    "user_hog_pages_swap_out_and_back_bit_identical": monitor_session(
        "run /bin/hog 48\nrun /bin/hog 16 procs=3\nvmstat\n",
        [r"boot: swapping on hda",
         r"hog: 48 MiB, 12288 pages, 0 bad words", ended("/bin/hog", "exited with status 0"),
         r"(?s)(hog: 16 MiB, 4096 pages, 0 bad words.*){3}hog: 3 processes of 16 MiB: ok",
         ended("/bin/hog", "exited with status 0"),
         r"swapouts [1-9]\d{3,}  swapins [1-9]\d{3,}"],
        reject=[r"hung: task \S+ \(id \d+\) blocked for"],
        mem=32, swap_mib=128, timeout=240, cmdline="hung_timeout=1"),
    # Damaged programs are refused, each with its reason and status 127; a
    # program whose entry point is 0 or in the kernel's half starts and
    # segfaults; the kernel, its ps and the next program go on (invariant
    # 5, bad input fails one operation).
    "user_exec_refuses_damaged_programs": monitor_session(
        "".join(f"run /bin/{n}\n" for n in REFUSALS)
        + "run /bin/truncated\nrun /bin/entry0\nrun /bin/entry_kernel\nps\nrun /bin/hello\n",
        [p for n, why in REFUSALS.items()
         for p in (rf"exec: /bin/{n}: {why}", ended(f"/bin/{n}", "exited with status 127"))]
        + [r"exec: /bin/truncated: the file ends inside a segment",
           ended("/bin/truncated", "exited with status 127"),
           r"segfault: task entry0 \(\d+\) read 00000000 at eip 00000000",
           ended("/bin/entry0", "killed by SIGSEGV"),
           r"segfault: task entry_kernel \(\d+\) read c0100000 at eip c0100000",
           ended("/bin/entry_kernel", "killed by SIGSEGV"), r"swiod> ps\n  id name",
           ended("/bin/hello", "exited with status 0")],
        extra=broken_programs),
    # Random system calls with hostile arguments (user/syscall_fuzz.c):
    # the kernel stays up, each run ends (normally, or killed by a fault it
    # made), and no page is leaked.  A short run, then FUZZ_CALLS calls
    # with a fixed seed, fill the slab caches first: a cache keeps one
    # empty slab once it has grown (mm/slab.c), and fork's copies (areas,
    # registers) grow caches a short run may not reach.  Then as many
    # calls with a seed from the clock (printed: a failure can be made
    # again) must give every page back.
    "user_syscall_fuzz_keeps_the_kernel_up": monitor_session(
        "run /bin/syscall_fuzz seed=9 calls=2000\n"
        + "".join(f"run /bin/syscall_fuzz seed={s} calls={FUZZ_CALLS}\n" for s in FUZZ_SEEDS)
        + f"free\nrun /bin/syscall_fuzz calls={FUZZ_CALLS}\nfree\n",
        [r"syscall_fuzz: seed 9, 2000 calls",
         ended("/bin/syscall_fuzz", r"(exited with status 0|killed by SIG[A-Z]+)")]
        + [r"syscall_fuzz: seed \d+, 100000 calls \(again: syscall_fuzz seed=\d+ calls=100000\)",
           ended("/bin/syscall_fuzz", r"(exited with status 0|killed by SIG[A-Z]+)")]
        * (len(FUZZ_SEEDS) + 1),
        check=free_pages_come_back, timeout=240),
    # A program that wants more than memory and swap hold is ended by the
    # out-of-memory policy (its status: SIGKILL); every page comes back and
    # the next program runs.  A 1 MiB hog first puts the program's pages
    # in the page cache.
    "user_out_of_memory_ends_the_program_not_the_kernel": monitor_session(
        "run /bin/hog 1\nfree\nrun /bin/hog 64\nfree\nrun /bin/hello again\n",
        [r"out of memory: no page for [0-9a-f]{8} even after reclaim; ending task hog",
         ended("/bin/hog", "killed by SIGKILL"),
         r"hello: argv\[1\] = again"],
        check=free_pages_come_back, mem=32),
    # The file calls on the ext2 root: a file mke2fs -d wrote is read, the
    # files fileio writes are on the disk as debugfs reads them after the
    # boot, every error is Linux's, and the descriptor limit is said.
    "user_file_calls_read_and_write_ext2": monitor_session(
        "run /bin/fileio\nsync\n",
        [r"fileio: it is the known data: got 0, want 0",
         r"fileio: getdents64 lists moved.txt: got 1, want 1",
         r"process: fileio \(pid \d+\) has all PROCESS_FILES_MAX \(16\) descriptors open: "
         r"-EMFILE",
         r"fileio: 0 wrong", ended("/bin/fileio", "exited with status 0")],
        reject=[r"WRONG"], extra=lambda: {"/known.txt": KNOWN_TXT},
        check_image=fileio_files_on_disk),
    # A pipe within one process, and a write with no reader: SIGPIPE.
    "user_pipe_carries_bytes_and_ends_a_writer_nobody_reads": monitor_session(
        "run /bin/pipes\nrun /bin/hello after\n",
        [r"pipes: the same 6: got 0, want 0",
         r"pipes: read it all back, then the end: got 4096, want 4096",
         r"pipes: no descriptor lost: pipe gives 3 and 4 again: got 0, want 0",
         r"pipes: 0 wrong; now writing to a pipe nobody reads",
         r"process: pipes \(pid \d+\) wrote to a pipe nobody reads: ending it \(SIGPIPE\)",
         ended("/bin/pipes", "killed by SIGPIPE"), r"hello: argv\[1\] = after"],
        reject=[r"WRONG"]),
    # A pipe between a parent and its forked child: 100000 bytes through
    # a page of buffer, the end of the stream, SIGPIPE for a writer whose
    # reader closed, a file position the two share, and kill reaching a
    # reader asleep on an empty pipe.
    "user_pipe_between_forked_processes": monitor_session(
        "run /bin/pipefork\n",
        [r"pipefork: bytes read from the child: got 100000, want 100000",
         r"pipefork: bytes that differ: got 0, want 0",
         r"pipefork: it exited with 0: got 0, want 0",
         r"process: pipefork \(pid \d+\) wrote to a pipe nobody reads: ending it \(SIGPIPE\)",
         r"pipefork: SIGPIPE ended it: got 13, want 13",
         r"pipefork: the parent's position moved with it: got 5, want 5",
         r"pipefork: SIGKILL ended it: got 9, want 9",
         r"pipefork: 0 wrong", ended("/bin/pipefork", "exited with status 0")],
        reject=[r"WRONG"]),
    # Close-on-exec (O_CLOEXEC, pipe2, fcntl's FD_CLOEXEC) across execve,
    # and what fcntl reports and changes.
    "user_close_on_exec_and_fcntl": monitor_session(
        "run /bin/cloexec\n",
        [r"cloexec: F_GETFD of 3: got 1, want 1",
         r"cloexec: after exec: the O_CLOEXEC file: got -9, want -9",
         r"cloexec: after exec: its position: got 7, want 7",
         r"cloexec: 0 wrong", ended("/bin/cloexec", "exited with status 0")],
        reject=[r"WRONG"]),
    # A disk as a file: /dev/hdb read and written at any offset through
    # the block layer; the image shows exactly what devio wrote.
    "user_block_device_files_read_and_write_a_disk": monitor_session(
        "run /bin/devio\n",
        [r"devio: bytes that differ: got 0, want 0",
         r"devio: the bytes written: got 0, want 0",
         r"blkdev: hda has been mounted or swapped on: not opened for writing \(-EBUSY\)",
         r"devio: ext2's magic: got 61267, want 61267",
         r"devio: 0 wrong", ended("/bin/devio", "exited with status 0")],
        reject=[r"WRONG"], more_disks=devio_disk, check_image=devio_wrote_only_its_message),
    # /dev lists the block devices (getdents64), each a block device
    # (stat64's S_IFBLK) of its size; chdir goes there.
    "user_ls_dev_lists_the_block_devices": monitor_session(
        "run /bin/ls /dev\nrun /bin/ls -l /dev\nrun /bin/ls -l /dev/hda\n"
        "run /bin/sh\ncd /dev\nls\nexit\n",
        [ended("/bin/ls", "exited with status 0")] * 3 + [ended("/bin/sh", "exited with status 0")],
        more_disks=devio_disk, check=ls_dev_lists_the_block_devices),
    **USER_SOCKET_TESTS,
    # fd 0 reads lines typed on the serial console, as a terminal does.
    "user_stdin_reads_lines_typed_on_the_console": monitor_session(
        "run /bin/readlines\nfirst line\nsecond\nend\nrun /bin/hello after\n",
        [r"readlines: a read of 3 gave 3",
         r"readlines: line 1: first line\n", r"readlines: line 2: second\n",
         r"readlines: line 3: end\n", ended("/bin/readlines", "exited with status 3"),
         r"hello: argv\[1\] = after"]),
    # Ctrl-D on an empty line is the end of input: read() returns 0.
    "user_stdin_ctrl_d_ends_the_input": monitor_session(
        "run /bin/readlines\nonly line\n\x04run /bin/hello after\n",
        [r"readlines: line 1: only line\n",
         r"readlines: the end of input after 1 lines",
         ended("/bin/readlines", "exited with status 1"), r"hello: argv\[1\] = after"]),
    # ls, cat and echo, run by the monitor: ls /bin is what the host put
    # there, cat copies a known file and says which one is missing.
    "user_ls_cat_echo_show_files_and_arguments": monitor_session(
        "run /bin/ls /bin\nrun /bin/ls -l /\nrun /bin/cat /known.txt /nothere /known.txt\n"
        "run /bin/echo -n no newline\nrun /bin/echo hello   there\n",
        [ended("/bin/ls", "exited with status 0"), r"^d +\d+ bin$",
         ended("/bin/ls", "exited with status 0"),
         r"known data: 0123456789\nsecond line\ncat: /nothere: No such file or directory\n"
         r"known data: 0123456789\nsecond line\n", ended("/bin/cat", "exited with status 1"),
         r"no newline\[ *[\d.]+\] process: /bin/echo", r"^hello there$"],
        extra=lambda: {"/known.txt": KNOWN_TXT}, check=ls_lists_what_the_host_put_there),
    # /bin/ps (swiod_ps, kernel/sys_ps.c) against the monitor's ps; a
    # buffer in the kernel's half and PS_MAX + 1 entries are refused.
    "user_ps_lists_the_tasks_the_monitor_lists": monitor_session(
        "run /bin/ps\nps\nrun /bin/badptr\n",
        [ended("/bin/ps", "exited with status 0"),
         r"ps: badptr \(pid \d+\) asked for 257 entries, more than PS_MAX \(256\)",
         r"badptr: 0 wrong"],
        reject=[r"WRONG"], check=ps_agrees_with_the_monitor),
    # fork: a tree of processes with their exit statuses; memory shared
    # copy-on-write, each side seeing its own writes, MAP_SHARED shared;
    # fork then execve.  The second run gives every page back.
    "user_fork_tree_exit_statuses_and_copy_on_write": monitor_session(
        "run /bin/forks\nfree\nrun /bin/forks\nvmstat\nfree\n",
        [r"forks: the three children exited with 1, 2 and 3 \(grandchildren right\): got 14",
         r"forks: then wait4 says no children: got -10, want -10",
         r"forks: a private mapping keeps the parent's words: got 0, want 0",
         r"forks: a shared mapping has the child's words: got 0, want 0",
         r"hello: hello, world from pid \d+ \(parent (\d+)\)\nhello: argv\[0\] = /bin/hello\n"
         r"hello: argv\[1\] = forked",
         r"forks: pid \d+, 0 wrong", ended("/bin/forks", "exited with status 0"),
         r"copy-on-write copies [1-9]\d*  reused in place [1-9]"],
        reject=[r"WRONG"], check=free_pages_come_back),
    # Copy-on-write under swap: 40 MiB shared by fork on a 32 MiB machine
    # go to swap shared and come back shared; each side then writes half
    # and reads all: its own words and the other half's from before the
    # fork.  The child copies at least its 5120 pages (the parent still
    # holds them).  Every slot is free again afterwards (swap: 0 used).
    "user_fork_copy_on_write_pages_swap_out_and_back_shared": monitor_session(
        "run /bin/cowswap 40\nvmstat\nswap\n",
        [ended("/bin/cowswap", "exited with status 0"),
         r"swapouts [1-9]\d{3,}  swapins [1-9]\d{3,}",
         r"copy-on-write copies ([5-9]\d{3}|\d{5})  ", r"hda\s+0\s+\d+\s+0\s+0\n"],
        check=lambda text: None if len(re.findall(
            r"^cowswap: (parent|child): 40 MiB, 0 bad words$", text, re.M)) == 2
        else "want 'cowswap: parent/child: 40 MiB, 0 bad words' from both",
        mem=32, swap_mib=128, timeout=240, cmdline="hung_timeout=5"),
    # kill: SIGTERM ends a sleeper (nanosleep interrupted), SIGKILL a
    # process spinning in user mode and one blocked in wait4; the wait
    # status names the signal; other signals and pids are refused.
    "user_kill_ends_sleeping_spinning_and_waiting_processes": monitor_session(
        "run /bin/killer\n",
        [r"killer: the sleeper ended by SIGTERM: got 15, want 15",
         r"killer: kill of it once reaped: got -3, want -3",
         r"killer: the spinner ended by SIGKILL: got 9, want 9",
         r"killer: the waiter ended by SIGKILL: got 9, want 9",
         r"killer: kill with SIGSEGV \(no handlers: refused\): got -22, want -22",
         r"killer: 0 wrong", r"process: killer \(pid (\d+)\) sent SIGTERM by killer \(\1\)",
         ended("/bin/killer", "killed by SIGTERM")],
        reject=[r"WRONG"]),
    # Orphans with no init: the kernel adopts the grandchild and reaps it
    # when it exits -- no process is left behind, no page either.
    "user_orphans_reaped_by_the_kernel_without_init": monitor_session(
        "run /bin/orphans\nfree\nrun /bin/orphans\nfree\nps\n",
        [r"orphans: not init: the orphan is not its child \(wait4 says no children\): got -10",
         r"orphans: grandchild \d+: parent now 0",
         ended("/bin/orphans", "exited with status 0")] * 2,
        reject=[r"WRONG"],
        check=lambda text: free_pages_come_back(text) or (
            "a process of orphans is left in ps" if re.search(
                r"^\s+\d+ orphans ", text.split("swiod> ps")[-1], re.M) else None)),
    # A fork bomb meets PROCESS_MAX: fork says -EAGAIN, the limit is said
    # in the log, every process exits and every page comes back.
    "user_fork_bomb_stopped_at_process_max_and_cleaned_up": monitor_session(
        "run /bin/forkbomb\nfree\nrun /bin/forkbomb\nfree\n",
        [r"process: fork by forkbomb \(pid \d+\) refused: PROCESS_MAX \(64\) processes exist",
         r"forkbomb: 63 processes made, then fork said -11",
         ended("/bin/forkbomb", "exited with status 0"),
         r"forkbomb: 63 processes made, then fork said -11",
         ended("/bin/forkbomb", "exited with status 0")],
        check=free_pages_come_back),
    # The first program is init, pid 1: the orphan is adopted by it
    # (getppid says 1) and reaped by its wait4.
    "user_orphan_adopted_and_reaped_by_init": init_boot(
        "/bin/orphans", 0,
        [r"orphans: grandchild \d+: parent now 1\n",
         r"orphans: init \(pid 1\) adopted the orphan \(pid \d+\) and reaped it: status 7",
         r"orphans: 0 wrong", r"process: /bin/orphans \(pid 1\) exited with status 0"],
        reject=[r"WRONG"]),
    # /bin/init is pid 1 whatever ran before it (the kernel's tasks take
    # ids from 2): its getpid says 1, the shell it starts has parent 1 in
    # ps, an orphan's getppid becomes 1, and init ignores kill's SIGTERM
    # and SIGKILL (no handlers, as Linux's init) and lives on to end
    # when the shell asks for the monitor.
    "user_init_is_pid_1_adopts_orphans_and_ignores_kill": init_boot(
        "/bin/init", 0,
        [r"init: pid 1, starting /bin/sh",
         r"orphans: grandchild \d+: parent now 1\n", r"orphans: 0 wrong",
         r"process: init \(pid 1\) ignores SIGTERM from initkill \(\d+\)",
         r"process: init \(pid 1\) ignores SIGKILL from initkill \(\d+\)",
         r"initkill: init is still there: got 0, want 0", r"initkill: 0 wrong",
         r"(?m)^  PID  PPID S NAME +WAITS ON\n +1 +0 S init +wait4",
         r"(?m)^ +\d+ +1 S sh +wait4",
         r"sh: leaving for the kernel's monitor",
         r"init: /bin/sh asked for the monitor; init ends",
         r"process: /bin/init \(pid 1\) exited with status 0"],
        script="orphans\ninitkill\nps -u\nmonitor\n", reject=[r"WRONG", r"killed by"]),
    # The shell (user/sh.c) as the first program, typed at: programs with
    # arguments from /bin or a path, pipes, < > >>, quotes, comments, $?,
    # cd, how a program ended, exit.
    "user_sh_runs_pipelines_redirections_and_builtins": init_boot(
        "/bin/sh", 0,
        [r"^hello world$", r"^one two$", r"^to a file\nmore$",
         r"^sh: nothere: No such file or directory$", r"^status 127$", r"^status 3$",
         r"^\$ cat \.\./f\.txt\nto a file\nmore$", r"^relative$",
         r"^sh: cd: /nowhere: No such file or directory$",
         r"^quoted  spaces and 1$", r"segfault: task segv", r"^sh: segv: killed by signal 11$",
         r"^status 139$", r"^hog: 1 MiB, 256 pages, 0 bad words$",
         r"^sh: b: No such file or directory$",
         ended("/bin/sh", "exited with status 0")],
        script=SH_SCRIPT, reject=[r"PANIC", r"killed by signal 13"]),
    # mprotect, msync, mlock and prctl with known answers: a write to a
    # page made read-only ends its writer (SIGSEGV), the IO-flusher flag
    # shows in ps's view, the lock limit is said and enforced.
    "user_mprotect_msync_mlock_prctl_answer_as_linux": monitor_session(
        "run /bin/memlock\n",
        [r"segfault: task memlock \(\d+\) wrote [0-9a-f]{8} at eip [0-9a-f]{8}: a protection "
         r"violation; ending it \(SIGSEGV\)",
         r"memlock: a child writing there is ended by SIGSEGV: got 11, want 11",
         r"memlock: mprotect over a hole: got -12, want -12",
         r"memlock: ps shows the flag: got 1, want 1",
         r"mm: memlock \(\d+\): mlock would lock 17408 KiB, more than MLOCK_LIMIT_PAGES "
         r"\(16384 KiB\): -ENOMEM",
         r"memlock: 0 wrong", ended("/bin/memlock", "exited with status 0")],
        reject=[r"WRONG"]),
    # mlockall keeps a process's pages in memory while a 48 MiB hog on a
    # 32 MiB machine swaps everything else: ps's view (its PTEs) shows
    # none of its pages in swap, and some of an unlocked sibling's.
    "user_mlock_pages_never_swapped_while_a_hog_swaps": monitor_session(
        "run /bin/memlock hog 48\nvmstat\n",
        [r"hog: 48 MiB, 12288 pages, 0 bad words",
         r"memlock: locked: \d+ pages resident, 0 swapped; unlocked child: \d+ resident, "
         r"[1-9]\d* swapped",
         r"memlock: the locked pages hold what was written: got 0, want 0",
         r"memlock: 0 wrong", ended("/bin/memlock", "exited with status 0"),
         r"swapouts [1-9]\d{3,}"],
        reject=[r"WRONG"], mem=32, swap_mib=128, timeout=240),
    # SIGKILL to a process that is swapping (a 48 MiB hog on a 32 MiB
    # machine, asleep in swap-in reads most of the time): it ends once its
    # wait is over, on its way back to user mode; its slots all come back
    # (swap: 0 used) and, after a first run, its pages too.
    "user_kill_ends_a_process_in_the_middle_of_swapping": monitor_session(
        "run /bin/killswap 48\nfree\nrun /bin/killswap 48\nswap\nfree\n",
        [r"process: hog \(pid \d+\) sent SIGKILL by killswap",
         r"killswap: it ended by SIGKILL: got 9, want 9",
         ended("/bin/killswap", "exited with status 0")] * 2
        + [r"hda\s+0\s+\d+\s+0\s+0\n"],
        reject=[r"WRONG"], check=free_pages_come_back, mem=32, swap_mib=128, timeout=240),
    # The environment: /bin/init gives the shell PATH, HOME and TERM; the
    # shell's NAME=value, export and unset change it, $NAME reads it, a
    # NAME=value before a command is that command's alone, and PATH is
    # where commands are looked for.  /bin/env prints exactly what
    # execve passed.
    "user_sh_passes_the_environment_env_prints_it": init_boot(
        "/bin/init", 0,
        [r"(?m)^\$ env\nPATH=/bin\nHOME=/\nTERM=vt100\n\$ ",
         r"(?m)^\$ env\nPATH=/bin\nHOME=/\nTERM=vt100\nGREETING=hello\nCOLOR=light blue\n\$ ",
         r"(?m)^hello, light blue at / \.$",
         r"(?m)^\$ ONCE=1 env\nPATH=/bin\nHOME=/\nTERM=vt100\nGREETING=hello\n"
         r"COLOR=light blue\nONCE=1\n\$ ",
         r"(?m)^\$ env\nPATH=/bin\nHOME=/\nTERM=vt100\nCOLOR=light blue\n\$ ",
         r"(?m)^sh: hello: No such file or directory$",
         r"(?m)^hello: argv\[0\] = hello\nhello: envp\[0\] = PATH=/usr:/bin\n"
         r"hello: envp\[1\] = HOME=/\nhello: envp\[2\] = TERM=vt100\n"
         r"hello: envp\[3\] = COLOR=light blue\n\$ ",
         r"process: /bin/init \(pid 1\) exited with status 0"],
        script="env\nexport GREETING=hello\nCOLOR='light blue'\nenv\n"
               "echo $GREETING, $COLOR at $HOME $NOTSET.\nONCE=1 env\nunset GREETING\nenv\n"
               "PATH=/nowhere\nhello\nexport PATH=/usr:/bin\nhello\nmonitor\n",
        reject=[r"killed by"]),
    "user_init_runs_the_first_program": init_boot(
        "/bin/hello", 0, [r"hello: hello, world from pid 1 \(parent 0\)",
                          ended("/bin/hello", "exited with status 0")]),
    "user_init_that_segfaults_fails_the_boot_without_a_panic": init_boot(
        "/bin/segv", 1, [r"segfault: task segv", ended("/bin/segv", "killed by SIGSEGV")]),
}


def user_image_check(disks, text):
    problems = ext2_images.e2fsck_problems(disks[0])
    return "e2fsck -fn complains after the boot: " + problems[:600] if problems else None


def with_user_image(expect):
    """A kernel test's spec (tests/kernel/test_process.c): the user image as hda."""
    return {"setup": lambda d: [user_image(os.path.join(d, "root.img"))],
            "check": user_image_check, "expect": expect, "timeout": 90}


USER_SPECS = {
    "process_wait4_reaps_children_given_by_the_kernel": with_user_image([
        r"hello: hello, world from pid \d+ \(parent [1-9]\d*\)",
        r"segfault: task segv",
        r"waiter: child \d+ exited with status 0",
        r"waiter: child \d+ killed by signal 11",
        r"waiter: wait4 with no children left: -10"]),
    "process_reading_an_empty_pipe_is_woken_by_a_stop": with_user_image([
        r"blockread: read of a pipe gave -4"]),
    "process_reading_the_console_is_woken_by_a_stop": with_user_image([
        r"blockread: read of stdin gave -4"]),
    "process_reading_a_socket_is_woken_by_a_stop": with_user_image([
        r"blockread: read of a socket gave -4"]),
    "process_sending_to_a_full_socket_is_woken_by_a_stop": with_user_image([
        r"blockread: writes to a socket nobody reads ended with -4, after some were taken"]),
    "process_limit_is_said_and_every_page_comes_back": with_user_image([
        r"process: /bin/hello not started: PROCESS_MAX \(64\) processes exist"]),
}
