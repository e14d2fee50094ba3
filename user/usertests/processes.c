/*
 * processes.c - usertests' cases about processes: a fork and exec tree
 * with exit statuses, copy-on-write pages through swap, a pipe whose
 * reader dies, a bad pointer given to every call, a fork bomb stopped at
 * the process limit, and a process killed while it swaps in.  Each runs
 * in a child of its own (see usertests.h).
 */
#include "usertests.h"

/* Three children, each with two of its own; every process exits with a
 * status of its own, checked by its parent; one grandchild becomes
 * /bin/sh -c 'exit 42' (exec with arguments, status through exec). */
void fork_exec_wait_tree(void)
{
    pid_t kids[3];
    for (int k = 0; k < 3; k++) {
        kids[k] = fork_or_fail();
        if (kids[k] == 0) {
            pid_t g0 = fork_or_fail();
            if (g0 == 0)
                exit(10 + k);
            pid_t g1 = fork_or_fail();
            if (g1 == 0) {
                if (k == 2) {
                    char *argv[] = { "/bin/sh", "-c", "exit 42", 0 }, *envp[] = { 0 };
                    execve(argv[0], argv, envp);
                    exit(100);
                }
                exit(20 + k);
            }
            expect_exit(g1, k == 2 ? 42 : 20 + k, "grandchild 1");
            expect_exit(g0, 10 + k, "grandchild 0");
            if (getppid() <= 0)
                fail("getppid in a child: %d", (int)getppid());
            exit(30 + k);
        }
    }
    for (int k = 2; k >= 0; k--)
        expect_exit(kids[k], 30 + k, "child");
    if (waitpid(-1, 0, WNOHANG) != -1 || errno != ECHILD)
        fail("wait4 with every child reaped does not say ECHILD");
}

/* A parent's pages shared copy-on-write with its child, swapped out by a
 * hog and read back: each side sees its own.  A write to a shared page
 * after it came back from swap copies it (the parent still sees its own). */
void cow_pages_swapped_out_and_back(void)
{
    const size_t len = 4u << 20, words = len / 4, half = words / 2;
    uint32_t *w = map_anon(len);
    fill(w, words, 1);
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        fill(w, half, 2);               /* the first half becomes the child's own */
        hog_past_memory();
        size_t bad = wrong_words(w, 0, half, 2) + wrong_words(w, half, words, 1);
        if (bad)
            fail("the child sees %u wrong words after swap", (unsigned)bad);
        for (size_t i = half; i < words; i++)
            w[i] = pattern((uint32_t)i, 3);    /* the shared half, copied now */
        if (wrong_words(w, half, words, 3))
            fail("the child's writes after swap-in did not stay");
        exit(0);
    }
    expect_exit(pid, 0, "the child");
    size_t bad = wrong_words(w, 0, words, 1);
    if (bad)
        fail("the parent sees %u words that are not its own", (unsigned)bad);
}

/* A pipe whose reader reads a little and exits: the reader gets what was
 * written, in order; the writer's next writes fail with EPIPE (or a
 * signal ends it); a reader whose writer exits reads the end (0). */
void pipe_with_a_reader_that_dies(void)
{
    int fds[2];
    if (need(pipe(fds), "pipe") < 0)
        fail("pipe: %s", strerror(errno));
    pid_t reader = fork_or_fail();
    if (reader == 0) {
        close(fds[1]);
        char buf[100];
        size_t got = 0;
        while (got < sizeof(buf)) {
            ssize_t n = read(fds[0], buf + got, sizeof(buf) - got);
            if (n <= 0)
                fail("the reader's read: %d (%s)", (int)n, n ? strerror(errno) : "end");
            got += (size_t)n;
        }
        for (size_t i = 0; i < sizeof(buf); i++)
            if (buf[i] != (char)i)
                fail("the reader got byte %u = %d", (unsigned)i, buf[i]);
        exit(0);                        /* the read end closes with it */
    }
    close(fds[0]);
    pid_t writer = fork_or_fail();
    if (writer == 0) {
        char buf[512];
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (char)i;
        for (int i = 0; i < 10000; i++)
            if (write(fds[1], buf, sizeof(buf)) < 0)
                exit(errno == EPIPE ? 0 : 2);
        exit(3);                        /* 5 MB into a pipe nobody reads */
    }
    close(fds[1]);
    expect_exit(reader, 0, "the reader");
    int ws = wait_for(writer);
    if (WIFEXITED(ws) && WEXITSTATUS(ws) != 0)
        fail("the writer exited %d (2: an error other than EPIPE, 3: never failed)",
             WEXITSTATUS(ws));
    if (pipe(fds) < 0)
        fail("pipe: %s", strerror(errno));
    pid_t quitter = fork_or_fail();
    if (quitter == 0) {
        close(fds[0]);
        write(fds[1], "bye", 3);
        exit(0);
    }
    close(fds[1]);
    char buf[8];
    ssize_t a = read(fds[0], buf, sizeof(buf));
    expect_exit(quitter, 0, "the writer");
    ssize_t b = read(fds[0], buf, sizeof(buf));
    if (a != 3 || b != 0)
        fail("reads from a pipe whose writer exited: %d then %d, want 3 then 0", (int)a, (int)b);
    close(fds[0]);
}

/* ---- bad pointers ---- */

static int open_fd = -1;                /* /bin/sh, for the calls that read a file */
static char *bad;                       /* the bad pointer of the round */

static long b_write(void) { return write(1, bad, 8); }
static long b_read(void) { return read(open_fd, bad, 8); }
static long b_pread(void) { return pread(open_fd, bad, 8, 0); }
static long b_open(void) { return open(bad, O_RDONLY); }
static long b_execve_path(void) { return execve(bad, 0, 0); }
static long b_execve_argv(void) { return execve("/bin/sh", (char **)bad, 0); }
static long b_execve_envp(void)
{
    char *argv[] = { "/bin/sh", 0 };
    return execve("/bin/sh", argv, (char **)bad);
}
static long b_chdir(void) { return chdir(bad); }
static long b_mkdir(void) { return mkdir(bad, 0755); }
static long b_rmdir(void) { return rmdir(bad); }
static long b_unlink(void) { return unlink(bad); }
static long b_rename(void) { return rename("/bin/sh", bad); }
static long b_getcwd(void) { return getcwd(bad, 64) ? 0 : -1; }
static long b_pipe(void) { return pipe((int *)bad); }
static long b_clock(void) { return clock_gettime(CLOCK_MONOTONIC, (struct timespec *)bad); }
static long b_nanosleep(void) { return nanosleep((struct timespec *)bad, 0); }
static long b_sysinfo(void) { return sysinfo((struct sysinfo *)bad); }
static long b_poll(void) { return poll((struct pollfd *)bad, 1, 0); }
static long b_wait4(void) { return wait4_of_an_exited_child((int *)bad); }

static const struct bad_call {
    const char *name;
    long (*call)(void);
    bool null_ok;                       /* NULL means "none" to this call */
} bad_calls[] = {
    { "write", b_write, false }, { "read", b_read, false }, { "pread64", b_pread, false },
    { "open", b_open, false }, { "execve (path)", b_execve_path, false },
    { "execve (argv)", b_execve_argv, true }, { "execve (envp)", b_execve_envp, true },
    { "chdir", b_chdir, false },
    { "mkdir", b_mkdir, false }, { "rmdir", b_rmdir, false }, { "unlink", b_unlink, false },
    { "rename", b_rename, false }, { "getcwd", b_getcwd, false }, { "pipe", b_pipe, false },
    { "clock_gettime", b_clock, false }, { "nanosleep", b_nanosleep, false },
    { "sysinfo", b_sysinfo, false }, { "wait4 (status)", b_wait4, true },
    { "poll", b_poll, false },
};

/* Each call above, given NULL (where NULL is not "none"), a pointer into
 * the kernel's half and one whose bytes run into an unmapped page, fails
 * with EFAULT, and this process goes on.  The calls the kernel does not
 * have are listed (read and pread64 too while open is not there). */
void bad_pointers_to_every_call(void)
{
    char *page = map_anon(2 * PAGE_SIZE);
    munmap(page + PAGE_SIZE, PAGE_SIZE);
    memset(page, 'x', PAGE_SIZE);       /* no NUL: a string runs into the hole */
    char *const kinds[] = { 0, KERNEL_HALF, page + PAGE_SIZE - 1 };   /* 1 byte: all need more */
    const char *kind_names[] = { "NULL", "the kernel's half", "across the end of a mapping" };
    open_fd = open("/bin/sh", O_RDONLY);
    char missing[256] = "";
    int pointers = 0, calls = 0;
    for (size_t c = 0; c < sizeof(bad_calls) / sizeof(bad_calls[0]); c++) {
        const struct bad_call *b = &bad_calls[c];
        bad = kinds[b->null_ok];
        bool untestable = (b->call == b_read || b->call == b_pread) && open_fd < 0;
        if (untestable || (b->call() == -1 && errno == ENOSYS)) {
            size_t n = strlen(missing);
            snprintf(missing + n, sizeof(missing) - n, " %s", b->name);
            continue;
        }
        for (int k = b->null_ok; k < 3; k++) {
            bad = kinds[k];
            long r = b->call();
            if (r != -1 || errno != EFAULT)
                fail("%s given %s: %d (%s), want EFAULT", b->name, kind_names[k], (int)r,
                     r == -1 ? strerror(errno) : "no error");
            pointers++;
        }
        calls++;
    }
    printf("usertests: %s: %d bad pointers given to %d calls: EFAULT each; not built:%s\n",
           current, pointers, calls, missing[0] ? missing : " none");
}

/* Processes that fork until the process limit stops them: the fork that
 * fails says EAGAIN, every child is reaped, and a fork works again. */
void fork_bomb_stopped_at_the_limit(void)
{
    pid_t bomb = fork_or_fail();
    if (bomb == 0) {
        int made = 0;
        for (;;) {
            pid_t pid = fork();
            if (pid == 0) {
                struct timespec nap = { 1, 0 };
                nanosleep(&nap, 0);     /* long enough for the limit to be reached */
                exit(0);
            }
            if (pid < 0)
                break;
            if (++made > 1000)
                fail("1000 processes and fork still works: no limit");
        }
        if (errno != EAGAIN)
            fail("the fork past the limit: %s, want EAGAIN", strerror(errno));
        int reaped = 0, ws;
        while (wait4(-1, &ws, 0, 0) > 0)
            reaped++;
        if (reaped != made)
            fail("%d children made, %d reaped", made, reaped);
        printf("usertests: %s: %d processes made before EAGAIN, all reaped\n", current, made);
        exit(0);
    }
    expect_exit(bomb, 0, "the bomb");
    pid_t again = fork_or_fail();
    if (again == 0)
        exit(5);
    expect_exit(again, 5, "a fork after the bomb");
}

/* A process that reads its swapped-out pages back is killed (SIGKILL) in
 * the middle of it: it ends with that signal, and once it is reaped
 * every swap slot it held is free again -- all but FREE_SLACK, which
 * this process's own pages, pushed out meanwhile, may hold (the harness
 * checks exactly, once usertests has exited). */
void killed_during_swap_in(void)
{
    struct sysinfo before, now;
    info(&before);
    need_swap(&before);
    need(kill(getpid(), 0), "kill");   /* signal 0: only asks whether it could */
    size_t len = (size_t)before.totalram * before.mem_unit + (8u << 20);
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        uint32_t *w = map_anon(len);
        for (;;)                        /* write all, read all: swapping both ways */
            fill(w, len / 4, 1);
    }
    struct timespec nap = { 3, 0 };     /* by then it has filled memory and swap works */
    nanosleep(&nap, 0);
    if (kill(pid, SIGKILL) < 0)
        fail("kill: %s", strerror(errno));
    int ws = wait_for(pid);
    if (WIFEXITED(ws) || WTERMSIG(ws) != SIGKILL)
        fail("the swapping child's wait status is %#x, want killed by SIGKILL", ws);
    info(&now);
    for (int tries = 0; now.freeswap + FREE_SLACK < before.freeswap && tries < 50; tries++) {
        struct timespec tick = { 0, 100 * 1000000 };   /* writes in flight may still end */
        nanosleep(&tick, 0);
        info(&now);
    }
    if (now.freeswap + FREE_SLACK < before.freeswap)
        fail("%d swap slots not freed after the kill (more than FREE_SLACK, %d)",
             (int)(before.freeswap - now.freeswap), FREE_SLACK);
}

