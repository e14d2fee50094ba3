/*
 * nbd_dev.h - the NBD client's own state, shared by its files (private to
 * drivers/block/; others use include/nbd.h):
 *   nbd.c            the device: command line, submit, the send and receive
 *                    tasks, timeouts, failing the connection
 *   nbd_handshake.c  connecting and the fixed-newstyle handshake
 *   nbd_monitor.c    the monitor's nbd command
 *
 * Who owns what.  A request lives in a slot of the in-flight table from
 * the moment the sender takes it off a queue until its reply is consumed:
 *   SENDING    the sender is writing it to the socket (for a write, from
 *              the bio's pages: nobody may complete the bio meanwhile)
 *   SENT       on the wire, waiting for its reply; nbd_fail() may complete it
 *   RECEIVING  the receive task matched a reply to it and is reading the
 *              data into the bio's pages; only the receive task ends it
 * Each state's owner completes the request; nbd_fail() completes only what
 * nobody is touching (queued requests and SENT slots), and the owners of
 * the rest see the device dead and fail theirs.  A slot's gen counts its
 * uses and is half of the cookie, so that a reply for a request already
 * answered is told from one for the request now in the slot.
 *
 * The socket.  The sender and the receiver use nd->sock freely while they
 * run; the sender closes it last, once the receiver has ended.  Anyone
 * else (the monitor) reads sock only under lock, and the sender clears it
 * under lock before closing, so a view of a dead device finds NULL, never
 * a freed socket (docs/design.md, invariant 5, bad input fails one
 * operation).
 *
 * Locking: lock (a spinlock, since submit may come from interrupt
 * handlers' completions) protects the queues, the slots, dead, the
 * counters and sock for readers other than the two tasks.  Nothing is
 * completed and nothing sleeps with it held.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "blkdev.h"
#include "completion.h"
#include "list.h"
#include "mm.h"
#include "nbd.h"
#include "nbd_proto.h"
#include "spinlock.h"
#include "timer.h"
#include "wait.h"

#define NBD_WHY_LEN     160     /* the reason the connection died, for the log */
#define NBD_EXPORT_NAME_LEN 64  /* longer names are refused at boot, saying so */
/* The largest request: one bio, whole. */
#define NBD_MAX_REQUEST (BIO_MAX_VECS * PAGE_SIZE)

enum nbd_slot_state { SLOT_FREE, SLOT_SENDING, SLOT_SENT, SLOT_RECEIVING };

/* A request that is no bio: a flush or a trim, from a sleeping caller. */
struct nbd_ctl {
    struct list_head link;      /* on ctl_queue until a slot takes it */
    uint16_t cmd;               /* NBD_CMD_FLUSH or NBD_CMD_TRIM */
    uint64_t offset;            /* bytes, for a trim */
    uint32_t len;
    int status;                 /* 0 or -EIO, valid once done */
    struct completion done;
};

struct nbd_slot {
    enum nbd_slot_state state;
    uint32_t gen;               /* uses so far; the cookie's upper half */
    uint16_t cmd;               /* NBD_CMD_... */
    uint16_t cmd_flags;         /* NBD_CMD_FLAG_... sent with it */
    uint64_t offset;            /* bytes */
    uint32_t len;
    struct bio *bio;            /* a read or a write */
    struct nbd_ctl *ctl;        /* or a flush or trim */
    uint64_t sent_ms;           /* when the sender took it: the timeout counts from here */
    uint64_t taken_tsc;         /* the same, in TSC cycles, for the counters */
};

struct nbd_device {
    struct block_device bdev;
    uint32_t addr;              /* the server, host order */
    uint16_t port;
    char export_name[NBD_EXPORT_NAME_LEN];
    uint32_t timeout_ms;
    bool fua;                   /* nbd_fua: FUA on every write */
    struct socket *sock;        /* the sender owns it; NULL once closed (see above) */
    struct nbd_export export;   /* what the handshake learned */
    bool used_go;               /* NBD_OPT_GO (else the EXPORT_NAME fallback) */

    struct spinlock lock;       /* everything below */
    struct list_head bio_queue; /* bios submitted, waiting for a slot */
    struct list_head ctl_queue; /* struct nbd_ctl, likewise */
    struct nbd_slot slots[NBD_MAX_INFLIGHT];
    bool dead;                  /* the connection failed or was cut; cleared only
                                 * by nbd_reconnect() once connected again */
    char why[NBD_WHY_LEN];      /* what failed or cut it */
    struct nbd_stats stats;     /* connected, inflight, queued and the counts */
    uint64_t busy_since;        /* TSC when inflight last went from 0 to 1 */

    struct wait_queue send_wq;  /* the sender: work, a free slot, death */
    struct task *receiver;      /* joined by the sender as it ends */
    struct completion sender_done; /* the sender has ended: the socket is closed */
    struct ktimer timeout_timer; /* every NBD_TICK_MS until dead (nbd.c) */
};

/* nbd_handshake.c: connect to nd->addr:port and negotiate nd->export_name;
 * fills nd->sock, nd->export and used_go.  0, or an error after a log line
 * naming what went wrong (the socket is then closed). */
int nbd_connect(struct nbd_device *nd);

/* nbd.c: clear nd->sock under the lock, so that no view reads it from
 * now on, then close it (the socket's owner, once done with it). */
void nbd_release_socket(struct nbd_device *nd);

/* nbd.c: the i-th NBD device that connected at boot (NULL past the last),
 * for the monitor. */
struct nbd_device *nbd_device(int i);
