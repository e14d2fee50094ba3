/*
 * userbench.c - what a process's basic operations cost, for bench=user
 * (tests/bench/bench_user.c): `userbench MODE FILE` times ROUNDS rounds
 * of one operation with rdtsc in user mode and writes the raw TSC deltas
 * (ROUNDS 32-bit words) to FILE; the kernel turns them into
 * instructions under icount and takes the median.  Exits 0 when every
 * round worked.  The modes:
 *
 *   fork     with 1 MiB mapped and touched, fork a child that exits at
 *            once and wait4 for it
 *   execve   execve of this program (a small static one: a few pages),
 *            from the call to the new program's main(): the rdtsc before
 *            the call rides in argv (`userbench execve FILE ROUND TSC`),
 *            and each new program appends its round's delta to FILE
 *            (untimed) and execs the next round.  The first round opens
 *            the program and leaves it open (execve keeps descriptors):
 *            a file's pages live only as long as its inode is referenced
 *            (fs/vfs.c's iput(): no cache of unused inodes yet), and
 *            without it every round would read the program from the
 *            disk -- a disk's time, not execve's
 *   pipe     a 4 KiB round trip: write 4 KiB into a pipe to a child, which
 *            reads it and writes it back on another pipe; read it all
 *   stream   64 KiB one way: a child writes 16 times 4 KiB into a pipe,
 *            this process reads until it has all of it
 */
#include <stdbool.h>
#include "ulib.h"

#define ROUNDS      101
#define MIB         1
#define CHUNK       4096                /* a pipe's buffer: one write goes in whole */
#define STREAM      (64 * 1024)

static uint32_t delta[ROUNDS];

static uint32_t rdtsc32(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return lo;                          /* a delta fits 32 bits: rounds are short */
}

/* The decimal number s, as an unsigned 32-bit word. */
static uint32_t parse_u32(const char *s)
{
    uint32_t v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (uint32_t)(*s++ - '0');
    return v;
}

static int save(const char *file, const void *words, size_t len, int flags)
{
    int fd = open(file, O_WRONLY | O_CREAT | flags, 0644);
    if (fd < 0 || write(fd, words, len) != (ssize_t)len || close(fd) < 0)
        return 3;
    return 0;
}

static int bench_fork(void)
{
    char *mem = mmap(0, MIB << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return 2;
    memset(mem, 1, MIB << 20);          /* every page resident: what fork copies */
    for (int i = 0; i < ROUNDS; i++) {
        uint32_t t0 = rdtsc32();
        pid_t pid = fork();
        if (pid == 0)
            exit(0);
        int status = -1;
        if (pid < 0 || wait4(pid, &status, 0, 0) != pid || status != 0)
            return 1;
        delta[i] = rdtsc32() - t0;
        mem[i * PAGE_SIZE] = 2;         /* untimed: a write the next fork protects again */
    }
    return 0;
}

/* Round round (1 on) of execve: the previous round's delta, then the next. */
static int bench_execve(char **argv, int argc)
{
    uint32_t now = rdtsc32();
    uint32_t round = argc > 4 ? parse_u32(argv[3]) : 0;
    if (round > 0) {
        uint32_t d = now - parse_u32(argv[4]);
        if (save(argv[2], &d, sizeof(d), O_APPEND))
            return 3;
    } else if (save(argv[2], "", 0, O_TRUNC) || open(argv[0], O_RDONLY) < 0) {
        return 3;
    }
    if (round == ROUNDS)
        return 0;
    char next[12], t0[12];
    snprintf(next, sizeof(next), "%u", round + 1);
    char *args[] = { argv[0], "execve", argv[2], next, t0, 0 };
    snprintf(t0, sizeof(t0), "%u", rdtsc32());
    execve(argv[0], args, environ);
    return 1;
}

/* Read exactly len bytes from fd; 0, or -1. */
static int read_all(int fd, char *buf, size_t len)
{
    for (size_t got = 0; got < len;) {
        ssize_t n = read(fd, buf + got, len - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
    }
    return 0;
}

/* pipe: ROUNDS round trips of CHUNK bytes; stream: ROUNDS times STREAM
 * bytes one way.  The child echoes, or writes, until its pipe ends. */
static int bench_pipe(bool round_trip)
{
    static char buf[STREAM];
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0)
        return 2;
    pid_t pid = fork();
    if (pid < 0)
        return 2;
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        if (!round_trip) {
            for (int i = 0; i < ROUNDS * STREAM / CHUNK; i++)
                if (write(to_parent[1], buf, CHUNK) != CHUNK)
                    exit(1);
            exit(0);
        }
        while (read_all(to_child[0], buf, CHUNK) == 0)
            if (write(to_parent[1], buf, CHUNK) != CHUNK)
                exit(1);
        exit(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    memset(buf, 'p', sizeof(buf));
    for (int i = 0; i < ROUNDS; i++) {
        uint32_t t0 = rdtsc32();
        if (round_trip && write(to_child[1], buf, CHUNK) != CHUNK)
            return 1;
        if (read_all(to_parent[0], buf, round_trip ? CHUNK : STREAM) < 0)
            return 1;
        delta[i] = rdtsc32() - t0;
    }
    close(to_child[1]);                 /* the echoing child's read ends */
    int status = -1;
    return waitpid(pid, &status, 0) == pid && status == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        dprintf(2, "usage: userbench fork|execve|pipe|stream FILE\n");
        return 2;
    }
    const char *mode = argv[1];
    if (strcmp(mode, "execve") == 0)
        return bench_execve(argv, argc);
    int err = strcmp(mode, "fork") == 0     ? bench_fork()
              : strcmp(mode, "pipe") == 0   ? bench_pipe(true)
              : strcmp(mode, "stream") == 0 ? bench_pipe(false)
                                            : 2;
    return err ? err : save(argv[2], delta, sizeof(delta), O_TRUNC);
}
