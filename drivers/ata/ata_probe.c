/*
 * ata_probe.c - ata_init(): find the PIIX IDE controller on the PCI bus,
 * set up its two channels in compatibility mode, identify the devices and
 * register the ATA disks as hda..hdd (see include/ata.h).
 *
 * The probe polls with the devices' interrupts off (nIEN) and every wait
 * bounded, so an empty channel, a missing slave or an ATAPI device cannot
 * hang the boot.  Only when a channel has a disk do its interrupt and its
 * PRD page come into being.
 */
#include "ata.h"
#include "ata_priv.h"
#include "cmdline.h"
#include "kstring.h"
#include "pci.h"
#include "printk.h"
#include "x86.h"

KERNEL_PARAM(ata, "dma", "ata=pio: transfers by programmed IO instead of DMA");

/* Programming Interface byte of an IDE controller (PCI IDE Controller
 * Specification 1.0, "Programming Interface byte"): bits 0 and 2 set mean a channel runs in
 * native mode, with its ports in BARs; bit 7 means a bus master. */
#define IDE_PROGIF_NATIVE_PRIMARY   0x01
#define IDE_PROGIF_NATIVE_SECONDARY 0x04
#define IDE_PROGIF_BUS_MASTER       0x80
#define IDE_BAR_BUS_MASTER          4

#define ATA_IDENTIFY_MS     1000
#define FLOATING_BUS        0xFF        /* no device pulls the lines down */

/* The compatibility-mode ("legacy") addresses every PC IDE controller
 * answers at (PCI IDE Controller Specification 1.0, section 2.1). */
#define ATA_PRIMARY_CMD     0x1F0
#define ATA_PRIMARY_CTL     0x3F6
#define ATA_PRIMARY_IRQ     14
#define ATA_SECONDARY_CMD   0x170
#define ATA_SECONDARY_CTL   0x376
#define ATA_SECONDARY_IRQ   15

struct ata_channel ata_channels[2] = {
    { .name = "ide0", .cmd_base = ATA_PRIMARY_CMD, .ctl_base = ATA_PRIMARY_CTL,
      .irq = ATA_PRIMARY_IRQ },
    { .name = "ide1", .cmd_base = ATA_SECONDARY_CMD, .ctl_base = ATA_SECONDARY_CTL,
      .irq = ATA_SECONDARY_IRQ },
};
static struct ata_device disks[4];      /* hda, hdb, hdc, hdd */
static const struct block_device_ops ata_ops = { .submit = ata_submit };

static void id_string(const uint16_t *id, int word, int words, char *out)
{
    /* Two characters a word, the first in the high byte (ATA-6
     * clause 3, byte ordering for ATA strings). */
    for (int i = 0; i < words; i++) {
        out[2 * i] = (char)(id[word + i] >> 8);
        out[2 * i + 1] = (char)id[word + i];
    }
    int n = 2 * words;
    while (n && out[n - 1] == ' ')
        n--;
    out[n] = 0;
}

static bool atapi_signature(struct ata_channel *ch)
{
    return ata_read(ch, ATA_REG_LBA_MID) == ATA_SIG_ATAPI_MID &&
           ata_read(ch, ATA_REG_LBA_HIGH) == ATA_SIG_ATAPI_HIGH;
}

/* IDENTIFY DEVICE into id; false for nothing there, or for something that
 * is not an ATA disk (said why, when there is something to say). */
static bool identify(struct ata_channel *ch, int drive, const char *name, uint16_t *id)
{
    ata_select(ch, drive);
    /* The signature first: a packet device may show status 0 after a reset. */
    if (atapi_signature(ch)) {
        pr_info("ata: %s: ATAPI device, skipped\n", name);
        return false;
    }
    /* An absent device reads 0 (QEMU) or 0xFF (floating bus). */
    uint8_t s = ata_altstatus(ch);
    if (s == 0 || s == FLOATING_BUS) {
        pr_debug("ata: %s: nothing there (status 0x%02x)\n", name, s);
        return false;
    }
    if (ata_issue(ch, drive, ATA_CMD_IDENTIFY, 0, 0, false) < 0) {
        pr_warn("ata: %s: stays busy (status 0x%02x); skipped\n", name, s);
        return false;
    }
    int st = ata_wait(ch, 0, 0, ATA_IDENTIFY_MS);
    if (st < 0) {
        pr_warn("ata: %s: no answer to IDENTIFY DEVICE; skipped\n", name);
        return false;
    }
    if (st == 0)
        return false;           /* not even DRDY: nothing behind the register */
    if (st & ATA_SR_ERR) {
        /* A packet device aborts IDENTIFY DEVICE and shows its signature. */
        if (atapi_signature(ch))
            pr_info("ata: %s: ATAPI device, skipped\n", name);
        else
            pr_warn("ata: %s: IDENTIFY DEVICE failed (error 0x%02x); skipped\n", name,
                    ata_read(ch, ATA_REG_ERROR));
        ata_read(ch, ATA_REG_STATUS);
        return false;
    }
    if (ata_wait(ch, ATA_SR_DRQ, ATA_SR_DRQ, ATA_IDENTIFY_MS) < 0) {
        pr_warn("ata: %s: IDENTIFY DEVICE gave no data; skipped\n", name);
        return false;
    }
    insw(ch->cmd_base + ATA_REG_DATA, id, ID_WORDS);
    ata_read(ch, ATA_REG_STATUS);       /* clears INTRQ (masked anyway) */
    if (id[ID_CONFIG] & ID_CONFIG_ATAPI) {
        pr_info("ata: %s: ATAPI device, skipped\n", name);
        return false;
    }
    if (!(id[ID_CAPABILITIES] & ID_CAP_LBA)) {
        pr_warn("ata: %s: no LBA addressing (CHS only); skipped\n", name);
        return false;
    }
    return true;
}

static struct ata_device *probe_drive(struct ata_channel *ch, int drive, int index)
{
    static uint16_t id[ID_WORDS];       /* probing is single-threaded, at boot */
    struct ata_device *d = &disks[index];
    char name[BDEV_NAME_LEN] = { 'h', 'd', (char)('a' + index), 0 };
    if (!identify(ch, drive, name, id))
        return NULL;
    d->ch = ch;
    d->drive = drive;
    d->lba48 = id[ID_COMMAND_SET_2] & ID_CMD2_LBA48;
    d->dma = ch->prdt && (id[ID_CAPABILITIES] & ID_CAP_DMA);
    id_string(id, ID_MODEL, ID_MODEL_WORDS, d->model);
    uint64_t sectors = (uint64_t)id[ID_LBA28_SECTORS + 1] << 16 | id[ID_LBA28_SECTORS];
    if (d->lba48) {
        uint64_t s48 = 0;
        for (int i = 3; i >= 0; i--)
            s48 = s48 << 16 | id[ID_LBA48_SECTORS + i];
        if (s48)
            sectors = s48;
    }
    strlcpy(d->bdev.name, name, sizeof(d->bdev.name));
    d->bdev.nr_sectors = sectors;
    d->bdev.logical_block_size = SECTOR_SIZE;
    d->bdev.ops = &ata_ops;
    d->bdev.driver_data = d;
    pr_info("ata: %s: %s on %s %s, %llu sectors, %s, %s\n", name, d->model, ch->name,
            drive ? "slave" : "master", (unsigned long long)sectors,
            d->lba48 ? "LBA48" : "LBA28", d->dma ? "DMA" : "PIO");
    return d;
}

static void setup_channel(struct ata_channel *ch, int index, uint16_t bm_base, bool dma)
{
    ch->bm_base = bm_base;
    ch->devctl = ATA_DC_NIEN;
    ch->selected = -1;
    if (inb(ch->cmd_base + ATA_REG_STATUS) == FLOATING_BUS) {
        pr_info("ata: %s: nothing attached\n", ch->name);
        return;
    }
    /* No reset here: the firmware left the drives ready, and a reset's
     * completion in QEMU waits for its main loop, which a loaded host can
     * delay past any short wait -- the drive then looks absent.  Resets
     * are for recovering from errors (ata_core.c). */
    outb(ch->ctl_base + ATA_REG_DEVCTL, ch->devctl);
    if (ata_wait(ch, 0, 0, ATA_IDENTIFY_MS) < 0) {
        pr_warn("ata: %s: stays busy; channel not used\n", ch->name);
        return;
    }
    if (dma && !ch->prdt) {
        /* Below 4 GiB and page-aligned, so the table never crosses 64 KiB. */
        ch->prdt = get_zeroed_page(GFP_KERNEL);
        if (!ch->prdt)
            pr_warn("ata: %s: no page for the PRD table; PIO only\n", ch->name);
    }
    for (int drive = 0; drive < 2; drive++)
        ch->devs[drive] = probe_drive(ch, drive, 2 * index + drive);
    if (!ch->devs[0] && !ch->devs[1]) {
        if (ch->prdt)
            free_page_address(ch->prdt);
        ch->prdt = NULL;
        return;
    }
    ata_channel_go_live(ch);
    for (int drive = 0; drive < 2; drive++)
        if (ch->devs[drive])
            blkdev_register(&ch->devs[drive]->bdev);
}

void ata_init(void)
{
    const struct pci_dev *pci = pci_find_class(PCI_CLASS_STORAGE, PCI_SUBCLASS_IDE);
    uint16_t bm = 0;
    uint8_t prog_if = 0;
    if (pci) {
        prog_if = pci->prog_if;
        if (prog_if & IDE_PROGIF_BUS_MASTER)
            bm = pci_bar_io(pci, IDE_BAR_BUS_MASTER);
        if (bm)
            pci_enable_bus_master(pci);
    } else {
        pr_info("ata: no IDE controller on the PCI bus; trying the legacy ports\n");
    }
    const char *mode = cmdline_get("ata");
    bool pio = mode && strcmp(mode, "pio") == 0;
    if (bm)
        pr_info("ata: IDE bus master registers at 0x%04x; transfers by %s\n", bm,
                pio ? "PIO (ata=pio)" : "DMA");
    else
        pr_info("ata: no IDE bus master; transfers by PIO\n");
    for (int i = 0; i < 2; i++) {
        /* A native-mode channel has its ports in BARs 0..3 and a PCI
         * interrupt; the PIIX has no native mode, so neither do we. */
        if (prog_if & (i ? IDE_PROGIF_NATIVE_SECONDARY : IDE_PROGIF_NATIVE_PRIMARY)) {
            pr_warn("ata: %s is in native PCI mode, which this driver does not drive\n",
                    ata_channels[i].name);
            continue;
        }
        setup_channel(&ata_channels[i], i, bm ? bm + i * BM_CHANNEL_STRIDE : 0, bm && !pio);
    }
}
