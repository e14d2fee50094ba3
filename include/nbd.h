/*
 * nbd.h - the network block device client: nbd0 (and nbd1 ...), block
 * devices whose sectors live on NBD servers reached over TCP.
 *
 * Asked for on the command line, and absent otherwise:
 *   nbd=A.B.C.D:PORT[,A.B.C.D:PORT]
 *                      the servers of nbd0, nbd1, ... (under QEMU user
 *                      networking the host's 127.0.0.1:PORT is
 *                      10.0.2.100:PORT: tools/qemu-boot --guestfwd or --nbd)
 *   nbd_export=NAME[,NAME]
 *                      their exports (default: the server's default, "")
 *   nbd_timeout=S      a request with no reply after S seconds fails with
 *                      -EIO and kills the connection (default 15: below
 *                      the hang detector's 20, so the driver reports first)
 *   nbd_fua            every write carries FUA when the server offers it
 *
 * nbd_init() connects and does the handshake at boot (nbd_attach() later,
 * the monitor's "nbd connect"); on success nbdN is
 * in the block layer (ext2 mounts it, swapon takes it, like any disk).
 * Bios go to the server as they come, up to NBD_MAX_INFLIGHT at a time,
 * each one request.  When the server breaks the protocol, closes, or lets
 * a request time out, every request in flight and queued fails with -EIO,
 * the log says what happened, and the device is dead: later bios fail at
 * once.  Requests the server had acknowledged stay acknowledged.
 *
 * Writes are acknowledged when the server has them, which for most servers
 * means in its page cache: nbd_flush() asks it to make them durable
 * (NBD_CMD_FLUSH), nbd_trim() that it may forget a range (NBD_CMD_TRIM).
 * Both sleep; both return -EOPNOTSUPP when the server did not offer them.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define NBD_MAX_INFLIGHT 16     /* requests sent and not yet answered, per device */
#define NBD_MAX_DEVICES  3      /* make run: nbdsrv's nbd0, the host's ext2 nbd1 and swap nbd2 */

struct blk_server;
struct block_device;

void nbd_init(void);
/* Name srv as the task that answers the requests of every device whose
 * server is addr:port (host order), for the hang detector and the lock
 * validator (blkdev.h, struct blk_server).  After nbd_init(): an
 * in-kernel server calls it for its own clients. */
void nbd_set_server(uint32_t addr, uint16_t port, struct blk_server *srv);

/* One more device after boot, for a server that starts later (a process:
 * user/nbd-server.c): nbdN, the lowest N not taken, connected to server
 * ("A.B.C.D:PORT") and export (NULL or "": the server's default) and
 * registered, as nbd= does at boot.  0 and *out, or the error after a
 * log line (-ENOSPC: NBD_MAX_DEVICES exist; the handshake's errors). */
int nbd_attach(const char *server, const char *export, struct block_device **out);

/* What an administrator does to a connection that is alive but stuck:
 * cut it -- every request queued and in flight fails with -EIO, and so
 * does every bio until the end of this call: the device is down, not
 * dead -- then connect and shake hands again.  Sleeps until the server
 * answers the new connection.  0; -EIO when it could not connect again
 * (the device is then dead) or was dead already; -ENODEV when dev is no
 * NBD device. */
int nbd_reconnect(struct block_device *dev);

int nbd_flush(struct block_device *dev);
int nbd_trim(struct block_device *dev, uint64_t sector, uint32_t count);

/* What a test or the monitor may want to know. */
struct nbd_stats {
    bool connected;             /* false once the device is dead */
    uint32_t inflight;          /* requests sent, not answered */
    uint32_t max_inflight;      /* the most at once since boot */
    uint32_t queued;            /* bios waiting for a slot */
    uint64_t reads, writes, flushes, trims;   /* requests answered */
    uint64_t bytes_read, bytes_written;
    uint32_t server_errors;     /* replies with an error */
    uint32_t failed;            /* requests failed by a dead connection */
    uint32_t timeouts;          /* requests that had no reply in time */
    uint32_t reconnects;        /* connections cut and made again (nbd_reconnect) */
    /* Where the time goes, in TSC cycles (bench=nbd_swap divides them by
     * the TSC's rate): */
    uint64_t busy_tsc;          /* with at least one request in flight */
    uint64_t send_tsc;          /* the sender writing requests to the socket,
                                 * waiting for room in it included */
    uint64_t write_tsc;         /* each answered write, from the sender taking it
                                 * to its reply, summed */
};
/* 0, or -ENODEV when dev is not an NBD device. */
int nbd_get_stats(struct block_device *dev, struct nbd_stats *out);
