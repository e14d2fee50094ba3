/*
 * usertests.c - the user-mode test suite, as xv6's: each case is a
 * function run in a child of its own (fork), which checks and exits 0;
 * the parent judges by the child's wait status, so a case that
 * crashes fails alone and the next one runs.
 *
 *   usertests [NAME...]     the cases named (all by default), in order
 *
 * One line per case -- "usertests: NAME: ok", "... FAILED: why" or
 * "... skipped: CALL not built" (a case whose system call the kernel
 * does not have yet: counted apart, never as passed) -- then the
 * summary, ending as xv6's does: "usertests: N skipped; N passed, N
 * failed".  The exit status is the number that failed.
 *
 * The swap cases size their hog from sysinfo, past the machine's memory;
 * they need swap (skipped without).  free_pages_come_back runs last and
 * compares the kernel's counts with those taken before the first case.
 */
#include <stdbool.h>
#include "ulib.h"

#define EXIT_SKIP       77              /* a case's status: skipped (automake's number) */
#define KERNEL_HALF     ((void *)0xC0100000)
#define FREE_SLACK      64              /* pages the page cache and slabs may keep, and
                                         * usertests' own that a hog put in swap */

static const char *current;             /* the case running, in its child */
static struct sysinfo at_start;         /* before the first case */

__attribute__((format(printf, 1, 2), noreturn)) static void fail(const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    printf("usertests: %s: FAILED: %s\n", current, why);
    exit(1);
}

/* r is a call's result: a call the kernel does not have skips the case. */
static long need(long r, const char *call)
{
    if (r == -1 && errno == ENOSYS) {
        printf("usertests: %s: skipped: %s not built\n", current, call);
        exit(EXIT_SKIP);
    }
    return r;
}

static pid_t fork_or_fail(void)
{
    pid_t pid = need(fork(), "fork");
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    return pid;
}

/* Waits for pid; its wait status. */
static int wait_for(pid_t pid)
{
    int ws;
    if (waitpid(pid, &ws, 0) != pid)
        fail("wait4 for %d: %s", (int)pid, strerror(errno));
    return ws;
}

static void expect_exit(pid_t pid, int code, const char *who)
{
    int ws = wait_for(pid);
    if (!WIFEXITED(ws))
        fail("%s (pid %d) was killed by signal %d", who, (int)pid, WTERMSIG(ws));
    if (WEXITSTATUS(ws) != code)
        fail("%s (pid %d) exited with %d, want %d", who, (int)pid, WEXITSTATUS(ws), code);
}

static void info(struct sysinfo *si)
{
    if (sysinfo(si) < 0)
        fail("sysinfo: %s", strerror(errno));
}

static uint32_t pattern(uint32_t i, uint32_t who) { return i * 2654435761u ^ who; }

static void fill(uint32_t *w, size_t words, uint32_t who)
{
    for (size_t i = 0; i < words; i++)
        w[i] = pattern((uint32_t)i, who);
}

/* Words of w[from, to) that do not hold who's pattern. */
static size_t wrong_words(const uint32_t *w, size_t from, size_t to, uint32_t who)
{
    size_t bad = 0;
    for (size_t i = from; i < to; i++)
        bad += w[i] != pattern((uint32_t)i, who);
    return bad;
}

static void *map_anon(size_t len)
{
    void *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("mmap of %u KiB: %s", (unsigned)(len / 1024), strerror(errno));
    return p;
}

/* A case that needs swap is skipped on a machine without. */
static void need_swap(const struct sysinfo *si)
{
    if (si->totalswap == 0) {
        printf("usertests: %s: skipped: no swap on this machine\n", current);
        exit(EXIT_SKIP);
    }
}

/* Runs /bin/hog past the machine's memory, so that everything else that
 * can be swapped out is; fails unless it exits 0 (every word back). */
static void hog_past_memory(void)
{
    struct sysinfo si;
    info(&si);
    need_swap(&si);
    char mib[12];
    snprintf(mib, sizeof(mib), "%u", (unsigned)((uint64_t)si.totalram * si.mem_unit >> 20) + 16);
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        char *argv[] = { "/bin/hog", mib, 0 }, *envp[] = { 0 };
        execve(argv[0], argv, envp);
        printf("usertests: execve /bin/hog: %s\n", strerror(errno));
        exit(127);
    }
    expect_exit(pid, 0, "hog");
}

/* ---- the cases ---- */

/* Three children, each with two of its own; every process exits with a
 * status of its own, checked by its parent; one grandchild becomes
 * /bin/sh -c 'exit 42' (exec with arguments, status through exec). */
static void fork_exec_wait_tree(void)
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
static void cow_pages_swapped_out_and_back(void)
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
static void pipe_with_a_reader_that_dies(void)
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
static void bad_pointers_to_every_call(void)
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
static void fork_bomb_stopped_at_the_limit(void)
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

/* A file mapped MAP_SHARED by a parent and, on its own, by its child:
 * the child's writes through its mapping are in the parent's mapping and
 * in the file (pread), and the parent's are what a new child reads. */
static void mmap_of_a_file_shared_between_processes(void)
{
    const char *path = "/usertests.mmap";
    const size_t len = 2 * PAGE_SIZE, words = len / 4;
    int fd = need(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), "open");
    if (fd < 0)
        fail("open %s: %s", path, strerror(errno));
    uint32_t *zeros = map_anon(len);
    if (write_all(fd, zeros, len) < 0)
        fail("write %s: %s", path, strerror(errno));
    uint32_t *w = mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (w == MAP_FAILED && errno == ENODEV) {   /* mm/mmap.c: "not built yet" */
        unlink(path);
        printf("usertests: %s: skipped: mmap of a file not built\n", current);
        exit(EXIT_SKIP);
    }
    if (w == MAP_FAILED)
        fail("mmap of %s, shared: %s", path, strerror(errno));
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        int cfd = open(path, O_RDWR);
        uint32_t *cw = cfd < 0 ? MAP_FAILED : mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED,
                                                   cfd, 0);
        if (cw == MAP_FAILED)
            fail("the child's open and mmap: %s", strerror(errno));
        fill(cw, words, 7);
        exit(0);
    }
    expect_exit(pid, 0, "the child");
    size_t bad = wrong_words(w, 0, words, 7);
    if (bad)
        fail("%u words of the child's writes are not in the parent's mapping", (unsigned)bad);
    if (pread(fd, zeros, len, 0) != (ssize_t)len || wrong_words(zeros, 0, words, 7))
        fail("the file, read with pread, does not hold the child's writes");
    fill(w, words, 8);
    pid = fork_or_fail();
    if (pid == 0) {
        int cfd = open(path, O_RDONLY);
        if (cfd < 0 || read(cfd, zeros, len) != (ssize_t)len)
            fail("the second child's read: %s", strerror(errno));
        exit(wrong_words(zeros, 0, words, 8) != 0);
    }
    expect_exit(pid, 0, "the child that reads the parent's writes");
    munmap(w, len);
    close(fd);
    if (unlink(path) < 0)
        fail("unlink %s: %s", path, strerror(errno));
}

/* Pages locked with mlock stay in memory while a hog swaps everything
 * else: after it, the swap in use is less than the locked pages (it was
 * nearly empty before), and every word is there.  Locking more than the
 * machine's memory fails (ENOMEM or EAGAIN: the limit is said). */
static void mlock_honoured_while_a_hog_swaps(void)
{
    const size_t len = 4u << 20, words = len / 4;
    uint32_t *w = map_anon(len);
    fill(w, words, 9);
    if (need(mlock(w, len), "mlock") < 0)
        fail("mlock of 4 MiB: %s", strerror(errno));
    struct sysinfo before, after;
    info(&before);
    hog_past_memory();
    info(&after);
    uint32_t used = (after.totalswap - after.freeswap) - (before.totalswap - before.freeswap);
    if (used >= len / PAGE_SIZE / 2)
        fail("%u more pages in swap after the hog: the locked ones went too", (unsigned)used);
    size_t bad = wrong_words(w, 0, words, 9);
    if (bad)
        fail("%u locked words changed", (unsigned)bad);
    if (munlock(w, len) < 0)
        fail("munlock: %s", strerror(errno));
    size_t huge = (size_t)after.totalram * after.mem_unit + (16u << 20);
    void *big = mmap(0, huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (big == MAP_FAILED)
        fail("mmap of %u MiB: %s", (unsigned)(huge >> 20), strerror(errno));
    if (mlock(big, huge) == 0)
        fail("mlock of %u MiB, more than the machine has, worked", (unsigned)(huge >> 20));
    if (errno != ENOMEM && errno != EAGAIN)
        fail("mlock of more than the machine has: %s, want ENOMEM or EAGAIN", strerror(errno));
}

/* ---- file mappings: private, unmapped, PROT_NONE, locked ---- */

/* The files the harness reads back with debugfs after the boot
 * (tests/harness/user_tests.py): they stay on the disk. */
#define PRIVATE_FILE    "/usertests.private"    /* who 20 only: no private write */
#define SHARED_FILE     "/usertests.shared"     /* who 31 then 32: see the case */
#define MAP_PAGES       4
#define PAGE_WORDS      (PAGE_SIZE / 4)

/* path made anew with pages pages of who's pattern; its descriptor,
 * open for reading and writing. */
static int make_file(const char *path, size_t pages, uint32_t who)
{
    int fd = need(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644), "open");
    if (fd < 0)
        fail("open %s: %s", path, strerror(errno));
    uint32_t *buf = map_anon(pages * PAGE_SIZE);
    fill(buf, pages * PAGE_WORDS, who);
    if (write_all(fd, buf, pages * PAGE_SIZE) < 0)
        fail("write %s: %s", path, strerror(errno));
    munmap(buf, pages * PAGE_SIZE);
    return fd;
}

static void *map_file(size_t len, int prot, int flags, int fd)
{
    void *p = mmap(0, len, prot, flags, fd, 0);
    if (p == MAP_FAILED)
        fail("mmap of a file, %s, prot %d: %s", flags & MAP_SHARED ? "shared" : "private", prot,
             strerror(errno));
    return p;
}

/* Words of the file at fd, from its start, that do not hold who's
 * pattern over pages pages, read with pread. */
static size_t wrong_in_file(int fd, size_t from_page, size_t pages, uint32_t who)
{
    uint32_t *buf = map_anon(pages * PAGE_SIZE);
    ssize_t got = pread(fd, buf, pages * PAGE_SIZE, (off_t)(from_page * PAGE_SIZE));
    if (got != (ssize_t)(pages * PAGE_SIZE))
        fail("pread of %u pages: %d (%s)", (unsigned)pages, (int)got, strerror(errno));
    size_t bad = 0;
    for (size_t i = 0; i < pages * PAGE_WORDS; i++)
        bad += buf[i] != pattern((uint32_t)(from_page * PAGE_WORDS + i), who);
    munmap(buf, pages * PAGE_SIZE);
    return bad;
}

/* A child that touches addr (writes when write) must be ended by SIGSEGV. */
static void touch_ends_a_child(volatile uint32_t *addr, bool write, const char *what)
{
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        if (write)
            *addr = 1;
        else
            exit((int)(*addr & 1) + 2);
        exit(0);
    }
    int ws = wait_for(pid);
    if (WIFEXITED(ws) || WTERMSIG(ws) != SIGSEGV)
        fail("a child that %s %s: wait status %#x, want killed by SIGSEGV",
             write ? "wrote to" : "read", what, ws);
}

/* A file mapped MAP_PRIVATE (from a descriptor open for reading only):
 * reads are the file's pages -- a store through a shared mapping shows
 * in a page not written privately -- and writes are the process's own:
 * not in the file (pread, a shared mapping, another process's shared
 * mapping, fsync'ed) and, after fork, copied on write on either side.
 * A read-only private mapping ends a writer with SIGSEGV, and mprotect
 * may make it writable; a shared one of that descriptor it may not
 * (EACCES). */
static void mmap_private_file_writes_stay_private(void)
{
    const size_t len = MAP_PAGES * PAGE_SIZE, words = len / 4;
    int fd = make_file(PRIVATE_FILE, MAP_PAGES, 20);
    int ro = open(PRIVATE_FILE, O_RDONLY);
    if (ro < 0)
        fail("open %s for reading: %s", PRIVATE_FILE, strerror(errno));
    uint32_t *p = map_file(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro);
    if (wrong_words(p, 0, words, 20))
        fail("reads through the private mapping are not the file's");
    fill(p, 2 * PAGE_WORDS, 21);        /* pages 0 and 1 become copies */
    uint32_t *s = map_file(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    if (wrong_words(s, 0, words, 20))
        fail("a shared mapping of the file sees the private writes");
    s[3 * PAGE_WORDS] = 0x5a5a5a5a;     /* page 3: never written privately */
    if (p[3 * PAGE_WORDS] != 0x5a5a5a5a)
        fail("a page not written privately is not the file's page");
    s[3 * PAGE_WORDS] = pattern(3 * PAGE_WORDS, 20);
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        if (wrong_words(p, 0, 2 * PAGE_WORDS, 21) || wrong_words(p, 2 * PAGE_WORDS, words, 20))
            fail("the child's private mapping is not the parent's");
        fill(p, words, 22);             /* copies of copies, and of file pages */
        int cfd = open(PRIVATE_FILE, O_RDONLY);
        uint32_t *cs = cfd < 0 ? MAP_FAILED : mmap(0, len, PROT_READ, MAP_SHARED, cfd, 0);
        if (cs == MAP_FAILED)
            fail("the child's open and shared mmap: %s", strerror(errno));
        if (wrong_words(cs, 0, words, 20))
            fail("the child's shared mapping sees private writes");
        if (wrong_words(p, 0, words, 22))
            fail("the child's private writes did not stay");
        exit(0);
    }
    expect_exit(pid, 0, "the child");
    if (wrong_words(p, 0, 2 * PAGE_WORDS, 21) || wrong_words(p, 2 * PAGE_WORDS, words, 20))
        fail("the child's private writes reached the parent's private mapping");
    uint32_t *r = map_file(len, PROT_READ, MAP_PRIVATE, ro);
    if (wrong_words(r, 0, words, 20))
        fail("a read-only private mapping does not read the file");
    touch_ends_a_child(r, true, "a read-only private mapping");
    if (mprotect(r, PAGE_SIZE, PROT_READ | PROT_WRITE) < 0)
        fail("mprotect of a private mapping to writable: %s", strerror(errno));
    r[0] = 1;                           /* a copy: the file stays as it is */
    munmap(r, len);
    r = map_file(len, PROT_READ, MAP_SHARED, ro);
    if (mprotect(r, len, PROT_READ | PROT_WRITE) != -1 || errno != EACCES)
        fail("mprotect to writable of a shared mapping of a file opened read-only: %s, "
             "want EACCES", strerror(errno));
    munmap(r, len);
    munmap(p, len);
    munmap(s, len);
    if (fsync(fd) < 0)
        fail("fsync: %s", strerror(errno));
    size_t bad = wrong_in_file(fd, 0, MAP_PAGES, 20);
    if (bad)
        fail("the file holds %u words of private writes", (unsigned)bad);
    close(ro);
    close(fd);
}

/* munmap of a file mapping made before a fork, in the child: a part of
 * it (a touch there then ends a grandchild with SIGSEGV, the ends stay),
 * then the rest; what the child wrote through it is in the parent's
 * mapping and, after the parent's own whole munmap and fsync, in the
 * file.  A file unlinked while mapped goes once its last area does (the
 * harness's e2fsck finds no inode left behind). */
static void munmap_of_a_file_mapping_whole_and_in_part(void)
{
    const size_t len = MAP_PAGES * PAGE_SIZE, words = len / 4;
    int fd = make_file(SHARED_FILE, MAP_PAGES, 30);
    uint32_t *s = map_file(len, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    pid_t pid = fork_or_fail();
    if (pid == 0) {
        fill(s, words, 31);
        if (munmap(s + PAGE_WORDS, 2 * PAGE_SIZE) < 0)
            fail("munmap of the middle of a file mapping: %s", strerror(errno));
        if (wrong_words(s, 0, PAGE_WORDS, 31) || wrong_words(s, 3 * PAGE_WORDS, words, 31))
            fail("the ends of the mapping lost their words");
        touch_ends_a_child(s + 2 * PAGE_WORDS, false, "an unmapped middle page");
        if (munmap(s, PAGE_SIZE) < 0 || munmap(s + 3 * PAGE_WORDS, PAGE_SIZE) < 0)
            fail("munmap of the ends: %s", strerror(errno));
        touch_ends_a_child(s, true, "an unmapped first page");
        exit(0);
    }
    expect_exit(pid, 0, "the child");
    if (wrong_words(s, 0, words, 31))
        fail("the child's writes through its mapping are not in the parent's");
    for (size_t i = 2 * PAGE_WORDS; i < words; i++)
        s[i] = pattern((uint32_t)i, 32);
    if (munmap(s, len) < 0)
        fail("munmap of the whole mapping: %s", strerror(errno));
    if (fsync(fd) < 0)
        fail("fsync after munmap: %s", strerror(errno));
    size_t bad = wrong_in_file(fd, 0, 2, 31) + wrong_in_file(fd, 2, 2, 32);
    if (bad)
        fail("%u words written through the mapping are not in the file", (unsigned)bad);
    close(fd);

    const char *gone = "/usertests.unlinked";
    fd = make_file(gone, 2, 33);
    s = map_file(2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd);
    close(fd);
    if (unlink(gone) < 0)
        fail("unlink %s: %s", gone, strerror(errno));
    if (wrong_words(s, 0, 2 * PAGE_WORDS, 33))
        fail("a mapped file, unlinked, does not read what it held");
    s[0] = 0;
    if (munmap(s + PAGE_WORDS, PAGE_SIZE) < 0 || munmap(s, PAGE_SIZE) < 0)
        fail("munmap of an unlinked file's mapping: %s", strerror(errno));
}

/* PROT_NONE, by mprotect and by mmap: a read or a write ends a child
 * with SIGSEGV, a system call given such a page says EFAULT, and
 * mprotect back gives the pages, as they were, to the program again. */
static void prot_none_touch_ends_a_child(void)
{
    char *m = map_anon(2 * PAGE_SIZE);
    memset(m, 'q', 2 * PAGE_SIZE);
    if (need(mprotect(m, 2 * PAGE_SIZE, PROT_NONE), "mprotect") < 0)
        fail("mprotect PROT_NONE: %s", strerror(errno));
    touch_ends_a_child((uint32_t *)m, false, "a PROT_NONE page");
    touch_ends_a_child((uint32_t *)(m + PAGE_SIZE), true, "a PROT_NONE page");
    if (write(1, m, 8) != -1 || errno != EFAULT)
        fail("write from a PROT_NONE page: %s, want EFAULT", strerror(errno));
    int fd = open("/bin/sh", O_RDONLY);
    if (fd < 0 || read(fd, m, 8) != -1 || errno != EFAULT)
        fail("read into a PROT_NONE page: %s, want EFAULT", strerror(errno));
    if (open(m, O_RDONLY) != -1 || errno != EFAULT)
        fail("a path in a PROT_NONE page: %s, want EFAULT", strerror(errno));
    close(fd);
    if (mprotect(m, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE) < 0)
        fail("mprotect back: %s", strerror(errno));
    for (size_t i = 0; i < 2 * PAGE_SIZE; i++)
        if (m[i] != 'q')
            fail("byte %u is %d after PROT_NONE and back", (unsigned)i, m[i]);
    uint32_t *n = mmap(0, PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (n == MAP_FAILED)
        fail("mmap PROT_NONE: %s", strerror(errno));
    touch_ends_a_child(n, false, "a page mapped PROT_NONE");
    if (mprotect(n, PAGE_SIZE, PROT_READ | PROT_WRITE) < 0)
        fail("mprotect of a PROT_NONE mapping: %s", strerror(errno));
    n[1] = 7;
    if (n[0] != 0 || n[1] != 7)
        fail("a PROT_NONE mapping made writable is not zeroed memory");
}

/* A private file mapping's written pages and a PROT_NONE area's pages
 * go to swap under a hog (ps's view counts them there) and come back
 * bit-identical -- the PROT_NONE ones once mprotect gives them back;
 * the file is never changed. */
static void private_file_and_prot_none_pages_swap_out_and_back(void)
{
    struct sysinfo si;
    info(&si);
    need_swap(&si);
    const char *path = "/usertests.swapped";
    const size_t pages = 512, len = pages * PAGE_SIZE, words = len / 4;
    int fd = make_file(path, pages, 40);
    uint32_t *p = map_file(len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd);
    fill(p, words, 41);
    uint32_t *a = map_anon(len);
    fill(a, words, 42);
    if (mprotect(a, len, PROT_NONE) < 0)
        fail("mprotect PROT_NONE: %s", strerror(errno));
    hog_past_memory();
    struct ps_entry e[PS_MAX];
    int n = swiod_ps(e, PS_MAX);
    uint32_t swapped = 0;
    for (int i = 0; i < n && i < PS_MAX; i++)
        if (e[i].pid == getpid())
            swapped = e[i].swapped;
    printf("usertests: %s: %u of its pages in swap after the hog\n", current, swapped);
    if (swapped < pages + pages / 2)        /* some of each mapping, at least */
        fail("%u pages in swap, fewer than %u (its two mappings hold %u)", swapped,
             (unsigned)(pages + pages / 2), (unsigned)(2 * pages));
    size_t bad = wrong_words(p, 0, words, 41);
    if (bad)
        fail("%u words of the private mapping wrong after swap", (unsigned)bad);
    if (mprotect(a, len, PROT_READ) < 0)
        fail("mprotect back: %s", strerror(errno));
    if ((bad = wrong_words(a, 0, words, 42)) != 0)
        fail("%u words of the PROT_NONE area wrong after swap", (unsigned)bad);
    if ((bad = wrong_in_file(fd, 0, pages, 40)) != 0)
        fail("the file holds %u words of private writes", (unsigned)bad);
    close(fd);
    unlink(path);
}

/* A file's pages mapped and mlocked stay mapped while a hog swaps (ps
 * counts them in the process's pages in memory), where the same pages
 * of another file, mapped by a child that does not lock them, are
 * reclaimed (fewer in memory after); both read back what the files
 * hold. */
static void mlock_of_a_file_mapping_keeps_its_pages(void)
{
    struct sysinfo si;
    info(&si);
    need_swap(&si);
    const size_t pages = 256, len = pages * PAGE_SIZE, words = len / 4;
    int fd = make_file("/usertests.locked", pages, 50);
    int other = make_file("/usertests.unlocked", pages, 51);
    uint32_t *m = map_file(len, PROT_READ, MAP_SHARED, fd);
    if (need(mlock(m, len), "mlock") < 0)
        fail("mlock of a file mapping: %s", strerror(errno));
    pid_t idle = fork_or_fail();
    if (idle == 0) {
        uint32_t *u = map_file(len, PROT_READ, MAP_SHARED, other);
        if (wrong_words(u, 0, words, 51))
            exit(1);
        struct timespec nap = { 600, 0 };
        nanosleep(&nap, 0);             /* until it is killed */
        exit(0);
    }
    struct timespec settle = { 0, 300 * 1000000 };
    nanosleep(&settle, 0);
    struct ps_entry e[PS_MAX];
    uint32_t idle_before = 0, idle_after = 0, mine = 0;
    for (int i = 0, n = swiod_ps(e, PS_MAX); i < n && i < PS_MAX; i++)
        if (e[i].pid == idle)
            idle_before = e[i].rss;
    hog_past_memory();
    for (int i = 0, n = swiod_ps(e, PS_MAX); i < n && i < PS_MAX; i++) {
        if (e[i].pid == idle)
            idle_after = e[i].rss;
        if (e[i].pid == getpid())
            mine = e[i].rss;
    }
    printf("usertests: %s: in memory after the hog: %u pages here (%u locked), the unlocked "
           "child %u (%u before)\n", current, mine, (unsigned)pages, idle_after, idle_before);
    kill(idle, SIGKILL);
    wait_for(idle);
    if (mine < pages)
        fail("%u pages in memory, fewer than the %u locked: locked file pages went",
             mine, (unsigned)pages);
    if (idle_after >= idle_before)
        fail("the unlocked child's pages all stayed (%u, %u before): the hog pressed nothing",
             idle_after, idle_before);
    if (wrong_words(m, 0, words, 50))
        fail("the locked mapping does not read the file");
    if (munlock(m, len) < 0)
        fail("munlock: %s", strerror(errno));
    munmap(m, len);
    close(fd);
    close(other);
    unlink("/usertests.locked");
    unlink("/usertests.unlocked");
}

/* A process that reads its swapped-out pages back is killed (SIGKILL) in
 * the middle of it: it ends with that signal, and once it is reaped
 * every swap slot it held is free again -- all but FREE_SLACK, which
 * this process's own pages, pushed out meanwhile, may hold (the harness
 * checks exactly, once usertests has exited). */
static void killed_during_swap_in(void)
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

/* Last: the kernel's free pages and swap slots, counted before the first
 * case, are back -- every process the cases made has been reaped -- but
 * for FREE_SLACK: this process lives on, and a hog may have sent some of
 * its pages to swap.  (The harness checks exactly, after it exited.) */
static void free_pages_come_back(void)
{
    struct sysinfo now;
    info(&now);
    printf("usertests: %s: free pages %u before the cases, %u now; free swap %u, %u\n",
           current, (unsigned)at_start.freeram, (unsigned)now.freeram,
           (unsigned)at_start.freeswap, (unsigned)now.freeswap);
    if (now.freeswap + FREE_SLACK < at_start.freeswap)
        fail("%u swap slots still in use (more than FREE_SLACK, %d)",
             (unsigned)(at_start.freeswap - now.freeswap), FREE_SLACK);
    if (now.freeram + FREE_SLACK < at_start.freeram)
        fail("%u pages not given back (more than FREE_SLACK, %d)",
             (unsigned)(at_start.freeram - now.freeram), FREE_SLACK);
}

static const struct test_case {
    const char *name;
    void (*fn)(void);
} cases[] = {
    { "fork_exec_wait_tree", fork_exec_wait_tree },
    { "cow_pages_swapped_out_and_back", cow_pages_swapped_out_and_back },
    { "pipe_with_a_reader_that_dies", pipe_with_a_reader_that_dies },
    { "bad_pointers_to_every_call", bad_pointers_to_every_call },
    { "fork_bomb_stopped_at_the_limit", fork_bomb_stopped_at_the_limit },
    { "mmap_of_a_file_shared_between_processes", mmap_of_a_file_shared_between_processes },
    { "mlock_honoured_while_a_hog_swaps", mlock_honoured_while_a_hog_swaps },
    { "mmap_private_file_writes_stay_private", mmap_private_file_writes_stay_private },
    { "munmap_of_a_file_mapping_whole_and_in_part", munmap_of_a_file_mapping_whole_and_in_part },
    { "prot_none_touch_ends_a_child", prot_none_touch_ends_a_child },
    { "private_file_and_prot_none_pages_swap_out_and_back",
      private_file_and_prot_none_pages_swap_out_and_back },
    { "mlock_of_a_file_mapping_keeps_its_pages", mlock_of_a_file_mapping_keeps_its_pages },
    { "killed_during_swap_in", killed_during_swap_in },
    { "free_pages_come_back", free_pages_come_back },
};

enum verdict { PASSED, FAILED, SKIPPED };

static enum verdict run_case(const struct test_case *t)
{
    current = t->name;
    pid_t pid = fork();
    if (pid == 0) {
        t->fn();
        exit(0);
    }
    if (pid < 0) {
        if (errno == ENOSYS) {
            printf("usertests: %s: skipped: fork not built\n", t->name);
            return SKIPPED;
        }
        printf("usertests: %s: FAILED: fork: %s\n", t->name, strerror(errno));
        return FAILED;
    }
    int ws;
    if (waitpid(pid, &ws, 0) != pid) {
        printf("usertests: %s: FAILED: wait4: %s\n", t->name, strerror(errno));
        return FAILED;
    }
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == EXIT_SKIP)
        return SKIPPED;                 /* the case said why */
    if (WIFEXITED(ws) && WEXITSTATUS(ws) == 0) {
        printf("usertests: %s: ok\n", t->name);
        return PASSED;
    }
    if (!WIFEXITED(ws))
        printf("usertests: %s: FAILED: killed by signal %d\n", t->name, WTERMSIG(ws));
    return FAILED;                      /* fail() said why */
}

static bool wanted(const char *name, int argc, char **argv)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    int counts[3] = { 0, 0, 0 }, ran = 0;
    sysinfo(&at_start);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!wanted(cases[i].name, argc, argv))
            continue;
        counts[run_case(&cases[i])]++;
        ran++;
    }
    if (ran < argc - 1)
        printf("usertests: %d of the names given are no case\n", argc - 1 - ran);
    printf("usertests: %d skipped; %d passed, %d failed\n", counts[SKIPPED], counts[PASSED],
           counts[FAILED] + (ran < argc - 1));
    return counts[FAILED] + (ran < argc - 1);
}
