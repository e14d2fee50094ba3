"""tcp_tests.py - tests of TCP and the socket calls (net/tcp*.c, net/socket.c).

TCP_SPECS: kernel tests (KTEST) and what the harness needs to know about
them, in the form specs.py uses ("net": True gives the boot an e1000).
TCP_TESTS: harness tests, each a function (log_path) -> None on pass or a
reason.

The loss tests boot with net_drop= / net_reorder= (net/fault_inject.c),
seeded, so a failure repeats with the same seed.  tcp_host_echo talks to a
real peer: an echo server on the host's 127.0.0.1, reached by the guest at
10.0.2.100:PORT through QEMU's guestfwd (slirp's TCP, then tools/guestfwd-relay).
"""
import hashlib
import socket
import threading

import kernel
from judge import judge

SEED = 1999
RETRANSMITTED = r"tcp-test: transfer: retransmitted [1-9]\d* segments"

TCP_SPECS = {
    "tcp_dropped_segments_streams_arrive_exactly": dict(
        cmdline=f"net_drop=37 seed={SEED}",
        expect=[r"net: net_drop=37 seed=1999: dropping", RETRANSMITTED,
                r"tcp-test: client in TIME_WAIT"]),
    "tcp_reordered_segments_streams_arrive_exactly": dict(
        cmdline=f"net_reorder=23 seed={SEED}",
        expect=[r"net: net_reorder=23 seed=1999: delaying",
                r"tcp-test: transfer: .* [1-9]\d* out of order"]),
    "tcp_loopback_streams_both_ways_and_close": dict(
        expect=[r"tcp-test: 4096 KiB each way checked", r"tcp-test: client in TIME_WAIT"]),
    # Sequence numbers start just below 2^32: every comparison must wrap.
    "tcp_wraparound_streams_both_ways": dict(
        cmdline="tcp_iss=0xfffff000 tcp_kib=1024",
        expect=[r"tcp-test: 1024 KiB each way checked"]),
    "tcp_established_peer_gone_silent_times_out": dict(
        cmdline="hung_timeout=60", timeout=90,
        expect=[r"tcp: 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:5001 ESTABLISHED: no answer after 8 "
                r"retransmissions; the connection is dead"]),
    "tcp_silent_peer_times_out": dict(
        cmdline=f"net_drop=1 seed={SEED}", timeout=90,
        expect=[r"tcp: 127\.0\.0\.1:\d+ -> 127\.0\.0\.1:5001 SYN_SENT: no answer after 5 "
                r"retransmissions; the connection is dead"]),
}

ECHO_KIB = 2048
ECHO_SEED = 4242
ECHO_TIMEOUT_S = 60


def stream_bytes(seed, n):
    """tests/kernel/tcp_stream.c's stream: xorshift32, one byte per step."""
    x = seed or 1
    out = bytearray(n)
    for i in range(n):
        x ^= (x << 13) & 0xffffffff
        x ^= x >> 17
        x ^= (x << 5) & 0xffffffff
        out[i] = x & 0xff
    return bytes(out)


class EchoServer:
    """Accepts one connection on 127.0.0.1 (a free port), echoes every
    byte back and keeps a hash and count of what arrived.  Every wait is
    bounded; stop() ends it whatever happened."""

    def __init__(self):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(ECHO_TIMEOUT_S)
        self.port = self.listener.getsockname()[1]
        self.hash = hashlib.sha256()
        self.count = 0
        self.error = None
        self.conn = None
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            self.conn, _ = self.listener.accept()
            self.conn.settimeout(ECHO_TIMEOUT_S)
            while True:
                data = self.conn.recv(65536)
                if not data:
                    break
                self.hash.update(data)
                self.count += len(data)
                self.conn.sendall(data)
        except OSError as e:
            self.error = e

    def stop(self):
        for s in (self.conn, self.listener):
            if s:
                s.close()
        self.thread.join(timeout=5)


# What tcp_host_echo's last line must say in each e1000_offload= mode:
# TSO frames sent (and every frame's checksum left to the NIC), checksums
# alone, or neither.  With TSO, slirp's ACKs to a frame's segments come
# back in one batch, and all but the last are merged (net/gro.c).
OFFLOAD_SAYS = {
    "tso": r"[1-9]\d* TSO frames \(\d+ TCP segments out\), \d+ deferred; "
           r"eth0 [1-9]\d* TSO frames, [1-9]\d* checksums by the NIC, [1-9]\d* pure ACKs merged",
    "csum": r"0 TSO frames \(\d+ TCP segments out\), 0 deferred; "
            r"eth0 0 TSO frames, [1-9]\d* checksums by the NIC, \d+ pure ACKs merged",
    "off": r"0 TSO frames \(\d+ TCP segments out\), 0 deferred; "
           r"eth0 0 TSO frames, 0 checksums by the NIC, \d+ pure ACKs merged",
}


def host_echo(offload, extra="", expect=()):
    """tcp_host_echo with e1000_offload=offload (and more of the command
    line): the seeded stream reaches the host byte for byte and comes back
    checked, the NIC did the work that mode gives it, and the log says
    each of expect too."""
    def run(log):
        server = EchoServer()
        try:
            cmdline = (f"test=tcp_host_echo tcp_peer_port={server.port} tcp_kib={ECHO_KIB} "
                       f"stream_seed={ECHO_SEED} e1000_offload={offload} {extra}")
            rc = kernel.boot(cmdline.strip(), log, timeout=ECHO_TIMEOUT_S + 30, net=True,
                             guestfwd=[server.port])
            server.thread.join(timeout=10)      # the kernel's FIN ends it
        finally:
            server.stop()
        return echo_verdict(server, rc, log,
                            [r"tcp-test: host echo: " + OFFLOAD_SAYS[offload], *expect])
    return run


def echo_verdict(server, rc, log, lines):
    """None when the kernel passed, said each of lines, and the host got
    exactly the stream; else why not."""
    reason = judge("tcp_host_echo", rc, kernel.read_log(log),
                   [r"tcp-test: host echo: 2048 KiB out and back", *lines])
    if reason:
        return reason
    want = stream_bytes(ECHO_SEED, ECHO_KIB * 1024)
    if server.count != len(want):
        return f"the host received {server.count} bytes, want {len(want)}"
    if server.hash.digest() != hashlib.sha256(want).digest():
        return "the bytes the host received are not the kernel's stream"
    return None


TCP_TESTS = {
    "tcp_host_echo": host_echo("tso"),
    "tcp_host_echo_checksum_offload_only": host_echo("csum"),
    "tcp_host_echo_software_segments_and_checksums": host_echo("off"),
    # Every 37th segment from the host lost, its ACKs and its echoed data:
    # TSO frames go out while the returning stream has holes that slirp
    # fills again (after our duplicate ACKs), and both ways arrive whole.
    "tcp_host_echo_tso_with_dropped_segments": host_echo(
        "tso", f"net_drop=37 seed={SEED}",
        [r"\d+ out of order \(\d+ of them dropped\); net dropped [1-9]\d*"]),
    # Everything received dropped for 800 ms mid-stream: the flight times
    # out and goes again from snd_una (tcp_output, with TSO still on),
    # and the stream arrives whole.
    "tcp_host_echo_tso_resent_after_timeout": host_echo(
        "tso", "tcp_silence_ms=800",
        [r"host echo: retransmitted [1-9]\d* segments \(\d+ fast retransmits, [1-9]\d* timeouts\)"]),
}
