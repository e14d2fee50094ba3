/*
 * poll.c - poll (168): wait until one of several files can be read or
 * written without waiting, for at most a timeout (see include/poll.h for
 * what a file offers it).
 *
 * poll(fds, nfds, timeout_ms): nfds up to POLL_FDS_MAX (-EINVAL past it,
 * with a log line, as Linux past RLIMIT_NOFILE); timeout_ms negative
 * waits for ever, 0 only looks.  Returns how many entries have revents
 * set -- 0 when the time ran out -- with revents filled in; a descriptor
 * that is not open gives POLLNVAL, a negative one is left out.
 *
 * How it waits: the first look puts the task on every queue the files
 * name (poll_wait()), each with its own waiter, in TASK_SLEEPING; each
 * later look first sets the task's state again.  A wake-up on any queue
 * after that makes the task runnable, so none between a look and the
 * sleep is lost.  The waits are TASK_SLEEPING: a kill (task_stop())
 * ends them with -EINTR, as every wait of a process's calls.
 */
#include "fdtable.h"
#include "file.h"
#include "kerrno.h"
#include "panic.h"
#include "poll.h"
#include "printk.h"
#include "process.h"
#include "sched.h"
#include "slab.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"

#define POLL_FDS_MAX    PROCESS_FILES_MAX   /* descriptors a process can have open */

void poll_wait(struct poll_table *pt, struct wait_queue *wq)
{
    if (!pt)
        return;
    /* A file's own poll asks for more queues than poll.h allows: a bug
     * in that file's code, never a program's doing. */
    BUG_ON(pt->nq == POLL_QUEUES_PER_FILE);
    struct poll_entry *e = &pt->q[pt->nq++];
    e->wq = wq;
    e->w.task = NULL;
    prepare_to_wait(wq, &e->w, TASK_SLEEPING);
}

/* One entry of the caller's array while poll runs. */
struct poll_slot {
    struct file *f;                 /* held; NULL for a negative or closed fd */
    struct poll_table pt;           /* the queues f named */
};

/* Look at every file once (register: put the task on their queues too);
 * fill revents, return how many are set. */
static int32_t poll_look(struct pollfd *pfds, struct poll_slot *slots, uint32_t nfds,
                         bool first)
{
    int32_t ready = 0;
    for (uint32_t i = 0; i < nfds; i++) {
        struct file *f = slots[i].f;
        uint32_t mask;
        if (!f)
            mask = pfds[i].fd < 0 ? 0 : POLLNVAL;
        else if (!f->ops->poll)
            mask = POLLIN | POLLOUT;
        else
            mask = f->ops->poll(f, first ? &slots[i].pt : NULL);
        pfds[i].revents = (int16_t)(mask & ((uint16_t)pfds[i].events | POLLERR | POLLHUP |
                                            POLLNVAL));
        ready += pfds[i].revents != 0;
    }
    return ready;
}

/* Set the task's state on every queue again (each waiter stays linked);
 * false when there is none. */
static bool poll_rearm(struct poll_slot *slots, uint32_t nfds)
{
    bool any = false;
    for (uint32_t i = 0; i < nfds; i++)
        for (uint32_t q = 0; q < slots[i].pt.nq; q++) {
            prepare_to_wait(slots[i].pt.q[q].wq, &slots[i].pt.q[q].w, TASK_SLEEPING);
            any = true;
        }
    return any;
}

/* Sleep until a queue wakes the task, a kill, or end (UINT64_MAX: no
 * end); false once the time is up. */
static bool poll_sleep(bool queued, uint64_t end)
{
    uint64_t now = timer_uptime_ms();
    if (now >= end)
        return false;
    uint32_t left = end - now > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)(end - now);
    if (!queued)
        sleep_ms(left);                 /* nothing to wait on but the time */
    else if (end == UINT64_MAX)
        schedule();
    else
        schedule_timeout(left);
    return true;
}

/* poll(fds, nfds, timeout_ms) */
int32_t sys_poll(const struct syscall_args *a)
{
    uint32_t nfds = a->arg[1];
    int32_t timeout = (int32_t)a->arg[2];
    if (nfds > POLL_FDS_MAX) {
        pr_info("poll: %s (pid %u) asked about %u descriptors: more than POLL_FDS_MAX (%u)\n",
                current->name, current->id, nfds, POLL_FDS_MAX);
        return -EINVAL;
    }
    struct pollfd *pfds = kmalloc(nfds * sizeof(*pfds) + 1, GFP_KERNEL);
    struct poll_slot *slots = kmalloc(nfds * sizeof(*slots) + 1, GFP_KERNEL | __GFP_ZERO);
    int32_t ret = !pfds || !slots ? -ENOMEM : 0;
    if (!ret && copy_from_user(pfds, (const void *)a->arg[0], nfds * sizeof(*pfds)))
        ret = -EFAULT;
    for (uint32_t i = 0; !ret && i < nfds; i++)
        slots[i].f = pfds[i].fd >= 0 ? fd_get(pfds[i].fd) : NULL;
    uint64_t end = timeout < 0 ? UINT64_MAX : timer_uptime_ms() + (uint32_t)timeout;
    bool queued = false;
    for (bool first = true; !ret; first = false) {
        if (!first)
            queued = poll_rearm(slots, nfds);
        ret = poll_look(pfds, slots, nfds, first);
        if (ret || !timeout)
            break;
        if (task_should_stop()) {
            ret = -EINTR;               /* killed: it ends on its way out */
            break;
        }
        for (uint32_t i = 0; first && i < nfds; i++)
            queued |= slots[i].pt.nq != 0;
        /* No state set again here: a wake-up since the look made the
         * task runnable, and the sleep then only looks once more. */
        if (!poll_sleep(queued, end))
            break;
    }
    for (uint32_t i = 0; slots && i < nfds; i++) {
        for (uint32_t q = 0; q < slots[i].pt.nq; q++)
            finish_wait(slots[i].pt.q[q].wq, &slots[i].pt.q[q].w);
        if (slots[i].f)
            file_put(slots[i].f);
    }
    if (ret >= 0 && copy_to_user((void *)a->arg[0], pfds, nfds * sizeof(*pfds)))
        ret = -EFAULT;
    kfree(pfds);
    kfree(slots);
    return ret;
}
