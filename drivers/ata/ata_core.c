/*
 * ata_core.c - a channel's queue of bios, the command in flight, its
 * interrupt, and what happens on an error or a timeout.
 *
 * submit queues a bio (FIFO) and, if the channel is idle, starts the next
 * command.  A command carries the bio at the head of the queue and the
 * bios right behind it that continue it on disk (same device, same
 * direction), up to ATA_MAX_SECTORS and the PRD table.  The interrupt
 * ends the command, starts the next one, and only then -- with the lock
 * released -- completes the bios, because an end_io may submit again.
 *
 * Errors never panic: the bios get -EIO and a log line names the device,
 * the sectors, and the status and error bits.  When a merged command
 * fails, its bios go back to the head of the queue to be retried one at a
 * time, so that only the bio that touches the bad sector fails.  A command
 * with no interrupt after ATA_TIMEOUT_MS is abandoned: the channel is
 * reset (SRST) and its bios fail.
 */
#include "ata_priv.h"
#include "interrupts.h"
#include "kerrno.h"
#include "printk.h"
#include "x86.h"

static const char *op_name(enum bio_op op) { return op == BIO_READ ? "read" : "write"; }

/* Complete every bio on done with the status stored in it; no lock held. */
static void end_bios(struct list_head *done)
{
    while (!list_empty(done)) {
        struct bio *bio = list_first_entry(done, struct bio, queue);
        list_del(&bio->queue);
        bio_endio(bio, bio->status);    /* may resubmit: bio->queue is free again */
    }
}

/* Move the request's bios to done, each to be completed with status. */
static void end_request(struct ata_request *rq, int status, struct list_head *done)
{
    while (!list_empty(&rq->bios)) {
        struct bio *bio = list_first_entry(&rq->bios, struct bio, queue);
        list_del(&bio->queue);
        bio->status = status;
        list_add_tail(&bio->queue, done);
    }
}

/* Put the request's bios back at the head of the queue, in their order. */
static int requeue_request(struct ata_channel *ch, struct ata_request *rq)
{
    int n = 0;
    while (!list_empty(&rq->bios)) {
        struct list_head *last = rq->bios.prev;
        list_del(last);
        list_add(last, &ch->queue);
        n++;
    }
    return n;
}

static bool needs_lba48(uint64_t lba, uint32_t sectors)
{
    /* Like Linux, keep LBA28 away from its very last sector, which some
     * drives got wrong. */
    return lba + sectors >= LBA28_LIMIT || sectors > LBA28_MAX_COUNT;
}

/* Take the head of the queue, and the bios that continue it, as rq. */
static void build_request(struct ata_channel *ch, struct ata_request *rq)
{
    struct bio *bio = list_first_entry(&ch->queue, struct bio, queue);
    struct ata_device *dev = bio->bdev->driver_data;
    uint32_t max = dev->lba48 ? ATA_MAX_SECTORS : LBA28_MAX_COUNT;
    uint32_t segments = 0;
    bool merge = ch->unmerged == 0;
    if (!merge)
        ch->unmerged--;
    list_init(&rq->bios);
    rq->dev = dev;
    rq->op = bio->op;
    rq->lba = bio->sector;
    rq->sectors = 0;
    rq->dma = dev->dma;
    do {
        list_del(&bio->queue);
        list_add_tail(&bio->queue, &rq->bios);
        rq->sectors += bio_bytes(bio) >> SECTOR_SHIFT;
        segments += bio->nvecs;
        if (!merge || list_empty(&ch->queue))
            break;
        bio = list_first_entry(&ch->queue, struct bio, queue);
    } while (bio->bdev == &dev->bdev && bio->op == rq->op &&
             bio->sector == rq->lba + rq->sectors &&
             rq->sectors + (bio_bytes(bio) >> SECTOR_SHIFT) <= max &&
             segments + bio->nvecs <= PRD_MAX);
}

static uint8_t command_for(const struct ata_request *rq, bool lba48)
{
    static const uint8_t cmds[2][2][2] = {          /* [dma][lba48][write] */
        { { ATA_CMD_READ_SECTORS, ATA_CMD_WRITE_SECTORS },
          { ATA_CMD_READ_SECTORS_EXT, ATA_CMD_WRITE_SECTORS_EXT } },
        { { ATA_CMD_READ_DMA, ATA_CMD_WRITE_DMA },
          { ATA_CMD_READ_DMA_EXT, ATA_CMD_WRITE_DMA_EXT } },
    };
    return cmds[rq->dma][lba48][rq->op == BIO_WRITE];
}

static void ata_timeout(struct ktimer *t);

/* Start commands until one is in flight or the queue is empty; bios of
 * commands that could not even start go to done.  Lock held. */
static void start_next(struct ata_channel *ch, struct list_head *done)
{
    while (!list_empty(&ch->queue)) {
        struct ata_request *rq = &ch->rq;
        build_request(ch, rq);
        bool lba48 = needs_lba48(rq->lba, rq->sectors);
        if (rq->dma)
            ata_dma_prepare(ch, rq);
        int err = ata_issue(ch, rq->dev->drive, command_for(rq, lba48), rq->lba, rq->sectors,
                            lba48);
        if (!err && rq->dma)
            ata_dma_start(ch);
        else if (!err)
            err = ata_pio_start(ch, rq);
        if (!err) {
            ch->busy = true;
            ktimer_add(&ch->timer, ATA_TIMEOUT_MS, ata_timeout);
            return;
        }
        char what[96];
        ata_describe(ata_altstatus(ch), ata_read(ch, ATA_REG_ERROR), what, sizeof(what));
        pr_err("ata: %s: cannot start %s at sector %llu (%u sectors): %s\n",
               rq->dev->bdev.name, op_name(rq->op), (unsigned long long)rq->lba,
               rq->sectors, what);
        end_request(rq, -EIO, done);
        /* Whatever half-started must not block the next command. */
        if (ata_reset(ch) < 0)
            pr_err("ata: %s: still busy after a reset\n", ch->name);
    }
}

/* The command in flight ended (err: how); lock held. */
static void finish(struct ata_channel *ch, bool err, uint8_t status, uint8_t bm_status,
                   struct list_head *done)
{
    struct ata_request *rq = &ch->rq;
    ktimer_cancel(&ch->timer);
    ch->busy = false;
    if (!err) {
        end_request(rq, 0, done);
    } else {
        char what[96];
        ata_describe(status, ata_read(ch, ATA_REG_ERROR), what, sizeof(what));
        pr_err("ata: %s: %s error at sector %llu (%u sectors, %s): %s%s\n",
               rq->dev->bdev.name, op_name(rq->op), (unsigned long long)rq->lba, rq->sectors,
               rq->dma ? "DMA" : "PIO", what,
               (bm_status & BM_ST_ERROR) ? ", bus master error" : "");
        if (rq->bios.next->next != &rq->bios) {         /* more than one bio */
            int n = requeue_request(ch, rq);
            ch->unmerged = (uint32_t)n;
            pr_err("ata: %s: retrying those %d bios one at a time\n", rq->dev->bdev.name, n);
        } else {
            end_request(rq, -EIO, done);
        }
    }
    start_next(ch, done);
}

static void ata_intr(struct ata_channel *ch)
{
    struct list_head done = LIST_HEAD_INIT(done);
    uint32_t flags = spin_lock_irqsave(&ch->lock);
    struct ata_request *rq = &ch->rq;
    if (!ch->busy) {
        ata_read(ch, ATA_REG_STATUS);   /* a stray interrupt: acknowledge it */
    } else if (rq->dma) {
        if (ata_dma_status(ch) & BM_ST_INTR) {
            uint8_t bm = ata_dma_stop(ch);
            uint8_t status = ata_read(ch, ATA_REG_STATUS);
            finish(ch, (status & (ATA_SR_ERR | ATA_SR_DF)) || (bm & BM_ST_ERROR), status, bm,
                   &done);
        }
    } else {
        uint8_t status = ata_read(ch, ATA_REG_STATUS);
        if (!(status & ATA_SR_BSY)) {
            int r = (status & (ATA_SR_ERR | ATA_SR_DF)) ? -EIO : ata_pio_intr(ch, rq);
            if (r)
                finish(ch, r < 0, status, 0, &done);
        }
    }
    spin_unlock_irqrestore(&ch->lock, flags);
    end_bios(&done);
}

static void ata_timeout(struct ktimer *t)
{
    struct ata_channel *ch = list_entry(t, struct ata_channel, timer);
    struct list_head done = LIST_HEAD_INIT(done);
    uint32_t flags = spin_lock_irqsave(&ch->lock);
    if (ch->busy) {
        struct ata_request *rq = &ch->rq;
        char what[96];
        ata_describe(ata_altstatus(ch), ata_read(ch, ATA_REG_ERROR), what, sizeof(what));
        pr_err("ata: %s: timeout: %s at sector %llu (%u sectors) had no answer in %u ms: %s; "
               "resetting %s\n", rq->dev->bdev.name, op_name(rq->op),
               (unsigned long long)rq->lba, rq->sectors, ATA_TIMEOUT_MS, what, ch->name);
        if (rq->dma)
            ata_dma_stop(ch);
        if (ata_reset(ch) < 0)
            pr_err("ata: %s: still busy after a reset\n", ch->name);
        ch->busy = false;
        end_request(rq, -EIO, &done);
        start_next(ch, &done);
    }
    spin_unlock_irqrestore(&ch->lock, flags);
    end_bios(&done);
}

void ata_submit(struct block_device *bdev, struct bio *bio)
{
    struct ata_device *dev = bdev->driver_data;
    struct ata_channel *ch = dev->ch;
    struct list_head done = LIST_HEAD_INIT(done);
    uint32_t flags = spin_lock_irqsave(&ch->lock);
    list_add_tail(&bio->queue, &ch->queue);
    if (!ch->busy)
        start_next(ch, &done);
    spin_unlock_irqrestore(&ch->lock, flags);
    end_bios(&done);
}

static void ata_irq_primary(struct int_frame *f) { (void)f; ata_intr(&ata_channels[0]); }
static void ata_irq_secondary(struct int_frame *f) { (void)f; ata_intr(&ata_channels[1]); }

void ata_channel_go_live(struct ata_channel *ch)
{
    spin_lock_init(&ch->lock, "ata channel");
    list_init(&ch->queue);
    ch->busy = false;
    ch->unmerged = 0;
    irq_register(ch->irq, ch == &ata_channels[0] ? ata_irq_primary : ata_irq_secondary);
    ch->devctl = 0;             /* nIEN off: interrupts from now on */
    outb(ch->ctl_base + ATA_REG_DEVCTL, ch->devctl);
    ata_read(ch, ATA_REG_STATUS);       /* drop anything the probe left pending */
}
