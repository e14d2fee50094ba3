/*
 * ata_pio.c - programmed IO: the CPU moves each sector through the Data
 * register (ATA-6 clause 9, the PIO data-in and PIO data-out protocols).
 *
 * READ SECTORS: the drive interrupts when each sector is ready; the
 * handler reads it.  WRITE SECTORS: the first sector goes out right after
 * the command, once the drive asks for it (DRQ); each interrupt then says
 * a sector was taken, and the handler sends the next, until the interrupt
 * after the last one.  One sector per interrupt keeps the handler short.
 */
#include "ata_priv.h"
#include "kerrno.h"

#define ATA_DRQ_MS      100     /* a drive asks for write data within microseconds */
#define SECTOR_WORDS    (SECTOR_SIZE / 2)

/* Where the request's next sector lives, in the direct map. */
static void *cursor(struct ata_request *rq)
{
    const struct bio_vec *v = &rq->bio->vecs[rq->vec];
    return (uint8_t *)page_address(v->page) + v->offset + rq->vec_off;
}

static void advance(struct ata_request *rq)
{
    rq->left--;
    rq->vec_off += SECTOR_SIZE;
    if (rq->vec_off < rq->bio->vecs[rq->vec].len)
        return;
    rq->vec_off = 0;
    if (++rq->vec < rq->bio->nvecs)
        return;
    rq->vec = 0;
    if (rq->left)       /* the next bio of a merged request */
        rq->bio = list_entry(rq->bio->queue.next, struct bio, queue);
}

static void transfer(struct ata_channel *ch, struct ata_request *rq)
{
    if (rq->op == BIO_READ)
        insw(ch->cmd_base + ATA_REG_DATA, cursor(rq), SECTOR_WORDS);
    else
        outsw(ch->cmd_base + ATA_REG_DATA, cursor(rq), SECTOR_WORDS);
    advance(rq);
}

int ata_pio_start(struct ata_channel *ch, struct ata_request *rq)
{
    rq->bio = list_first_entry(&rq->bios, struct bio, queue);
    rq->vec = 0;
    rq->vec_off = 0;
    rq->left = rq->sectors;
    if (rq->op == BIO_READ)
        return 0;
    int s = ata_wait(ch, ATA_SR_DRQ | ATA_SR_ERR | ATA_SR_DF, ATA_SR_DRQ, ATA_DRQ_MS);
    if (s < 0)
        return -EIO;
    transfer(ch, rq);
    return 0;
}

int ata_pio_intr(struct ata_channel *ch, struct ata_request *rq)
{
    if (rq->op == BIO_WRITE && !rq->left)
        return 1;                       /* the last sector was taken */
    if (!(ata_altstatus(ch) & ATA_SR_DRQ))
        return -EIO;
    transfer(ch, rq);
    return rq->op == BIO_READ && !rq->left;
}
