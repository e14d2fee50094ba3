/*
 * ata_priv.h - what the files of the ATA driver share: register and bit
 * names, the channel, device and request structures, and the calls
 * between ata_probe.c (finding devices), ata_core.c (the queue, the
 * interrupt, errors and timeouts), ata_dma.c and ata_pio.c (moving data).
 *
 * References: "ATA-6" is T13/1410D revision 3b (ATA/ATAPI-6);
 * "BMIDE" is the Programming Interface for Bus Master IDE Controller,
 * revision 1.0 (SFF-8038i), which the PIIX3 datasheet (order number
 * 290550, "Bus Master IDE I/O Registers") follows.  ATA-6 places the
 * register descriptions in clause 7, the commands in clause 8 and the
 * protocols in clause 9; they are cited by clause and name.
 *
 * Locking: a channel's lock (interrupts off) protects its queue and its
 * request in flight, and is held whenever the channel's registers are
 * touched after set-up: by submit, the interrupt handler and the timeout.
 * Both devices of a channel share its registers, so one command at a time
 * per channel.  bio_endio() is never called with the lock held: an end_io
 * may submit the next bio to the same channel.
 */
#pragma once
#include "x86.h"
#include <stdbool.h>
#include <stdint.h>
#include "blkdev.h"
#include "list.h"
#include "mm.h"
#include "spinlock.h"
#include "timer.h"

/* Command block registers, offsets from the channel's command base
 * (ATA-6 clause 7). */
#define ATA_REG_DATA        0
#define ATA_REG_ERROR       1       /* read */
#define ATA_REG_FEATURES    1       /* write */
#define ATA_REG_NSECT       2       /* Sector Count */
#define ATA_REG_LBA_LOW     3
#define ATA_REG_LBA_MID     4
#define ATA_REG_LBA_HIGH    5
#define ATA_REG_DEVICE      6
#define ATA_REG_STATUS      7       /* read; reading it clears INTRQ */
#define ATA_REG_COMMAND     7       /* write */
/* Control block: at the control base (0x3F6 / 0x376). */
#define ATA_REG_ALTSTATUS   0       /* read; does not clear INTRQ */
#define ATA_REG_DEVCTL      0       /* write: Device Control */

/* Status register (ATA-6 clause 7, Status). */
#define ATA_SR_BSY          0x80    /* busy: no other bit is valid */
#define ATA_SR_DRDY         0x40    /* device ready */
#define ATA_SR_DF           0x20    /* device fault */
#define ATA_SR_DRQ          0x08    /* data request: ready to transfer a block */
#define ATA_SR_ERR          0x01    /* the Error register says what */

/* Error register (ATA-6 clause 7, Error; clause 8 says which
 * bits each command may set). */
#define ATA_ER_ICRC         0x80    /* interface CRC error */
#define ATA_ER_UNC          0x40    /* uncorrectable data */
#define ATA_ER_MC           0x20    /* media changed */
#define ATA_ER_IDNF         0x10    /* ID not found: no such sector */
#define ATA_ER_MCR          0x08    /* media change requested */
#define ATA_ER_ABRT         0x04    /* command aborted */
#define ATA_ER_NM           0x02    /* no media */
#define ATA_ER_AMNF         0x01    /* address mark not found (obsolete) */

/* Device register (ATA-6 clause 7, Device): bits 7 and 5 are obsolete,
 * set by custom. */
#define ATA_DEV_OBS         0xA0
#define ATA_DEV_LBA         0x40    /* the address is an LBA */
#define ATA_DEV_DEV         0x10    /* 0: device 0 (master), 1: device 1 (slave) */

/* Device Control register (ATA-6 clause 7, Device Control). */
#define ATA_DC_HOB          0x80    /* read back the previous (high) LBA48 bytes */
#define ATA_DC_SRST         0x04    /* software reset of both devices */
#define ATA_DC_NIEN         0x02    /* 1: the device asserts no INTRQ */

/* Commands (ATA-6 clause 8). */
#define ATA_CMD_READ_SECTORS        0x20
#define ATA_CMD_READ_SECTORS_EXT    0x24
#define ATA_CMD_READ_DMA_EXT        0x25
#define ATA_CMD_WRITE_SECTORS       0x30
#define ATA_CMD_WRITE_SECTORS_EXT   0x34
#define ATA_CMD_WRITE_DMA_EXT       0x35
#define ATA_CMD_IDENTIFY_PACKET     0xA1
#define ATA_CMD_READ_DMA            0xC8
#define ATA_CMD_WRITE_DMA           0xCA
#define ATA_CMD_IDENTIFY            0xEC

/* Signatures left in LBA Mid/High after a reset (ATA-6 clause 9,
 * signature and persistence). */
#define ATA_SIG_ATAPI_MID   0x14
#define ATA_SIG_ATAPI_HIGH  0xEB

/* IDENTIFY DEVICE words (ATA-6 clause 8, IDENTIFY DEVICE, its data
 * table). */
#define ID_CONFIG           0
#define ID_CONFIG_ATAPI     0x8000  /* 1 for ATAPI, 0 for ATA */
#define ID_MODEL            27      /* 40 characters, two per word, swapped */
#define ID_MODEL_WORDS      20
#define ID_CAPABILITIES     49
#define ID_CAP_LBA          (1u << 9)
#define ID_CAP_DMA          (1u << 8)
#define ID_LBA28_SECTORS    60      /* two words, low first */
#define ID_COMMAND_SET_2    83
#define ID_CMD2_LBA48       (1u << 10)
#define ID_LBA48_SECTORS    100     /* four words, low first */
#define ID_WORDS            256

/* Bus master IDE registers, offsets from BAR4 (+8 for the secondary
 * channel) (BMIDE "Bus Master IDE Register Description"; PIIX3
 * BMICOM, BMISTA, BMIDTP). */
#define BM_CHANNEL_STRIDE   8
#define BM_REG_COMMAND      0       /* BMICOM */
#define BM_REG_STATUS       2       /* BMISTA */
#define BM_REG_PRDT         4       /* BMIDTP: the PRD table's physical address */
#define BM_CMD_START        0x01    /* start/stop bus master */
#define BM_CMD_WRITE_MEM    0x08    /* direction: 1 = to memory (a disk read) */
#define BM_ST_ACTIVE        0x01
#define BM_ST_ERROR         0x02    /* write 1 to clear */
#define BM_ST_INTR          0x04    /* the drive raised INTRQ; write 1 to clear */

/* A physical region descriptor (BMIDE "Physical Region Descriptor"): a
 * buffer of at most 64 KiB (a count of 0 means 64 KiB) that does not
 * cross a 64 KiB boundary; EOT marks the table's last entry. */
struct ata_prd {
    uint32_t addr;
    uint32_t count_eot;
};
#define PRD_EOT             0x80000000u
#define PRD_BOUNDARY        0x10000u
#define PRD_MAX             (PAGE_SIZE / sizeof(struct ata_prd))

#define LBA28_LIMIT         (1ull << 28)
#define LBA28_MAX_COUNT     256         /* a count of 0 means 256 */
/* How much one command may carry when bios are merged: 1 MiB keeps a
 * command well under any timeout, and the PRD table fits in one page. */
#define ATA_MAX_SECTORS     2048
#define ATA_TIMEOUT_MS      5000

struct ata_channel;

struct ata_device {
    struct block_device bdev;   /* what the block layer knows (name, size) */
    struct ata_channel *ch;
    int drive;                  /* 0 master, 1 slave */
    bool lba48;                 /* supports the 48-bit command set */
    bool dma;                   /* transfers by bus-master DMA (else PIO) */
    char model[ID_MODEL_WORDS * 2 + 1];
};

/* The command in flight: one or more adjacent bios of one device. */
struct ata_request {
    struct list_head bios;      /* in disk order */
    struct ata_device *dev;
    enum bio_op op;
    uint64_t lba;
    uint32_t sectors;
    bool dma;
    /* PIO only: the next sector's place in the bios. */
    struct bio *bio;
    int vec;
    uint32_t vec_off;
    uint32_t left;              /* sectors still to transfer */
};

struct ata_channel {
    const char *name;           /* "ide0", "ide1" */
    uint16_t cmd_base, ctl_base;
    uint16_t bm_base;           /* 0: no bus master, PIO only */
    unsigned irq;
    struct ata_device *devs[2]; /* NULL where nothing usable was found */
    struct ata_prd *prdt;       /* one page, allocated at init; NULL: PIO */
    uint8_t devctl;             /* what Device Control holds (nIEN during probe) */

    struct spinlock lock;       /* protects everything below */
    struct list_head queue;     /* bios waiting, FIFO */
    bool busy;                  /* rq is in flight */
    struct ata_request rq;
    uint32_t unmerged;          /* requests to issue one bio each (after a failed merge) */
    int selected;               /* drive in the Device register; -1 unknown */
    struct ktimer timer;        /* fires ATA_TIMEOUT_MS after a command */
};

/* ata_taskfile.c: registers, waits, commands, reset, describing errors. */
uint8_t ata_read(struct ata_channel *ch, int reg);
void ata_write(struct ata_channel *ch, int reg, uint8_t v);
uint8_t ata_altstatus(struct ata_channel *ch);
void ata_select(struct ata_channel *ch, int drive);
/* A bound on a wait: at least ms of the clock and a poll per microsecond
 * of it (the clock does not move in an interrupt handler, and polls alone
 * run out early when a loaded host runs the emulated drive slowly). */
struct ata_deadline {
    uint64_t tick;
    uint32_t polls;
};
struct ata_deadline ata_deadline_in(uint32_t ms);
bool ata_before(struct ata_deadline *d);

/* Poll Alternate Status until (status & mask) == want, for at most ms
 * (and at least a poll per microsecond of it): the status, or -ETIMEDOUT. */
int ata_wait(struct ata_channel *ch, uint8_t mask, uint8_t want, uint32_t ms);
/* Select drive, load the taskfile and write the command; -EIO if the
 * drive stays busy.  count 256 (LBA28) or 65536 (LBA48) is written as 0. */
int ata_issue(struct ata_channel *ch, int drive, uint8_t cmd, uint64_t lba, uint32_t count,
              bool lba48);
/* Software reset of both devices; -ETIMEDOUT if they stay busy. */
int ata_reset(struct ata_channel *ch);
/* "status 0x51 (DRDY ERR) error 0x04 (ABRT)" */
void ata_describe(uint8_t status, uint8_t error, char *buf, uint32_t size);

/* ata_probe.c */
extern struct ata_channel ata_channels[2];

/* ata_core.c */
void ata_submit(struct block_device *bdev, struct bio *bio);
/* Set up the queue and lock, install the interrupt handler and let the
 * devices interrupt: the channel is ready for bios. */
void ata_channel_go_live(struct ata_channel *ch);

/* ata_dma.c.  A bus-master transfer: prepare (PRD table, direction),
 * issue the command to the drive, start; at the interrupt, stop. */
void ata_dma_prepare(struct ata_channel *ch, struct ata_request *rq);
void ata_dma_start(struct ata_channel *ch);
/* Stop the engine; returns BMISTA as it was, then clears INTR and ERROR. */
uint8_t ata_dma_stop(struct ata_channel *ch);
uint8_t ata_dma_status(struct ata_channel *ch);

/* ata_pio.c */
/* After the command: point at the first sector; a write sends it. */
int ata_pio_start(struct ata_channel *ch, struct ata_request *rq);
/* At an interrupt without error: move the next sector.  1 when the
 * request is done, 0 when more interrupts are to come, -EIO when the
 * drive offers no data where it should. */
int ata_pio_intr(struct ata_channel *ch, struct ata_request *rq);
