/*
 * init.c - the first program (init=/bin/init): starts the shell on the
 * console and reaps every process that ends, forever.
 *
 * It mounts nothing: the kernel mounted the root (and whatever else)
 * from the command line's mount= before starting it.  fds 0, 1 and 2
 * are the console already, and the shell inherits them.  The kernel
 * gives init an empty environment; init gives the shell its own with
 * PATH=/bin, HOME=/ and TERM=vt100 (a serial console: lib/readline.c
 * reads a VT100's arrow keys) for whichever of them it lacks.  The kernel
 * gives init the orphans of processes that exit (process.h), so its
 * wait4(-1) loop is what reaps them.
 *
 * When the shell ends, init starts it again -- after a second if it
 * lived less than one (a shell that cannot start must not spin) --
 * except when it ends with SH_EXIT_MONITOR (the shell's `monitor`
 * command, user/sh.c): then init exits 0, and the kernel goes on to its
 * monitor when the command line says monitor (kernel/main.c).
 *
 * `init PROGRAM ARGS...` runs that instead of /bin/sh.  Without fork
 * (a kernel that does not have it) init becomes the shell itself.
 */
#include "ulib.h"

#define SH_EXIT_MONITOR 200             /* sh.c's */

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void become(char **argv)
{
    execve(argv[0], argv, environ);
    dprintf(2, "init: %s: %s\n", argv[0], strerror(errno));
    exit(127);
}

static pid_t start(char **argv)
{
    pid_t pid = fork();
    if (pid == 0)
        become(argv);
    if (pid < 0 && errno == ENOSYS) {
        printf("init: no fork in this kernel: becoming %s\n", argv[0]);
        become(argv);
    }
    if (pid < 0)
        dprintf(2, "init: fork: %s\n", strerror(errno));
    return pid;
}

int main(int argc, char **argv)
{
    char *sh_argv[] = { "/bin/sh", 0 };
    char **program = argc > 1 ? argv + 1 : sh_argv;
    if (setenv("PATH", "/bin", 0) < 0 || setenv("HOME", "/", 0) < 0 ||
        setenv("TERM", "vt100", 0) < 0)
        perror("init: setenv");         /* the shell starts with less */
    printf("init: pid %d, starting %s\n", (int)getpid(), program[0]);
    pid_t sh = start(program);
    long started = now_ms();
    for (;;) {
        int ws;
        pid_t pid = wait4(-1, &ws, 0, 0);
        if (pid < 0 && errno != ECHILD) {
            dprintf(2, "init: wait4: %s\n", strerror(errno));
            continue;
        }
        if (pid > 0 && pid != sh)
            continue;                   /* an orphan, reaped */
        if (pid == sh && WIFEXITED(ws) && WEXITSTATUS(ws) == SH_EXIT_MONITOR) {
            printf("init: %s asked for the monitor; init ends\n", program[0]);
            return 0;
        }
        if (pid == sh)
            printf("init: %s (pid %d) %s %d; starting it again\n", program[0], (int)pid,
                   WIFEXITED(ws) ? "exited with status" : "killed by signal",
                   WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws));
        if (now_ms() - started < 1000) {
            struct timespec second = { 1, 0 };
            nanosleep(&second, 0);
        }
        sh = start(program);            /* also when fork failed, or no child was left */
        started = now_ms();
    }
}
