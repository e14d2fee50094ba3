/*
 * execer.c - execve from user mode: every bad argument fails with its
 * errno and leaves this program running (a missing file, a directory,
 * a bad path pointer, a bad argv array, a bad string in it); then it
 * becomes /bin/hello with arguments of its own, under the same pid.
 */
#include "ulib.h"

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
    printf("execer: pid %d, %d wrong; now becoming /bin/hello\n", (int)getpid(), check_wrong);
    if (check_wrong)
        return check_wrong;
    execve("/bin/hello", argv, 0);
    printf("execer: execve of /bin/hello failed: %d\n", -errno);
    return 100;
}
