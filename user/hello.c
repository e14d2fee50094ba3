/*
 * hello.c - the first program: says hello with its pid, its parent's,
 * its arguments and its environment, and exits 0.  Its output, read by
 * tests/harness/user_tests.py, shows that exec built argv and that
 * write, getpid and getppid work, and that execve passed envp.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    printf("hello: hello, world from pid %d (parent %d)\n", (int)getpid(), (int)getppid());
    for (int i = 0; i < argc; i++)
        printf("hello: argv[%d] = %s\n", i, argv[i]);
    for (int i = 0; environ[i]; i++)
        printf("hello: envp[%d] = %s\n", i, environ[i]);
    return 0;
}
