/*
 * pci.c - PCI configuration space and the devices on bus 0 (see
 * include/pci.h).  Section numbers are the PCI Local Bus Specification,
 * revision 2.1.
 */
#include "pci.h"
#include "printk.h"
#include "x86.h"

/* Configuration mechanism #1 (section 3.7.4.1). */
#define PCI_CONFIG_ADDRESS  0xCF8
#define PCI_CONFIG_DATA     0xCFC
#define PCI_CONFIG_ENABLE   0x80000000u

#define PCI_SLOTS           32
#define PCI_FUNCS           8
#define PCI_VENDOR_NONE     0xFFFF  /* nobody answered: no such function */
#define PCI_HEADER_MULTI    0x80    /* header type bit 7: functions 1..7 exist */
#define PCI_COMMAND_STATUS_MASK 0x0000FFFFu
#define PCI_BAR_IO          0x1     /* bit 0 of a BAR: I/O space (section 6.2.5.1) */
#define PCI_BAR_IO_MASK     0xFFFFFFFCu

#define PCI_MAX_DEVICES     32      /* the i440FX machine has fewer than ten */

static struct pci_dev devices[PCI_MAX_DEVICES];
static int nr_devices;

static uint32_t config_address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t offset)
{
    return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)slot << 11 |
           (uint32_t)func << 8 | (offset & 0xFC);
}

static uint32_t config_read32(uint8_t bus, uint8_t slot, uint8_t func, uint8_t offset)
{
    /* Address and data are two port accesses: nothing may come between. */
    uint32_t flags = irq_save();
    outl(PCI_CONFIG_ADDRESS, config_address(bus, slot, func, offset));
    uint32_t v = inl(PCI_CONFIG_DATA);
    irq_restore(flags);
    return v;
}

uint32_t pci_read32(const struct pci_dev *dev, uint8_t offset)
{
    return config_read32(dev->bus, dev->slot, dev->func, offset);
}

uint16_t pci_read16(const struct pci_dev *dev, uint8_t offset)
{
    return (uint16_t)(pci_read32(dev, offset) >> ((offset & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *dev, uint8_t offset)
{
    return (uint8_t)(pci_read32(dev, offset) >> ((offset & 3) * 8));
}

uint32_t pci_bar(const struct pci_dev *dev, int n)
{
    return pci_read32(dev, PCI_BAR0 + 4 * n);
}

uint16_t pci_bar_io(const struct pci_dev *dev, int n)
{
    uint32_t bar = pci_bar(dev, n);
    return (bar & PCI_BAR_IO) ? (uint16_t)(bar & PCI_BAR_IO_MASK) : 0;
}

void pci_enable_bus_master(const struct pci_dev *dev)
{
    pci_enable(dev, PCI_COMMAND_IO | PCI_COMMAND_MASTER);
}

void pci_enable(const struct pci_dev *dev, uint16_t command_bits)
{
    /* Command and Status share a dword.  Status bits are cleared by
     * writing 1 (section 6.2.3): write zeros there so none is lost. */
    uint32_t cmd = pci_read32(dev, PCI_COMMAND) & PCI_COMMAND_STATUS_MASK;
    cmd |= command_bits;
    uint32_t flags = irq_save();
    outl(PCI_CONFIG_ADDRESS, config_address(dev->bus, dev->slot, dev->func, PCI_COMMAND));
    outl(PCI_CONFIG_DATA, cmd);
    irq_restore(flags);
}

const struct pci_dev *pci_find_class(uint8_t class, uint8_t subclass)
{
    for (int i = 0; i < nr_devices; i++)
        if (devices[i].class == class && devices[i].subclass == subclass)
            return &devices[i];
    return NULL;
}

const struct pci_dev *pci_find_device(uint16_t vendor, uint16_t device)
{
    for (int i = 0; i < nr_devices; i++)
        if (devices[i].vendor == vendor && devices[i].device == device)
            return &devices[i];
    return NULL;
}

static const char *class_name(uint8_t class, uint8_t subclass)
{
    /* The few this machine has (PCI 2.1, appendix D); others by number. */
    static const struct { uint8_t class, subclass; const char *name; } names[] = {
        { 0x01, 0x01, "IDE controller" }, { 0x02, 0x00, "Ethernet controller" },
        { 0x03, 0x00, "VGA controller" }, { 0x06, 0x00, "host bridge" },
        { 0x06, 0x01, "ISA bridge" },     { 0x06, 0x80, "bridge" },
    };
    for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].class == class && names[i].subclass == subclass)
            return names[i].name;
    return "device";
}

static void probe_function(uint8_t slot, uint8_t func)
{
    if (nr_devices == PCI_MAX_DEVICES) {
        pr_warn("pci: more than %d functions; 00:%02x.%u ignored\n", PCI_MAX_DEVICES, slot, func);
        return;
    }
    struct pci_dev *d = &devices[nr_devices++];
    *d = (struct pci_dev){ .bus = 0, .slot = slot, .func = func };
    d->vendor = pci_read16(d, PCI_VENDOR_ID);
    d->device = pci_read16(d, PCI_DEVICE_ID);
    d->class = pci_read8(d, PCI_CLASS);
    d->subclass = pci_read8(d, PCI_SUBCLASS);
    d->prog_if = pci_read8(d, PCI_PROG_IF);
    d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
    pr_info("pci: 00:%02x.%u %04x:%04x class %02x.%02x.%02x %s\n", slot, func, d->vendor,
            d->device, d->class, d->subclass, d->prog_if, class_name(d->class, d->subclass));
}

void pci_init(void)
{
    for (uint8_t slot = 0; slot < PCI_SLOTS; slot++) {
        if ((config_read32(0, slot, 0, PCI_VENDOR_ID) & 0xFFFF) == PCI_VENDOR_NONE)
            continue;
        /* Functions 1..7 exist only when function 0 says so; probing them
         * otherwise may show function 0 again on some devices. */
        uint8_t header = (uint8_t)(config_read32(0, slot, 0, PCI_HEADER_TYPE) >> 16);
        int funcs = (header & PCI_HEADER_MULTI) ? PCI_FUNCS : 1;
        for (uint8_t func = 0; func < funcs; func++)
            if ((config_read32(0, slot, func, PCI_VENDOR_ID) & 0xFFFF) != PCI_VENDOR_NONE)
                probe_function(slot, func);
    }
    pr_info("pci: %d functions on bus 0\n", nr_devices);
}
