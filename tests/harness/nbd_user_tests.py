"""nbd_user_tests.py - the NBD server as a process (user/nbd-server.c)
against clients nobody here wrote and clients that lie.

Each boot: the user image (build/user/root, user_tests.user_image) is
hda, mounted on /; a seeded image (disks.py) is hdb.  For the host's
clients the monitor runs
`/bin/nbd-server -p 10809 -c N /dev/hdb`, which serves N connections and
exits, and then halts.  qemu-boot --hostfwd makes 127.0.0.1:HOSTPORT on
the host reach the guest's port 10809.  Judged on the server's own lines
in order, its exit status (0) and the monitor's verdict -- and the image
on the host afterwards.

nbd_user_serves_host_qemu_io: as nbdsrv_serves_host_qemu_io
(nbdsrv_tests.py) does with the kernel's server: qemu-io writes a region
that is not page aligned and larger than one request and flushes,
qemu-img reads the whole export back; the image on the host holds the
same.

nbd_user_locked_io_flusher_serves_host_qemu_io: the same, the server
started with -l -f: mlockall(MCL_CURRENT | MCL_FUTURE) and
prctl(PR_SET_IO_FLUSHER, 1) succeed (its listening line says so) and it
serves as before.

nbd_user_refuses_lying_clients: LIARS, one connection each, break the
protocol in the ways the kernel's server is refused for (a wrong option
magic, an option claiming more than 64 KiB, an NBD_OPT_GO whose name runs
past the option, a client that leaves mid-option, mid-handshake or
mid-request, a write longer than offered or of 2^32-1 bytes, a wrong
request magic) or ask what the protocol lets a server refuse with an
error (an unknown option, an unknown command, a range past the export or
at the last sector below 2^64, a length of 0, of 2^32-1 or that is not
whole sectors); each gets
the protocol's answer, read here, or a close.  A last honest client
(qemu-img) reads the whole export back unchanged: the server lived
through them all.

nbd_user_pattern_round_trip: the kernel's own client against the
process -- tests/kernel/test_nbd_user.c starts the server itself and
attaches nbd0 to it over 127.0.0.1 (nbd_attach()), then makes
nbd_pattern_round_trip's checks; the host finds the written region, and
only it, changed on hdb.

Every process it starts is bounded in time and stopped at the end: the
clients by their timeouts, QEMU by the server's exit and halt or, failing
that, by a signal to its process group.

nbd_user_server_killed_fails_requests_with_eio (a kernel test with a spec
in NBD_USER_SPECS): the process killed with kill's SIGKILL while 64 of
nbd0's writes are in flight; they fail with -EIO within nbd_timeout,
nbd0 is dead, later bios fail at once and the kernel goes on; its exit
made nbd0 forget it as its server (blkdev_forget_server()), and the
views typed after it (nbd, ps, locks...) follow no freed task.

NBD_USER_TESTS: each a function (log_path) -> None on pass or a reason.
"""
import os
import signal
import socket
import struct
import subprocess
import time

import disks
import judge
import kernel
import nbdsrv_tests
from nbd_fake import (IHAVEOPT, NBDMAGIC, OPT_GO, OPT_REPLY_MAGIC, REP_ACK, REP_ERR_UNSUP,
                      REP_INFO, REQUEST_MAGIC, SIMPLE_REPLY_MAGIC, CMD_READ, CMD_WRITE,
                      FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES)
import nbd_tests
from nbd_tests import nbd_serve
from user_tests import user_image

GUEST_PORT = 10809
USER_PORT = 10810               # tests/kernel/nbd_user.h's NBD_USER_PORT
SEED = nbdsrv_tests.SEED
IMAGE_SECTORS = nbdsrv_tests.IMAGE_SECTORS
EXPORT_BYTES = IMAGE_SECTORS * disks.SECTOR
SERVER = "/bin/nbd-server"
MAX_REQUEST = 128 * 1024        # user/nbd-server.c's
OPT_LIST = 3                    # an option the server does not do
CMD_UNKNOWN = 9
OPT_MAX_LEN = 4 + 4096 + 2 + 2 * 16     # net/nbdsrv/nbdsrv_proto.h's NBDSRV_OPT_MAX_LEN
OPTION_LIE = 70000              # an option's claimed length, past 64 KiB
NAME_LIE = 1000                 # a name length past its NBD_OPT_GO's 8 bytes
LEN_MAX = (1 << 32) - 1         # the largest length a request can carry
OFFSET_LIE = (1 << 64) - 512    # the last sector a request can name
NBD_EINVAL, NBD_ENOSPC = 22, 28
SOCKET_TIMEOUT_S = 20
LISTENING = (rf"nbd-server: pid \d+ listening on port {GUEST_PORT}, serving /dev/hdb "
             rf"\({EXPORT_BYTES} bytes\) as \"\" and \"hdb\"")
SERVING = rf"nbd-server: serving /dev/hdb \({EXPORT_BYTES} bytes\) to 10\.0\.2\.2:\d+"


# ---- a client that lies ---------------------------------------------------

def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError(f"the server closed after {len(data)} of {n} bytes")
        data += chunk
    return data


def closed_by_server(conn):
    """True when the server closes the connection (EOF) within the timeout."""
    try:
        return conn.recv(1) == b""
    except ConnectionResetError:
        return True


def greet(conn):
    """The greeting and the client flags; the server's handshake flags."""
    magic, opts, flags = struct.unpack(">QQH", recv_exact(conn, 18))
    if (magic, opts) != (NBDMAGIC, IHAVEOPT):
        raise AssertionError(f"greeting magics {magic:#x} {opts:#x}")
    conn.sendall(struct.pack(">I", FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES))
    return flags


def option(conn, opt, data=b"", magic=IHAVEOPT):
    conn.sendall(struct.pack(">QII", magic, opt, len(data)) + data)


def option_reply(conn, opt):
    """One option reply for opt: (type, data)."""
    magic, got, rtype, length = struct.unpack(">QIII", recv_exact(conn, 20))
    if magic != OPT_REPLY_MAGIC or got != opt:
        raise AssertionError(f"option reply magic {magic:#x} for option {got}, not {opt}")
    return rtype, recv_exact(conn, length)


def go(conn):
    """NBD_OPT_GO for the default export, without asking for block sizes:
    the export's size once the server has acknowledged."""
    option(conn, OPT_GO, struct.pack(">IH", 0, 0))
    size = None
    while True:
        rtype, data = option_reply(conn, OPT_GO)
        if rtype == REP_INFO and struct.unpack(">H", data[:2])[0] == 0:
            size = struct.unpack(">Q", data[2:10])[0]
        elif rtype == REP_ACK:
            return size
        else:
            raise AssertionError(f"NBD_OPT_GO answered {rtype:#x}")


def request(conn, cmd, offset, length, data=b"", magic=REQUEST_MAGIC, cookie=0x1999):
    conn.sendall(struct.pack(">IHHQQI", magic, 0, cmd, cookie, offset, length) + data)


def reply(conn, cookie=0x1999):
    """A simple reply's error for cookie."""
    magic, error, got = struct.unpack(">IIQ", recv_exact(conn, 16))
    if magic != SIMPLE_REPLY_MAGIC or got != cookie:
        raise AssertionError(f"reply magic {magic:#x} cookie {got:#x}")
    return error


def bad_option_magic(conn):
    greet(conn)
    option(conn, OPT_GO, struct.pack(">IH", 0, 0), magic=0x1999)
    return None if closed_by_server(conn) else "no close after a wrong option magic"


def leaves_mid_handshake(conn):
    greet(conn)
    conn.sendall(struct.pack(">QI", IHAVEOPT, OPT_GO))     # half an option header
    return None


def refusals_then_bad_magic(conn):
    """The errors the protocol lets a server answer, each followed by an
    honest read on the same connection; then a wrong request magic."""
    greet(conn)
    option(conn, OPT_LIST)
    rtype, _ = option_reply(conn, OPT_LIST)
    if rtype != REP_ERR_UNSUP:
        return f"NBD_OPT_LIST answered {rtype:#x}, not NBD_REP_ERR_UNSUP"
    size = go(conn)
    if size != EXPORT_BYTES:
        return f"NBD_INFO_EXPORT says {size} bytes, not {EXPORT_BYTES}"
    asks = [
        ("an unknown command", (CMD_UNKNOWN, 0, 4096, b""), NBD_EINVAL),
        ("a read past the export", (CMD_READ, EXPORT_BYTES - 512, 1024, b""), NBD_ENOSPC),
        ("a write past the export", (CMD_WRITE, EXPORT_BYTES, 512, b"\x55" * 512), NBD_ENOSPC),
        ("a read of part of a sector", (CMD_READ, 0, 100, b""), NBD_EINVAL),
        ("a read longer than offered", (CMD_READ, 0, 2 * MAX_REQUEST, b""), NBD_EINVAL),
        ("a read of 0 bytes", (CMD_READ, 0, 0, b""), NBD_EINVAL),
        ("a write of 0 bytes", (CMD_WRITE, 0, 0, b""), NBD_EINVAL),
        ("a read of 2^32-1 bytes", (CMD_READ, 0, LEN_MAX, b""), NBD_EINVAL),
        ("a read at the last sector below 2^64", (CMD_READ, OFFSET_LIE, 512, b""), NBD_ENOSPC),
    ]
    want = disks.pattern(SEED, 8, 8)
    for what, (cmd, offset, length, data), error in asks:
        request(conn, cmd, offset, length, data)
        got = reply(conn)
        if got != error:
            return f"{what} answered error {got}, not {error}"
        request(conn, CMD_READ, 8 * 512, len(want))
        got = reply(conn)
        if got != 0 or recv_exact(conn, len(want)) != want:
            return f"the read after {what} failed (error {got}) or read the wrong bytes"
    request(conn, CMD_READ, 0, 512, magic=0x1999)
    return None if closed_by_server(conn) else "no close after a wrong request magic"


def write_too_long(conn):
    greet(conn)
    go(conn)
    request(conn, CMD_WRITE, 0, 4 * MAX_REQUEST)
    return None if closed_by_server(conn) else "no close after a write longer than offered"


def leaves_mid_request(conn):
    greet(conn)
    go(conn)
    request(conn, CMD_WRITE, 0, 65536, b"\xaa" * 1000)
    return None


def option_too_long(conn):
    """An option claiming more than 64 KiB of data, a few bytes of it sent."""
    greet(conn)
    conn.sendall(struct.pack(">QII", IHAVEOPT, OPT_GO, OPTION_LIE) + b"\0" * 16)
    return None if closed_by_server(conn) else "no close after an option past 64 KiB"


def go_name_past_option(conn):
    """NBD_OPT_GO whose name length runs past the option's own length."""
    greet(conn)
    option(conn, OPT_GO, struct.pack(">I", NAME_LIE) + b"ab" + struct.pack(">H", 0))
    return None if closed_by_server(conn) else "no close after a name past its option"


def leaves_mid_option(conn):
    greet(conn)
    conn.sendall(struct.pack(">QII", IHAVEOPT, OPT_GO, 100) + b"\0" * 10)
    return None


def write_of_4_gib(conn):
    greet(conn)
    go(conn)
    request(conn, CMD_WRITE, 0, LEN_MAX, b"\x55" * 4096)
    return None if closed_by_server(conn) else "no close after a write of 2^32-1 bytes"


LIARS = [bad_option_magic, leaves_mid_handshake, refusals_then_bad_magic, write_too_long,
         leaves_mid_request, option_too_long, go_name_past_option, leaves_mid_option,
         write_of_4_gib]
# What the server says of each, in order.
LIARS_EXPECT = [
    r"nbd-server: the handshake with 10\.0\.2\.2:\d+ ended: option magic 0x0000000000001999 "
    r"is not IHAVEOPT",
    r"nbd-server: the handshake with 10\.0\.2\.2:\d+ ended: the client left",
    SERVING,
    r"nbd-server: unknown of 4096 bytes at 0 answered EINVAL",
    rf"nbd-server: read of 1024 bytes at {EXPORT_BYTES - 512} answered ENOSPC",
    rf"nbd-server: write of 512 bytes at {EXPORT_BYTES} answered ENOSPC",
    r"nbd-server: read of 100 bytes at 0 answered EINVAL",
    rf"nbd-server: read of {2 * MAX_REQUEST} bytes at 0 answered EINVAL",
    r"nbd-server: read of 0 bytes at 0 answered EINVAL",
    r"nbd-server: write of 0 bytes at 0 answered EINVAL",
    rf"nbd-server: read of {LEN_MAX} bytes at 0 answered EINVAL",
    rf"nbd-server: read of 512 bytes at {OFFSET_LIE} answered ENOSPC",
    r"nbd-server: request magic 0x00001999 is wrong; closing the connection",
    SERVING,
    rf"nbd-server: a write of {4 * MAX_REQUEST} bytes, more than the {MAX_REQUEST} offered; "
    r"closing the connection",
    SERVING,
    r"nbd-server: the connection ended mid-request: the client closed it",
    rf"nbd-server: the handshake with 10\.0\.2\.2:\d+ ended: option 7 claims {OPTION_LIE} "
    rf"bytes of data, more than the {OPT_MAX_LEN} accepted",
    rf"nbd-server: the handshake with 10\.0\.2\.2:\d+ ended: NBD_OPT_GO names {NAME_LIE} "
    r"bytes of name in 8 bytes",
    r"nbd-server: the handshake with 10\.0\.2\.2:\d+ ended: the client left",
    SERVING,
    rf"nbd-server: a write of {LEN_MAX} bytes, more than the {MAX_REQUEST} offered; "
    r"closing the connection",
]


def lie(host_port, liar):
    """One liar's connection; None, or what went wrong."""
    try:
        with socket.create_connection(("127.0.0.1", host_port), timeout=SOCKET_TIMEOUT_S) as c:
            return liar(c)
    except (OSError, ConnectionError, AssertionError, struct.error) as e:
        return f"{liar.__name__}: {e}"


# ---- the boot -------------------------------------------------------------

def serve_and_halt(log, directory, connections, clients, opts="", listening=LISTENING):
    """Boot with the server started by the monitor (with opts) for
    `connections` connections, then halt; clients(host_port) -> None or a
    reason runs once its line, listening, shows.  None, or why the test
    fails."""
    image = disks.make_image(os.path.join(directory, "hdb.raw"), EXPORT_BYTES, SEED)
    root = user_image(os.path.join(directory, "root.img"))
    host_port = nbd_serve.free_port()
    cmd = kernel.boot_command("monitor mount=hda:/", log, timeout=nbdsrv_tests.BOOT_TIMEOUT_S,
                              disks=[root, image], hostfwd=[f"{host_port}:{GUEST_PORT}"])
    qemu = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    # Typed at the prompt: the monitor runs the server until it exits,
    # and only then reads halt.
    qemu.stdin.write(f"run {SERVER} {opts} -p {GUEST_PORT} -c {connections} /dev/hdb\nhalt\n"
                     .encode())
    qemu.stdin.close()
    try:
        reason = nbdsrv_tests.wait_ready(qemu, log, listening) or clients(host_port)
        qemu.wait(timeout=nbdsrv_tests.BOOT_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        reason = reason or "the server did not exit and the boot did not end"
    finally:
        if qemu.poll() is None:
            os.killpg(qemu.pid, signal.SIGKILL)
            qemu.wait()
    text = kernel.read_log(log)
    if reason:
        return reason
    if qemu.returncode != 0:
        return f"qemu-boot status {qemu.returncode}: {judge.last_verdict(text)}"
    if "PANIC" in text:
        return "the log shows a PANIC"
    return None


def ended_cleanly(connections):
    return [rf"nbd-server: {connections} connections served; exiting",
            rf"process: {SERVER} \(pid \d+\) exited with status 0",
            r"monitor: halt \(0 test failures in this boot\)"]


def host_qemu_io(opts="", said=""):
    """qemu-io writes and qemu-img reads back through the server started
    with opts, whose listening line ends with said."""
    def test(log):
        directory = disks.scratch_dir(os.path.basename(log).replace(".log", ""))
        listening = LISTENING + said

        def clients(host_port):
            return nbdsrv_tests.exchange(directory, f"nbd://127.0.0.1:{host_port}/hdb",
                                         log + ".clients")
        reason = serve_and_halt(log, directory, 2, clients, opts, listening)
        image = os.path.join(directory, "hdb.raw")
        reason = reason or judge.missing_in_order(
            kernel.read_log(log),
            [listening, SERVING, r"nbd-server: the client disconnected",
             SERVING, r"nbd-server: the client disconnected"] + ended_cleanly(2)) \
            or disks.verify(image, SEED, written=[nbdsrv_tests.WRITTEN])
        return disks.kept_if_failed(directory, reason)
    return test


def nbd_user_refuses_lying_clients(log):
    directory = disks.scratch_dir("nbd_user_refuses_lying_clients")
    readback = os.path.join(directory, "readback.raw")

    def clients(host_port):
        for liar in LIARS:
            reason = lie(host_port, liar)
            if reason:
                return reason
            time.sleep(0.2)             # its lines before the next one's
        return nbdsrv_tests.client(["qemu-img", "convert", "-f", "raw", "-O", "raw",
                                    f"nbd://127.0.0.1:{host_port}/hdb", readback],
                                   log + ".clients")
    reason = serve_and_halt(log, directory, len(LIARS) + 1, clients)
    reason = reason or judge.missing_in_order(
        kernel.read_log(log), [LISTENING] + LIARS_EXPECT + [SERVING]
        + ended_cleanly(len(LIARS) + 1)) \
        or disks.verify(readback, SEED) \
        or disks.verify(os.path.join(directory, "hdb.raw"), SEED)
    return disks.kept_if_failed(directory, reason)


def nbd_user_pattern_round_trip(log):
    """The kernel's client, nbd0, attached over loopback to the process
    serving /dev/hdb (tests/kernel/test_nbd_user.c): nbd_pattern_round_trip's
    checks in the guest; on the host, hdb holds the written region, and only
    it, changed."""
    directory = disks.scratch_dir("nbd_user_pattern_round_trip")
    image = disks.make_image(os.path.join(directory, "hdb.raw"), EXPORT_BYTES, SEED)
    root = user_image(os.path.join(directory, "root.img"))
    write_sector, write_count = nbd_tests.PATTERN_WRITE
    rc = kernel.boot(f"test=nbd_user_pattern_round_trip disk_seed={SEED} "
                     f"disk_sectors={IMAGE_SECTORS} write_sector={write_sector} "
                     f"write_count={write_count}", log, timeout=120, disks=[root, image])
    reason = judge.judge("nbd_user_pattern_round_trip", rc, kernel.read_log(log), expect=[
        rf"nbd-server: pid \d+ listening on port {USER_PORT}, serving /dev/hdb",
        r"nbd: nbd0: connected to 127\.0\.0\.1:\d+, export \"\" by NBD_OPT_GO",
        SERVING.replace(r"10\.0\.2\.2", r"127\.0\.0\.1"),
        r"nbd user: nbd0 serves /dev/hdb over loopback"]) \
        or disks.verify(image, SEED, [nbd_tests.PATTERN_WRITE])
    return disks.kept_if_failed(directory, reason)


def killed_disks(directory):
    return [user_image(os.path.join(directory, "root.img")),
            disks.make_image(os.path.join(directory, "hdb.raw"), EXPORT_BYTES, SEED)]


# Kernel tests with disks (run_tests.py's specs).
NBD_USER_SPECS = {
    # kill's SIGKILL mid-burst: -EIO within nbd_timeout=3, nbd0 dead, the
    # kernel goes on, and every view answers after it.
    "nbd_user_server_killed_fails_requests_with_eio": {
        "setup": killed_disks, "cmdline": "nbd_timeout=3", "timeout": 90,
        "views": ["nbd", "ps", "vmstat", "netstat", "locks", "swap", "nbd reconnect nbd0"],
        "expect": [
            r"nbd user: nbd0 serves /dev/hdb over loopback",
            r"process: nbd-server \(pid \d+\) sent SIGKILL by killer",
            r"block: nbd0: its server nbd-server \(id \d+\) exits: no task here answers its "
            r"requests now",
            r"nbd: nbd0: .*; failing \d+ requests in flight and \d+ queued with -EIO, "
            r"device dead",
            r"nbd_user: /bin/nbd-server \(pid \d+\) was killed with 64 writes in flight: \d+ "
            r"were answered before it died, [1-9]\d* failed with -EIO after \d+ ms \(nbd_timeout "
            r"is 3 s\); nbd0 is dead, and 8 of 8 later reads failed at once",
            r"swiod> nbd", r"  dead; socket closed", r"swiod> ps", r"swiod> vmstat",
            r"reclaim violations 0", r"swiod> netstat", r"swiod> locks", r"reports: 0",
            r"swiod> swap", r"nbd: nbd0: dead for good \(.*\): nothing to reconnect",
            r"^nbd reconnect nbd0: failed \(-5\)$"]},
}

NBD_USER_TESTS = {
    "nbd_user_pattern_round_trip": nbd_user_pattern_round_trip,
    "nbd_user_serves_host_qemu_io": host_qemu_io(),
    # mlockall(MCL_CURRENT | MCL_FUTURE) and prctl(PR_SET_IO_FLUSHER, 1)
    # both succeed, and the server serves as before.
    "nbd_user_locked_io_flusher_serves_host_qemu_io": host_qemu_io(
        "-l -f", ", memory locked, an IO flusher"),
    "nbd_user_refuses_lying_clients": nbd_user_refuses_lying_clients,
}

