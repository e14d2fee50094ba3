/*
 * lockdep.h - the lock validator: finds deadlocks that could happen, on the
 * first run where the lock orders that make them are seen, whether or not
 * the timing actually deadlocked.
 *
 * Lock classes.  Every lock has a struct lockdep_map naming its class: the
 * static struct lock_class_key at the place it was initialised (the
 * *_init macros supply one per call site), so all locks initialised at one
 * place share a class and its readable name.
 *
 * What it tracks.  Each task's stack of held locks (task->held[], with the
 * call site of each acquisition), and a graph of "class A was held while
 * class B was taken" edges, each remembering where it was first seen.
 *
 * What it reports (each report counts in lockdep_reports; a test fails when
 * that count moves unless it said it expects it):
 *   - a new edge that closes a cycle, of any length (possible deadlock);
 *   - taking a class the task already holds (recursive locking);
 *   - a spinlock class taken in an interrupt handler and elsewhere with
 *     interrupts enabled (the handler could interrupt its holder);
 *   - sleeping while holding a spinlock;
 *   - a task exiting with locks held.
 * A report names the task, the lock it wants, the locks it holds with call
 * sites, the chain that already exists, and a two-column "possible unsafe
 * scenario".  After a report the offending edge is not added, so one bug
 * gives one report and the graph stays acyclic.
 *
 * Pseudo-locks.  lockdep_map objects with no lock behind them model what a
 * lock cannot: "this code may enter reclaim".  mm/ defines reclaim_map and
 * reclaim_io_map (see mm.h).
 *
 * Rules: all entry points may be called with interrupts on or off; they
 * disable interrupts internally and never sleep or allocate memory (the
 * graph lives in static tables; when a table fills, the validator prints
 * one warning and stops checking).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* On in every test build; the release build (make bench) sets it to 0 and
 * the lock and allocator hooks skip the validator. */
#ifndef LOCKDEP
#define LOCKDEP 1
#endif

struct lock_class_key {
    char unused;                /* only its address matters */
};

enum lock_kind { LOCK_SPIN, LOCK_MUTEX, LOCK_PSEUDO };

struct lock_class;

struct lockdep_map {
    const char *name;
    struct lock_class_key *key;
    enum lock_kind kind;
    struct lock_class *class;   /* looked up on first use */
};

#define LOCKDEP_MAP_INIT(name_, key_, kind_) { (name_), (key_), (kind_), 0 }

/* One entry of a task's held-lock stack (see struct task). */
struct held_lock {
    struct lockdep_map *map;
    uint32_t site;              /* return address of the lock call */
};

#define MAX_HELD_LOCKS 16

void lockdep_init_map(struct lockdep_map *map, const char *name, struct lock_class_key *key,
                      enum lock_kind kind);
/* Before taking the lock (before blocking on it, so that a deadlock about
 * to happen is reported first). */
void lockdep_acquire(struct lockdep_map *map, uint32_t site);
/* A trylock that succeeded: held from now on, but no order is checked,
 * since a lock that is only tried never waits. */
void lockdep_acquire_trylock(struct lockdep_map *map, uint32_t site);
void lockdep_release(struct lockdep_map *map, uint32_t site);
/* A voluntary sleep by the current task (schedule() calls it). */
void lockdep_check_sleep(uint32_t site);
/* The current task is exiting. */
void lockdep_check_exit(void);

extern uint32_t lockdep_reports;

struct task;
/* Print t's held locks, one a line, at the given log level.  Takes no lock
 * and reads t->held[] as it is: for reports about wedged tasks. */
void lockdep_print_held(const struct task *t, int level);
/* Monitor 'locks': every class and its dependencies. */
void lockdep_print_classes(void);
