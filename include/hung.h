/*
 * hung.h - the hang detector: reports tasks stuck in uninterruptible sleep,
 * and who they are waiting for.
 *
 * hung_task_init() starts khungtaskd, which wakes once a second and looks
 * at every task.  A task that has been TASK_UNINTERRUPTIBLE for longer than
 * hung_timeout_secs (command line hung_timeout=, default 20; 0 turns the
 * detector off) is reported once per blocking episode: wake_up_task()
 * clears task->hang_reported, so a task that wakes and blocks again long
 * can be reported again.  TASK_SLEEPING tasks (sleep_ms, and any wait
 * that task_stop() can end) are never reported: a task that can be told
 * to stop is not stuck.  A task joining another (task_join) waits for
 * work, and counts as blocked only for as long as the task at the end of
 * its chain of joins has been: joining a task that runs is never a hang,
 * however long the work takes.  A PRIO_IO task that has run for as long
 * without waiting at all is reported too: it starves every other task.
 *
 * A report, every line starting "hung: ", tells the story:
 *
 *     hung: task "A" (id 7) blocked for 21 s on mutex M2 (uninterruptible)
 *     hung: locks held by A (the last, M2, is the one it waits for):
 *         #0 M1 (mutex) taken at fn+0x16/0x49    (lockdep_print_held)
 *         #1 M2 (mutex) taken at fn+0x2d/0x49
 *     hung: who waits for whom:
 *     hung:   A waits for mutex M2 held by B since fn+0x16/0x49
 *     hung:   B waits for mutex M1 held by A since fn+0x16/0x49
 *     hung: DEADLOCK: A -> B -> A
 *     hung: locks held by B (the last, M1, is the one it waits for):
 *         ...
 *
 * The chain follows a mutex to its owner, a join to the joined task and a
 * wait queue that names its owner (wait.h; a buffer of a device that a
 * task here serves) to that task, and ends at a task that is not blocked,
 * one blocked on something without an owner (a wait queue, a semaphore),
 * or a task seen before: then it is a cycle and printed as DEADLOCK, with
 * the stack of each of its tasks.  Every task of a cycle counts as
 * reported, so one deadlock gives one report.
 *
 * Rules the reporter keeps, because it runs when the kernel is wedged: it
 * takes no lock (it reads the tasks with interrupts off, which on one CPU
 * stops every writer), it checks every pointer before following it (task
 * magic, kernel_addr_mapped), and it allocates nothing.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct task;

/* Reports so far; a test fails when it moves unless the test expected it
 * (ktest_expect_reports). */
extern uint32_t hung_reports;
/* Reports whose chain closed into a cycle (DEADLOCK: ...): lets a test
 * that deadlocks on purpose wait for the cycle, not for any report. */
extern uint32_t hung_deadlocks;
/* Scans khungtaskd has finished: lets a test wait until the detector has
 * looked, rather than hope it has. */
extern uint32_t hung_scans;
/* The threshold in seconds; tests and the monitor may change it at any
 * time (the next scan uses the new value).  0: never report. */
extern uint32_t hung_timeout_secs;

/* Read hung_timeout= and start khungtaskd.  Needs the scheduler and the
 * timer running. */
void hung_task_init(void);

/* One edge of "who waits for whom": what t, which is blocked, waits on,
 * as the rest of a sentence that starts with its name ("waits for mutex
 * lock_super held by task-A since ext2_new_block+0x5b/0x327"), into buf;
 * and the one task that can end the wait -- a mutex's owner, the task
 * being joined, the task a wait queue names (wait.h) -- or NULL when
 * there is none (a semaphore, a sleep, a queue anyone may wake) or it
 * cannot be trusted.  Follows the rules above (no lock, every pointer
 * checked), so it may look at any task; the hang detector's chains and
 * reclaim's wait check (mm/reclaim_check.c) both say a wait with it. */
#define WAIT_DESCRIPTION_LEN 160
struct task *describe_wait(const struct task *t, char *buf, size_t size);
/* "SUBSYSTEM: locks held by T:" and the list (lockdep_print_held), saying
 * so when the last is the mutex T is waiting for, not yet its own. */
void print_held_while_waiting(const char *subsystem, const struct task *t);
