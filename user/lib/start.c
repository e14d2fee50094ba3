/*
 * start.c - what runs between crt0 and main, and the helpers the test
 * programs share (ulib.h): check(), wait4_of_an_exited_child().
 */
#include "ulib.h"

int main(int argc, char **argv);

const char *ulib_name = "?";
int check_wrong;

void ulib_start(int argc, char **argv)
{
    environ = argv + argc + 1;          /* the stack: argv's NULL, then envp (exec.c) */
    if (argc > 0) {
        ulib_name = argv[0] + strlen(argv[0]);
        while (ulib_name > argv[0] && ulib_name[-1] != '/')
            ulib_name--;
    }
    exit(main(argc, argv));
}

void check(const char *what, long got, long want)
{
    printf("%s: %s: got %d, want %d%s\n", ulib_name, what, (int)got, (int)want,
           got == want ? "" : "  WRONG");
    check_wrong += got != want;
}

long wait4_of_an_exited_child(int *status)
{
    pid_t pid = fork();
    if (pid == 0)
        exit(0);
    if (pid < 0)
        return -1;
    long r = wait4(pid, status, 0, 0);
    int saved = errno;
    waitpid(pid, 0, 0);                 /* reaped either way */
    errno = saved;
    return r;
}
