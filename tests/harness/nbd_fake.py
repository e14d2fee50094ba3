"""nbd_fake.py - an NBD server that lies, for the client's bad-input tests.

FakeServer(mode, lie_after=LIE_AFTER, image=None) listens on 127.0.0.1
on a free port, in a thread, and serves its clients one after another: a
fixed-newstyle handshake, NBD_OPT_GO answered with NBD_INFO_EXPORT and an
ACK, then honest replies from a memory export (EXPORT_BYTES of zeros, or
a copy of image) -- until request number lie_after, where it breaks the
protocol as mode says:

  bad_magic       a reply whose magic is wrong
  unknown_cookie  a reply for a cookie the client never sent
  not_in_flight   the right reply, then the same reply again
  truncated       a read's reply header and half its data, then it closes
  closes          it closes the connection instead of replying
  stall           it stops answering, and keeps the connection open
  trickle         a read's reply header, then its data one byte every
                  TRICKLE_S: never silent for a whole timeout, never done
  unknown_error   the next UNKNOWN_ERRORS replies carry error UNKNOWN_ERROR,
                  a number the protocol does not define (and, as it asks of
                  an error reply, no read data); then honest ones again
  opt_len_lie     (during the handshake) an option reply claiming 1 MiB of
                  data, followed by a few bytes and silence
  no_go           never lies, but answers NBD_OPT_GO with NBD_REP_ERR_UNSUP,
                  as an old server would: the client must fall back to
                  NBD_OPT_EXPORT_NAME
  structured      a reply with the structured reply magic, which the client
                  never negotiated
  size_zero       (handshake) an export of 0 bytes
  size_unaligned  (handshake) an export of EXPORT_BYTES + ODD_BYTES bytes
  size_huge       (handshake) an export of HUGE_BYTES (past 2^41: 2^32
                  sectors); honest after, keeping what is written past
                  its memory sector by sector
  read_only       (handshake) NBD_FLAG_READ_ONLY in the transmission flags;
                  honest after (a write is answered EPERM, as the protocol says)
  greeting_only   (handshake) the greeting, then silence
  closes_in_options  (handshake) reads the client's first option and closes
  slow_handshake  (handshake) honest, but every byte of it one
                  TRICKLE_HANDSHAKE_S after the one before
  size_change     honest, but each connection after the first offers an
                  export of half the size: a reconnect finds it changed
  read_only_later honest, but each connection after the first is read-only
  late            honest until stall_now() is called (by the harness, when
                  the kernel's log says so); from then on every reply is held
                  and all of them are sent LATE_S after, to a client that
                  must have given up on them

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
STRUCTURED_REPLY_MAGIC = 0x668E33EF
REP_ACK, REP_INFO, REP_ERR_UNSUP = 1, 3, 0x80000001
INFO_EXPORT = 0
FLAG_HAS_FLAGS, FLAG_READ_ONLY, FLAG_SEND_FLUSH = 1, 2, 4
NBD_EPERM = 1
CMD_READ, CMD_WRITE, CMD_DISC, CMD_FLUSH = 0, 1, 2, 3
REQUEST_LEN = 28
SECTOR = 512

EXPORT_BYTES = 4 << 20
LIE_AFTER = 200                 # honest requests first: the lie comes mid-IO
UNKNOWN_ERROR = 0x7777          # no NBD_E... has this number
UNKNOWN_ERRORS = 16             # a handful: each is a line in the client's log
SOCKET_TIMEOUT_S = 60           # longer than any test that talks to it
# Before closing after the half reply: a close with the client's next
# requests still unread makes the host reset the connection, which can
# drop the half reply on its way -- the client would only see a close.
TRUNCATE_PAUSE_S = 1
ODD_BYTES = 100                 # size_unaligned: not a whole number of sectors
HUGE_BYTES = 1 << 42            # size_huge
TRICKLE_HANDSHAKE_S = 0.5       # slow_handshake: its ~70 bytes take half a minute
TRICKLE_S = 0.1                 # trickle: a byte within every tick of the client's wait
LATE_S = 8                      # late: longer than the nbd_timeout= its tests use
# Modes whose requests are all answered honestly (their lie, if any, is in
# the handshake, or comes from stall_now()).
HONEST = ("no_go", "size_zero", "size_unaligned", "size_huge", "read_only", "greeting_only",
          "closes_in_options", "size_change", "read_only_later", "late", "slow_handshake")
MODES = ("bad_magic", "unknown_cookie", "not_in_flight", "truncated", "trickle", "closes", "stall",
         "unknown_error", "opt_len_lie", "no_go", "structured", "size_zero", "size_unaligned",
         "size_huge", "read_only", "greeting_only", "closes_in_options", "size_change",
         "read_only_later", "late", "slow_handshake")


def recv_exact(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise ConnectionError("client closed")
        data += chunk
    return data


class FakeServer:
    def __init__(self, mode, lie_after=LIE_AFTER, image=None):
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self.mode = mode
        self.lie_after = lie_after
        self.disk = bytearray(image) if image is not None else bytearray(EXPORT_BYTES)
        self.far = {}               # size_huge: sector number -> its bytes, past disk
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1)
        self.sock.settimeout(SOCKET_TIMEOUT_S)
        self.port = self.sock.getsockname()[1]
        self.stopping = threading.Event()
        self.stalled = threading.Event()    # late: stall_now() was called
        self.late_sent = threading.Event()  # late: the held replies went (or failed to)
        self.late_thread = None     # late: the thread that sends them
        self.send_lock = threading.Lock()   # late: the replier thread sends too
        self.events = []            # what happened, for the test's report
        self.conn = None            # the client being served
        self.connections = 0        # clients served so far
        self.thread = threading.Thread(target=self.serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def stop(self):
        """End the thread now: a client that never closes (QEMU's relay may
        outlive QEMU) must not keep it in recv, nor one that never comes
        in accept."""
        self.stopping.set()
        try:
            self.sock.shutdown(socket.SHUT_RDWR)    # wakes the accept of the next client
        except OSError:
            pass
        self.sock.close()
        if self.conn:
            try:
                self.conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self.thread.join(timeout=SOCKET_TIMEOUT_S)

    def stall_now(self):
        """late: hold every reply from now on, and send them LATE_S later."""
        self.stalled.set()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            conn.settimeout(SOCKET_TIMEOUT_S)
            self.conn = conn
            self.connections += 1
            try:
                if self.handshake(conn):
                    self.transmit(conn)
            except (OSError, ConnectionError) as e:
                self.events.append(f"connection {self.connections} ended: {e}")
            finally:
                if self.late_thread:    # the late replies go even to a client that left
                    self.late_thread.join()
                conn.close()

    def export(self):
        """What NBD_INFO_EXPORT (or the EXPORT_NAME reply) says: size, flags."""
        size = {"size_zero": 0, "size_unaligned": len(self.disk) + ODD_BYTES,
                "size_huge": HUGE_BYTES}.get(self.mode, len(self.disk))
        if self.mode == "size_change" and self.connections > 1:
            size //= 2
        flags = FLAG_HAS_FLAGS | FLAG_SEND_FLUSH
        read_only = self.mode == "read_only" or (self.mode == "read_only_later" and
                                                 self.connections > 1)
        return size, flags | FLAG_READ_ONLY if read_only else flags

    def option_reply(self, conn, option, rtype, data=b"", claimed=None):
        length = len(data) if claimed is None else claimed
        self.handshake_send(conn, struct.pack(">QIII", OPT_REPLY_MAGIC, option, rtype, length) +
                            data)

    def handshake_send(self, conn, data):
        if self.mode != "slow_handshake":
            conn.sendall(data)
            return
        for byte in data:
            if self.stopping.wait(TRICKLE_HANDSHAKE_S):
                return
            conn.sendall(bytes([byte]))

    def handshake(self, conn):
        self.handshake_send(conn, struct.pack(">QQH", NBDMAGIC, IHAVEOPT,
                                              FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES))
        if self.mode == "greeting_only":
            self.events.append("sent the greeting, then nothing")
            self.stopping.wait(SOCKET_TIMEOUT_S)
            return False
        recv_exact(conn, 4)                                 # client flags
        while not self.stopping.is_set():
            magic, option, length = struct.unpack(">QII", recv_exact(conn, 16))
            recv_exact(conn, length)
            if magic != IHAVEOPT:
                return False
            if self.mode == "closes_in_options":
                self.events.append(f"closed after option {option}")
                return False
            if option == OPT_EXPORT_NAME:
                self.handshake_send(conn, struct.pack(">QH", *self.export()))
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
            info = struct.pack(">HQH", INFO_EXPORT, *self.export())
            self.option_reply(conn, option, REP_INFO, info)
            self.option_reply(conn, option, REP_ACK)
            return True
        return False

    def reply(self, conn, cookie, data=b"", magic=SIMPLE_REPLY_MAGIC, error=0):
        with self.send_lock:
            conn.sendall(struct.pack(">IIQ", magic, error, cookie) + data)

    def answer_late(self, conn, held):
        """late: after LATE_S, every reply held (the list grows meanwhile)."""
        self.stopping.wait(LATE_S)
        self.events.append(f"sending {len(held)} replies {LATE_S} s late")
        try:
            for cookie, data in list(held):
                self.reply(conn, cookie, data)
        except OSError as e:
            self.events.append(f"late replies ended: {e}")
        self.late_sent.set()

    def io(self, conn, cmd, offset, length):
        """An honest request's data (a read's) and NBD error.  Past the
        memory export (size_huge) sectors are kept in self.far, by number."""
        sectors = range(offset // SECTOR, (offset + length) // SECTOR)
        if cmd == CMD_WRITE:
            data = recv_exact(conn, length)
            if self.export()[1] & FLAG_READ_ONLY:
                return b"", NBD_EPERM
            if offset + length <= len(self.disk):
                self.disk[offset:offset + length] = data
            else:
                for i, n in enumerate(sectors):
                    self.far[n] = data[i * SECTOR:(i + 1) * SECTOR]
            return b"", 0
        if cmd != CMD_READ:
            return b"", 0
        if offset + length <= len(self.disk):
            return bytes(self.disk[offset:offset + length]), 0
        return b"".join(self.far.get(n, bytes(SECTOR)) for n in sectors), 0

    def transmit(self, conn):
        served = 0
        held = []                   # late: (cookie, data) of the replies held
        while not self.stopping.is_set():
            magic, _flags, cmd, cookie, offset, length = struct.unpack(
                ">IHHQQI", recv_exact(conn, REQUEST_LEN))
            if magic != REQUEST_MAGIC or cmd == CMD_DISC:
                return
            data, error = self.io(conn, cmd, offset, length)
            served += 1
            if self.mode == "late" and self.stalled.is_set():
                if not held:
                    self.events.append(f"holding replies from request {served}")
                    self.late_thread = threading.Thread(target=self.answer_late,
                                                        args=(conn, held), daemon=True)
                    self.late_thread.start()
                held.append((cookie, data))
                continue
            if (served < self.lie_after or self.mode in HONEST or
                    (self.mode in ("truncated", "trickle") and cmd != CMD_READ) or
                    (self.mode == "unknown_error" and
                     served >= self.lie_after + UNKNOWN_ERRORS)):
                self.reply(conn, cookie, data, error=error)
                continue
            if self.mode == "unknown_error":     # a lie that keeps the connection
                self.events.append(f"lied ({self.mode}) at request {served}")
                self.reply(conn, cookie, error=UNKNOWN_ERROR)
                continue
            self.events.append(f"lied ({self.mode}) at request {served}")
            if self.mode == "bad_magic":
                self.reply(conn, cookie, data, magic=0x12345678)
            elif self.mode == "structured":
                self.reply(conn, cookie, data, magic=STRUCTURED_REPLY_MAGIC)
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
            elif self.mode == "trickle":
                self.reply(conn, cookie)
                for byte in data:
                    if self.stopping.wait(TRICKLE_S):
                        return
                    conn.sendall(bytes([byte]))
                return
            elif self.mode == "closes":
                return
            else:                                   # stall: silent, connection open
                self.stopping.wait(SOCKET_TIMEOUT_S)
                return
            self.stopping.wait(SOCKET_TIMEOUT_S)    # after the lie, nothing more
            return
