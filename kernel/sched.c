/*
 * sched.c - tasks and the scheduler (see include/sched.h).
 *
 * One run queue per priority, each a FIFO: schedule() takes the first task
 * of the most urgent non-empty queue, and a task that used up its slice or
 * yields goes to the back of its own with a new slice.  A task preempted
 * by a more urgent one goes back to the front of its queue and keeps what
 * is left of its slice (as Linux's SCHED_RR): otherwise a task that keeps
 * waking -- an IO task answering every few ticks -- would cost whichever
 * task it happened to interrupt its turn, and busy tasks of one priority
 * would no longer share the CPU evenly.  All run-queue and task-state
 * changes happen with interrupts off, which on one CPU is the whole of the
 * locking.
 */
#include "sched.h"
#include "gfp.h"
#include "backtrace.h"
#include "gdt.h"
#include "interrupts.h"
#include "kstring.h"
#include "lockdep.h"
#include "panic.h"
#include "printk.h"
#include "reclaim.h"
#include "slab.h"
#include "timer.h"
#include "vm.h"
#include "x86.h"

/* switch.asm: the frame it pops for a task that has never run. */
struct switch_frame {
    uint32_t eflags, edi, esi, ebx, ebp, ret;
};

void switch_to(uint32_t *prev_esp, uint32_t next_esp);

static struct task boot_task = {
    .magic = TASK_MAGIC, .name = "kmain", .state = TASK_RUNNING, .prio = PRIO_NORMAL,
    .slice = TIME_SLICE_TICKS,
};
struct task *current = &boot_task;
int irq_depth;

static struct list_head run_queue[NR_PRIOS];
static struct list_head all_tasks = LIST_HEAD_INIT(all_tasks);
static struct task *idle_task;
static bool need_resched;
static struct sched_stats stats;        /* changed with interrupts off */
static uint64_t idle_since;             /* TSC when idle last got the CPU */
static uint32_t next_id = INIT_PID + 1;   /* INIT_PID is task_create_init()'s alone */
static bool init_id_given;              /* task_create_init() ran */

const char *task_state_name(enum task_state s)
{
    static const char *const names[] = {
        [TASK_RUNNING] = "running", [TASK_RUNNABLE] = "runnable",
        [TASK_SLEEPING] = "sleeping", [TASK_UNINTERRUPTIBLE] = "blocked",
        [TASK_DEAD] = "dead",
    };
    return names[s];
}

static void check_task(const struct task *t, const char *when)
{
    if (t->magic != TASK_MAGIC)
        panic("scheduler: task %p has a bad magic number %08x at %s: its stack overflowed "
              "or the structure was freed", (const void *)t, t->magic, when);
}

/* ---- the core: with interrupts off ----------------------------------------- */

/* At the back of its queue, with a whole slice for its next turn. */
static void enqueue(struct task *t)
{
    t->state = TASK_RUNNABLE;
    t->slice = TIME_SLICE_TICKS;
    list_add_tail(&t->run_link, &run_queue[t->prio]);
}

/* Back at the front, to finish the turn a more urgent task interrupted. */
static void enqueue_interrupted(struct task *t)
{
    t->state = TASK_RUNNABLE;
    list_add(&t->run_link, &run_queue[t->prio]);
}

static struct task *pick_next(void)
{
    for (int p = 0; p < NR_PRIOS; p++) {
        if (!list_empty(&run_queue[p])) {
            struct task *t = list_first_entry(&run_queue[p], struct task, run_link);
            list_del(&t->run_link);
            return t;
        }
    }
    return NULL;
}

/*
 * Switch to the most urgent runnable task.  preempted: the current task did
 * not ask to stop running (a timer slice ended, a more urgent task woke), so
 * it stays runnable whatever its state says.
 */
static void __schedule(bool preempted)
{
    struct task *prev = current;
    check_task(prev, "switch out");
    /* Run queues hold runnable tasks that are not running: the running
     * task goes back on one only as it is switched out -- if it is still
     * running (a yield), or was preempted on its way to blocking. */
    bool blocked = prev->state == TASK_SLEEPING || prev->state == TASK_UNINTERRUPTIBLE;
    if (preempted && prev->state == TASK_RUNNING && prev->slice && prev != idle_task)
        enqueue_interrupted(prev);
    else if (prev->state == TASK_RUNNING || (preempted && blocked))
        enqueue(prev);
    struct task *next = pick_next();
    if (!next)
        panic("scheduler: nothing to run, not even the idle task");
    check_task(next, "switch in");
    next->state = TASK_RUNNING;
    next->last_ran = timer_ticks();
    need_resched = false;
    if (next == prev)
        return;
    uint64_t now = rdtsc();
    stats.switches++;
    if (prev == idle_task)
        stats.idle_tsc += now - idle_since;
    if (next == idle_task)
        idle_since = now;
    current = next;
    /* A kernel thread (no space) runs on whichever space is loaded: the
     * kernel half is the same in all of them.  So a process that gets the
     * CPU back after knetd or an NBD task ran finds its own space still
     * loaded and its TLB warm (Linux's lazy TLB).  A space that goes away
     * is unloaded first (vm_space_destroy, put_space in mm/vm.c). */
    if (next->vm)
        vm_switch(next->vm);
    /* A task in user mode enters the kernel on its own kernel stack, empty
     * each time (it left the kernel with nothing on it).  kmain never runs
     * user code and keeps the boot stack's value. */
    if (next->stack)
        gdt_set_kernel_stack((uint32_t)next->stack + KSTACK_SIZE);
    switch_to(&prev->esp, next->esp);
}

static void preempt_now(void)
{
    uint32_t flags = irq_save();
    __schedule(true);
    irq_restore(flags);
}

void schedule(void)
{
    uint32_t site = (uint32_t)__builtin_return_address(0);
    if (irq_depth)
        panic("schedule() called from an interrupt handler");
    lockdep_check_sleep(site);
    uint32_t flags = irq_save();
    __schedule(false);
    irq_restore(flags);
}

void yield(void)
{
    schedule();
}

bool wake_up_task(struct task *t)
{
    uint32_t flags = irq_save();
    bool woke = t->state == TASK_SLEEPING || t->state == TASK_UNINTERRUPTIBLE;
    if (woke) {
        t->wait_kind = WAIT_NONE;
        t->wait_obj = NULL;
        t->wchan = NULL;
        t->hang_reported = false;
        t->blocked_since = timer_ticks();   /* now: since when it has not waited */
        if (t == current) {
            /* Woken before it got to schedule(): it simply goes on running.
             * The running task is never on a run queue. */
            t->state = TASK_RUNNING;
        } else {
            enqueue(t);
            if (t->prio < current->prio)
                need_resched = true;    /* more urgent than what runs now */
        }
    }
    irq_restore(flags);
    preempt_check_resched();
    return woke;
}

void set_wait_again(enum task_state state, enum wait_kind kind, const void *obj,
                    const char *wchan)
{
    uint32_t flags = irq_save();
    current->state = state;
    current->wait_kind = kind;
    current->wait_obj = obj;
    current->wchan = wchan;
    current->blocked_since = timer_ticks();
    irq_restore(flags);
}

void set_wait(enum task_state state, enum wait_kind kind, const void *obj, const char *wchan)
{
    set_wait_again(state, kind, obj, wchan);
    /* Here, not at each kind of wait: a check made where every wait is
     * recorded cannot miss a new one.  After recording, so that the
     * report reads the wait as ps and the hang detector do. */
    if (current->flags & PF_RECLAIM)
        reclaim_check_wait();
}

const char *wait_kind_prefix(enum wait_kind kind)
{
    switch (kind) {
    case WAIT_NONE:
    case WAIT_SLEEP:        return "";      /* the name says it all: "sleep" */
    case WAIT_QUEUE:        return "wait queue ";
    case WAIT_MUTEX:        return "mutex ";
    case WAIT_SEMAPHORE:    return "semaphore ";
    case WAIT_JOIN:         return "the exit of ";
    }
    return "an unknown kind of wait ";         /* a corrupt task */
}

/* ---- preemption ------------------------------------------------------------ */

void preempt_disable(void)
{
    current->preempt_count++;
}

void preempt_check_resched(void)
{
    if (need_resched && current->preempt_count == 0 && irqs_enabled() && !irq_depth)
        preempt_now();
}

void preempt_enable(void)
{
    current->preempt_count--;
    preempt_check_resched();
}

void sched_tick(void)
{
    current->runtime_ticks++;
    if (current->slice)
        current->slice--;
    if (current->slice == 0 || current == idle_task)
        need_resched = true;
}

void irq_enter(void)
{
    irq_depth++;
}

/* On the way out of an interrupt: the place where a task that did not
 * offer to stop running is made to. */
void irq_exit(void)
{
    if (--irq_depth == 0 && need_resched && current->preempt_count == 0)
        __schedule(true);
}

/* ---- time ------------------------------------------------------------------ */

struct timeout {
    struct ktimer timer;
    struct task *task;
};

static void timeout_expired(struct ktimer *t)
{
    wake_up_task(((struct timeout *)t)->task);
}

uint32_t schedule_timeout(uint32_t ms)
{
    struct timeout to = { .task = current };
    uint64_t end = timer_ticks() + ms_to_ticks(ms);
    ktimer_add(&to.timer, ms, timeout_expired);
    schedule();
    ktimer_cancel(&to.timer);
    uint64_t now = timer_ticks();
    return now >= end ? 0 : (uint32_t)((end - now) * (1000 / HZ));
}

void sleep_ms(uint32_t ms)
{
    uint64_t end = timer_ticks() + ms_to_ticks(ms);
    bool first = true;              /* woken early, it sleeps on: the same wait, checked once */
    for (uint64_t now; (now = timer_ticks()) < end && !task_should_stop(); first = false) {
        if (first)
            set_wait(TASK_SLEEPING, WAIT_SLEEP, &end, "sleep");
        else
            set_wait_again(TASK_SLEEPING, WAIT_SLEEP, &end, "sleep");
        schedule_timeout((uint32_t)((end - now) * (1000 / HZ)));
    }
}

/* ---- task life cycle ----------------------------------------------------------- */

static void task_start(void)
{
    /* Arrived here from switch_to with interrupts off, as schedule() left them. */
    sti();
    current->entry(current->entry_arg);
    task_exit(0);
}

/* A task with id (0: the next free one), or NULL when out of memory or
 * out of ids (said). */
static struct task *create_with_id(const char *name, void (*fn)(void *arg), void *arg,
                                   enum task_prio prio, uint32_t id)
{
    struct task *t = kmalloc(sizeof(*t), GFP_KERNEL | __GFP_ZERO);
    if (!t)
        return NULL;
    strlcpy(t->name, name, sizeof(t->name));
    t->stack = kstack_alloc(t->name);
    if (!t->stack) {
        kfree(t);
        return NULL;
    }
    t->magic = TASK_MAGIC;
    t->prio = prio;
    t->blocked_since = timer_ticks();   /* "last went to sleep": not yet, so now */
    t->entry = fn;
    t->entry_arg = arg;

    /* The first switch_to into the task pops this frame and returns into
     * task_start with EBP 0 (the end of every backtrace). */
    struct switch_frame *f = (struct switch_frame *)((uint8_t *)t->stack + KSTACK_SIZE) - 1;
    *f = (struct switch_frame){ .eflags = 0x2, .ret = (uint32_t)task_start };
    t->esp = (uint32_t)f;

    uint32_t flags = irq_save();
    if (!id && next_id == 0) {          /* 2^32 tasks made: ids are never reused */
        irq_restore(flags);
        pr_err("sched: %s not created: every task id up to 2^32 - 1 was given\n", name);
        kstack_free(t->stack);
        kfree(t);
        return NULL;
    }
    t->id = id ? id : next_id++;
    list_add_tail(&t->all_link, &all_tasks);
    enqueue(t);
    if (t->prio < current->prio)
        need_resched = true;
    irq_restore(flags);
    preempt_check_resched();
    return t;
}

struct task *task_create(const char *name, void (*fn)(void *arg), void *arg,
                         enum task_prio prio)
{
    return create_with_id(name, fn, arg, prio, 0);
}

struct task *task_create_init(const char *name, void (*fn)(void *arg), void *arg)
{
    if (init_id_given)
        panic("sched: task_create_init() called twice: pid %u is given once", INIT_PID);
    struct task *t = create_with_id(name, fn, arg, PRIO_NORMAL, INIT_PID);
    init_id_given = t != NULL;
    return t;
}

static uint32_t nr_dead_detached;       /* detached tasks that exited; interrupts off */

void task_exit(int code)
{
    lockdep_check_exit();
    cli();
    current->exit_code = code;
    current->state = TASK_DEAD;
    if (current->detached)
        nr_dead_detached++;             /* the idle task frees it */
    if (current->joiner)
        wake_up_task(current->joiner);
    __schedule(false);
    panic("task_exit: a dead task was scheduled");
}

/* Free t, off the list of tasks already. */
static void task_free(struct task *t)
{
    kstack_free(t->stack);
    t->magic = 0;                       /* a stale pointer now fails check_task */
    kfree(t);
}

int task_join(struct task *t)
{
    for (bool first = true;; first = false) {
        uint32_t flags = irq_save();
        if (t->state == TASK_DEAD) {
            irq_restore(flags);
            break;
        }
        t->joiner = current;
        if (first)
            set_wait(TASK_UNINTERRUPTIBLE, WAIT_JOIN, t, t->name);
        else                            /* woken early: the same wait, checked once */
            set_wait_again(TASK_UNINTERRUPTIBLE, WAIT_JOIN, t, t->name);
        irq_restore(flags);
        schedule();
    }
    int code = t->exit_code;
    uint32_t flags = irq_save();
    list_del(&t->all_link);
    irq_restore(flags);
    task_free(t);
    return code;
}

void task_detach(struct task *t)
{
    uint32_t flags = irq_save();
    t->detached = true;
    if (t->state == TASK_DEAD)
        nr_dead_detached++;             /* it exited already */
    irq_restore(flags);
}

/* The idle task: free the detached tasks that have exited.  Nothing here
 * sleeps (the idle task must never block). */
static void reap_detached(void)
{
    while (nr_dead_detached) {
        struct task *dead = NULL;
        uint32_t flags = irq_save();
        list_for_each(link, &all_tasks) {
            struct task *t = list_entry(link, struct task, all_link);
            if (t->detached && t->state == TASK_DEAD) {
                dead = t;
                break;
            }
        }
        if (dead) {
            list_del(&dead->all_link);
            nr_dead_detached--;
        } else {
            nr_dead_detached = 0;       /* cannot happen; never loop on it */
        }
        irq_restore(flags);
        if (dead)
            task_free(dead);
    }
}

void task_set_vm(struct vm_space *space)
{
    uint32_t flags = irq_save();
    current->vm = space;
    vm_switch(space ? space : &kernel_space);
    irq_restore(flags);
}

void task_stop(struct task *t)
{
    t->stop_requested = true;
    if (t->state == TASK_SLEEPING)
        wake_up_task(t);
}

bool task_should_stop(void)
{
    return current->stop_requested;
}

void task_for_each(void (*fn)(struct task *t, void *arg), void *arg)
{
    uint32_t flags = irq_save();
    list_for_each(link, &all_tasks)
        fn(list_entry(link, struct task, all_link), arg);
    irq_restore(flags);
}

void task_backtrace(const struct task *t, int level)
{
    const struct switch_frame *f = (const struct switch_frame *)t->esp;
    if (t == current || !kernel_addr_mapped(t->esp, sizeof(*f))) {
        printk(level, "  (no saved stack to show)\n");
        return;
    }
    backtrace_print(level, f->ret, f->ebp);
}

/* ---- start-up ----------------------------------------------------------------- */

void sched_get_stats(struct sched_stats *out)
{
    uint32_t flags = irq_save();
    *out = stats;
    if (current == idle_task)
        out->idle_tsc += rdtsc() - idle_since;
    irq_restore(flags);
}

static void idle(void *arg)
{
    (void)arg;
    for (;;) {
        reap_detached();
        sti_hlt();          /* the next interrupt's irq_exit switches away */
    }
}

void sched_init(void)
{
    for (int p = 0; p < NR_PRIOS; p++)
        list_init(&run_queue[p]);
    list_add_tail(&boot_task.all_link, &all_tasks);
    idle_task = task_create("idle", idle, NULL, PRIO_IDLE);
    if (!idle_task)
        panic("sched_init: cannot create the idle task");
    pr_info("sched: tasks kmain and idle; time slice %u ms\n", TIME_SLICE_TICKS * 1000 / HZ);
}
