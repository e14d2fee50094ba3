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
 *
 * This file is the runner, the list of cases and the helpers they share
 * (usertests/usertests.h); the cases are in usertests/processes.c
 * (fork, exec, pipes, bad pointers, the process limit, a kill during
 * swap-in) and usertests/memory.c (mappings of files, mlock, PROT_NONE,
 * each against swap).
 */
#include "usertests/usertests.h"

const char *current;
static struct sysinfo at_start;         /* before the first case */

void fail(const char *fmt, ...)
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
long need(long r, const char *call)
{
    if (r == -1 && errno == ENOSYS) {
        printf("usertests: %s: skipped: %s not built\n", current, call);
        exit(EXIT_SKIP);
    }
    return r;
}

pid_t fork_or_fail(void)
{
    pid_t pid = need(fork(), "fork");
    if (pid < 0)
        fail("fork: %s", strerror(errno));
    return pid;
}

/* Waits for pid; its wait status. */
int wait_for(pid_t pid)
{
    int ws;
    if (waitpid(pid, &ws, 0) != pid)
        fail("wait4 for %d: %s", (int)pid, strerror(errno));
    return ws;
}

void expect_exit(pid_t pid, int code, const char *who)
{
    int ws = wait_for(pid);
    if (!WIFEXITED(ws))
        fail("%s (pid %d) was killed by signal %d", who, (int)pid, WTERMSIG(ws));
    if (WEXITSTATUS(ws) != code)
        fail("%s (pid %d) exited with %d, want %d", who, (int)pid, WEXITSTATUS(ws), code);
}

void info(struct sysinfo *si)
{
    if (sysinfo(si) < 0)
        fail("sysinfo: %s", strerror(errno));
}

void fill(uint32_t *w, size_t words, uint32_t who)
{
    for (size_t i = 0; i < words; i++)
        w[i] = pattern((uint32_t)i, who);
}

/* Words of w[from, to) that do not hold who's pattern. */
size_t wrong_words(const uint32_t *w, size_t from, size_t to, uint32_t who)
{
    size_t bad = 0;
    for (size_t i = from; i < to; i++)
        bad += w[i] != pattern((uint32_t)i, who);
    return bad;
}

void *map_anon(size_t len)
{
    void *p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        fail("mmap of %u KiB: %s", (unsigned)(len / 1024), strerror(errno));
    return p;
}

/* A case that needs swap is skipped on a machine without. */
void need_swap(const struct sysinfo *si)
{
    if (si->totalswap == 0) {
        printf("usertests: %s: skipped: no swap on this machine\n", current);
        exit(EXIT_SKIP);
    }
}

/* Runs /bin/hog past the machine's memory, so that everything else that
 * can be swapped out is; fails unless it exits 0 (every word back). */
void hog_past_memory(void)
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
