/*
 * poll.h - waiting for any of several files: poll (168, fs/poll.c), and
 * what a file offers it (file.h's ops->poll).
 *
 * A file that can make a read or a write wait (a pipe, a socket, the
 * console) has ops->poll(f, pt): it returns the poll_abi.h bits that are
 * true now -- POLLIN when a read would not wait, POLLOUT when a write
 * would not, POLLHUP, POLLERR -- and, when pt is not NULL, names each wait
 * queue woken when they may change with poll_wait(pt, wq), before it
 * looks.  At most POLL_QUEUES_PER_FILE queues per file.  A file without
 * ops->poll never waits for anything but the disk: POLLIN | POLLOUT
 * always, as Linux's DEFAULT_POLLMASK.
 *
 * ops->poll runs in task context with the caller's task state already
 * TASK_SLEEPING (poll sleeps after it if nothing is ready): it may take a
 * mutex -- a contended one leaves the task running, and poll then only
 * looks once more -- but must not wait for anything else.
 */
#pragma once
#include <stdint.h>
#include "poll_abi.h"
#include "wait.h"

#define POLL_QUEUES_PER_FILE    2           /* the console: the line's turn and the keys */

/* One queue a poller is on. */
struct poll_entry {
    struct wait_queue *wq;
    struct task_waiter w;
};

/* One file's queues, while poll looks at it. */
struct poll_table {
    struct poll_entry q[POLL_QUEUES_PER_FILE];
    uint32_t nq;
};

/* Put the polling task on wq (pt NULL: nothing to do, the task is on it
 * already). */
void poll_wait(struct poll_table *pt, struct wait_queue *wq);
