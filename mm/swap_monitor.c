/*
 * swap_monitor.c - the monitor's swap and reclaim commands: swapon,
 * swapoff, swap, vmstat, reclaim.
 */
#include "cmdline_parse.h"
#include "console.h"
#include "blkdev.h"
#include "mm.h"
#include "monitor.h"
#include "reclaim.h"
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

static void cmd_vmstat(int argc, char **argv)
{
    (void)argc, (void)argv;
    const struct vm_event_counts *v = &vm_events;
    uint32_t active, inactive, queued, in_flight;
    lru_counts(&active, &inactive);
    kswiod_counts(&queued, &in_flight);
    console_printf("free %u pages  active %u  inactive %u\n", nr_free_pages(), active, inactive);
    console_printf("swapouts %u  swapins %u  scanned %u  reclaimed %u\n", v->pswpout, v->pswpin,
                   v->pgscan, v->pgsteal);
    console_printf("swap-in faults %u  reads %u  waited %u  read-ahead windows %u (%u ahead of "
                   "the faults) %u pages\n", v->swapin_faults, v->swapin_reads, v->swapin_waits,
                   v->swapin_ra_windows, v->swapin_ra_async, v->swapin_ra_pages);
    console_printf("kswapd wakeups %u  direct reclaims %u  waits %u  failures %u  "
                   "oom kills %u  bus errors %u\n", v->kswapd_wakeups, v->direct_reclaims,
                   v->reclaim_waits, v->reclaim_failures, v->oom_kills, v->bus_errors);
    console_printf("kswiod queued %u  in flight %u  completed %u  errors %u  bios %u "
                   "(total queued %u)\n", queued, in_flight, v->kswiod_completed,
                   v->kswiod_errors, v->kswiod_bios, v->kswiod_queued);
    console_printf("copy-on-write copies %u  reused in place %u\n", v->cow_copied,
                   v->cow_reused);
    console_printf("reclaim violations %u\n", reclaim_violations);
}

static void cmd_reclaim(int argc, char **argv)
{
    uint32_t n = 0;
    if (argc != 2 || parse_u32(argv[1], &n) < 0) {
        console_puts("usage: reclaim PAGES\n");
        return;
    }
    console_printf("reclaimed %u pages\n", reclaim_some(n));
}

MONITOR_COMMAND("swapon", "DEV [PRIO]", "use a device made by mkswap for swap", cmd_swapon);
MONITOR_COMMAND("swapoff", "DEV", "stop swapping to a device", cmd_swapoff);
MONITOR_COMMAND("swap", "", "swap areas and their use", cmd_swap);
MONITOR_COMMAND("vmstat", "", "free memory, LRU lists, swap and kswiod counts", cmd_vmstat);
MONITOR_COMMAND("reclaim", "PAGES", "run reclaim now until PAGES are freed", cmd_reclaim);
