/*
 * sys_time.c - the system calls about time: nanosleep (162),
 * clock_gettime (265) and sched_yield (158), Linux's numbers
 * (include/syscall.h).
 *
 * The clock is the timer tick (HZ = 100): a sleep lasts at least what was
 * asked, rounded up to the next tick; clock_gettime reads in 10 ms steps.
 * Only CLOCK_MONOTONIC and CLOCK_BOOTTIME (the same here: time since
 * boot) exist -- with no clock chip driver there is no wall-clock time, so
 * CLOCK_REALTIME is -EINVAL rather than a made-up date.  A sleep is
 * TASK_SLEEPING: as long as a program likes, never a hang.  Only a kill
 * interrupts it (-EINTR, and the process ends on its way out), so
 * nanosleep never fills rem.
 */
#include "kerrno.h"
#include "sched.h"
#include "syscall.h"
#include "timer.h"
#include "uaccess.h"

#define CLOCK_MONOTONIC     1
#define CLOCK_BOOTTIME      7
#define NSEC_PER_SEC        1000000000
#define NSEC_PER_MSEC       1000000
#define SLEEP_CHUNK_MS      (60 * 60 * 1000)    /* sleep_ms takes 32-bit ms */

/* struct timespec of Linux i386: 32-bit seconds and nanoseconds. */
struct user_timespec {
    int32_t tv_sec;
    int32_t tv_nsec;
};

int32_t sys_nanosleep(const struct syscall_args *a)
{
    struct user_timespec req;
    if (copy_from_user(&req, (const void *)a->arg[0], sizeof(req)))
        return -EFAULT;
    if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= NSEC_PER_SEC)
        return -EINVAL;
    uint64_t ms = (uint64_t)req.tv_sec * 1000 + (req.tv_nsec + NSEC_PER_MSEC - 1) / NSEC_PER_MSEC;
    while (ms) {
        uint32_t chunk = ms > SLEEP_CHUNK_MS ? SLEEP_CHUNK_MS : (uint32_t)ms;
        sleep_ms(chunk);
        if (task_should_stop())
            return -EINTR;              /* killed: it ends on its way out */
        ms -= chunk;
    }
    return 0;
}

int32_t sys_clock_gettime(const struct syscall_args *a)
{
    if (a->arg[0] != CLOCK_MONOTONIC && a->arg[0] != CLOCK_BOOTTIME)
        return -EINVAL;
    uint64_t ms = timer_uptime_ms();
    struct user_timespec ts = { (int32_t)(ms / 1000), (int32_t)(ms % 1000) * NSEC_PER_MSEC };
    return copy_to_user((void *)a->arg[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

int32_t sys_sched_yield(const struct syscall_args *a)
{
    (void)a;
    yield();
    return 0;
}
