/*
 * ata.h - the ATA disk driver for the PIIX IDE controller.
 *
 * ata_init() finds the IDE controller on the PCI bus (call pci_init()
 * first), sets up both legacy channels, identifies the devices on them
 * and registers every ATA disk as a block device: hda (primary master),
 * hdb (primary slave), hdc (secondary master), hdd (secondary slave).
 * ATAPI devices (the CD-ROM) and absent ones are skipped.
 *
 * Transfers use bus-master DMA; `ata=pio` on the command line, or a
 * controller without a bus-master function, makes them programmed IO.
 * Everything else goes through the block layer (blkdev.h): bios are
 * queued per channel and completed from the channel's interrupt, or with
 * -EIO on a device error or after a timeout that resets the channel.
 */
#pragma once

void ata_init(void);
