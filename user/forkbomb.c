/*
 * forkbomb.c - a fork bomb, stopped by the process limit: every process
 * forks in a loop and every child does the same, until fork says -EAGAIN
 * (PROCESS_MAX processes exist).  Then each reaps its own children and
 * exits; the first prints how many processes the bomb made and what
 * stopped it, and exits 0 only when that was -EAGAIN.
 */
#include "ulib.h"

int main(void)
{
    long me = getpid();
    long made = 0, err = 0;
    /* made counts this process's own children: those reaped below. */
    for (;;) {
        long pid = fork();
        if (pid == 0) {
            made = 0;                   /* a new process: its children are its own */
            continue;
        }
        if (pid < 0) {
            err = -errno;
            break;
        }
        made++;
    }
    long total = made;
    for (int status; made > 0; made--)
        if (wait4(-1, &status, 0, 0) > 0 && WIFEXITED(status))
            total += WEXITSTATUS(status);
    if (getpid() != me)
        exit(total > 255 ? 255 : (int)total);   /* the processes below it */
    printf("forkbomb: %d processes made, then fork said %d\n", (int)total, (int)err);
    return err != -EAGAIN;
}
