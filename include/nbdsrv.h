/*
 * nbdsrv.h - the in-kernel NBD server: a kernel task that serves one block
 * device over TCP with the fixed-newstyle protocol the client (nbd.h)
 * speaks -- the "nbd server process" of the January 1999 report.
 *
 * Asked for on the command line, and absent otherwise:
 *   nbdsrv=PORT        listen on PORT of every local address (127.0.0.1 for
 *                      nbd=127.0.0.1:PORT, or 10.0.2.15 for a host client
 *                      through qemu-boot --hostfwd)
 *   nbdsrv_dev=DEV     the device it serves (default hda); its exports are
 *                      "" and DEV
 *
 * It is an ordinary server, on purpose: not PF_MEMALLOC, not PRIO_IO, and
 * every request's data lives in pages it allocates with GFP_KERNEL for
 * that request -- so under memory pressure it enters reclaim, as a user
 * space server would.  Whether the client's requests can then still be
 * answered is what reclaim's policy decides (docs/deadlock-1999.md).
 *
 * One connection at a time: the next is accepted when one ends.  Options
 * other than NBD_OPT_GO, NBD_OPT_EXPORT_NAME and NBD_OPT_ABORT get
 * NBD_REP_ERR_UNSUP; commands other than READ, WRITE, FLUSH and DISC get
 * EINVAL; a client that breaks the framing is told nothing more: a log
 * line and the connection closed.
 *
 * nbdsrv_init() after net_init() and before nbd_init(), so that nbd0 can
 * connect to it at boot; nbdsrv_claim_clients() after nbd_init(): every
 * NBD device connected to 127.0.0.1:PORT names nbdsrv as the task that
 * answers its requests (blkdev.h, struct blk_server), for the hang
 * detector and the lock validator.
 */
#pragma once
#include <stdint.h>

struct task;

void nbdsrv_init(void);
void nbdsrv_claim_clients(void);

struct nbdsrv_stats {
    uint32_t connections;       /* accepted since boot */
    uint64_t reads, writes, flushes;   /* requests answered without an error */
    uint64_t bytes_read, bytes_written;
    uint32_t errors;            /* requests answered with an error */
    uint32_t no_memory;         /* ... of them because no page could be had */
    uint32_t pages;             /* pages allocated for requests */
};
/* 0, or -ENODEV when no server was asked for. */
int nbdsrv_get_stats(struct nbdsrv_stats *out);
/* The server's task (NULL when there is none). */
struct task *nbdsrv_task(void);
