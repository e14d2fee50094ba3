/*
 * lockdep.c - the lock validator's bookkeeping and checks (see
 * include/lockdep.h): lock classes, the dependency graph, the held-lock
 * stacks, and what is checked at each acquire, release, sleep and exit.
 * lockdep_report.c prints what is found.
 *
 * Classes.  A lock's class is its lockdep_map's key (one per init site);
 * map->class caches the lookup, so the linear search runs once per lock.
 *
 * Finding a cycle.  Taking N while holding H records the edge H -> N.  The
 * graph is kept acyclic, so a new edge H -> N closes a cycle exactly when
 * N already reaches H.  One breadth-first search from N answers that for
 * every held lock at once, and its "reached through" links give the
 * shortest existing chain N -> ... -> H for the report.  Edges come from
 * every held lock, not only the innermost: an outer lock's order must be
 * checked even when the lock taken in between has since been released.
 *
 * One bug, one report.  An edge that would close a cycle is stored marked
 * "refused": the search never follows it (the graph stays acyclic), and
 * taking the same two locks in the same bad order again finds the edge
 * already known and says nothing.  IRQ, sleep and recursion reports are
 * likewise made once per class.
 *
 * Interrupt handlers.  A handler is not the task it interrupted: locks it
 * takes go on a stack of their own (irq_held), so they order nothing
 * against the task's locks.  For spinlock classes we record whether a
 * handler ever took them and whether a task ever held them with
 * interrupts on; both together mean the handler can interrupt the holder
 * and wait for it forever.  Holding with interrupts on is seen at any
 * acquire or release made with interrupts on: spin_lock_irqsave disables
 * them before lockdep_acquire, so what we read there is the state the lock
 * is held in.
 *
 * Rules: every entry point runs with interrupts off (a single CPU then
 * owns the tables and the static search arrays), allocates nothing, takes
 * no lock and never sleeps.  A full table or held-lock stack turns the
 * validator off after one warning: a partial graph would report nonsense.
 */
#include "lockdep.h"
#include "lockdep_internal.h"
#include "kstring.h"
#include "printk.h"
#include "sched.h"
#include "x86.h"

struct lock_class lock_classes[MAX_LOCK_CLASSES];
uint32_t nr_lock_classes;
struct lock_dep lock_deps[MAX_LOCK_DEPS];
uint32_t nr_lock_deps;
uint32_t lockdep_reports;
bool lockdep_disabled;

static struct held_lock irq_held[MAX_HELD_LOCKS];  /* locks taken by interrupt handlers */
static int irq_nr_held;

/* The breadth-first search's state: static, because it is too big for a
 * kernel stack and interrupts are off while it is used. */
static uint16_t bfs_queue[MAX_LOCK_CLASSES];
static int16_t bfs_via[MAX_LOCK_CLASSES];      /* the edge a class was reached by */
static uint32_t bfs_seen[MAX_LOCK_CLASSES];    /* == bfs_gen: reached in this search */
static uint32_t bfs_gen;
static int16_t chain[MAX_LOCK_CLASSES];

static void give_up(const char *why)
{
    if (!lockdep_disabled)
        printk(LOG_WARNING, "lockdep: %s: lock validator off from here on\n", why);
    lockdep_disabled = true;
}

static struct held_view held_now(void)
{
    if (irq_depth > 0)
        return (struct held_view){ irq_held, &irq_nr_held, true };
    return (struct held_view){ current->held, &current->nr_held, false };
}

static uint16_t class_index(const struct lock_class *c)
{
    return (uint16_t)(c - lock_classes);
}

void lockdep_init_map(struct lockdep_map *map, const char *name, struct lock_class_key *key,
                      enum lock_kind kind)
{
    map->name = name;
    map->key = key;
    map->kind = kind;
    map->class = NULL;
}

/* The class of map, registered on first use; NULL once the validator is off. */
static struct lock_class *class_of(struct lockdep_map *map)
{
    if (map->class)
        return map->class;
    /* A statically initialised map without a key is a class of its own. */
    const struct lock_class_key *key = map->key ? map->key : (const void *)map;
    for (uint32_t i = 0; i < nr_lock_classes; i++)
        if (lock_classes[i].key == key)
            return map->class = &lock_classes[i];
    if (nr_lock_classes == MAX_LOCK_CLASSES) {
        give_up("lock class table full");
        return NULL;
    }
    struct lock_class *c = &lock_classes[nr_lock_classes];
    *c = (struct lock_class){ .key = key, .name = map->name ? map->name : "(unnamed)",
                              .kind = map->kind, .first_after = NO_DEP };
    nr_lock_classes++;              /* published only once filled in */
    return map->class = c;
}

/* A held lock's class.  Normally cached since its acquire; looked up again
 * if its map was re-initialised while held (a bug elsewhere, but no reason
 * to read a NULL class here).  NULL only once the validator is off. */
static struct lock_class *held_class(const struct held_lock *h)
{
    return class_of(h->map);
}

static int16_t find_dep(uint16_t from, uint16_t to)
{
    for (int16_t d = lock_classes[from].first_after; d != NO_DEP; d = lock_deps[d].next_after)
        if (lock_deps[d].to == to)
            return d;
    return NO_DEP;
}

/* Append from -> to at the end of from's list, so the monitor lists a
 * class's dependencies in the order they were discovered. */
static void add_dep(const struct held_view *v, uint16_t from, uint32_t from_site, uint16_t to,
                    uint32_t to_site, bool refused)
{
    if (nr_lock_deps == MAX_LOCK_DEPS) {
        give_up("dependency table full");
        return;
    }
    int16_t n = (int16_t)nr_lock_deps;
    struct lock_dep *d = &lock_deps[n];
    *d = (struct lock_dep){ .from = from, .to = to, .next_after = NO_DEP, .refused = refused,
                            .from_site = from_site, .to_site = to_site };
    strlcpy(d->task, v->in_irq ? "(irq)" : current->name, sizeof(d->task));
    nr_lock_deps++;
    int16_t *link = &lock_classes[from].first_after;
    while (*link != NO_DEP)
        link = &lock_deps[*link].next_after;
    *link = n;                      /* linked in only once filled in */
}

/* Mark every class reachable from start (bfs_seen) and how (bfs_via). */
static void search_from(uint16_t start)
{
    int head = 0, tail = 0;
    bfs_gen++;
    bfs_seen[start] = bfs_gen;
    bfs_via[start] = NO_DEP;
    bfs_queue[tail++] = start;
    while (head < tail) {
        uint16_t c = bfs_queue[head++];
        for (int16_t d = lock_classes[c].first_after; d != NO_DEP; d = lock_deps[d].next_after) {
            uint16_t to = lock_deps[d].to;
            if (lock_deps[d].refused || bfs_seen[to] == bfs_gen)
                continue;
            bfs_seen[to] = bfs_gen;
            bfs_via[to] = d;
            bfs_queue[tail++] = to;     /* each class once: tail < MAX_LOCK_CLASSES */
        }
    }
}

/* After search_from(s) reached target: the edges s -> ... -> target, in order. */
static int chain_to(uint16_t target)
{
    int n = 0;
    for (uint16_t c = target; bfs_via[c] != NO_DEP; c = lock_deps[bfs_via[c]].from)
        chain[n++] = bfs_via[c];
    for (int i = 0; i < n / 2; i++) {
        int16_t t = chain[i];
        chain[i] = chain[n - 1 - i];
        chain[n - 1 - i] = t;
    }
    return n;
}

/* Taking c while a lock of class c is held: true (and one report per class). */
static bool check_recursion(const struct held_view *v, struct lockdep_map *map,
                            struct lock_class *c, uint32_t site)
{
    for (int i = 0; i < *v->nr; i++) {
        if (held_class(&v->held[i]) != c)
            continue;
        if (!c->recursion_reported) {
            c->recursion_reported = true;
            lockdep_report_recursion(v, map, site, &v->held[i]);
        }
        return true;
    }
    return false;
}

/* Add held -> c for every held lock, unless one of them closes a cycle. */
static void check_order(const struct held_view *v, struct lockdep_map *map,
                        struct lock_class *c, uint32_t site)
{
    uint16_t to = class_index(c);
    bool searched = false;
    /* Outermost first: the report then names the lock that has been held
     * longest, usually the one the story is about (reclaim, say, rather
     * than reclaim_io taken just inside it). */
    for (int i = 0; i < *v->nr; i++) {
        const struct held_lock *h = &v->held[i];
        struct lock_class *hc = held_class(h);
        if (!hc)
            return;
        uint16_t from = class_index(hc);
        if (find_dep(from, to) != NO_DEP)
            continue;
        if (!searched) {
            /* Adding edges into c cannot change what c reaches, so one
             * search serves every held lock. */
            search_from(to);
            searched = true;
        }
        if (bfs_seen[from] == bfs_gen) {
            lockdep_report_cycle(v, map, site, h, chain, chain_to(from));
            add_dep(v, from, h->site, to, site, true);
            return;
        }
        add_dep(v, from, h->site, to, site, false);
    }
}

/* Record how a spinlock class is used; report when a handler takes it and
 * a task holds it with interrupts on. */
static void note_irq_usage(const struct held_view *v, struct lock_class *c, bool irqs_on,
                           uint32_t site)
{
    if (!c || c->kind != LOCK_SPIN)
        return;
    if (v->in_irq) {
        if (!c->irq_site)
            c->irq_site = site;
    } else if (irqs_on) {
        if (!c->irqs_on_site) {
            c->irqs_on_site = site;
            strlcpy(c->irqs_on_task, current->name, sizeof(c->irqs_on_task));
        }
    } else {
        return;
    }
    if (c->irq_site && c->irqs_on_site && !c->irq_reported) {
        c->irq_reported = true;
        lockdep_report_irq(v, c, site);
    }
}

/* Interrupts are on in task context: every spinlock held (but except) is
 * held with them on. */
static void note_held_irqs_on(const struct held_view *v, const struct lockdep_map *except,
                              uint32_t site)
{
    for (int i = 0; i < *v->nr; i++)
        if (v->held[i].map != except)
            note_irq_usage(v, held_class(&v->held[i]), true, site);
}

/* trylock: a lock that is only tried never waits, so it cannot close a
 * cycle; it adds no edge to itself (but later locks order after it). */
static void acquire(struct lockdep_map *map, uint32_t site, bool trylock)
{
    if (!LOCKDEP)
        return;                         /* the release build: no validator */
    uint32_t flags = irq_save();
    bool irqs_on = flags & EFLAGS_IF;
    struct held_view v = held_now();
    struct lock_class *c = lockdep_disabled ? NULL : class_of(map);
    if (!c)
        goto out;
    if (*v.nr >= MAX_HELD_LOCKS) {
        give_up("held-lock stack full (MAX_HELD_LOCKS)");
        goto out;
    }
    if (irqs_on && !v.in_irq)
        note_held_irqs_on(&v, NULL, site);
    note_irq_usage(&v, c, irqs_on, site);
    /* A recursion adds no edge: c -> c is no order.  The lock still goes
     * on the stack, so that its release matches. */
    if (!trylock && !check_recursion(&v, map, c, site))
        check_order(&v, map, c, site);
    if (!lockdep_disabled)
        v.held[(*v.nr)++] = (struct held_lock){ map, site };
out:
    irq_restore(flags);
}

void lockdep_acquire(struct lockdep_map *map, uint32_t site)
{
    acquire(map, site, false);
}

void lockdep_acquire_trylock(struct lockdep_map *map, uint32_t site)
{
    acquire(map, site, true);
}

void lockdep_release(struct lockdep_map *map, uint32_t site)
{
    if (!LOCKDEP)
        return;                         /* the release build: no validator */
    uint32_t flags = irq_save();
    if (lockdep_disabled)
        goto out;
    struct held_view v = held_now();
    /* Locks may be released out of order: search from the innermost. */
    int i = *v.nr - 1;
    while (i >= 0 && v.held[i].map != map)
        i--;
    if (i < 0) {
        lockdep_report_unheld(&v, map, site);
        goto out;
    }
    if ((flags & EFLAGS_IF) && !v.in_irq)
        note_held_irqs_on(&v, map, site);
    memmove(&v.held[i], &v.held[i + 1], (*v.nr - i - 1) * sizeof(v.held[0]));
    (*v.nr)--;
out:
    irq_restore(flags);
}

void lockdep_check_sleep(uint32_t site)
{
    if (!LOCKDEP)
        return;                         /* the release build: no validator */
    uint32_t flags = irq_save();
    struct held_view v = held_now();
    for (int i = 0; !lockdep_disabled && i < *v.nr; i++) {
        /* Mutexes and pseudo-locks may be held across a sleep: that is
         * what they are for.  The first spinlock tells the story. */
        struct lock_class *c = held_class(&v.held[i]);
        if (!c || c->kind != LOCK_SPIN)
            continue;
        if (!c->sleep_reported) {
            c->sleep_reported = true;
            lockdep_report_sleep(&v, site, &v.held[i]);
        }
        break;
    }
    irq_restore(flags);
}

void lockdep_check_exit(void)
{
    if (!LOCKDEP)
        return;                         /* the release build: no validator */
    uint32_t flags = irq_save();
    if (!lockdep_disabled && current->nr_held > 0) {
        lockdep_report_exit(current);
        /* The task and its stack are going away; the locks stay taken. */
        current->nr_held = 0;
    }
    irq_restore(flags);
}
