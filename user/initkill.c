/*
 * initkill.c - kill(1, ...) as Linux answers it.  Init (pid 1) has no
 * signal handlers, and Linux's init ignores every signal it has no
 * handler for: kill(1, SIGTERM) and kill(1, SIGKILL) say 0, the kernel
 * logs that init ignored them, and init is still there.  With no init
 * (run from the monitor) there is no pid 1: -ESRCH.  Exits with the
 * number of checks that failed.
 */
#include "ulib.h"

int main(void)
{
    if (or_errno(kill(1, 0)) == -ESRCH) {
        check("no init: kill(1, SIGTERM)", or_errno(kill(1, SIGTERM)), -ESRCH);
    } else {
        check("kill(1, SIGTERM)", or_errno(kill(1, SIGTERM)), 0);
        check("kill(1, SIGKILL)", or_errno(kill(1, SIGKILL)), 0);
        check("init is still there", or_errno(kill(1, 0)), 0);
    }
    printf("initkill: %d wrong\n", check_wrong);
    return check_wrong;
}
