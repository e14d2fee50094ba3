/*
 * swap_monitor.c - the monitor's swap commands: swapon, swapoff, swap.
 */
#include "cmdline_parse.h"
#include "console.h"
#include "blkdev.h"
#include "monitor.h"
#include "swap.h"

static void cmd_swapon(int argc, char **argv)
{
    uint32_t prio = 0;
    if (argc < 2 || argc > 3 || (argc == 3 && parse_u32(argv[2], &prio) < 0)) {
        console_puts("usage: swapon DEV [PRIORITY]\n");
        return;
    }
    int err = swapon(argv[1], (int)prio);
    if (err)
        console_printf("swapon %s: error %d\n", argv[1], err);
}

static void cmd_swapoff(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: swapoff DEV\n");
        return;
    }
    int err = swapoff(argv[1]);
    if (err)
        console_printf("swapoff %s: error %d\n", argv[1], err);
}

static void print_area(const struct swap_area *a, void *arg)
{
    (void)arg;
    console_printf("%-6s %4d %8u %8u %6u\n", a->bdev->name, a->prio, a->last_page - a->nr_bad,
                   a->inuse, a->nr_bad);
}

static void cmd_swap(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("%-6s %4s %8s %8s %6s\n", "device", "prio", "pages", "used", "bad");
    swap_for_each(print_area, NULL);
}

MONITOR_COMMAND("swapon", "DEV [PRIO]", "use a device made by mkswap for swap", cmd_swapon);
MONITOR_COMMAND("swapoff", "DEV", "stop swapping to a device", cmd_swapoff);
MONITOR_COMMAND("swap", "", "swap areas and their use", cmd_swap);
