/*
 * ata_taskfile.c - the ATA registers of one channel: reading and writing
 * them, bounded waits, loading a command (LBA28 or LBA48), the software
 * reset, and putting status and error bits into words for the log.
 * References are to ATA-6 (see ata_priv.h).
 */
#include "ata_priv.h"
#include "kerrno.h"
#include "kstring.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"

/* How long a drive may stay busy before a command: it finished the last
 * one already, so this is short. */
#define ATA_READY_MS        100
/* After SRST, a drive may take up to 31 s (ATA-6 clause 9, software
 * reset protocol); one that needs more than two seconds is treated as
 * gone. */
#define ATA_RESET_MS        2000
#define ATA_SRST_POLLS      10      /* SRST held for 5 us (the same protocol) */

uint8_t ata_read(struct ata_channel *ch, int reg) { return inb(ch->cmd_base + reg); }
void ata_write(struct ata_channel *ch, int reg, uint8_t v) { outb(ch->cmd_base + reg, v); }
uint8_t ata_altstatus(struct ata_channel *ch) { return inb(ch->ctl_base + ATA_REG_ALTSTATUS); }

/* The host waits 400 ns after selecting a device before trusting its
 * status (ATA-6 clause 9, device selection protocol): four reads of
 * Alternate Status take that long. */
static void ata_delay400(struct ata_channel *ch)
{
    for (int i = 0; i < 4; i++)
        ata_altstatus(ch);
}

void ata_select(struct ata_channel *ch, int drive)
{
    if (ch->selected == drive)
        return;
    ata_write(ch, ATA_REG_DEVICE, ATA_DEV_OBS | (drive ? ATA_DEV_DEV : 0));
    ata_delay400(ch);
    ch->selected = drive;
}

struct ata_deadline ata_deadline_in(uint32_t ms)
{
    return (struct ata_deadline){ timer_ticks() + ms_to_ticks(ms), ms * 1000 };
}

bool ata_before(struct ata_deadline *d)
{
    if (d->polls) {
        d->polls--;
        return true;
    }
    return timer_ticks() < d->tick;
}

int ata_wait(struct ata_channel *ch, uint8_t mask, uint8_t want, uint32_t ms)
{
    for (struct ata_deadline d = ata_deadline_in(ms); ata_before(&d);) {
        uint8_t s = ata_altstatus(ch);
        /* While BSY is set, the other bits mean nothing. */
        if (!(s & ATA_SR_BSY) && (s & mask) == want)
            return s;
    }
    return -ETIMEDOUT;
}

int ata_issue(struct ata_channel *ch, int drive, uint8_t cmd, uint64_t lba, uint32_t count,
              bool lba48)
{
    ata_select(ch, drive);
    if (ata_wait(ch, ATA_SR_BSY | ATA_SR_DRQ, 0, ATA_READY_MS) < 0)
        return -EIO;
    uint8_t device = ATA_DEV_OBS | ATA_DEV_LBA | (drive ? ATA_DEV_DEV : 0);
    if (lba48) {
        /* Each register is a two-deep FIFO: the "previous" (high) byte
         * goes in first, then the current one (ATA-6 clause 6, 48-bit
         * Address feature set). */
        ata_write(ch, ATA_REG_FEATURES, 0);
        ata_write(ch, ATA_REG_NSECT, (uint8_t)(count >> 8));
        ata_write(ch, ATA_REG_LBA_LOW, (uint8_t)(lba >> 24));
        ata_write(ch, ATA_REG_LBA_MID, (uint8_t)(lba >> 32));
        ata_write(ch, ATA_REG_LBA_HIGH, (uint8_t)(lba >> 40));
    } else {
        device |= (uint8_t)(lba >> 24) & 0x0F;     /* LBA 27:24 */
    }
    ata_write(ch, ATA_REG_FEATURES, 0);
    ata_write(ch, ATA_REG_NSECT, (uint8_t)count);
    ata_write(ch, ATA_REG_LBA_LOW, (uint8_t)lba);
    ata_write(ch, ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
    ata_write(ch, ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
    ata_write(ch, ATA_REG_DEVICE, device);
    ata_write(ch, ATA_REG_COMMAND, cmd);
    return 0;
}

int ata_reset(struct ata_channel *ch)
{
    outb(ch->ctl_base + ATA_REG_DEVCTL, ch->devctl | ATA_DC_SRST);
    for (int i = 0; i < ATA_SRST_POLLS; i++)
        ata_altstatus(ch);
    outb(ch->ctl_base + ATA_REG_DEVCTL, ch->devctl);
    ch->selected = -1;          /* the reset selected device 0 behind our back */
    ata_delay400(ch);
    /* An absent device 0 reads as 0 (QEMU) or 0xFF (floating bus): not busy. */
    for (struct ata_deadline d = ata_deadline_in(ATA_RESET_MS); ata_before(&d);) {
        uint8_t s = ata_altstatus(ch);
        if (!(s & ATA_SR_BSY) || s == 0xFF)
            return 0;
    }
    return -ETIMEDOUT;
}

static int describe_bits(char *buf, uint32_t size, uint8_t v, const char *const names[8])
{
    int n = 0;
    for (int bit = 7; bit >= 0; bit--)
        if ((v & (1u << bit)) && names[bit])
            n += ksnprintf(buf + n, n < (int)size ? size - n : 0, "%s%s", n ? " " : "",
                           names[bit]);
    return n;
}

void ata_describe(uint8_t status, uint8_t error, char *buf, uint32_t size)
{
    static const char *const status_names[8] = {
        "ERR", 0, 0, "DRQ", 0, "DF", "DRDY", "BSY" };
    static const char *const error_names[8] = {
        "AMNF", "NM", "ABRT", "MCR", "IDNF", "MC", "UNC", "ICRC" };
    char s[40] = " (", e[48] = " (";
    if (describe_bits(s + 2, sizeof(s) - 3, status, status_names))
        strlcpy(s + strlen(s), ")", 2);
    else
        s[0] = 0;
    if (describe_bits(e + 2, sizeof(e) - 3, error, error_names))
        strlcpy(e + strlen(e), ")", 2);
    else
        e[0] = 0;
    ksnprintf(buf, size, "status 0x%02x%s error 0x%02x%s", status, s, error, e);
}
