/*
 * main.c - kmain(), the kernel's start-up order.
 *
 * boot/boot.asm calls kmain(magic, mbi) on the boot stack, paging on,
 * interrupts off.  The order matters: the console first (so everything
 * after can report trouble), then the CPU tables (so a fault is reported
 * rather than triple-faulting), then what GRUB told us, then the clocks,
 * then whatever the command line asked for: a benchmark, tests, the
 * first user program (init=) and the monitor, after the mount= and
 * swapon= the command line names.
 */
#include <stdint.h>
#include "ata.h"
#include "e1000.h"
#include "ext2.h"
#include "pci.h"
#include "blkdev.h"
#include "boot_mounts.h"
#include "bootinfo.h"
#include "buffer.h"
#include "cmdline.h"
#include "console.h"
#include "gdt.h"
#include "hung.h"
#include "interrupts.h"
#include "kbench.h"
#include "ktest.h"
#include "mm.h"
#include "monitor.h"
#include "nbd.h"
#include "nbdsrv.h"
#include "netdev.h"
#include "pagemap.h"
#include "panic.h"
#include "pic.h"
#include "printk.h"
#include "process.h"
#include "profile.h"
#include "reclaim.h"
#include "ramdisk.h"
#include "sched.h"
#include "serial.h"
#include "swap.h"
#include "timer.h"
#include "version.h"
#include "vfs.h"
#include "x86.h"

KERNEL_PARAM(loglevel, "6", "console shows log levels up to N (0 emergencies .. 7 debug)");
KERNEL_PARAM(test, "", "run these tests (names, globs, all), then power off with the verdict");
KERNEL_PARAM(bench, "", "run one benchmark and power off");
KERNEL_PARAM(monitor, "", "start the monitor (after the tests, if any) instead of powering off");
KERNEL_PARAM(init, "", "PATH: run this user program after the mounts; power off with its verdict");

uint64_t kmain_tsc;             /* TSC when kmain began (bench=boot) */

static void print_banner(void)
{
    pr_info("swiod %s: a teaching kernel whose reclaim never waits for one write\n",
            SWIOD_VERSION);
    pr_info("boot loader: %s\n", bootinfo.loader[0] ? bootinfo.loader : "(unnamed)");
    pr_info("command line: %s\n", bootinfo.cmdline);
    pr_info("memory map:\n");
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        pr_info("  %016llx-%016llx %s\n", (unsigned long long)r->base,
                (unsigned long long)(r->base + r->length - 1), mem_region_type_name(r->type));
    }
    pr_info("memory: %llu KiB available; kernel image %08x-%08x\n",
            (unsigned long long)(bootinfo_available_bytes() / 1024),
            (uint32_t)kernel_phys_start, (uint32_t)kernel_phys_end - 1);
}

void kmain(uint32_t magic, uint32_t mbi_phys)
{
    kmain_tsc = rdtsc();
    console_init();
    gdt_init();
    pic_init();
    idt_init();

    if (bootinfo_parse(magic, mbi_phys) < 0)
        panic("cannot read the boot information; was this kernel booted by GRUB?");
    cmdline_init(bootinfo.cmdline);
    console_loglevel = (int)cmdline_get_u32("loglevel", LOG_INFO);
    print_banner();
    early_alloc_init();
    mm_init();
    sched_init();
    process_init();

    profile_init();
    timer_init();
    serial_enable_rx_irq();
    sti();
    hung_task_init();
    reclaim_init();
    block_init();
    pci_init();
    ata_init();
    ramdisk_init();
    net_init();
    e1000_init();           /* eth0, if there is a NIC; else it says so, and lo serves */
    nbdsrv_init();          /* before the client: nbd=127.0.0.1:PORT may name it */
    nbd_init();             /* after the network: it connects at once */
    nbdsrv_claim_clients();
    buffer_init();
    pagecache_init();
    vfs_init();
    if (ext2_init() < 0)
        panic("ext2: cannot register with the VFS");
    swap_init();

    const char *bench = cmdline_get("bench");
    if (bench)
        machine_exit(kbench_run(bench) == 0 ? KEXIT_SUCCESS : KEXIT_FAILURE);

    const char *tests = cmdline_get("test");
    int failed = tests ? ktest_run(tests) : 0;
    const char *init = cmdline_get("init");
    if (cmdline_has("monitor") || !tests || init)
        boot_mounts();
    if (init) {
        /* The first program, after the mounts it is read from.  Linux
         * panics when init exits; here the boot ends with its verdict
         * (or goes on to the monitor), as a test's does. */
        const char *argv[] = { init, NULL };
        failed += process_run_init(argv) != 0;
    }
    if (cmdline_has("monitor") || (!tests && !init))
        monitor_run();
    machine_exit(failed ? KEXIT_FAILURE : KEXIT_SUCCESS);
}
