/*
 * cloexec.c - close-on-exec and fcntl: it opens /bin/hello twice, once
 * with O_CLOEXEC (fd 3) and once without (fd 4), makes a pipe with
 * pipe2(O_CLOEXEC) (fds 5 and 6), checks what fcntl says and changes
 * (F_GETFD, F_SETFD, F_DUPFD, F_GETFL, F_SETFL), then execs itself as
 * "cloexec after": there fds 3, 5 and 6 are closed and fd 4 is open at
 * the position it had.  Each result is or_errno()'s; exits with the
 * number that went wrong (the exec'd program's).
 */
#include "ulib.h"

static int after(void)
{
    struct stat64 st;
    check("after exec: the O_CLOEXEC file", or_errno(fstat64(3, &st)), -EBADF);
    check("after exec: the plain file", or_errno(fstat64(4, &st)), 0);
    check("after exec: its position", or_errno(lseek(4, 0, SEEK_CUR)), 7);
    check("after exec: the pipe2 ends", or_errno(fstat64(5, &st)) + or_errno(fstat64(6, &st)),
          -2 * EBADF);
    check("after exec: the F_SETFD-cleared dup", or_errno(fstat64(7, &st)), 0);
    printf("cloexec: %d wrong\n", check_wrong);
    return check_wrong;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "after"))
        return after();
    check("open with O_CLOEXEC", or_errno(open("/bin/hello", O_RDONLY | O_CLOEXEC)), 3);
    check("open without", or_errno(open("/bin/hello", O_RDONLY)), 4);
    int fds[2];
    check("pipe2 with O_CLOEXEC", or_errno(pipe2(fds, O_CLOEXEC)), 0);
    check("its ends", fds[0] * 10 + fds[1], 56);
    check("pipe2 with a flag it does not take", or_errno(pipe2(fds, O_APPEND)), -EINVAL);
    check("F_GETFD of 3", or_errno(fcntl(3, F_GETFD, 0)), FD_CLOEXEC);
    check("F_GETFD of 4", or_errno(fcntl(4, F_GETFD, 0)), 0);
    check("F_DUPFD_CLOEXEC of 4 from 7", or_errno(fcntl(4, F_DUPFD_CLOEXEC, 7)), 7);
    check("F_GETFD of 7", or_errno(fcntl(7, F_GETFD, 0)), FD_CLOEXEC);
    check("F_SETFD 0 on 7", or_errno(fcntl(7, F_SETFD, 0)), 0);
    check("F_DUPFD of 4 from 15", or_errno(fcntl(4, F_DUPFD, 15)), 15);
    check("F_DUPFD from 16", or_errno(fcntl(4, F_DUPFD, 16)), -EINVAL);
    check("dup2 clears FD_CLOEXEC", or_errno(dup2(3, 15)), 15);
    check("F_GETFD of 15", or_errno(fcntl(15, F_GETFD, 0)), 0);
    close(15);
    check("F_GETFL of 4", or_errno(fcntl(4, F_GETFL, 0)) & O_ACCMODE, O_RDONLY);
    check("F_SETFL O_APPEND", or_errno(fcntl(4, F_SETFL, O_APPEND)), 0);
    check("F_GETFL has it", or_errno(fcntl(4, F_GETFL, 0)) & O_APPEND, O_APPEND);
    check("F_SETFL 0", or_errno(fcntl(4, F_SETFL, 0)), 0);
    check("fcntl of a closed fd", or_errno(fcntl(12, F_GETFD, 0)), -EBADF);
    check("an unknown fcntl", or_errno(fcntl(4, 99, 0)), -EINVAL);
    check("lseek 4 to 7", or_errno(lseek(4, 7, SEEK_SET)), 7);
    if (check_wrong) {
        printf("cloexec: %d wrong before exec\n", check_wrong);
        return check_wrong;
    }
    char *args[] = { "/bin/cloexec", "after", 0 };
    execve("/bin/cloexec", args, 0);
    perror("cloexec: execve");
    return 100;
}
