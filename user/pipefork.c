/*
 * pipefork.c - pipes between processes: a child writes BYTES bytes of
 * pattern() into a pipe (more than it holds, so the writer waits for the
 * reader) and the parent reads them to the end of the stream; then a
 * child writes to a pipe whose reader -- the parent -- reads a little
 * and closes it: the child is ended by SIGPIPE, and wait4 says so; a
 * forked child's read moves the position of the file both share; and a
 * child asleep reading an empty pipe is ended by kill(SIGKILL).
 * Each result is or_errno()'s.
 */
#include "ksignal.h"
#include "ulib.h"

#define BYTES       100000

static uint8_t pattern(long i) { return (uint8_t)(i * 13 + (i >> 9)); }

static uint8_t buf[8192];

/* The child's side: write BYTES bytes of pattern() to fd, a page at a
 * time; exit 0 when all went in, 1 when a write failed. */
static void writer(int fd)
{
    for (long done = 0; done < BYTES;) {
        long n = BYTES - done < 4096 ? BYTES - done : 4096;
        for (long i = 0; i < n; i++)
            buf[i] = pattern(done + i);
        if (write(fd, buf, (size_t)n) != n)
            exit(1);
        done += n;
    }
    exit(0);
}

int main(void)
{
    int fds[2];
    check("pipe", or_errno(pipe(fds)), 0);
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        writer(fds[1]);
    }
    check("fork", child > 0, 1);
    check("close the parent's write end", or_errno(close(fds[1])), 0);
    long got = 0, differ = 0, n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0) {
        for (long i = 0; i < n; i++)
            differ += buf[i] != pattern(got + i);
        got += n;
    }
    check("the last read: the end", or_errno(n), 0);
    check("bytes read from the child", got, BYTES);
    check("bytes that differ", differ, 0);
    int status = -1;
    check("wait4 the writer", or_errno(wait4(child, &status, 0, 0)), child);
    check("it exited with 0", status, 0);
    close(fds[0]);

    check("another pipe", or_errno(pipe(fds)), 0);
    child = fork();
    if (child == 0) {
        close(fds[0]);
        writer(fds[1]);
    }
    close(fds[1]);
    check("read 10 bytes of it", or_errno(read(fds[0], buf, 10)), 10);
    check("then close the read end", or_errno(close(fds[0])), 0);
    check("wait4 the writer", or_errno(wait4(child, &status, 0, 0)), child);
    check("SIGPIPE ended it", WTERMSIG(status), SIGPIPE);

    /* An open file's position is shared with a forked child, as in Linux. */
    int fd = open("/bin/hello", O_RDONLY);
    check("open /bin/hello", fd >= 0, 1);
    child = fork();
    if (child == 0)
        exit(read(fd, buf, 5) == 5 ? 0 : 1);
    check("wait4 the child that read 5 bytes", or_errno(wait4(child, &status, 0, 0)), child);
    check("the parent's position moved with it", or_errno(lseek(fd, 0, SEEK_CUR)), 5);
    close(fd);

    /* A child asleep reading an empty pipe is ended by kill. */
    check("a third pipe", or_errno(pipe(fds)), 0);
    child = fork();
    if (child == 0)
        exit(read(fds[0], buf, 1) == 1 ? 0 : 2);    /* nobody ever writes */
    struct timespec nap = { 0, 200 * 1000 * 1000 };
    nanosleep(&nap, 0);                 /* let it reach its read */
    check("kill the reader", or_errno(kill(child, SIGKILL)), 0);
    check("wait4 it", or_errno(wait4(child, &status, 0, 0)), child);
    check("SIGKILL ended it", WTERMSIG(status), SIGKILL);
    close(fds[0]);
    close(fds[1]);
    printf("pipefork: %d wrong\n", check_wrong);
    return check_wrong;
}
