/*
 * blkdev.h - the block layer: block devices by name, and bios.
 *
 * A block device (hda, hdb, ram0, later nbd0) has a name, a size in
 * 512-byte sectors, a logical block size and a driver.  Devices register
 * once and are never removed.
 *
 * A bio is one request: a device, a starting sector, a direction and up to
 * BIO_MAX_VECS page segments, each a page, an offset and a length (whole
 * sectors).  submit_bio() is asynchronous: it queues the bio and returns;
 * the driver later sets bio->status (0 or -EIO) and calls bio->end_io,
 * from its interrupt handler or its own task -- so end_io must not sleep.
 * A bio that reaches past the end of its device fails with -EIO at once.
 * submit_bio_wait() is the synchronous form for callers that may sleep.
 *
 * Bios come from a mempool (bio_alloc): the IO path must make progress with
 * no free memory, so in task context bio_alloc never fails -- it waits for
 * a bio to be returned.  bio_put() returns it.
 *
 * The driver contract: ops->submit(dev, bio) takes ownership until it calls
 * bio_endio(bio, status).  Requests may be merged by the driver when they
 * are adjacent on disk and in the same direction.
 *
 * A dead device.  A driver that knows its device is gone for good (the NBD
 * client whose server closed, lied or stalled) says so with
 * blkdev_mark_dead() before it fails the bios: from then on the block
 * layer fails every bio with -EIO as it is submitted (a stalled device's
 * held bios too, as they are let go), and a retry can never succeed.  Writers of pages ask
 * blkdev_dead() to tell that apart from a transient error (a bad sector):
 * they keep such pages in memory instead of retrying them for ever.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "gfp.h"
#include "list.h"
#include "lockdep.h"

#define SECTOR_SIZE     512
#define SECTOR_SHIFT    9
/* 128 KiB.  A bio is one NBD request (nbd_dev.h), and swap's clusters
 * and writes are one bio each, so this is the size of a swap request over
 * NBD: with 16, bench=swap_nbd's verify made twice the requests and took
 * a fifth longer. */
#define BIO_MAX_VECS    32
#define BDEV_NAME_LEN   8

struct page;
struct bio;
struct block_device;
struct kswiod_dev;

enum bio_op { BIO_READ, BIO_WRITE };

struct bio_vec {
    struct page *page;
    uint32_t offset;            /* into the page */
    uint32_t len;               /* bytes, a multiple of SECTOR_SIZE */
};

struct bio {
    struct block_device *bdev;
    uint64_t sector;            /* first sector */
    enum bio_op op;
    int nvecs;
    struct bio_vec vecs[BIO_MAX_VECS];
    int status;                 /* 0, or -EIO; valid in end_io */
    void (*end_io)(struct bio *bio);
    void *private;              /* the submitter's */
    struct list_head queue;     /* the driver's queue, while it owns the bio */
};

/*
 * A task inside this kernel that answers a device's requests itself: nbdsrv
 * for an nbd0 connected to it over loopback.  A bio in flight has no owner
 * a lock could name, yet whoever waits for one on such a device waits for
 * that task -- and that task may need what the waiter holds (the 1999
 * deadlock: lock_super held across a bitmap read that nbdsrv, short of
 * memory, cannot answer).  So the wait is made visible to both checkers:
 *   the hang detector follows a waiter on a buffer of the device, or on
 *       a bio of it in submit_bio_wait() (a swap-in read, a program's
 *       read of /dev/NAME), to server->task (the wait queue names it as
 *       its owner);
 *   the lock validator sees "waiting for the device's IO" as taking the
 *       pseudo-lock server->map (blkdev_might_wait), which the server
 *       holds while it serves a request -- so "lock_super held while
 *       waiting for nbd0" and "nbdsrv allocating (reclaim_io) while
 *       serving" are edges of one graph, and reclaim taking lock_super
 *       closes the cycle whether or not the timing deadlocked.
 */
struct blk_server {
    struct task *task;          /* answers the requests; NULL while none does */
    struct lockdep_map map;     /* "a request to this server" (LOCK_PSEUDO) */
    /* Pages the server task's own reclaim handed to a write to this very
     * device (mm/vmscan.c): a write only it can answer, which under
     * reclaim=sync it would wait for.  An IO flusher's reclaim
     * (PR_SET_IO_FLUSHER, GFP_NOIO) never makes one.  page_lock. */
    uint32_t own_reclaim_writes;
};

struct block_device_ops {
    void (*submit)(struct block_device *dev, struct bio *bio);
};

struct block_device {
    char name[BDEV_NAME_LEN];
    uint64_t nr_sectors;
    uint32_t logical_block_size;
    const struct block_device_ops *ops;
    void *driver_data;
    struct list_head link;      /* on the registry */
    uint64_t sectors_read, sectors_written;
    uint32_t errors;
    bool stalled;               /* blkdev_stall: hold requests, do not start them */
    bool dead;                  /* blkdev_mark_dead: every bio fails, for good */
    bool read_only;             /* the disk takes no writes (an NBD export's READ_ONLY
                                 * flag): swapon refuses it, ext2 mounts it read-only;
                                 * set by its driver before it registers, never changed */
    struct list_head held;      /* the bios held meanwhile */
    struct blk_server *server;  /* who answers its requests, if a task here does */
    struct kswiod_dev *kswiod;  /* who writes its pages (mm/kswiod.c), once it takes
                                 * page writes (swapon, mount); never goes */
};

void block_init(void);
/* Register dev (name, size, ops filled in); -EBUSY if the name is taken. */
int blkdev_register(struct block_device *dev);
struct block_device *blkdev_find(const char *name);
/* The device registered after prev (NULL: the first), in the order they
 * registered; NULL after the last.  No lock: devices are never
 * unregistered. */
struct block_device *blkdev_next(struct block_device *prev);

/* dev's requests are answered by srv (before anyone reads dev: buffers
 * made earlier do not name it). */
void blkdev_set_server(struct block_device *dev, struct blk_server *srv);
/* t, about to exit, answers no device's requests from now on: every
 * device it served forgets it (logged), so that no view, nor the hang
 * detector, follows a pointer to a freed task.  A process's exit calls
 * it (process_exit); devices are few, and registered once. */
struct task;
void blkdev_forget_server(const struct task *t);
/* The current task is about to wait for IO on dev: for the lock validator
 * (see struct blk_server); nothing when no task here serves dev. */
void blkdev_might_wait(struct block_device *dev);

/* The driver's word that dev is gone for good (never undone); any context. */
void blkdev_mark_dead(struct block_device *dev);
bool blkdev_dead(const struct block_device *dev);

/* A zeroed bio from the bio mempool; NULL only for GFP_ATOMIC. */
struct bio *bio_alloc(gfp_t gfp);
void bio_put(struct bio *bio);
/* Add a segment; -E2BIG when the bio is full. */
int bio_add_page(struct bio *bio, struct page *page, uint32_t len, uint32_t offset);
uint32_t bio_bytes(const struct bio *bio);

void submit_bio(struct bio *bio);
/* Submit and sleep until done; returns bio->status. */
int submit_bio_wait(struct bio *bio);
/* For drivers: finish a bio they own. */
void bio_endio(struct bio *bio, int status);

/* A device that stops answering, on purpose (tests: a stalled disk or a
 * server that hangs): while stalled, submitted bios are held, neither
 * started nor completed; unstalling submits them in order. */
void blkdev_stall(struct block_device *dev, bool stalled);

/* Read or write len bytes (whole sectors) at sector from or to a kernel
 * buffer in the direct map, aligned to a sector; sleeps.  0, -EIO, or
 * -EINVAL for a misaligned buffer or length. */
int blkdev_rw(struct block_device *dev, uint64_t sector, void *buf, uint32_t len,
              enum bio_op op);
