/*
 * execer.c - execve from user mode: every bad argument fails with its
 * errno and leaves this program running (a missing file, a directory,
 * a bad path pointer, a bad argv array, a bad string in it or in envp,
 * more environment strings or bytes than the kernel's limits); then it
 * becomes /bin/hello with arguments and an environment of its own, under
 * the same pid.
 */
#include "ulib.h"

#define EXEC_ENVP_MAX   256             /* include/process.h's */

int main(void)
{
    char *argv[] = { "/bin/hello", "from", "execer", 0 };
    char *bad_string[] = { "/bin/hello", (char *)0xC0001000, 0 };
    check("a file that is not there", or_errno(execve("/bin/nothere", argv, 0)), -ENOENT);
    check("a directory", or_errno(execve("/bin", argv, 0)), -EACCES);
    check("a path in the kernel's half", or_errno(execve((char *)0xC0100000, argv, 0)), -EFAULT);
    check("argv in the kernel's half", or_errno(execve("/bin/hello", (char **)0xC0100000, 0)),
          -EFAULT);
    check("a string of argv in the kernel's half", or_errno(execve("/bin/hello", bad_string, 0)),
          -EFAULT);
    char *bad_env[] = { "A=1", (char *)0xC0001000, 0 };
    check("a string of envp in the kernel's half", or_errno(execve("/bin/hello", argv, bad_env)),
          -EFAULT);
    static char *many[EXEC_ENVP_MAX + 2];
    for (int i = 0; i <= EXEC_ENVP_MAX; i++)
        many[i] = "A=1";
    check("EXEC_ENVP_MAX + 1 environment strings", or_errno(execve("/bin/hello", argv, many)),
          -E2BIG);
    static char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[0] = 'B', big[1] = '=';
    char *too_long[] = { big, big, 0 };   /* 6000 bytes: more than EXEC_ARGS_MAX */
    check("environment strings past EXEC_ARGS_MAX bytes",
          or_errno(execve("/bin/hello", argv, too_long)), -E2BIG);
    printf("execer: pid %d, %d wrong; now becoming /bin/hello\n", (int)getpid(), check_wrong);
    if (check_wrong)
        return check_wrong;
    char *envp[] = { "FROM=execer", "EMPTY=", 0 };
    execve("/bin/hello", argv, envp);
    printf("execer: execve of /bin/hello failed: %d\n", -errno);
    return 100;
}
