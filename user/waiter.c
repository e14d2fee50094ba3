/*
 * waiter.c - a parent for wait4: reaps N children (argv[1]) that the
 * kernel starts for it (tests/kernel/test_process.c), printing how each
 * ended, then shows that wait4 with no children left says -ECHILD.
 * Until its children exist wait4 says -ECHILD too, so it asks again: the
 * kernel is about to give it some.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    long want = atol_or(argc > 1 ? argv[1] : 0, 1);
    for (long reaped = 0; reaped < want;) {
        int status;
        long pid = wait4(-1, &status, 0, 0);
        if (pid < 0 && errno == ECHILD)
            continue;
        if (pid < 0) {
            printf("waiter: wait4 failed: %d\n", -errno);
            return 1;
        }
        if (WIFEXITED(status))
            printf("waiter: child %d exited with status %d\n", (int)pid, WEXITSTATUS(status));
        else
            printf("waiter: child %d killed by signal %d\n", (int)pid, WTERMSIG(status));
        reaped++;
    }
    printf("waiter: wait4 with no children left: %d\n", (int)or_errno(wait4(-1, 0, 0, 0)));
    return 0;
}
