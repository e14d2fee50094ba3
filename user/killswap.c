/*
 * killswap.c - kill a process in the middle of its swapping: a child
 * runs /bin/hog MIB (argv[1], default 48: more than the machine has) with
 * passes enough never to end by itself, so it spends its time faulting
 * pages back from swap, mostly asleep in a swap-in's read, which no kill
 * interrupts; SIGKILL after NAP_MS must end it all the same, when that
 * wait is over, on its way back to user mode.  (With the default two
 * passes, a faster kernel finished the hog before NAP_MS.)
 * The kernel then gives back its pages and swap slots (the harness looks
 * at free and swap).  Exits 0 when the hog was ended by SIGKILL.
 */
#include "ksignal.h"
#include "ulib.h"

#define NAP_MS      1500                /* the hog is swapping by then */

int main(int argc, char **argv)
{
    const char *mib = argc > 1 ? argv[1] : "48";
    pid_t pid = fork();
    if (pid == 0) {
        char *args[] = { "/bin/hog", (char *)mib, "passes=1000000", 0 };
        execve("/bin/hog", args, 0);
        exit(127);
    }
    struct timespec t = { NAP_MS / 1000, (NAP_MS % 1000) * 1000000 };
    nanosleep(&t, 0);
    check("kill of the swapping hog", or_errno(kill(pid, SIGKILL)), 0);
    int status = -1;
    check("it was reaped", wait4(pid, &status, 0, 0), pid);
    check("it ended by SIGKILL", WIFEXITED(status) ? -1 : WTERMSIG(status), SIGKILL);
    printf("killswap: %d wrong\n", check_wrong);
    return check_wrong;
}
