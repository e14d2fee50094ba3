/*
 * e1000.h - the driver for Intel's 8254x gigabit Ethernet controllers
 * (QEMU's -device e1000, an 82540EM: 8086:100e).
 *
 * e1000_init() finds the first such controller on the PCI bus (call
 * pci_init() and net_init() first), resets it, reads its MAC address and
 * registers it as eth0 with the network stack (netdev.h).  With no controller it logs
 * that and returns -ENOENT; the stack runs on lo alone.
 */
#pragma once

int e1000_init(void);
