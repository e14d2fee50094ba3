/*
 * orphans.c - orphans and who reaps them.  A child forks a grandchild
 * and exits at once; the grandchild, orphaned, naps and exits with 7.
 * As the first program (init=/bin/orphans) this process is init, pid 1:
 * the orphan is adopted by it (its getppid says 1, and wait4 with
 * WNOHANG finds a child alive) and its wait4 reaps it.  Run any other
 * way, the orphan is not this process's (wait4 says it has no children
 * left): under /bin/init it goes to init (getppid says 1); from the
 * monitor (run /bin/orphans) there is no init, the kernel adopts it
 * (getppid says 0) and reaps it when it exits.
 */
#include "ulib.h"

static void nap(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&t, 0);
}

int main(void)
{
    long me = getpid();
    long child = fork();
    if (child == 0) {
        if (fork() == 0) {
            nap(300);                   /* its parent is gone by now */
            printf("orphans: grandchild %d: parent now %d\n", (int)getpid(), (int)getppid());
            exit(7);
        }
        exit(3);
    }
    int status = -1;
    check("the child exited with 3", wait4(child, &status, 0, 0) == child &&
          WIFEXITED(status) ? WEXITSTATUS(status) : -1, 3);
    /* WNOHANG: 0 while a child lives -- the orphan, if this is init. */
    long adopted = wait4(-1, &status, WNOHANG, 0);
    if (me == 1) {
        check("init: the orphan is its child, alive", adopted, 0);
        long pid = wait4(-1, &status, 0, 0);
        printf("orphans: init (pid %d) adopted the orphan (pid %d) and reaped it: status %d\n",
               (int)me, (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        check("init reaped the orphan, which exited with 7",
              pid > child && WIFEXITED(status) ? WEXITSTATUS(status) : -1, 7);
    } else {
        check("not init: the orphan is not its child (wait4 says no children)",
              or_errno(adopted), -ECHILD);
        nap(600);                       /* the orphan ends meanwhile, reaped by init or the kernel */
    }
    printf("orphans: %d wrong\n", check_wrong);
    return check_wrong;
}
