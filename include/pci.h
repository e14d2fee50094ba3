/*
 * pci.h - the PCI bus: configuration space and the devices on bus 0.
 *
 * Configuration space is reached through configuration mechanism #1 (PCI
 * Local Bus Specification 2.1, section 3.7.4.1): the address of a dword
 * goes to port 0xCF8, the dword itself is read or written at 0xCFC.
 *
 * pci_init() walks bus 0 -- every device, and every function of the
 * multi-function ones -- records what it finds and logs one line per
 * function.  Bridges are listed but not followed: the QEMU i440FX machine
 * has everything on bus 0.  Call it once, before any driver looks for its
 * device; the list never changes afterwards, so lookups take no lock.
 *
 * Firmware (SeaBIOS) has already assigned the BARs; pci_bar_io() turns an
 * I/O-space BAR into its port base, 0 when the BAR is unset or memory.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Configuration header offsets (PCI 2.1, section 6.1, figure 6-1). */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define PCI_PROG_IF         0x09
#define PCI_SUBCLASS        0x0A
#define PCI_CLASS           0x0B
#define PCI_HEADER_TYPE     0x0E
#define PCI_BAR0            0x10
#define PCI_INTERRUPT_LINE  0x3C

/* Command register bits (PCI 2.1, section 6.2.2). */
#define PCI_COMMAND_IO          0x0001  /* respond to I/O space accesses */
#define PCI_COMMAND_MEMORY      0x0002  /* respond to memory space accesses */
#define PCI_COMMAND_MASTER      0x0004  /* may act as a bus master (DMA) */

#define PCI_CLASS_STORAGE       0x01
#define PCI_SUBCLASS_IDE        0x01

struct pci_dev {
    uint8_t bus, slot, func;
    uint16_t vendor, device;
    uint8_t class, subclass, prog_if;
    uint8_t irq_line;           /* what firmware wrote to Interrupt Line */
};

void pci_init(void);
/* The first function of this class and subclass, or NULL. */
const struct pci_dev *pci_find_class(uint8_t class, uint8_t subclass);
/* The first function with this vendor and device ID, or NULL. */
const struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device);

uint32_t pci_read32(const struct pci_dev *dev, uint8_t offset);
uint16_t pci_read16(const struct pci_dev *dev, uint8_t offset);
uint8_t pci_read8(const struct pci_dev *dev, uint8_t offset);

/* BAR n (0..5) as the device holds it. */
uint32_t pci_bar(const struct pci_dev *dev, int n);
/* The port base of an I/O BAR; 0 if BAR n is a memory BAR or unassigned. */
uint16_t pci_bar_io(const struct pci_dev *dev, int n);
/* Set Bus Master Enable (and I/O Space) in the command register. */
void pci_enable_bus_master(const struct pci_dev *dev);
/* Set these PCI_COMMAND_ bits in the command register (others stay). */
void pci_enable(const struct pci_dev *dev, uint16_t command_bits);
