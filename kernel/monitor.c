/*
 * monitor.c - the serial monitor's commands (see include/monitor.h).
 *
 * Commands print with console_printf, not printk: their answers are not
 * kernel events and would only clutter the log that dmesg shows.
 */
#include "monitor.h"
#include "vm.h"
#include "process.h"
#include "gfp.h"
#include "mutex.h"
#include "cmdline.h"
#include "console.h"
#include "kbench.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "panic.h"
#include "printk.h"
#include "ksyms.h"
#include "lockdep.h"
#include "readline.h"
#include "sched.h"
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

static void print_task(struct task *t, void *arg)
{
    (void)arg;
    bool blocked = t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE;
    console_printf("%c%3u %-15s %-9s %4d  %s\n", t == current ? '*' : ' ', t->id, t->name,
                   task_state_name(t->state), t->prio, blocked && t->wchan ? t->wchan : "");
    /* A process: its parent and its memory, read from its page tables. */
    if (t->proc && t->proc->vm) {
        uint32_t rss, swapped;
        vm_count_pages(t->proc->vm, &rss, &swapped);
        const struct process *parent = t->proc->parent;
        console_printf("       process: parent %u, %u pages resident, %u swapped%s\n",
                       parent && parent->task ? parent->task->id : 0, rss, swapped,
                       t->flags & PF_MEMALLOC_NOIO ? ", IO flusher (GFP_NOIO)" : "");
    }
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

    console_puts("monitor: type help for the commands\n");
    for (;;) {
        int argc = readline(MONITOR_PROMPT, line, sizeof(line));
        if (argc == -E2BIG) {
            console_printf("monitor: line longer than %u characters; not run\n",
                           MONITOR_LINE_MAX - 1);
            continue;
        }
        monitor_exec(line);
    }
}

int monitor_exec(char *line)
{
    char *argv[MONITOR_MAX_WORDS];
    int argc = split_words(line, argv);
    if (argc < 0) {
        console_printf("monitor: more than %d words; not run\n", MONITOR_MAX_WORDS);
        return argc;
    }
    if (argc == 0)
        return 0;
    const struct monitor_command *c = monitor_commands_start;
    while (c < monitor_commands_end && strcmp(c->name, argv[0]) != 0)
        c++;
    if (c == monitor_commands_end) {
        console_printf("unknown command \"%s\"; try help\n", argv[0]);
        return -ENOENT;
    }
    c->run(argc, argv);
    return 0;
}
