/*
 * e1000.c - the Intel 8254x driver (see include/e1000.h).  Section
 * numbers are the 8254x Software Developer's Manual's (e1000_regs.h).
 *
 * Receiving (NAPI and its batch, see netdev.h).  The RX ring has E1000_RX_RING
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
 * Sending.  xmit puts each buffer of the frame -- skb->data itself, and
 * the frag_next chain of a TSO frame -- in a TX descriptor of its own (no
 * copy: each buffer is one page, physically contiguous) and moves TDT
 * once per frame.  Only a frame's last descriptor asks for its status
 * back (RS): the NIC finishes descriptors in order, so its DD bit says
 * the whole frame is done, and the skb is freed then, found on the next
 * xmit and on every poll (TXDW interrupts make sure a poll comes), so the
 * ring never holds buffers for long.  A ring without room for the whole
 * frame drops it (tx_dropped, -EBUSY).  xmit runs in any task (net_lock
 * holders) and poll in knetd, so the TX ring has its own spinlock; the
 * RX ring is knetd's alone.
 *
 * Offloads (netdev.h), chosen by e1000_offload= at boot: "tso" (the
 * default) offers NETIF_F_TSO and NETIF_F_HW_CSUM, "csum" only the
 * checksums, "off" nothing.  A frame that asks for either is described
 * by a context descriptor (3.3.6) followed by data descriptors (3.3.7)
 * instead of legacy ones; the context is written again only when it
 * changes, which for TSO is every frame (its payload length is in it).
 * Measured under QEMU, whose e1000 hands every frame to slirp inside the
 * guest's write of TDT: a 64 KiB TSO frame is one register write and one
 * header instead of 45 of each, and no checksum summed by the guest.
 * QEMU 7.2's e1000 has one quirk here: when a TSO frame's payload is a
 * multiple of its MSS, it sends one more segment after the last, a bare
 * header (an ACK with no data; process_tx_desc's end-of-packet always
 * sends what it holds).  TCP's peer takes that as a pure ACK; it does no
 * harm, and a real 8254x does not send it.
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
#include "cmdline.h"
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

KERNEL_PARAM(e1000_offload, "tso",
             "tso: TCP segmentation and checksums by the NIC; csum: checksums only; off: none");

#define E1000_TSO_MAX       (0xFFFFu - 20 - 20)    /* payload: an IPv4 length of 64 KiB at most */
#define E1000_TCP_DOFF(tcp) (((tcp)[12] >> 4) * 4u)    /* a TCP header's length (RFC 9293 3.1) */
#define E1000_IP_CSUM_OFF   10      /* the IPv4 header checksum (RFC 791 3.1) */
#define E1000_TCP_CSUM_OFF  16      /* the TCP checksum (RFC 9293 3.1) */

_Static_assert(SKB_BUF_SIZE >= E1000_RX_BUF_SIZE, "an RX buffer must fit an skb's head[]");
_Static_assert(sizeof(struct e1000_context_desc) == sizeof(struct e1000_tx_desc) &&
               sizeof(struct e1000_data_desc) == sizeof(struct e1000_tx_desc),
               "every kind of TX descriptor is 16 bytes");
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
    struct sk_buff *tx_skb[E1000_TX_RING];  /* in flight, at its frame's last
                                             * descriptor; under tx_lock */
    uint32_t tx_last[E1000_TX_RING];    /* at a frame's first descriptor: its last */
    struct e1000_context_desc tx_ctx;   /* the context the NIC holds (cmd 0: none yet) */
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

/* Free the frames whose last descriptor the NIC has finished.  tx_lock held. */
static void tx_reclaim(struct e1000 *e)
{
    while (e->tx_clean != e->tx_tail) {
        uint32_t last = e->tx_last[e->tx_clean];
        if (!(e->tx[last].status & E1000_TXD_STAT_DD))
            break;
        kfree_skb(e->tx_skb[last]);
        e->tx_skb[last] = NULL;
        e->tx_clean = (last + 1) % E1000_TX_RING;
    }
}

/* The context skb's frame needs: checksum offsets from the Ethernet
 * header, and for TSO the segmentation (3.3.6, 3.5). */
static void tx_context_for(const struct sk_buff *skb, uint32_t frame_len,
                           struct e1000_context_desc *c)
{
    uint32_t ip = (uint32_t)(skb->network_header - skb->data);
    uint32_t tcp = (uint32_t)(skb->transport_header - skb->data);
    *c = (struct e1000_context_desc){
        .ipcss = (uint8_t)ip, .ipcso = (uint8_t)(ip + E1000_IP_CSUM_OFF),
        .ipcse = (uint16_t)(tcp - 1), .tucss = (uint8_t)tcp,
        .tucso = (uint8_t)(tcp + E1000_TCP_CSUM_OFF), .tucse = 0,
        .cmd_and_length = E1000_TXD_CMD_DEXT | E1000_TXD_CMD_TCP | E1000_TXD_CMD_IP,
    };
    if (skb->gso_size) {
        uint32_t hdr_len = tcp + E1000_TCP_DOFF(skb->transport_header);
        c->cmd_and_length |= E1000_TXD_CMD_TSE | (frame_len - hdr_len);
        c->hdr_len = (uint8_t)hdr_len;
        c->mss = skb->gso_size;
    }
}

static bool same_context(const struct e1000_context_desc *a, const struct e1000_context_desc *b)
{
    return a->ipcss == b->ipcss && a->ipcso == b->ipcso && a->ipcse == b->ipcse &&
           a->tucss == b->tucss && a->tucso == b->tucso && a->tucse == b->tucse &&
           a->cmd_and_length == b->cmd_and_length && a->hdr_len == b->hdr_len &&
           a->mss == b->mss;
}

/* Take the next descriptor; the caller fills it.  tx_lock held, room checked. */
static uint32_t tx_take(struct e1000 *e)
{
    uint32_t i = e->tx_tail;
    e->tx_tail = (i + 1) % E1000_TX_RING;
    return i;
}

static int e1000_xmit(struct net_device *dev, struct sk_buff *skb)
{
    struct e1000 *e = dev->priv;
    uint32_t frame_len = skb->len + skb->frag_bytes, bufs = 0;
    for (struct sk_buff *b = skb; b; b = b->frag_next)
        bufs++;
    struct e1000_context_desc ctx;
    bool offload = skb->csum_partial;
    if (offload)
        tx_context_for(skb, frame_len, &ctx);

    uint32_t flags = spin_lock_irqsave(&e->tx_lock);
    tx_reclaim(e);
    bool new_ctx = offload && !same_context(&ctx, &e->tx_ctx);
    /* One slot stays empty: full != empty. */
    uint32_t room = (e->tx_clean + E1000_TX_RING - e->tx_tail - 1) % E1000_TX_RING;
    if (bufs + new_ctx > room) {
        dev->stats.tx_dropped++;
        spin_unlock_irqrestore(&e->tx_lock, flags);
        kfree_skb(skb);
        return -EBUSY;
    }
    uint32_t first = e->tx_tail, last = first;
    if (new_ctx) {
        struct e1000_context_desc *c = (struct e1000_context_desc *)&e->tx[tx_take(e)];
        *c = ctx;
        e->tx_ctx = ctx;
    }
    for (struct sk_buff *b = skb; b; b = b->frag_next) {
        last = tx_take(e);
        bool eop = !b->frag_next;
        if (!offload) {
            struct e1000_tx_desc *d = &e->tx[last];
            d->addr = virt_to_phys(b->data);
            d->length = (uint16_t)b->len;
            d->cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS | E1000_TXD_CMD_RS;
            d->status = 0;
            continue;
        }
        struct e1000_data_desc *d = (struct e1000_data_desc *)&e->tx[last];
        d->addr = virt_to_phys(b->data);
        d->lower = (b->len & E1000_TXD_LEN_MASK) | E1000_TXD_DTYP_D | E1000_TXD_CMD_DEXT |
                   E1000_TXD_DCMD_IFCS | (skb->gso_size ? E1000_TXD_CMD_TSE : 0) |
                   (eop ? E1000_TXD_DCMD_EOP | E1000_TXD_DCMD_RS : 0);
        /* The options count in a frame's first data descriptor: the IPv4
         * checksum too for TSO, whose segments each get their own header. */
        d->upper = b != skb ? 0 : E1000_TXD_POPTS_TXSM |
                   (skb->gso_size ? E1000_TXD_POPTS_IXSM : 0);
    }
    e->tx_last[first] = last;
    e->tx_skb[last] = skb;
    if (skb->gso_size) {
        uint32_t hdr_len = frame_len - (ctx.cmd_and_length & E1000_CTX_PAYLEN_MAX);
        dev->stats.tx_tso_frames++;
        dev->stats.tx_packets += (frame_len - hdr_len + skb->gso_size - 1) / skb->gso_size;
    } else {
        dev->stats.tx_packets++;
    }
    if (offload)
        dev->stats.tx_csum_offloaded++;
    dev->stats.tx_bytes += frame_len;
    __asm__ volatile("" ::: "memory");  /* the descriptors before the tail */
    wr(e, E1000_TDT, e->tx_tail);
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
    napi_gro_receive(&e->dev, skb);
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

/* e1000_offload= (above): which of the NIC's offloads the stack may use. */
static void set_offload(struct e1000 *e)
{
    const char *want = cmdline_get("e1000_offload");
    if (want && strcmp(want, "csum") == 0) {
        e->dev.features = NETIF_F_HW_CSUM;
    } else if (!want || strcmp(want, "off") != 0) {
        if (want && strcmp(want, "tso") != 0)
            pr_warn("e1000: e1000_offload=%s is not tso, csum or off; using tso\n", want);
        e->dev.features = NETIF_F_HW_CSUM | NETIF_F_TSO;
        e->dev.gso_max_size = E1000_TSO_MAX;
    }
    pr_info("e1000: transmit offload: %s\n",
            e->dev.features & NETIF_F_TSO ? "TCP segmentation and checksums" :
            e->dev.features ? "TCP checksums" : "none");
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
    set_offload(e);
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
