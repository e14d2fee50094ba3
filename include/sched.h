/*
 * sched.h - kernel tasks and the scheduler.
 *
 * A task is a kernel thread: its own stack (KSTACK_SIZE, with an unmapped
 * guard page below), a name, a state, PF_ flags, a priority and optionally
 * an address space.  The boot context becomes the task "kmain"; an idle
 * task runs when nothing else can.
 *
 * Scheduling is preemptive and round robin within a priority; a runnable
 * task of a higher priority (smaller number) always runs first, so the IO
 * tasks (PRIO_IO) run before bulk work when both are runnable.  The timer
 * ends a task's time slice (TIME_SLICE_TICKS); a task preempted by a more
 * urgent one before its slice ran out resumes first, with what was left of
 * it (kernel/sched.c says why).  Preemption waits while preempt_count > 0 (a
 * spinlock held) or irq_depth > 0 (inside an interrupt handler) and happens
 * on the way out of the interrupt.
 *
 * Blocking.  Whatever blocks sets the task's state to TASK_SLEEPING or
 * TASK_UNINTERRUPTIBLE and records what it waits on (set_wait) before
 * calling schedule(); wake_up_task() makes it runnable.  The monitor's ps,
 * gdb's kps and the hang detector read those fields (they mean something
 * only while the state says blocked).  A task may be preempted between
 * set_wait() and schedule(); it then stays runnable and its schedule()
 * returns at once, so every blocking loop rechecks its condition.
 *
 * set_wait() is the one place every wait goes through, so it is also
 * where a task in reclaim (PF_RECLAIM) is checked: it may sleep only on
 * "a page was freed" and on a short timer (mm/reclaim_check.c, reclaim.h).
 *
 * Ids.  A task's id is its pid, as in Linux, where kernel threads and
 * processes share one pid space: what getpid() returns, what ps (the
 * monitor's, /bin/ps) and gdb's kps show.  kmain is 0; id 1 (INIT_PID)
 * is kept for the first user process and given only by
 * task_create_init() (process_run_init(), the command line's init=),
 * even when the kernel's tasks and the boot's tests came first; every
 * other task takes the next id from 2 on.  Ids are not reused: after
 * 2^32 - 2 tasks, task_create() says so and fails.
 *
 * Rules: schedule() must not be called with a spinlock held (the lock
 * validator reports it) nor from an interrupt handler.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "list.h"
#include "lockdep.h"

#define TASK_NAME_LEN   16
#define TASK_MAGIC      0x7A5C0DE5u     /* checked at every switch */
#define TIME_SLICE_TICKS 5              /* 50 ms at HZ = 100 */

enum task_state {
    TASK_RUNNING,           /* on the CPU */
    TASK_RUNNABLE,          /* on a run queue */
    TASK_SLEEPING,          /* waiting; a stop request also wakes it */
    TASK_UNINTERRUPTIBLE,   /* waiting for its event only */
    TASK_DEAD,              /* exited; waiting to be joined */
};

enum task_prio { PRIO_IO, PRIO_NORMAL, PRIO_BULK, PRIO_IDLE, NR_PRIOS };

/* What a blocked task waits on: wait_obj's type. */
enum wait_kind {
    WAIT_NONE,
    WAIT_SLEEP,             /* sleep_ms: the tick it ends at (uint64_t) */
    WAIT_QUEUE,             /* struct wait_queue (completions too) */
    WAIT_MUTEX,             /* struct mutex: its owner can be followed */
    WAIT_SEMAPHORE,         /* struct semaphore */
    WAIT_JOIN,              /* struct task: the task being joined */
};

struct vm_space;
struct process;

struct block_device;

struct task {
    uint32_t magic;                 /* TASK_MAGIC, or the task is corrupt */
    uint32_t esp;                   /* saved stack pointer while switched out */
    char name[TASK_NAME_LEN];
    uint32_t id;                    /* its pid: see "Ids" above */
    enum task_state state;          /* changed with interrupts off */
    uint32_t flags;                 /* PF_MEMALLOC, PF_MEMALLOC_NOIO, ... (gfp.h) */
    enum task_prio prio;
    int preempt_count;              /* > 0: must not be preempted */
    uint32_t slice;                 /* ticks left of the time slice */
    struct vm_space *vm;            /* NULL: the kernel's address space */
    struct process *proc;           /* the user process it runs, or NULL */
    void *stack;                    /* lowest address; NULL for kmain's boot stack */
    struct list_head run_link;      /* on a run queue while TASK_RUNNABLE */
    struct list_head all_link;      /* on the list of all tasks */

    enum wait_kind wait_kind;       /* what it waits on, while blocked */
    const void *wait_obj;
    const char *wchan;              /* the same, as a name for people */
    uint64_t blocked_since;         /* timer ticks: blocked, since when; else since
                                     * when it last stopped waiting */
    bool hang_reported;             /* the hang detector said so already */
    /* The swap-in read it waits for, while it does (mm/swapin.c): its own
     * or another fault's.  The device, for the hang detector to follow
     * to the task that serves it, and the slot; NULL when none. */
    struct block_device *swapin_bdev;
    uint32_t swapin_slot;

    void (*entry)(void *arg);       /* what the task runs, and its argument */
    void *entry_arg;
    bool stop_requested;            /* task_stop() asked it to finish */
    int exit_code;
    struct task *joiner;            /* blocked in task_join() on this task */
    bool detached;                  /* task_detach: nobody joins it; freed once dead */
    uint64_t runtime_ticks;         /* ticks it was running when the timer hit */
    uint64_t last_ran;              /* timer ticks when it last got the CPU */
    uint32_t direct_reclaims;       /* its allocations that reclaimed (try_to_free_pages) */
    uint32_t reclaim_noio_kept;     /* dirty pages its reclaim kept: it may not write
                                     * (GFP_NOIO: an IO flusher, say) */

    int nr_held;                    /* lockdep: locks held, innermost last */
    struct held_lock held[MAX_HELD_LOCKS];
};

extern struct task *current;

void sched_init(void);
/* A new runnable task running fn(arg); NULL when out of memory or ids. */
struct task *task_create(const char *name, void (*fn)(void *arg), void *arg,
                         enum task_prio prio);
#define INIT_PID 1
/* The same with id INIT_PID, PRIO_NORMAL: for the first user process
 * only.  Called once (a second call panics: the id is given once). */
struct task *task_create_init(const char *name, void (*fn)(void *arg), void *arg);
__attribute__((noreturn)) void task_exit(int code);
/* Wait for t to exit, free it, return its exit code. */
int task_join(struct task *t);
/* Nobody will join t: once it has exited, the idle task frees it (its
 * stack cannot be freed by the task itself).  t must not be used after. */
void task_detach(struct task *t);
/* Run the current task in space from now on (NULL: the kernel's own). */
void task_set_vm(struct vm_space *space);
/* Ask t to finish: it sees task_should_stop(); a TASK_SLEEPING t wakes. */
void task_stop(struct task *t);
bool task_should_stop(void);

/* Give up the CPU.  If the current task is still TASK_RUNNING it stays
 * runnable (a yield); otherwise it blocks until woken. */
void schedule(void);
void yield(void);
/* Make a blocked task runnable; false if it was not blocked. */
bool wake_up_task(struct task *t);
/* Block (TASK_UNINTERRUPTIBLE, or TASK_SLEEPING) for at most ms; returns
 * the ms left when woken early, 0 when the time ran out.  The caller sets
 * state and wait channel first. */
uint32_t schedule_timeout(uint32_t ms);
void sleep_ms(uint32_t ms);

/* Record what the current task is about to wait on (before schedule()).
 * In reclaim, a wait reclaim must not make is reported here. */
void set_wait(enum task_state state, enum wait_kind kind, const void *obj, const char *wchan);
/* The same, for a wait that goes on after a wake-up that did not end it
 * (a wait queue's loop, woken for another waiter's event): recorded
 * again, but not checked again -- it is the same wait, reported once. */
void set_wait_again(enum task_state state, enum wait_kind kind, const void *obj,
                    const char *wchan);
/* What kind of object a wait channel is, said before its name: "mutex "
 * + "lock_super"; "" for a sleep, whose name says it all. */
const char *wait_kind_prefix(enum wait_kind kind);

void preempt_disable(void);
void preempt_enable(void);
/* A preemption point: if a wake-up made a more urgent task runnable and
 * nothing forbids it, switch now.  Wake-ups call it; so may long loops. */
void preempt_check_resched(void);
/* Called from the timer interrupt; and on the way out of every interrupt. */
void sched_tick(void);
void irq_enter(void);
void irq_exit(void);
extern int irq_depth;               /* > 0 inside an interrupt handler */

/* Since boot: task switches, and TSC cycles the idle task had the CPU
 * (under -icount the TSC counts instructions, so the rest of a span is
 * what the tasks executed: bench=nbd_swap's cpu_busy). */
struct sched_stats {
    uint64_t switches;
    uint64_t idle_tsc;
};
void sched_get_stats(struct sched_stats *out);

const char *task_state_name(enum task_state s);
/* Visit every task with interrupts off: fn must not block. */
void task_for_each(void (*fn)(struct task *t, void *arg), void *arg);
/* Print the stack of t, which is switched out (not current), from the
 * frame switch_to saved; takes no lock (the hang detector's reports). */
void task_backtrace(const struct task *t, int level);
