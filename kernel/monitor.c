/*
 * monitor.c - the serial monitor's commands (see include/monitor.h).
 *
 * Commands print with console_printf, not printk: their answers are not
 * kernel events and would only clutter the log that dmesg shows.
 */
#include "monitor.h"
#include "mutex.h"
#include "bootinfo.h"
#include "cmdline.h"
#include "console.h"
#include "kbench.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "panic.h"
#include "printk.h"
#include "ksyms.h"
#include "lockdep.h"
#include "readline.h"
#include "sched.h"
#include "slab.h"
#include "timer.h"

extern const struct monitor_command monitor_commands_start[], monitor_commands_end[];

static void print_log(const char *text, size_t len)
{
    console_write(text, len);
}

static void cmd_dmesg(int argc, char **argv)
{
    (void)argc, (void)argv;
    log_dump(print_log);
}

static void cmd_mem(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("memory map (from %s):\n", bootinfo.loader[0] ? bootinfo.loader : "the boot loader");
    for (int i = 0; i < bootinfo.nregions; i++) {
        const struct mem_region *r = &bootinfo.regions[i];
        console_printf("  %016llx-%016llx %s\n", (unsigned long long)r->base,
                       (unsigned long long)(r->base + r->length - 1),
                       mem_region_type_name(r->type));
    }
    console_printf("available: %llu KiB\n",
                   (unsigned long long)(bootinfo_available_bytes() / 1024));
    console_printf("kernel image: %08x-%08x (%u KiB)\n", (uint32_t)kernel_phys_start,
                   (uint32_t)kernel_phys_end - 1,
                   ((uint32_t)kernel_phys_end - (uint32_t)kernel_phys_start) / 1024);
    uint32_t used, total;
    early_alloc_usage(&used, &total);
    console_printf("early allocator: %u of %u KiB used\n", used / 1024, total / 1024);
}

static void cmd_free(int argc, char **argv)
{
    (void)argc, (void)argv;
    const struct watermarks *w = mm_watermarks();
    const struct mm_stats *st = mm_stats();
    uint32_t free = nr_free_pages(), managed = nr_managed_pages();
    console_printf("pages: %u free of %u managed (%u KiB free)\n", free, managed, free * 4);
    console_printf("watermarks: min %u  low %u  high %u pages\n", w->min, w->low, w->high);
    /* Allocations and frees are counted only with MM_DEBUG: the fast
     * paths of a release build count nothing (failures always). */
    console_printf("%-12s %10s %10s\n", "context", MM_DEBUG ? "allocs" : "allocs(-)",
                   "failures");
    for (int c = 0; c < CTX_COUNT; c++)
        console_printf("%-12s %10u %10u\n", alloc_context_name(c), st->allocs[c], st->failures[c]);
    if (!MM_DEBUG)
        console_puts("(-): counted in test builds only (MM_DEBUG); a release build's fast "
                     "paths count nothing\n");
    console_printf("frees%s %u; debug reports: page %u, slab %u\n", MM_DEBUG ? "" : "(-)",
                   st->frees, mm_debug_reports,
                   slab_debug_reports);
}

static void cmd_buddy(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint32_t counts[MAX_ORDER + 1];
    buddy_free_counts(counts);
    console_printf("order  block KiB  free blocks\n");
    for (int k = 0; k <= MAX_ORDER; k++)
        console_printf("%5d %10u %12u\n", k, 4u << k, counts[k]);
    int problems = buddy_check();
    console_printf("buddy_check: %s\n", problems ? "PROBLEMS (see above)" : "ok");
}

static void print_cache(const struct kmem_cache *c)
{
    console_printf("%-14s %6u %6u %8u %6u %7u\n", c->name, c->object_size, c->slot_size,
                   c->active, c->nr_slabs, 1u << c->order);
}

static void cmd_slab(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("%-14s %6s %6s %8s %6s %7s\n", "cache", "size", "slot", "objects",
                   "slabs", "pg/slab");
    slab_for_each_cache(print_cache);
}

static void print_task(struct task *t, void *arg)
{
    (void)arg;
    bool blocked = t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE;
    console_printf("%c%3u %-15s %-9s %4d  %s\n", t == current ? '*' : ' ', t->id, t->name,
                   task_state_name(t->state), t->prio, blocked && t->wchan ? t->wchan : "");
    /* A task blocked on a mutex already has it on its held stack: the
     * validator sees a lock when it is asked for, before the wait. */
    const struct mutex *wanted = blocked && t->wait_kind == WAIT_MUTEX ? t->wait_obj : NULL;
    for (int i = 0; i < t->nr_held; i++) {
        char where[96];
        bool waiting = wanted && t->held[i].map == &wanted->dep_map;
        ksym_describe(t->held[i].site, where, sizeof(where));
        console_printf("       %s %s, at %s\n", waiting ? "wants" : "holds",
                       t->held[i].map->name, where);
    }
}

static void cmd_ps(int argc, char **argv)
{
    (void)argc, (void)argv;
    console_printf("  id name            state     prio  waits on\n");
    task_for_each(print_task, NULL);
}

static void cmd_locks(int argc, char **argv)
{
    (void)argc, (void)argv;
    lockdep_print_classes();
}

static void cmd_uptime(int argc, char **argv)
{
    (void)argc, (void)argv;
    uint64_t ms = timer_uptime_ms();
    console_printf("up %u.%03u s, %llu ticks at %u Hz\n", (unsigned)(ms / 1000),
                   (unsigned)(ms % 1000), (unsigned long long)timer_ticks(), HZ);
}

static void cmd_tests(int argc, char **argv)
{
    (void)argc, (void)argv;
    ktest_list();
}

static void cmd_test(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: test NAME|GLOB|all\n");
        return;
    }
    ktest_run(argv[1]);
}

static void cmd_bench(int argc, char **argv)
{
    if (argc != 2) {
        console_puts("usage: bench NAME; benchmarks:\n");
        kbench_list();
        return;
    }
    kbench_run(argv[1]);
}

static void cmd_halt(int argc, char **argv)
{
    (void)argc, (void)argv;
    int failed = ktest_failures();
    pr_info("monitor: halt (%d test failures in this boot)\n", failed);
    machine_exit(failed ? KEXIT_FAILURE : KEXIT_SUCCESS);
}

static void print_param(const struct kernel_param *p)
{
    console_printf("  %-15s %-14s %s\n", p->name, p->dflt[0] ? p->dflt : "-", p->help);
}

static void cmd_help(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "params") == 0) {
        console_printf("  %-15s %-14s %s\n", "parameter", "default", "(kernel command line)");
        kernel_param_for_each(print_param);
        return;
    }
    for (const struct monitor_command *c = monitor_commands_start; c < monitor_commands_end; c++)
        console_printf("  %-7s %-10s %s\n", c->name, c->args, c->help);
}

MONITOR_COMMAND("help", "[params]", "list the commands, or the kernel parameters", cmd_help);
MONITOR_COMMAND("dmesg", "", "print the kernel log", cmd_dmesg);
MONITOR_COMMAND("mem", "", "memory map and early allocator", cmd_mem);
MONITOR_COMMAND("free", "", "free pages, watermarks, allocations", cmd_free);
MONITOR_COMMAND("buddy", "", "free blocks per order; buddy_check", cmd_buddy);
MONITOR_COMMAND("slab", "", "slab caches and objects in use", cmd_slab);
MONITOR_COMMAND("uptime", "", "time since boot and timer ticks", cmd_uptime);
MONITOR_COMMAND("ps", "", "tasks, states, wait channels, held locks", cmd_ps);
MONITOR_COMMAND("locks", "", "lock classes and their dependencies", cmd_locks);
MONITOR_COMMAND("tests", "", "list the built-in tests", cmd_tests);
MONITOR_COMMAND("test", "NAME", "run tests by name, glob or all", cmd_test);
MONITOR_COMMAND("bench", "NAME", "run a benchmark", cmd_bench);
MONITOR_COMMAND("halt", "", "leave QEMU with this boot's test verdict", cmd_halt);


/* The words of line, or -E2BIG when it has more than MONITOR_MAX_WORDS. */
static int split_words(char *line, char **argv)
{
    int argc = 0;
    for (char *p = line; *p;) {
        while (*p == ' ')
            *p++ = '\0';
        if (!*p)
            break;
        if (argc == MONITOR_MAX_WORDS)
            return -E2BIG;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    return argc;
}

void monitor_run(void)
{
    static char line[MONITOR_LINE_MAX];     /* too big for the stack; one monitor */
    char *argv[MONITOR_MAX_WORDS];

    console_puts("monitor: type help for the commands\n");
    for (;;) {
        int argc = readline(MONITOR_PROMPT, line, sizeof(line));
        if (argc == -E2BIG) {
            console_printf("monitor: line longer than %u characters; not run\n",
                           MONITOR_LINE_MAX - 1);
            continue;
        }
        if ((argc = split_words(line, argv)) < 0) {
            console_printf("monitor: more than %d words; not run\n", MONITOR_MAX_WORDS);
            continue;
        }
        if (argc == 0)
            continue;
        const struct monitor_command *c = monitor_commands_start;
        while (c < monitor_commands_end && strcmp(c->name, argv[0]) != 0)
            c++;
        if (c < monitor_commands_end)
            c->run(argc, argv);
        else
            console_printf("unknown command \"%s\"; try help\n", argv[0]);
    }
}
