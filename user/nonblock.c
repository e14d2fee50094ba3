/*
 * nonblock.c - O_NONBLOCK and poll, as Linux has them, on sockets over
 * the guest's loopback, on pipes and on the console:
 *
 *   sockets  SOCK_NONBLOCK: accept and read with nothing there say
 *            -EAGAIN; connect says -EINPROGRESS, poll's POLLOUT tells when
 *            it is done, getsockopt(SO_ERROR) says 0 (or ECONNREFUSED for
 *            a closed port, once: reading it clears it), connect again 0
 *            once then -EISCONN; MSG_DONTWAIT keeps one recv or send
 *            of a blocking socket from waiting; writes
 *            fill the buffers until -EAGAIN, POLLOUT clears, and comes
 *            back once the peer has read every byte (checked); the peer's
 *            FIN is POLLIN | POLLRDHUP and a read of 0;
 *   pipes    pipe2(O_NONBLOCK): -EAGAIN both ways, POLLIN, POLLOUT,
 *            POLLHUP and POLLERR; a poll that sleeps until a child
 *            writes, and one a kill ends;
 *   poll     its timeout, POLLNVAL for a closed descriptor, a negative
 *            one left out, -EINVAL past POLL_FDS_MAX, -EFAULT;
 *   console  a line typed after the program's name is POLLIN, and read.
 *
 * Each result is or_errno()'s; exits with the count of wrong ones.
 */
#include "ulib.h"

#define PORT        7030
#define CLOSED_PORT 7031
#define LOOPBACK    0x7F000001u
#define KERNEL_HALF ((void *)0xC0100000)
#define CHUNK       16384
#define WAIT_MS     3000                /* for what loopback delivers at once */

static uint8_t chunk[CHUNK], got[CHUNK];

static long ms_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&t, 0);
}

/* poll of one descriptor: its revents, or -errno; 0 when the time ran out. */
static long poll_one(int fd, int events, int timeout)
{
    struct pollfd p = { fd, (int16_t)events, 0 };
    long n = or_errno(poll(&p, 1, timeout));
    return n < 0 ? n : n ? p.revents : 0;
}

static struct sockaddr_in address(uint32_t addr, uint16_t port)
{
    return (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(port),
                                 .sin_addr = htonl(addr) };
}

/* The stream's byte at i: chunk's, which it repeats. */
static uint8_t pattern(long i) { return (uint8_t)(i % CHUNK * 11 + (i % CHUNK >> 10)); }

/* Read what c's writes queued (total bytes) from a, as poll says it
 * comes; how many differ from pattern(). */
static long drain(int a, long total)
{
    long bad = 0;
    for (long done = 0; done < total;) {
        if (!(poll_one(a, POLLIN, WAIT_MS) & POLLIN))
            return -1;
        long n = or_errno(read(a, got, sizeof(got)));
        if (n <= 0)
            return -1;
        for (long i = 0; i < n; i++)
            bad += got[i] != pattern(done + i);
        done += n;
    }
    return bad;
}

static void sockets(void)
{
    struct sockaddr_in any = address(INADDR_ANY, PORT), lo = address(LOOPBACK, PORT);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check("F_GETFL of a SOCK_NONBLOCK socket", or_errno(fcntl(l, F_GETFL, 0)) & O_NONBLOCK,
          O_NONBLOCK);
    check("bind", or_errno(bind(l, &any, sizeof(any))), 0);
    check("listen", or_errno(listen(l, 4)), 0);
    check("accept with nobody there", or_errno(accept(l, 0, 0)), -EAGAIN);
    long start = ms_now();
    check("poll of the listener for 200 ms", poll_one(l, POLLIN, 200), 0);
    long waited = ms_now() - start;
    check("it waited 200 ms or more, less than 2 s", waited >= 200 && waited < 2000, 1);

    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    check("connect", or_errno(connect(c, &lo, sizeof(lo))), -EINPROGRESS);
    check("poll until it is open", poll_one(c, POLLOUT, WAIT_MS), POLLOUT);
    int err = -1;
    uint32_t len = sizeof(err);
    check("SO_ERROR", or_errno(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len)), 0);
    check("it says", err, 0);
    check("connect again", or_errno(connect(c, &lo, sizeof(lo))), 0);
    check("and again", or_errno(connect(c, &lo, sizeof(lo))), -EISCONN);
    check("the listener is POLLIN", poll_one(l, POLLIN, WAIT_MS), POLLIN);
    int a = accept4(l, 0, 0, SOCK_NONBLOCK);
    check("accept4 with SOCK_NONBLOCK", a >= 0, 1);
    check("F_GETFL of it", or_errno(fcntl(a, F_GETFL, 0)) & O_NONBLOCK, O_NONBLOCK);
    check("a read with nothing there", or_errno(read(a, got, 1)), -EAGAIN);
    /* MSG_DONTWAIT: one call of a blocking socket that does not wait. */
    check("F_SETFL 0: blocking", or_errno(fcntl(a, F_SETFL, 0)), 0);
    check("recv MSG_DONTWAIT with nothing there", or_errno(recv(a, got, 1, MSG_DONTWAIT)),
          -EAGAIN);
    check("recv MSG_DONTWAIT | MSG_WAITALL too",
          or_errno(recv(a, got, 1, MSG_DONTWAIT | MSG_WAITALL)), -EAGAIN);
    check("the socket still blocks: F_GETFL", or_errno(fcntl(a, F_GETFL, 0)) & O_NONBLOCK, 0);
    check("F_SETFL O_NONBLOCK again", or_errno(fcntl(a, F_SETFL, O_NONBLOCK)), 0);
    check("poll for input, 0 ms", poll_one(a, POLLIN, 0), 0);
    check("write 5 bytes", or_errno(write(c, "hello", 5)), 5);
    check("poll until they come", poll_one(a, POLLIN | POLLOUT, WAIT_MS), POLLIN | POLLOUT);
    check("read them", or_errno(read(a, got, sizeof(got))), 5);

    for (long i = 0; i < CHUNK; i++)
        chunk[i] = pattern(i);
    long total = 0, n;
    /* Full chunks of the pattern, then what fits: keep the offsets whole.
     * The sender blocks now: MSG_DONTWAIT alone keeps each send from
     * waiting. */
    check("F_SETFL 0 on the sender", or_errno(fcntl(c, F_SETFL, 0)), 0);
    while ((n = or_errno(send(c, chunk + total % CHUNK, CHUNK - total % CHUNK, MSG_DONTWAIT))) > 0)
        total += n;
    check("sends with MSG_DONTWAIT until the buffers are full: then", n, -EAGAIN);
    check("more than 64 KiB went", total > 65536, 1);
    check("POLLOUT is gone", poll_one(c, POLLOUT, 0), 0);
    check("the peer reads every byte", drain(a, total), 0);
    check("POLLOUT is back", poll_one(c, POLLOUT, WAIT_MS), POLLOUT);
    check("shut the writing", or_errno(shutdown(c, SHUT_WR)), 0);
    check("the peer's FIN: POLLIN | POLLRDHUP", poll_one(a, POLLIN | POLLRDHUP, WAIT_MS),
          POLLIN | POLLRDHUP);
    check("a read of the end", or_errno(read(a, got, 1)), 0);
    check("F_SETFL 0: blocking again", or_errno(fcntl(a, F_SETFL, 0)), 0);
    check("F_GETFL says so", or_errno(fcntl(a, F_GETFL, 0)) & O_NONBLOCK, 0);
    close(a);
    close(c);

    struct sockaddr_in closed = address(LOOPBACK, CLOSED_PORT);
    c = socket(AF_INET, SOCK_STREAM, 0);
    check("F_SETFL O_NONBLOCK", or_errno(fcntl(c, F_SETFL, O_NONBLOCK)), 0);
    check("connect to a closed port", or_errno(connect(c, &closed, sizeof(closed))),
          -EINPROGRESS);
    check("poll: it failed", poll_one(c, POLLOUT, WAIT_MS) & (POLLOUT | POLLERR | POLLHUP),
          POLLOUT | POLLERR | POLLHUP);
    len = sizeof(err);
    check("SO_ERROR", or_errno(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len)), 0);
    check("it says", err, ECONNREFUSED);
    check("SO_ERROR again", or_errno(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len)), 0);
    check("reading it cleared it", err, 0);
    check("SO_ERROR a third time", or_errno(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len)), 0);
    check("still cleared", err, 0);
    check("connect again says it too", or_errno(connect(c, &closed, sizeof(closed))),
          -ECONNREFUSED);
    close(c);
    int u = socket(AF_INET, SOCK_STREAM, 0);
    check("an unconnected socket: POLLOUT | POLLHUP", poll_one(u, POLLIN | POLLOUT, 0),
          POLLOUT | POLLHUP);
    close(u);
    close(l);
}

static void pipes(void)
{
    int fds[2];
    check("pipe2 with O_NONBLOCK", or_errno(pipe2(fds, O_NONBLOCK)), 0);
    check("a read of the empty pipe", or_errno(read(fds[0], got, 1)), -EAGAIN);
    check("its read end is not POLLIN", poll_one(fds[0], POLLIN, 0), 0);
    check("its write end is POLLOUT", poll_one(fds[1], POLLOUT, 0), POLLOUT);
    check("write a page", or_errno(write(fds[1], chunk, PAGE_SIZE)), PAGE_SIZE);
    check("one byte more", or_errno(write(fds[1], chunk, 1)), -EAGAIN);
    check("no POLLOUT when full", poll_one(fds[1], POLLOUT, 0), 0);
    check("POLLIN", poll_one(fds[0], POLLIN, 0), POLLIN);
    check("read it back", or_errno(read(fds[0], got, PAGE_SIZE)), PAGE_SIZE);
    check("POLLIN gone", poll_one(fds[0], POLLIN, 0), 0);

    pid_t child = fork();
    if (child == 0) {
        sleep_ms(300);
        write(fds[1], "x", 1);
        exit(0);
    }
    long start = ms_now();
    check("poll sleeps until a child writes", poll_one(fds[0], POLLIN, -1), POLLIN);
    check("about 300 ms later", ms_now() - start >= 250, 1);
    waitpid(child, 0, 0);
    check("read the byte", or_errno(read(fds[0], got, 1)), 1);

    child = fork();
    if (child == 0) {
        poll_one(fds[0], POLLIN, -1);   /* nothing comes: only a kill ends it */
        exit(0);
    }
    sleep_ms(200);
    start = ms_now();
    kill(child, SIGTERM);
    int status = 0;
    waitpid(child, &status, 0);
    check("a kill ends a process asleep in poll", WTERMSIG(status), SIGTERM);
    check("at once (under 1 s)", ms_now() - start < 1000, 1);

    close(fds[1]);
    check("no writer left: POLLHUP", poll_one(fds[0], POLLIN, 0), POLLHUP);
    check("pipe2 again", or_errno(pipe2(fds, 0)), 0);
    close(fds[0]);
    check("no reader left: POLLERR", poll_one(fds[1], POLLOUT, 0), POLLOUT | POLLERR);
    close(fds[1]);
}

static void poll_itself(void)
{
    struct pollfd p[17] = { { 13, POLLIN, 0 }, { -1, POLLIN, 0 } };
    check("poll of a closed descriptor and a negative one", or_errno(poll(p, 2, 0)), 1);
    check("POLLNVAL for the closed one", p[0].revents, POLLNVAL);
    check("nothing for the negative one", p[1].revents, 0);
    check("17 descriptors", or_errno(poll(p, 17, 0)), -EINVAL);
    check("fds in the kernel's half", or_errno(poll(KERNEL_HALF, 1, 0)), -EFAULT);
    long start = ms_now();
    check("no descriptors, 100 ms", or_errno(poll(p, 0, 100)), 0);
    check("it slept 100 ms", ms_now() - start >= 100, 1);
}

static void console(void)
{
    check("the typed line is POLLIN", poll_one(0, POLLIN, WAIT_MS), POLLIN);
    long n = or_errno(read(0, got, sizeof(got) - 1));
    got[n > 0 ? n : 0] = 0;
    check("read it", memcmp(got, "typed line\n", 11), 0);
    check("the console is POLLOUT", poll_one(1, POLLOUT, 0), POLLOUT);
}

int main(void)
{
    sockets();
    pipes();
    poll_itself();
    console();
    printf("nonblock: %d wrong\n", check_wrong);
    return check_wrong;
}
