"""user_socket_tests.py - user programs' sockets and poll (user/sockets.c,
tcpecho.c, halfclose.c, nonblock.c, consoleidle.c, connkill.c): TCP over
the guest's loopback and to peers on the host, half-close, O_NONBLOCK,
poll, and a connect nobody answers.  The boots are user_tests.py's
(monitor_session, self_checked, init_boot), judged the same way; the
entries join USER_TESTS there.
"""
import hashlib
import re
import socket
import threading

from tcp_tests import EchoServer
from user_session import ended, init_boot, monitor_session, self_checked

TCPECHO_BYTES = 200000


def user_socket_talks_to_a_host_peer(log):
    """/bin/tcpecho sends a pattern to an echo server on the host (through
    guestfwd) and reads it back; the host must have received exactly the
    pattern."""
    server = EchoServer()
    try:
        run = monitor_session(
            f"run /bin/tcpecho {server.port} {TCPECHO_BYTES}\n",
            [rf"tcpecho: {TCPECHO_BYTES} bytes out and back, 0 differ",
             ended("/bin/tcpecho", "exited with status 0")],
            guestfwd=[server.port], timeout=90)
        reason = run(log)
        server.thread.join(timeout=10)      # the program's FIN ends it
    finally:
        server.stop()
    if reason:
        return reason
    want = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(TCPECHO_BYTES))
    if server.count != len(want) or server.hash.digest() != hashlib.sha256(want).digest():
        return f"the host received {server.count} bytes, not tcpecho's {len(want)}-byte pattern"
    return None


HALF_OUT, HALF_IN = 30000, 50000     # user/halfclose.c's OUT_BYTES and IN_BYTES


def half_pattern(n, seed):
    """user/halfclose.c's pattern(i, seed) for i below n."""
    return bytes((i * (5 + 2 * seed) + (i >> 9) + seed) & 0xFF for i in range(n))


class HalfClosePeer:
    """The host's side of `halfclose host PORT`: the first connection is
    read to its end, then answered with HALF_IN bytes of pattern 2 and
    closed; on the second, HALF_IN bytes of pattern 3 go first and this
    side shuts its writing, then what the guest sends is read to its end.
    got[] holds what each connection brought.  Every wait is bounded."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(2)
        self.listener.settimeout(60)
        self.port = self.listener.getsockname()[1]
        self.got, self.error = [], None
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    @staticmethod
    def read_to_end(conn):
        data = bytearray()
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return bytes(data)
            data += chunk

    def serve(self):
        try:
            for first in (True, False):
                conn, _ = self.listener.accept()
                conn.settimeout(30)
                with conn:
                    if first:
                        self.got.append(self.read_to_end(conn))
                        conn.sendall(half_pattern(HALF_IN, 2))
                    else:
                        conn.sendall(half_pattern(HALF_IN, 3))
                        conn.shutdown(socket.SHUT_WR)
                        self.got.append(self.read_to_end(conn))
        except OSError as e:
            self.error = e

    def stop(self):
        self.listener.close()
        self.thread.join(timeout=5)


def user_socket_half_close_with_a_host_peer(log):
    """/bin/halfclose host PORT: each side shuts its writing while the
    other still sends (the second connection non-blocking, read as poll
    says data came), and the host checks every byte it was sent."""
    peer = HalfClosePeer()
    try:
        reason = self_checked(
            f"halfclose host {peer.port}",
            [r"halfclose: read the host's answer to the end: got 50000, want 50000",
             r"halfclose: read what the host sends before its FIN: got 50000, want 50000"],
            guestfwd=[peer.port], timeout=90)(log)
        peer.thread.join(timeout=10)
    finally:
        peer.stop()
    if reason:
        return reason
    want = [half_pattern(HALF_OUT, 1), half_pattern(HALF_OUT, 4)]
    for i, (got, w) in enumerate(zip(peer.got + [b""] * 2, want)):
        if got != w:
            return (f"connection {i + 1}: the host read {len(got)} bytes to the end, not the "
                    f"guest's {len(w)}-byte pattern ({peer.error or 'no error'})")
    return None


def netstat_lists_no_connection(text):
    """The last netstat of the boot lists no TCP connection."""
    m = re.findall(r"swiod> netstat\nTCP connections:\n(.*?)segments in", text, re.S)
    if not m:
        return "no netstat answer"
    return f"netstat still lists: {m[-1].strip()}" if m[-1].strip() else None



USER_SOCKET_TESTS = {
    # TCP sockets over the guest's loopback, within one program.
    "user_sockets_connect_accept_and_carry_bytes_over_loopback": monitor_session(
        "run /bin/sockets\n",
        [r"sockets: the peer is 127.0.0.1: got \d+, want \d+\n",
         r"sockets: recv them all \(MSG_WAITALL\): got 3000, want 3000",
         r"sockets: a receive with nothing coming: got -11, want -11",
         r"sockets: the server reads the end: got 0, want 0",
         r"sockets: 0 wrong", ended("/bin/sockets", "exited with status 0")],
        reject=[r"WRONG"]),
    # A program's TCP connection to a peer on the host.
    "user_socket_talks_to_a_host_peer": user_socket_talks_to_a_host_peer,
    # shutdown as Linux's, over loopback: SHUT_WR's FIN after the data
    # while reading goes on, SHUT_RD, SHUT_RDWR's FIN, SIGPIPE after
    # SHUT_WR (MSG_NOSIGNAL: -EPIPE only).
    "user_socket_half_close_over_loopback_exact_bytes": self_checked(
        "halfclose",
        [r"halfclose: the server reads them, then the end: got 30000, want 30000",
         r"halfclose: the client reads after its SHUT_WR, then the end: got 50000, want 50000",
         r"process: halfclose \(pid \d+\) wrote to a socket shut for writing: ending it "
         r"\(SIGPIPE\)",
         r"halfclose: write after SHUT_WR ends the writer \(SIGPIPE\): got 13, want 13",
         r"halfclose: the peer reads the bytes and a FIN, not a reset: got 3, want 3"]),
    # The same against a peer on the host, each side half-closing first.
    "user_socket_half_close_with_a_host_peer": user_socket_half_close_with_a_host_peer,
    # O_NONBLOCK and poll on sockets, pipes and the console.
    "user_socket_nonblocking_calls_and_poll_readiness": self_checked(
        "nonblock",
        [r"nonblock: connect: got -115, want -115",
         r"nonblock: poll until it is open: got 4, want 4",
         r"nonblock: sends with MSG_DONTWAIT until the buffers are full: then: got -11, "
         r"want -11",
         r"nonblock: the peer reads every byte: got 0, want 0",
         r"nonblock: SO_ERROR: got 0, want 0\nnonblock: it says: got 111, want 111",
         r"nonblock: poll sleeps until a child writes: got 1, want 1",
         r"nonblock: a kill ends a process asleep in poll: got 15, want 15",
         r"poll: nonblock \(pid \d+\) asked about 17 descriptors: more than POLL_FDS_MAX",
         r"nonblock: read it: got 0, want 0"],
        then="typed line\n"),
    # The console with nothing typed: poll times out, O_NONBLOCK's read
    # says -EAGAIN.
    "user_console_poll_and_nonblocking_read_with_nothing_typed": init_boot(
        "/bin/consoleidle", 0,
        [r"consoleidle: nothing typed: poll for 300 ms: got 0, want 0",
         r"consoleidle: a read of the console: got -11, want -11", r"consoleidle: 0 wrong",
         ended("/bin/consoleidle", "exited with status 0")], reject=[r"WRONG"]),
    # A connect nobody answers (every segment dropped): killed, timed out
    # by SO_SNDTIMEO, or closed while opening -- and nothing left behind.
    "user_socket_connect_killed_or_abandoned_leaves_nothing": self_checked(
        "connkill",
        [r"connkill: it ended by SIGKILL: got 9, want 9", r"connkill: within a second: got 1",
         r"connkill: connect with it: got -110, want -110",
         r"connkill: again while it is opening: got -114, want -114"],
        then="netstat\n", cmdline="net_drop=1 seed=1999", check=netstat_lists_no_connection),
}
