/*
 * e1000.c - the Intel 8254x driver (see include/e1000.h).  Section
 * numbers are the 8254x Software Developer's Manual's (e1000_regs.h).
 *
 * Receiving (NAPI, see netdev.h).  The RX ring has E1000_RX_RING
 * descriptors, each pointing at the head[] of an sk_buff it owns (a
 * 2048-byte buffer: RCTL.BSIZE; SKB_BUF_SIZE is larger).  The interrupt
 * handler reads ICR -- which also acknowledges it -- masks the NIC's
 * interrupts and schedules a poll; knetd's poll hands each finished frame
 * up and puts a fresh buffer in its place, then unmasks.  A fresh buffer
 * comes from alloc_skb_memalloc(GFP_ATOMIC), which may use the skb
 * reserve and then the emergency reserve -- the next frame may be for
 * NBD's socket, which must be received whoever holds the pool (TCP drops
 * it if not, skbuff.h); when even that is empty the frame is dropped
 * (rx_dropped) and its own buffer goes back into the ring, so receiving
 * never waits for memory and never loses a descriptor.
 *
 * Sending.  xmit puts skb->data itself in the next TX descriptor (no
 * copy: an skb is one page, so the frame is physically contiguous) and
 * moves TDT.  Sent skbs are freed when the NIC has written their DD bit
 * back, found on the next xmit and on every poll (TXDW interrupts make
 * sure a poll comes), so the ring never holds buffers for long.  A full
 * ring drops the frame (tx_dropped, -EBUSY).  xmit runs in any task
 * (net_lock holders) and poll in knetd, so the TX ring has its own
 * spinlock; the RX ring is knetd's alone.
 *
 * The interrupt line may be shared: an ICR of 0 means the interrupt was
 * someone else's.
 *
 * QEMU's e1000 receives nothing for the first second after RCTL is
 * written (it holds frames back meanwhile and delivers them then), so the
 * first answer after boot takes about a second.
 */
#include "e1000.h"
#include "e1000_regs.h"
#include "interrupts.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "netdev.h"
#include "pci.h"
#include "printk.h"
#include "sched.h"
#include "skbuff.h"
#include "spinlock.h"
#include "vm.h"

/* Receive descriptors: as many as fit in the rings' page beside the TX
 * ring.  QEMU hands the guest's frames to slirp as TDT moves, and slirp
 * answers each data segment with an ACK at once, into this ring; while
 * nbd's sender pushes a write (up to TCP_SNDBUF, ~90 segments) knetd may
 * not run, and with 64 descriptors those ACKs filled the ring: read
 * replies arriving then were dropped (ICR.RXO), and slirp resent them
 * only after its retransmission timeout, 0.2-1.5 s.  That was 100 ms per
 * swap-in read of bench=nbd_swap; with 192, no overruns. */
#define E1000_RX_RING       192
#define E1000_TX_RING       64
#define E1000_RX_BUF_SIZE   2048        /* matches E1000_RCTL_BSIZE_2048 */
#define E1000_RESET_POLLS   100         /* 1 ms apart: reset takes microseconds */
#define E1000_EERD_POLLS    1000        /* busy reads, each microseconds */
#define E1000_LINK_WAIT_MS  100         /* for STATUS.LU after SLU */
#define E1000_IMS_WANTED    (E1000_ICR_RXT0 | E1000_ICR_RXO | E1000_ICR_RXDMT0 | \
                             E1000_ICR_LSC | E1000_ICR_TXDW)

_Static_assert(SKB_BUF_SIZE >= E1000_RX_BUF_SIZE, "an RX buffer must fit an skb's head[]");
_Static_assert(E1000_RX_RING * sizeof(struct e1000_rx_desc) % E1000_RING_ALIGN == 0 &&
               E1000_TX_RING * sizeof(struct e1000_tx_desc) % E1000_RING_ALIGN == 0,
               "ring lengths must be multiples of 128 bytes");
_Static_assert(E1000_RX_RING * sizeof(struct e1000_rx_desc) +
               E1000_TX_RING * sizeof(struct e1000_tx_desc) <= PAGE_SIZE,
               "both rings share one page");

struct e1000 {
    volatile uint8_t *regs;             /* BAR0, uncached */
    unsigned irq;
    struct e1000_rx_desc *rx;           /* the rings, in one page */
    struct e1000_tx_desc *tx;
    struct sk_buff *rx_skb[E1000_RX_RING];  /* the buffer behind each RX descriptor */
    uint32_t rx_next;                   /* next descriptor the NIC will finish */
    bool rx_discarding;                 /* inside a frame that spans buffers */
    struct sk_buff *tx_skb[E1000_TX_RING];  /* in flight; under tx_lock */
    uint32_t tx_tail;                   /* next free descriptor (our TDT) */
    uint32_t tx_clean;                  /* oldest descriptor not yet freed */
    struct spinlock tx_lock;
    volatile bool lsc;                  /* a link change for poll to look at */
    struct net_device dev;
};

static struct e1000 nic;                /* one controller: the handler finds it here */

static uint32_t rd(const struct e1000 *e, uint32_t reg)
{
    return *(volatile uint32_t *)(e->regs + reg);
}

static void wr(struct e1000 *e, uint32_t reg, uint32_t v)
{
    *(volatile uint32_t *)(e->regs + reg) = v;
}

static void e1000_irq(struct int_frame *frame)
{
    (void)frame;
    uint32_t icr = rd(&nic, E1000_ICR);
    if (!icr)
        return;                         /* a device sharing the line */
    nic.dev.stats.interrupts++;
    if (icr & E1000_ICR_LSC)
        nic.lsc = true;
    /* Quiet until the poll is done (it unmasks): one interrupt per burst. */
    wr(&nic, E1000_IMC, E1000_IMC_ALL);
    netif_schedule_poll(&nic.dev);
}

/* Free the skbs whose descriptors the NIC has finished.  tx_lock held. */
static void tx_reclaim(struct e1000 *e)
{
    while (e->tx_clean != e->tx_tail && (e->tx[e->tx_clean].status & E1000_TXD_STAT_DD)) {
        kfree_skb(e->tx_skb[e->tx_clean]);
        e->tx_skb[e->tx_clean] = NULL;
        e->tx_clean = (e->tx_clean + 1) % E1000_TX_RING;
    }
}

static int e1000_xmit(struct net_device *dev, struct sk_buff *skb)
{
    struct e1000 *e = dev->priv;
    uint32_t flags = spin_lock_irqsave(&e->tx_lock);
    tx_reclaim(e);
    uint32_t next = (e->tx_tail + 1) % E1000_TX_RING;
    if (next == e->tx_clean) {          /* one slot stays empty: full != empty */
        dev->stats.tx_dropped++;
        spin_unlock_irqrestore(&e->tx_lock, flags);
        kfree_skb(skb);
        return -EBUSY;
    }
    struct e1000_tx_desc *d = &e->tx[e->tx_tail];
    d->addr = virt_to_phys(skb->data);
    d->length = (uint16_t)skb->len;
    d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
    d->status = 0;
    e->tx_skb[e->tx_tail] = skb;
    dev->stats.tx_packets++;
    dev->stats.tx_bytes += skb->len;
    e->tx_tail = next;
    __asm__ volatile("" ::: "memory");  /* the descriptor before the tail */
    wr(e, E1000_TDT, next);
    spin_unlock_irqrestore(&e->tx_lock, flags);
    return 0;
}

static void rx_give(struct e1000 *e, uint32_t i, struct sk_buff *skb)
{
    e->rx_skb[i] = skb;
    e->rx[i].addr = virt_to_phys(skb->head);
    e->rx[i].status = 0;
}

/* Take descriptor i's frame if it is whole and good and a fresh buffer
 * can replace it; otherwise count why and keep the buffer in the ring. */
static void rx_one(struct e1000 *e, uint32_t i)
{
    struct e1000_rx_desc *d = &e->rx[i];
    struct sk_buff *skb = e->rx_skb[i];
    bool eop = d->status & E1000_RXD_STAT_EOP;
    if (e->rx_discarding || !eop || (d->errors & E1000_RXD_ERR_MASK)) {
        /* A frame longer than a buffer (not with LPE off) or a bad one. */
        if (!e->rx_discarding)
            e->dev.stats.rx_errors++;
        e->rx_discarding = !eop;
        rx_give(e, i, skb);
        return;
    }
    struct sk_buff *fresh = alloc_skb_memalloc(GFP_ATOMIC);
    if (!fresh) {
        e->dev.stats.rx_dropped++;
        rx_give(e, i, skb);
        return;
    }
    uint32_t len = d->length;
    rx_give(e, i, fresh);
    skb_reset(skb, 0);
    skb_put(skb, len <= E1000_RX_BUF_SIZE ? len : E1000_RX_BUF_SIZE);
    netif_receive_skb(&e->dev, skb);
}

static void check_link(struct e1000 *e)
{
    bool up = rd(e, E1000_STATUS) & E1000_STATUS_LU;
    if (up != e->dev.link_up)
        pr_info("e1000: %s: link %s\n", e->dev.name, up ? "up" : "down");
    e->dev.link_up = up;
}

static int e1000_poll(struct net_device *dev, int budget)
{
    struct e1000 *e = dev->priv;
    if (e->lsc) {
        e->lsc = false;
        check_link(e);
    }
    uint32_t flags = spin_lock_irqsave(&e->tx_lock);
    tx_reclaim(e);
    spin_unlock_irqrestore(&e->tx_lock, flags);

    int n = 0;
    while (n < budget && (e->rx[e->rx_next].status & E1000_RXD_STAT_DD)) {
        uint32_t i = e->rx_next;
        rx_one(e, i);
        e->rx_next = (i + 1) % E1000_RX_RING;
        n++;
    }
    /* Every descriptor before rx_next is the NIC's again: one register
     * write for the batch. */
    if (n) {
        __asm__ volatile("" ::: "memory");  /* the descriptors before the tail */
        wr(e, E1000_RDT, (e->rx_next + E1000_RX_RING - 1) % E1000_RX_RING);
    }
    if (n < budget)
        wr(e, E1000_IMS, E1000_IMS_WANTED);    /* a cause pending now interrupts again */
    return n;
}

static const struct net_device_ops e1000_ops = {
    .xmit = e1000_xmit,
    .poll = e1000_poll,
};

static int e1000_reset(struct e1000 *e)
{
    wr(e, E1000_IMC, E1000_IMC_ALL);
    wr(e, E1000_CTRL, rd(e, E1000_CTRL) | E1000_CTRL_RST);
    for (int i = 0; i < E1000_RESET_POLLS; i++) {
        sleep_ms(1);
        if (!(rd(e, E1000_CTRL) & E1000_CTRL_RST)) {
            wr(e, E1000_IMC, E1000_IMC_ALL);    /* reset enabled nothing, but be sure */
            rd(e, E1000_ICR);
            return 0;
        }
    }
    return -EIO;
}

/* EEPROM word addr (13.4.4), or -EIO when the NIC never says done. */
static int eeprom_read(struct e1000 *e, uint32_t addr)
{
    wr(e, E1000_EERD, E1000_EERD_START | addr << E1000_EERD_ADDR_SHIFT);
    for (int i = 0; i < E1000_EERD_POLLS; i++) {
        uint32_t v = rd(e, E1000_EERD);
        if (v & E1000_EERD_DONE)
            return (int)(v >> E1000_EERD_DATA_SHIFT);
    }
    return -EIO;
}

/* The MAC from RAL0/RAH0 when the NIC loaded it there from the EEPROM at
 * reset (RAH.AV); else from the EEPROM ourselves, written to RAL0/RAH0
 * so the receive filter accepts it (5.6.1, 13.5.2). */
static int read_mac(struct e1000 *e)
{
    uint8_t *mac = e->dev.mac;
    uint32_t ral = rd(e, E1000_RAL0), rah = rd(e, E1000_RAH0);
    if (!(rah & E1000_RAH_AV)) {
        for (int w = 0; w < 3; w++) {
            int word = eeprom_read(e, E1000_EEPROM_MAC + (uint32_t)w);
            if (word < 0)
                return word;
            mac[2 * w] = (uint8_t)word;
            mac[2 * w + 1] = (uint8_t)(word >> 8);
        }
        ral = (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
              (uint32_t)mac[3] << 24;
        rah = (uint32_t)mac[4] | (uint32_t)mac[5] << 8 | E1000_RAH_AV;
        wr(e, E1000_RAL0, ral);
        wr(e, E1000_RAH0, rah);
    }
    for (int i = 0; i < 4; i++)
        mac[i] = (uint8_t)(ral >> (8 * i));
    mac[4] = (uint8_t)rah;
    mac[5] = (uint8_t)(rah >> 8);
    return 0;
}

/* The rings and their buffers (3.2.6, 3.4; receive and transmit
 * initialisation: 14.4, 14.5). */
static int setup_rings(struct e1000 *e)
{
    struct page *p = alloc_page(GFP_KERNEL | __GFP_ZERO);
    if (!p)
        return -ENOMEM;
    e->rx = page_address(p);
    e->tx = (struct e1000_tx_desc *)(e->rx + E1000_RX_RING);
    for (uint32_t i = 0; i < E1000_RX_RING; i++)
        rx_give(e, i, alloc_skb(GFP_KERNEL));
    uint32_t base = virt_to_phys(e->rx);
    wr(e, E1000_RDBAL, base);
    wr(e, E1000_RDBAH, 0);
    wr(e, E1000_RDLEN, E1000_RX_RING * sizeof(struct e1000_rx_desc));
    wr(e, E1000_RDH, 0);
    /* The NIC owns head..tail-1: all but one, so a full ring is not empty. */
    wr(e, E1000_RDT, E1000_RX_RING - 1);
    wr(e, E1000_TDBAL, virt_to_phys(e->tx));
    wr(e, E1000_TDBAH, 0);
    wr(e, E1000_TDLEN, E1000_TX_RING * sizeof(struct e1000_tx_desc));
    wr(e, E1000_TDH, 0);
    wr(e, E1000_TDT, 0);
    return 0;
}

static void start(struct e1000 *e)
{
    uint32_t ctrl = rd(e, E1000_CTRL);
    ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_ILOS | E1000_CTRL_VME);
    wr(e, E1000_CTRL, ctrl | E1000_CTRL_SLU | E1000_CTRL_ASDE);
    for (int i = 0; i < E1000_MTA_ENTRIES; i++)
        wr(e, E1000_MTA + 4 * (uint32_t)i, 0);      /* no multicast */
    wr(e, E1000_RCTL, E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 |
                      E1000_RCTL_SECRC);
    wr(e, E1000_TIPG, E1000_TIPG_IPGT | E1000_TIPG_IPGR1 << E1000_TIPG_IPGR1_SHIFT |
                      E1000_TIPG_IPGR2 << E1000_TIPG_IPGR2_SHIFT);
    wr(e, E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP |
                      E1000_TCTL_CT_DEFAULT << E1000_TCTL_CT_SHIFT |
                      E1000_TCTL_COLD_FD << E1000_TCTL_COLD_SHIFT);
    for (uint32_t waited = 0; waited < E1000_LINK_WAIT_MS; waited++) {
        if (rd(e, E1000_STATUS) & E1000_STATUS_LU)
            break;
        sleep_ms(1);
    }
    e->dev.link_up = rd(e, E1000_STATUS) & E1000_STATUS_LU;
}

int e1000_init(void)
{
    const struct pci_dev *pci = pci_find_device(E1000_VENDOR_INTEL, E1000_DEV_82540EM);
    if (!pci) {
        pr_info("e1000: no controller found\n");
        return -ENOENT;
    }
    struct e1000 *e = &nic;
    e->irq = pci->irq_line;
    if (e->irq >= IRQ_LINES) {
        /* Firmware routed no PIC line to it (0xFF): it could never tell us
         * a frame came. */
        pr_err("e1000: no interrupt line (Interrupt Line %u); not used\n", e->irq);
        return -EIO;
    }
    uint32_t bar = pci_bar(pci, 0) & PCI_BAR_MEM_MASK;
    pci_enable(pci, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    if (!bar || !(e->regs = ioremap(bar, E1000_MMIO_SIZE))) {
        pr_err("e1000: cannot map BAR0 (%08x)\n", bar);
        return -ENOMEM;
    }
    spin_lock_init(&e->tx_lock, "e1000 tx");
    int err = e1000_reset(e);
    if (err == 0)
        err = read_mac(e);
    if (err == 0)
        err = setup_rings(e);
    if (err < 0) {
        pr_err("e1000: controller does not come up (%d)\n", err);
        return err;
    }
    strlcpy(e->dev.name, "eth0", IFNAMSIZ);
    e->dev.mtu = ETH_DATA_LEN;
    e->dev.ops = &e1000_ops;
    e->dev.priv = e;
    start(e);
    if ((err = netdev_register(&e->dev)) < 0)
        return err;
    irq_register(e->irq, e1000_irq);
    wr(e, E1000_IMS, E1000_IMS_WANTED);
    const uint8_t *m = e->dev.mac;
    pr_info("e1000: %s: %02x:%02x:%02x:%02x:%02x:%02x, link %s, irq %u\n", e->dev.name,
            m[0], m[1], m[2], m[3], m[4], m[5], e->dev.link_up ? "up" : "down", e->irq);
    return 0;
}
