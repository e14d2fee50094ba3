/*
 * lockdep_internal.h - what the lock validator's two files share: the
 * class and dependency tables (kept by lockdep.c) and the report printers
 * (in lockdep_report.c).  Nothing outside kernel/lockdep*.c includes this.
 *
 * The tables only grow, and lockdep.c changes them with interrupts off,
 * filling in an entry before it links it in: a reader that takes no lock
 * (the monitor, a report about a wedged task) sees a consistent prefix.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "lockdep.h"
#include "sched.h"

#define MAX_LOCK_CLASSES    256
#define MAX_LOCK_DEPS       1024
#define NO_DEP              (-1)

struct lock_class {
    const struct lock_class_key *key;   /* its identity: one per init site */
    const char *name;                   /* of the first lock seen in it */
    enum lock_kind kind;
    int16_t first_after;                /* lock_deps index of its first "->" edge */
    uint32_t irq_site;                  /* first taken in an interrupt handler; 0 never */
    uint32_t irqs_on_site;              /* first held with interrupts on; 0 never */
    char irqs_on_task[TASK_NAME_LEN];   /* ... by this task */
    bool irq_reported;                  /* each bug is reported once per class */
    bool sleep_reported;
    bool recursion_reported;
};

/* "from was held while to was taken", as first seen. */
struct lock_dep {
    uint16_t from, to;                  /* lock_classes indices */
    int16_t next_after;                 /* next edge out of from, or NO_DEP */
    bool refused;                       /* it closed a cycle: reported, never followed */
    uint32_t from_site, to_site;        /* where each lock was taken */
    char task[TASK_NAME_LEN];           /* who took them */
};

extern struct lock_class lock_classes[MAX_LOCK_CLASSES];
extern uint32_t nr_lock_classes;
extern struct lock_dep lock_deps[MAX_LOCK_DEPS];
extern uint32_t nr_lock_deps;
extern bool lockdep_disabled;         /* a table filled: nothing is checked */

/* The lock stack of whatever runs now: the current task's, or, inside an
 * interrupt handler, the handler's own (an interrupt is not the task it
 * interrupted, and its locks order nothing against the task's). */
struct held_view {
    struct held_lock *held;
    int *nr;
    bool in_irq;
};

/* Reports (lockdep_report.c).  Each prints one story at LOG_ERR and counts
 * in lockdep_reports; they take no lock and never allocate. */
void lockdep_report_cycle(const struct held_view *v, struct lockdep_map *want, uint32_t site,
                          const struct held_lock *holding, const int16_t *chain, int chain_len);
void lockdep_report_recursion(const struct held_view *v, struct lockdep_map *want,
                              uint32_t site, const struct held_lock *prev);
void lockdep_report_irq(const struct held_view *v, struct lock_class *c, uint32_t site);
void lockdep_report_sleep(const struct held_view *v, uint32_t site,
                          const struct held_lock *spin);
void lockdep_report_exit(const struct task *t);
void lockdep_report_unheld(const struct held_view *v, struct lockdep_map *map, uint32_t site);
