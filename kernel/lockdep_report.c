/*
 * lockdep_report.c - what the lock validator prints (see include/lockdep.h
 * and kernel/lockdep_internal.h): the reports, a task's held locks, and
 * the monitor's list of classes.
 *
 * A report tells one story a student can follow without the source: the
 * first line names the bug ("lockdep: BUG: ..."), then who (task or
 * interrupt handler) does what to which lock and where, the locks it
 * holds and where each was taken, what is already known that makes this a
 * bug, and, for deadlocks, a two-column "possible unsafe scenario".  Call
 * sites print as function+offset/size from the kernel's symbol table.
 *
 * Rules: reports run inside the validator with interrupts off; like
 * printk, they take no lock and allocate nothing, so they work on a wedged
 * machine.  Each report adds one to lockdep_reports.
 */
#include "lockdep_internal.h"
#include "backtrace.h"
#include "console.h"
#include "ksyms.h"
#include "printk.h"
#include "vm.h"
#include "vsprintf.h"
#include "x86.h"

#define SITE_LEN    96
#define COLUMN      36      /* where the scenario's second column starts */
#define MAX_CALLERS 4       /* callers shown above a sleep site */

/* A call site as text.  Returned by value so that several can be printk
 * arguments at once; the array lives until the end of the printk call. */
struct site_text {
    char s[SITE_LEN];
};

static struct site_text site_text(uint32_t site)
{
    struct site_text t;
    ksym_describe(site, t.s, sizeof(t.s));
    return t;
}

static const char *kind_name(enum lock_kind kind)
{
    switch (kind) {
    case LOCK_SPIN:     return "spinlock";
    case LOCK_MUTEX:    return "mutex";
    case LOCK_PSEUDO:   return "pseudo-lock";
    }
    return "?";
}

static const char *map_name(const struct lockdep_map *map)
{
    if (!map->name)
        return "(unnamed)";
    return kernel_addr_mapped((uint32_t)map->name, 1) ? map->name : "(corrupt name)";
}

/* "task kmain", or the interrupt handler and whom it interrupted. */
struct who_text {
    char s[TASK_NAME_LEN + 40];
};

static struct who_text who(const struct held_view *v)
{
    struct who_text w;
    if (v->in_irq)
        ksnprintf(w.s, sizeof(w.s), "an interrupt handler (over task %s)", current->name);
    else
        ksnprintf(w.s, sizeof(w.s), "task %s", current->name);
    return w;
}

static void report_begin(const char *bug)
{
    lockdep_reports++;
    printk(LOG_ERR, "lockdep: BUG: %s\n", bug);
}

/* Also prints the held locks of wedged tasks for the hang detector: a
 * corrupt entry must print as such, not fault. */
static void print_held_list(const struct held_lock *held, int nr, int level)
{
    for (int i = 0; i < nr && i < MAX_HELD_LOCKS; i++) {
        const struct lockdep_map *map = held[i].map;
        if (!kernel_addr_mapped((uint32_t)map, sizeof(*map))) {
            printk(level, "    #%d (corrupt entry: map %p)\n", i, (const void *)map);
            continue;
        }
        printk(level, "    #%d %s (%s) taken at %s\n", i, map_name(map), kind_name(map->kind),
               site_text(held[i].site).s);
    }
}

/* "while holding 2 locks:" and one line for each. */
static void print_holding(const struct held_view *v)
{
    int nr = *v->nr;
    if (nr == 0) {
        printk(LOG_ERR, "  holding no locks\n");
        return;
    }
    printk(LOG_ERR, "  while holding %d lock%s:\n", nr, nr == 1 ? "" : "s");
    print_held_list(v->held, nr, LOG_ERR);
}

/* "<who> <verb> <lock> at <site>" and the locks held meanwhile. */
static void print_context(const struct held_view *v, const char *verb,
                          const struct lockdep_map *map, uint32_t site)
{
    printk(LOG_ERR, "  %s %s %s at %s\n", who(v).s, verb, map_name(map), site_text(site).s);
    print_holding(v);
}

/* The callers above site on this stack: the sleep site alone is only
 * "schedule_timeout", and the story is in who called that. */
static void print_callers(uint32_t site)
{
    uint32_t pcs[BACKTRACE_MAX];
    int n = backtrace_collect(read_ebp(), pcs, BACKTRACE_MAX);
    int i = 0;
    while (i < n && pcs[i] != site)
        i++;
    for (int shown = 0; ++i < n && shown < MAX_CALLERS; shown++)
        printk(LOG_ERR, "      called from %s\n", site_text(pcs[i]).s);
}

/* One line of a scenario: text in the left or the right column. */
static void scenario_line(bool right, const char *text)
{
    if (right)
        printk(LOG_ERR, "    %-*s%s\n", COLUMN, "", text);
    else
        printk(LOG_ERR, "    %s\n", text);
}

static void scenario_lock(bool right, const char *name)
{
    char cell[64];
    ksnprintf(cell, sizeof(cell), "lock(%s);", name);
    scenario_line(right, cell);
}

/* The heading; right is NULL for a scenario with one column. */
static void scenario_begin(const char *left, const char *right)
{
    printk(LOG_ERR, "  possible unsafe scenario:\n");
    if (right) {
        printk(LOG_ERR, "    %-*s%s\n", COLUMN, left, right);
        printk(LOG_ERR, "    %-*s%s\n", COLUMN, "----", "----");
    } else {
        printk(LOG_ERR, "    %s\n    ----\n", left);
    }
}

void lockdep_report_cycle(const struct held_view *v, struct lockdep_map *want, uint32_t site,
                          const struct held_lock *holding, const int16_t *chain, int chain_len)
{
    const char *held_name = map_name(holding->map);
    const char *parent = lock_classes[lock_deps[chain[chain_len - 1]].from].name;

    report_begin("possible deadlock (lock order cycle)");
    print_context(v, "wants", want, site);
    printk(LOG_ERR, "  but %s already comes before %s:\n", map_name(want), held_name);
    for (int i = 0; i < chain_len; i++) {
        const struct lock_dep *d = &lock_deps[chain[i]];
        const char *from = lock_classes[d->from].name, *to = lock_classes[d->to].name;
        printk(LOG_ERR, "    %s -> %s, first seen in task %s:\n", from, to, d->task);
        printk(LOG_ERR, "      %s taken at %s\n", from, site_text(d->from_site).s);
        printk(LOG_ERR, "      %s taken at %s\n", to, site_text(d->to_site).s);
    }
    printk(LOG_ERR, "  so %s -> %s would close a cycle.\n", held_name, map_name(want));

    /* The other task holds the last lock of the chain before ours, and
     * wants the one we hold; the rest of the chain joins the two. */
    char me[TASK_NAME_LEN + 8];
    ksnprintf(me, sizeof(me), "%s %s", v->in_irq ? "irq over" : "task", current->name);
    scenario_begin(me, "another task");
    scenario_lock(false, held_name);
    scenario_lock(true, parent);
    scenario_lock(true, held_name);
    scenario_lock(false, map_name(want));
    printk(LOG_ERR, "    *** DEADLOCK ***\n");
}

void lockdep_report_recursion(const struct held_view *v, struct lockdep_map *want,
                              uint32_t site, const struct held_lock *prev)
{
    report_begin("recursive locking (a lock of this class is already held)");
    print_context(v, "wants", want, site);
    printk(LOG_ERR, "  and #%d is of the same class.  If it is the same lock, this deadlocks\n"
                    "  now.  If not, give the two their own classes (init sites) and one\n"
                    "  order between them.\n", (int)(prev - v->held));
    scenario_begin(who(v).s, NULL);
    scenario_lock(false, map_name(prev->map));
    scenario_lock(false, map_name(want));
    printk(LOG_ERR, "    *** DEADLOCK ***\n");
}

void lockdep_report_irq(const struct held_view *v, struct lock_class *c, uint32_t site)
{
    report_begin("inconsistent IRQ usage");
    printk(LOG_ERR, "  spinlock %s was taken in an interrupt handler at %s\n", c->name,
           site_text(c->irq_site).s);
    printk(LOG_ERR, "  and held with interrupts on by task %s at %s.\n", c->irqs_on_task,
           site_text(c->irqs_on_site).s);
    printk(LOG_ERR, "  Seen now by %s at %s,\n", who(v).s, site_text(site).s);
    print_holding(v);

    char me[TASK_NAME_LEN + 8];
    ksnprintf(me, sizeof(me), "task %s", c->irqs_on_task);
    scenario_begin(me, "interrupt handler");
    scenario_lock(false, c->name);
    scenario_line(true, "<interrupt>");
    scenario_lock(true, c->name);
    printk(LOG_ERR, "    *** DEADLOCK: the handler waits for the task it interrupted ***\n");
    printk(LOG_ERR, "  Hold it with interrupts off (spin_lock_irqsave) everywhere.\n");
}

void lockdep_report_sleep(const struct held_view *v, uint32_t site,
                          const struct held_lock *spin)
{
    report_begin("sleeping while holding a spinlock");
    printk(LOG_ERR, "  %s sleeps at %s\n", who(v).s, site_text(site).s);
    print_callers(site);
    print_holding(v);
    printk(LOG_ERR, "  #%d %s is a spinlock, and never held across a sleep: its\n"
                    "  holder runs with interrupts and preemption off, and whoever wants it\n"
                    "  next finds it held by a task that is not running.  Release it before\n"
                    "  sleeping, or make it a mutex.\n",
           (int)(spin - v->held), map_name(spin->map));
}

void lockdep_report_exit(const struct task *t)
{
    report_begin("task exiting with locks held");
    int nr = t->nr_held;
    printk(LOG_ERR, "  task %s exits while holding %d lock%s:\n", t->name, nr,
           nr == 1 ? "" : "s");
    print_held_list(t->held, nr, LOG_ERR);
    printk(LOG_ERR, "  Nobody can release them now: whoever takes them next waits forever.\n");
}

void lockdep_report_unheld(const struct held_view *v, struct lockdep_map *map, uint32_t site)
{
    report_begin("releasing a lock that is not held");
    print_context(v, "releases", map, site);
}

void lockdep_print_held(const struct task *t, int level)
{
    int nr = t->nr_held;
    if (nr < 0 || nr > MAX_HELD_LOCKS) {
        printk(level, "    (held-lock count %d is corrupt)\n", nr);
        return;
    }
    if (nr == 0)
        printk(level, "    no locks held\n");
    print_held_list(t->held, nr, level);
}

void lockdep_print_classes(void)
{
    /* Read the counts once: the tables only grow, and every entry below
     * them is complete (see lockdep_internal.h). */
    uint32_t nr_classes = nr_lock_classes, nr_deps = nr_lock_deps;
    console_printf("lock classes: %u of %u, dependencies: %u of %u, reports: %u%s\n",
                   nr_classes, MAX_LOCK_CLASSES, nr_deps, MAX_LOCK_DEPS, lockdep_reports,
                   lockdep_disabled ? " (validator off: a table filled)" : "");
    for (uint32_t i = 0; i < nr_classes; i++) {
        const struct lock_class *c = &lock_classes[i];
        console_printf("  %-24s %s%s%s\n", c->name, kind_name(c->kind),
                       c->irq_site ? ", taken in irq" : "",
                       c->irqs_on_site ? ", held with irqs on" : "");
        for (int16_t d = c->first_after; d != NO_DEP; d = lock_deps[d].next_after)
            console_printf("      -> %s%s\n", lock_classes[lock_deps[d].to].name,
                           lock_deps[d].refused ? "  (refused: it closes a cycle)" : "");
    }
}
