/*
 * killer.c - kill (37): SIGTERM ends a child asleep in nanosleep, SIGKILL
 * one spinning in user mode and one blocked in wait4 for a child of its
 * own; each parent's wait4 sees the signal in the status.  A signal
 * other than those two is -EINVAL, a pid nobody has -ESRCH, signal 0
 * asks whether a process exists.  Each check prints "killer: WHAT: got
 * G, want W"; exits with the number that failed.
 */
#include "ksignal.h"
#include "ulib.h"

static void nap(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&t, 0);
}

/* Wait for pid; the signal that ended it, or -1 if it exited. */
static int killed_by(long pid)
{
    int status = 0;
    if (wait4(pid, &status, 0, 0) != pid || WIFEXITED(status))
        return -1;
    return WTERMSIG(status);
}

int main(void)
{
    long sleeper = fork();
    if (sleeper == 0) {
        nap(60000);
        exit(0);                        /* never: killed first */
    }
    nap(100);                           /* let it fall asleep */
    check("kill of the sleeper with signal 0 (is it there?)", or_errno(kill(sleeper, 0)), 0);
    check("kill of the sleeper with SIGTERM", or_errno(kill(sleeper, SIGTERM)), 0);
    check("the sleeper ended by SIGTERM", killed_by(sleeper), SIGTERM);
    check("kill of it once reaped", or_errno(kill(sleeper, SIGKILL)), -ESRCH);

    long spinner = fork();
    if (spinner == 0)
        for (volatile uint32_t n = 0;; n++)
            ;
    nap(100);
    check("kill of the spinner with SIGKILL", or_errno(kill(spinner, SIGKILL)), 0);
    check("the spinner ended by SIGKILL", killed_by(spinner), SIGKILL);

    /* A parent blocked in wait4; its child's pid in shared memory, so that
     * both can be ended. */
    long *shared = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    long waiter = fork();
    if (waiter == 0) {
        long child = fork();
        if (child == 0) {
            nap(60000);
            exit(0);
        }
        *shared = child;
        wait4(child, 0, 0, 0);
        exit(0);                        /* never: killed first */
    }
    while (*shared == 0)
        nap(10);
    nap(100);
    check("kill of a parent blocked in wait4", or_errno(kill(waiter, SIGKILL)), 0);
    check("the waiter ended by SIGKILL", killed_by(waiter), SIGKILL);
    check("kill of its orphan", or_errno(kill(*shared, SIGKILL)), 0);

    check("kill with SIGSEGV (no handlers: refused)", or_errno(kill(getpid(), SIGSEGV)), -EINVAL);
    check("kill of a pid nobody has", or_errno(kill(100000, SIGTERM)), -ESRCH);
    check("kill of pid 0 (a process group)", or_errno(kill(0, SIGTERM)), -EINVAL);
    printf("killer: %d wrong\n", check_wrong);
    if (check_wrong)
        return check_wrong;
    kill(getpid(), SIGTERM);            /* ends on the way back to user mode */
    printf("killer: still alive after killing itself  WRONG\n");
    return 1;
}
