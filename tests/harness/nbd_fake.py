"""nbd_fake.py - an NBD server that lies, for the client's bad-input tests.

FakeServer(mode, lie_after=LIE_AFTER) listens on 127.0.0.1 on a free
port, in a thread, and serves one client: a fixed-newstyle handshake,
NBD_OPT_GO answered with NBD_INFO_EXPORT and an ACK, then honest replies
from a memory export -- until request number lie_after, where it breaks
the protocol as mode says:

  bad_magic       a reply whose magic is wrong
  unknown_cookie  a reply for a cookie the client never sent
  not_in_flight   the right reply, then the same reply again
  truncated       a read's reply header and half its data, then it closes
  closes          it closes the connection instead of replying
  stall           it stops answering, and keeps the connection open
  unknown_error   the next UNKNOWN_ERRORS replies carry error UNKNOWN_ERROR,
                  a number the protocol does not define (and, as it asks of
                  an error reply, no read data); then honest ones again
  opt_len_lie     (during the handshake) an option reply claiming 1 MiB of
                  data, followed by a few bytes and silence
  no_go           never lies, but answers NBD_OPT_GO with NBD_REP_ERR_UNSUP,
                  as an old server would: the client must fall back to
                  NBD_OPT_EXPORT_NAME

Constants follow the NBD protocol document (doc/proto.md); every loop is
bounded by the socket timeout and stop() ends the thread.
"""
import socket
import struct
import threading

NBDMAGIC = 0x4E42444D41474943
IHAVEOPT = 0x49484156454F5054
OPT_REPLY_MAGIC = 0x3E889045565A9
REQUEST_MAGIC = 0x25609513
SIMPLE_REPLY_MAGIC = 0x67446698
FLAG_FIXED_NEWSTYLE, FLAG_NO_ZEROES = 1, 2
OPT_EXPORT_NAME, OPT_GO = 1, 7
REP_ACK, REP_INFO, REP_ERR_UNSUP = 1, 3, 0x80000001
INFO_EXPORT = 0
FLAG_HAS_FLAGS, FLAG_SEND_FLUSH = 1, 4
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH = 0, 1, 2, 3
REQUEST_LEN = 28

EXPORT_BYTES = 4 << 20
LIE_AFTER = 200                 # honest requests first: the lie comes mid-IO
UNKNOWN_ERROR = 0x7777          # no NBD_E... has this number
UNKNOWN_ERRORS = 16             # a handful: each is a line in the client's log
SOCKET_TIMEOUT_S = 60           # longer than any test that talks to it
# Before closing after the half reply: a close with the client's next
# requests still unread makes the host reset the connection, which can
# drop the half reply on its way -- the client would only see a close.
TRUNCATE_PAUSE_S = 1
MODES = ("bad_magic", "unknown_cookie", "not_in_flight", "truncated", "closes", "stall",
         "unknown_error", "opt_len_lie", "no_go")


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    return data


class FakeServer:
    def __init__(self, mode, lie_after=LIE_AFTER):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.lie_after = lie_after
        self.disk = bytearray(EXPORT_BYTES)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(SOCKET_TIMEOUT_S)
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.events = []            # what happened, for the test's report
        self.conn = None            # the client, once it came
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        """End the thread now: a client that never closes (QEMU's relay may
        outlive QEMU) must not keep it in recv."""
        self.stopping.set()
        self.sock.close()
        if self.conn:
            try:
                self.conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(timeout=SOCKET_TIMEOUT_S)

    def serve(self):
        try:
            conn, _ = self.sock.accept()
        except OSError:
            return
        conn.settimeout(SOCKET_TIMEOUT_S)
        self.conn = conn
        try:
            if self.handshake(conn):
                self.transmit(conn)
        except (OSError, ConnectionError) as e:
            self.events.append(f"connection ended: {e}")
        finally:
            conn.close()

    def option_reply(self, conn, option, rtype, data=b"", claimed=None):
        length = len(data) if claimed is None else claimed
        conn.sendall(struct.pack(">QIII", OPT_REPLY_MAGIC, option, rtype, length) + data)

    def handshake(self, conn):
        conn.sendall(struct.pack(">QQH", NBDMAGIC, IHAVEOPT,
                                 FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES))
        recv_exact(conn, 4)                                 # client flags
        while not self.stopping.is_set():
            magic, option, length = struct.unpack(">QII", recv_exact(conn, 16))
            recv_exact(conn, length)
            if magic != IHAVEOPT:
                return False
            if option == OPT_EXPORT_NAME:
                conn.sendall(struct.pack(">QH", EXPORT_BYTES, FLAG_HAS_FLAGS | FLAG_SEND_FLUSH))
                self.events.append("export name negotiated")
                return True
            if option != OPT_GO or self.mode == "no_go":
                self.option_reply(conn, option, REP_ERR_UNSUP)
                continue
            if self.mode == "opt_len_lie":
                self.option_reply(conn, option, REP_INFO, b"\0\0lies", claimed=1 << 20)
                self.events.append("sent an option reply claiming 1 MiB")
                self.stopping.wait(SOCKET_TIMEOUT_S)
                return False
            info = struct.pack(">HQH", INFO_EXPORT, EXPORT_BYTES, FLAG_HAS_FLAGS | FLAG_SEND_FLUSH)
            self.option_reply(conn, option, REP_INFO, info)
            self.option_reply(conn, option, REP_ACK)
            return True
        return False

    def reply(self, conn, cookie, data=b"", magic=SIMPLE_REPLY_MAGIC, error=0):
        conn.sendall(struct.pack(">IIQ", magic, error, cookie) + data)

    def transmit(self, conn):
        served = 0
        while not self.stopping.is_set():
            magic, _flags, cmd, cookie, offset, length = struct.unpack(
                ">IHHQQI", recv_exact(conn, REQUEST_LEN))
            if magic != REQUEST_MAGIC or cmd == CMD_DISC:
                return
            if cmd == CMD_WRITE:
                self.disk[offset:offset + length] = recv_exact(conn, length)
            data = bytes(self.disk[offset:offset + length]) if cmd == CMD_READ else b""
            served += 1
            if (served < self.lie_after or self.mode == "no_go" or
                    (self.mode == "truncated" and cmd != CMD_READ) or
                    (self.mode == "unknown_error" and
                     served >= self.lie_after + UNKNOWN_ERRORS)):
                self.reply(conn, cookie, data)
                continue
            if self.mode == "unknown_error":     # a lie that keeps the connection
                self.events.append(f"lied ({self.mode}) at request {served}")
                self.reply(conn, cookie, error=UNKNOWN_ERROR)
                continue
            self.events.append(f"lied ({self.mode}) at request {served}")
            if self.mode == "bad_magic":
                self.reply(conn, cookie, data, magic=0x12345678)
            elif self.mode == "unknown_cookie":
                self.reply(conn, cookie ^ 0x5A5A000000000000, data)
            elif self.mode == "not_in_flight":
                self.reply(conn, cookie, data)
                self.reply(conn, cookie, data)
            elif self.mode == "truncated":
                conn.sendall(struct.pack(">IIQ", SIMPLE_REPLY_MAGIC, 0, cookie) +
                             data[:len(data) // 2])
                self.stopping.wait(TRUNCATE_PAUSE_S)
                return
            elif self.mode == "closes":
                return
            else:                                   # stall: silent, connection open
                self.stopping.wait(SOCKET_TIMEOUT_S)
                return
            self.stopping.wait(SOCKET_TIMEOUT_S)    # after the lie, nothing more
            return
