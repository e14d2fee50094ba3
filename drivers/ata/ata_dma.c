/*
 * ata_dma.c - bus-master DMA for one channel: the PRD table built from a
 * request's bios, and starting and stopping the engine (BMIDE, "Physical
 * Region Descriptor" and "Bus Master IDE Register Description"; see
 * ata_priv.h).
 *
 * The PRD table is one page, allocated at init, so it is physically
 * contiguous and cannot cross a 64 KiB boundary as BMIDE requires.
 * Each bio segment lies within one page, so it never crosses a 64 KiB
 * boundary on its own; segments that follow each other in physical memory
 * share an entry, which is then cut where a 64 KiB boundary falls.  A
 * request therefore needs at most one entry per segment (ata_core.c
 * merges bios only while that fits PRD_MAX).
 */
#include "ata_priv.h"
#include "panic.h"
#include "x86.h"

#define BM_ST_DRIVE_DMA_CAPABLE 0x60    /* BMISTA bits 5 and 6: keep them */

static uint16_t bm_port(struct ata_channel *ch, int reg) { return ch->bm_base + reg; }

static uint32_t prd_len(const struct ata_prd *p)
{
    uint32_t n = p->count_eot & 0xFFFF;
    return n ? n : PRD_BOUNDARY;        /* a count of 0 means 64 KiB */
}

/* Append [phys, phys + len) to the table of n entries; returns the new n. */
static uint32_t prd_add(struct ata_prd *prdt, uint32_t n, uint32_t phys, uint32_t len)
{
    while (len) {
        uint32_t chunk = PRD_BOUNDARY - phys % PRD_BOUNDARY;
        if (chunk > len)
            chunk = len;
        struct ata_prd *last = n ? &prdt[n - 1] : 0;
        /* Contiguous with the last entry and not at a boundary: the last
         * entry lies in the same 64 KiB block, so it may grow. */
        if (last && last->addr + prd_len(last) == phys && phys % PRD_BOUNDARY) {
            last->count_eot = (prd_len(last) + chunk) & 0xFFFF;
        } else {
            if (n == PRD_MAX)
                panic("ata: PRD table overflow (a merge limit is wrong)");
            prdt[n++] = (struct ata_prd){ phys, chunk & 0xFFFF };
        }
        phys += chunk;
        len -= chunk;
    }
    return n;
}

void ata_dma_prepare(struct ata_channel *ch, struct ata_request *rq)
{
    uint32_t n = 0;
    list_for_each(link, &rq->bios) {
        struct bio *bio = list_entry(link, struct bio, queue);
        for (int i = 0; i < bio->nvecs; i++)
            n = prd_add(ch->prdt, n, page_to_phys(bio->vecs[i].page) + bio->vecs[i].offset,
                        bio->vecs[i].len);
    }
    ch->prdt[n - 1].count_eot |= PRD_EOT;

    outl(bm_port(ch, BM_REG_PRDT), virt_to_phys(ch->prdt));
    /* A disk read is a write to memory for the bus master. */
    outb(bm_port(ch, BM_REG_COMMAND), rq->op == BIO_READ ? BM_CMD_WRITE_MEM : 0);
    uint8_t st = inb(bm_port(ch, BM_REG_STATUS));
    outb(bm_port(ch, BM_REG_STATUS),
         (st & BM_ST_DRIVE_DMA_CAPABLE) | BM_ST_INTR | BM_ST_ERROR);
}

void ata_dma_start(struct ata_channel *ch)
{
    uint8_t cmd = inb(bm_port(ch, BM_REG_COMMAND));
    outb(bm_port(ch, BM_REG_COMMAND), cmd | BM_CMD_START);
}

uint8_t ata_dma_status(struct ata_channel *ch)
{
    return inb(bm_port(ch, BM_REG_STATUS));
}

uint8_t ata_dma_stop(struct ata_channel *ch)
{
    uint8_t cmd = inb(bm_port(ch, BM_REG_COMMAND));
    outb(bm_port(ch, BM_REG_COMMAND), cmd & ~BM_CMD_START);
    uint8_t st = inb(bm_port(ch, BM_REG_STATUS));
    outb(bm_port(ch, BM_REG_STATUS),
         (st & BM_ST_DRIVE_DMA_CAPABLE) | BM_ST_INTR | BM_ST_ERROR);
    return st;
}
