/*
 * pipes.c - a pipe within one process: bytes come out as they went in,
 * a full pipe holds PIPE_SIZE (a page), the end of the stream once the
 * write end is closed, -ESPIPE for a seek, -EFAULT for a bad array (and
 * no descriptor lost), and -- last -- a write with no read end left,
 * which ends the program as SIGPIPE does: it must not print its final
 * line.  Each result is or_errno()'s: the kernel's answer.
 */
#include "ulib.h"

#define PIPE_SIZE   4096

static char buf[PIPE_SIZE + 1];

int main(void)
{
    int fds[2] = { -1, -1 };
    check("pipe", or_errno(pipe(fds)), 0);
    check("its read end", fds[0], 3);
    check("its write end", fds[1], 4);
    check("write 6 bytes", or_errno(write(fds[1], "hello\n", 6)), 6);
    struct stat64 st;
    check("fstat64", or_errno(fstat64(fds[0], &st)), 0);
    check("a FIFO", (long)(st.st_mode & S_IFMT), S_IFIFO);
    check("holding 6 bytes", (long)st.st_size, 6);
    check("read asks for 100, gets the 6", or_errno(read(fds[0], buf, 100)), 6);
    check("the same 6", memcmp(buf, "hello\n", 6), 0);
    check("lseek", or_errno(lseek(fds[0], 0, SEEK_SET)), -ESPIPE);
    check("read the write end", or_errno(read(fds[1], buf, 1)), -EBADF);
    check("write the read end", or_errno(write(fds[0], "x", 1)), -EBADF);
    for (int i = 0; i < PIPE_SIZE; i++)
        buf[i] = (char)('A' + i % 23);
    check("fill it: a page", or_errno(write(fds[1], buf, PIPE_SIZE)), PIPE_SIZE);
    check("close the write end", or_errno(close(fds[1])), 0);
    memset(buf, 0, sizeof(buf));
    long got = 0, n;
    while ((n = read(fds[0], buf + got, 1000)) > 0)
        got += n;
    check("read it all back, then the end", got, PIPE_SIZE);
    int bad = 0;
    for (int i = 0; i < PIPE_SIZE; i++)
        bad += buf[i] != (char)('A' + i % 23);
    check("bytes that differ", bad, 0);
    check("read again at the end", or_errno(read(fds[0], buf, 1)), 0);
    close(fds[0]);

    check("pipe into the kernel's half", or_errno(pipe((int *)0xC0100000)), -EFAULT);
    check("pipe into NULL", or_errno(pipe(0)), -EFAULT);
    check("no descriptor lost: pipe gives 3 and 4 again", or_errno(pipe(fds)), 0);
    check("its read end", fds[0], 3);
    check("close the read end", or_errno(close(fds[0])), 0);
    printf("pipes: %d wrong; now writing to a pipe nobody reads\n", check_wrong);
    write(fds[1], "x", 1);
    printf("pipes: still alive after the write: WRONG\n");
    return 1;
}
