/*
 * e1000_regs.h - registers, bits and descriptors of the 8254x, named and
 * numbered as in Intel's "PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual" (317453).  Only what drivers/net/e1000.c
 * uses.  Offsets are bytes from BAR0 (section 13.3, table 13-2).
 */
#pragma once
#include <stdint.h>

#define E1000_VENDOR_INTEL  0x8086
#define E1000_DEV_82540EM   0x100E      /* QEMU's e1000 (section 5.2, table 5-1) */
#define E1000_MMIO_SIZE     0x20000     /* 128 KiB of registers behind BAR0 */
#define PCI_BAR_MEM_MASK    0xFFFFFFF0u /* low 4 bits of a memory BAR are flags */

/* Device Control (13.4.1) */
#define E1000_CTRL          0x00000
#define E1000_CTRL_FD       (1u << 0)   /* full duplex */
#define E1000_CTRL_LRST     (1u << 3)   /* link reset */
#define E1000_CTRL_ASDE     (1u << 5)   /* auto-speed detection */
#define E1000_CTRL_SLU      (1u << 6)   /* set link up */
#define E1000_CTRL_ILOS     (1u << 7)   /* invert loss-of-signal */
#define E1000_CTRL_RST      (1u << 26)  /* device reset; self-clearing */
#define E1000_CTRL_VME      (1u << 30)  /* VLAN mode */
#define E1000_CTRL_PHY_RST  (1u << 31)

/* Device Status (13.4.2) */
#define E1000_STATUS        0x00008
#define E1000_STATUS_LU     (1u << 1)   /* link up */

/* EEPROM Read (13.4.4), the 82540's layout */
#define E1000_EERD          0x00014
#define E1000_EERD_START    (1u << 0)
#define E1000_EERD_DONE     (1u << 4)
#define E1000_EERD_ADDR_SHIFT 8
#define E1000_EERD_DATA_SHIFT 16
#define E1000_EEPROM_MAC    0           /* words 0..2: the MAC address (table 5-2) */

/* Interrupt Cause Read, Mask Set, Mask Clear (13.4.17, 13.4.20, 13.4.21);
 * the causes (table 13-65).  ICR clears when read. */
#define E1000_ICR           0x000C0
#define E1000_IMS           0x000D0
#define E1000_IMC           0x000D8
#define E1000_ICR_TXDW      (1u << 0)   /* transmit descriptor written back */
#define E1000_ICR_LSC       (1u << 2)   /* link status change */
#define E1000_ICR_RXDMT0    (1u << 4)   /* receive descriptors below threshold */
#define E1000_ICR_RXO       (1u << 6)   /* receiver overrun */
#define E1000_ICR_RXT0      (1u << 7)   /* receiver timer: frames arrived */
#define E1000_IMC_ALL       0xFFFFFFFFu

/* Receive Control (13.4.22) */
#define E1000_RCTL          0x00100
#define E1000_RCTL_EN       (1u << 1)
#define E1000_RCTL_BAM      (1u << 15)  /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX clear */
#define E1000_RCTL_SECRC    (1u << 26)  /* strip the Ethernet CRC */

/* Transmit Control and Inter-Packet Gap (13.4.33, 13.4.34) */
#define E1000_TCTL          0x00400
#define E1000_TCTL_EN       (1u << 1)
#define E1000_TCTL_PSP      (1u << 3)   /* pad short packets to 64 bytes */
#define E1000_TCTL_CT_SHIFT 4           /* collision threshold */
#define E1000_TCTL_CT_DEFAULT 0x10      /* the manual's recommended value */
#define E1000_TCTL_COLD_SHIFT 12        /* collision distance */
#define E1000_TCTL_COLD_FD  0x40        /* full duplex */
#define E1000_TIPG          0x00410
#define E1000_TIPG_IPGT     10          /* 82540 copper values (table 13-77) */
#define E1000_TIPG_IPGR1    8
#define E1000_TIPG_IPGR2    6
#define E1000_TIPG_IPGR1_SHIFT 10
#define E1000_TIPG_IPGR2_SHIFT 20

/* Receive descriptor ring (13.4.25 - 13.4.29) */
#define E1000_RDBAL         0x02800
#define E1000_RDBAH         0x02804
#define E1000_RDLEN         0x02808
#define E1000_RDH           0x02810
#define E1000_RDT           0x02818

/* Transmit descriptor ring (13.4.35 - 13.4.39) */
#define E1000_TDBAL         0x03800
#define E1000_TDBAH         0x03804
#define E1000_TDLEN         0x03808
#define E1000_TDH           0x03810
#define E1000_TDT           0x03818

/* Multicast Table Array and Receive Address 0 (13.5.1, 13.5.2) */
#define E1000_MTA           0x05200
#define E1000_MTA_ENTRIES   128
#define E1000_RAL0          0x05400
#define E1000_RAH0          0x05404
#define E1000_RAH_AV        (1u << 31)  /* address valid */

/* Ring sizes: a multiple of 128 bytes, base 16-byte aligned (3.2.6, 3.4). */
#define E1000_RING_ALIGN    128

/* Legacy receive descriptor (3.2.3) */
struct e1000_rx_desc {
    volatile uint64_t addr;             /* buffer, physical */
    volatile uint16_t length;           /* bytes written, CRC stripped */
    volatile uint16_t csum;
    volatile uint8_t status;
    volatile uint8_t errors;
    volatile uint16_t special;
};
#define E1000_RXD_STAT_DD   (1u << 0)   /* descriptor done */
#define E1000_RXD_STAT_EOP  (1u << 1)   /* end of packet */
#define E1000_RXD_ERR_MASK  0x97u       /* CE SE SEQ CXE RXE (3.2.3.2); the stack checks checksums */

/* Legacy transmit descriptor (3.3.3) */
struct e1000_tx_desc {
    volatile uint64_t addr;
    volatile uint16_t length;
    volatile uint8_t cso;
    volatile uint8_t cmd;
    volatile uint8_t status;
    volatile uint8_t css;
    volatile uint16_t special;
};
#define E1000_TXD_CMD_EOP   (1u << 0)   /* end of packet */
#define E1000_TXD_CMD_IFCS  (1u << 1)   /* insert the CRC */
#define E1000_TXD_CMD_RS    (1u << 3)   /* report status (sets DD) */
#define E1000_TXD_STAT_DD   (1u << 0)

/* TCP/IP context descriptor (3.3.6): where the checksums of the frames
 * after it start, sit and end (offsets from the Ethernet header; an end
 * of 0 is the frame's end), and for TCP segmentation the payload length,
 * the header length and the MSS.  It holds until the next one. */
struct e1000_context_desc {
    volatile uint8_t ipcss;             /* IP checksum start */
    volatile uint8_t ipcso;             /* IP checksum offset */
    volatile uint16_t ipcse;            /* IP checksum end, inclusive */
    volatile uint8_t tucss;             /* TCP checksum start */
    volatile uint8_t tucso;             /* TCP checksum offset */
    volatile uint16_t tucse;            /* TCP checksum end, inclusive; 0: to the end */
    volatile uint32_t cmd_and_length;   /* PAYLEN (bits 0-19), DTYP 0, TUCMD (24-31) */
    volatile uint8_t status;
    volatile uint8_t hdr_len;           /* TSO: bytes of header copied to every segment */
    volatile uint16_t mss;              /* TSO: payload bytes per segment */
};
#define E1000_CTX_PAYLEN_MAX 0xFFFFFu   /* 20 bits */

/* TCP/IP data descriptor (3.3.7): a buffer of a frame that a context
 * describes.  lower: length (bits 0-19), DTYP, DCMD; upper: status, POPTS. */
struct e1000_data_desc {
    volatile uint64_t addr;
    volatile uint32_t lower;
    volatile uint32_t upper;
};
#define E1000_TXD_DTYP_D    (1u << 20)  /* a data descriptor (context: 0) */
#define E1000_TXD_LEN_MASK  0xFFFFu     /* QEMU's e1000 reads 16 bits of DTALEN */
/* Command bits in the top byte of a context's cmd_and_length or a data
 * descriptor's lower word (3.3.6.1, 3.3.7.1). */
#define E1000_TXD_DCMD_EOP  (1u << 24)  /* data: end of packet */
#define E1000_TXD_DCMD_IFCS (1u << 25)  /* data: insert the CRC */
#define E1000_TXD_CMD_TCP   (1u << 24)  /* context: the frames carry TCP */
#define E1000_TXD_CMD_IP    (1u << 25)  /* context: IPv4 */
#define E1000_TXD_CMD_TSE   (1u << 26)  /* context and data: TCP segmentation */
#define E1000_TXD_DCMD_RS   (1u << 27)  /* data: report status */
#define E1000_TXD_CMD_DEXT  (1u << 29)  /* not a legacy descriptor */
/* Packet options, in the first data descriptor of a frame (upper word). */
#define E1000_TXD_POPTS_IXSM (1u << 8)  /* insert the IP checksum */
#define E1000_TXD_POPTS_TXSM (1u << 9)  /* insert the TCP checksum */
#define E1000_TXD_UPPER_DD  (1u << 0)   /* status: descriptor done */
