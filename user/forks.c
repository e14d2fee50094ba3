/*
 * forks.c - fork from user mode.  A tree: three children, each with two
 * children of its own, every process exiting with a status of its own
 * that its parent checks through wait4 (by pid, and any).  Copy-on-write:
 * memory written before the fork -- .data, .bss, the heap, the stack, a
 * private mapping -- is the same in the child, and each side's writes
 * after it are its own; a MAP_SHARED mapping stays shared, both ways.  A
 * forked child can execve (/bin/hello names this process as its parent).
 * Each check prints "forks: WHAT: got G, want W"; exits with the number
 * that failed.
 */
#include <stdbool.h>
#include "ulib.h"

#define PAGES   4                       /* of each kind of memory */

static uint32_t data_words[PAGES * PAGE_SIZE / 4] = { 1 };     /* .data */
static uint32_t bss_words[PAGES * PAGE_SIZE / 4];               /* .bss */

struct region {
    const char *what;                   /* the check, after the child exited */
    uint32_t *words;
    bool shared;                        /* MAP_SHARED: the child's writes are seen */
};

static uint32_t value(uint32_t i, uint32_t who)
{
    return i * 2654435761u + who;
}

static void fill(struct region *r, int n, uint32_t who)
{
    for (int k = 0; k < n; k++)
        for (uint32_t i = 0; i < PAGES * PAGE_SIZE / 4; i++)
            r[k].words[i] = value(i, who);
}

/* Words of r that do not hold who's values. */
static uint32_t differ(const struct region *r, uint32_t who)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < PAGES * PAGE_SIZE / 4; i++)
        bad += r->words[i] != value(i, who);
    return bad;
}

/* Child i of the tree: two children of its own, exiting with 10 * i + j;
 * it exits with i when their statuses and its parent are right. */
static int tree_child(int i, long parent)
{
    long pids[2];
    int wrong = getppid() != parent;
    for (int j = 0; j < 2; j++) {
        pids[j] = fork();
        if (pids[j] == 0)
            exit(10 * i + j + 1);
        wrong += pids[j] < 0;
    }
    for (int j = 1; j >= 0; j--) {          /* by pid, the younger first */
        int status = -1;
        wrong += wait4(pids[j], &status, 0, 0) != pids[j];
        wrong += !WIFEXITED(status) || WEXITSTATUS(status) != 10 * i + j + 1;
    }
    wrong += or_errno(wait4(-1, 0, 0, 0)) != -ECHILD;
    return wrong ? 50 + i : i;
}

int main(void)
{
    long me = getpid();
    /* The tree. */
    for (int i = 1; i <= 3; i++) {
        long pid = fork();
        if (pid == 0)
            exit(tree_child(i, me));
        check("fork gives the parent a pid", pid > me, 1);
    }
    int seen = 0;
    for (int n = 0; n < 3; n++) {
        int status = -1;
        long pid = wait4(-1, &status, 0, 0);
        if (pid > 0 && WIFEXITED(status))
            seen |= 1 << WEXITSTATUS(status);
    }
    check("the three children exited with 1, 2 and 3 (grandchildren right)", seen, 0xE);
    check("then wait4 says no children", or_errno(wait4(-1, 0, 0, 0)), -ECHILD);

    /* Copy-on-write. */
    uint32_t stack_words[PAGE_SIZE / 4];
    char *heap = (char *)brk(0);
    brk(heap + PAGES * PAGE_SIZE);
    uint32_t *priv = mmap(0, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint32_t *shared = mmap(0, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct region r[] = {
        { ".data keeps the parent's words", data_words, false },
        { ".bss keeps the parent's words", bss_words, false },
        { "the heap keeps the parent's words", (uint32_t *)heap, false },
        { "a private mapping keeps the parent's words", priv, false },
        { "a shared mapping has the child's words", shared, true },
    };
    int n = sizeof(r) / sizeof(r[0]);
    fill(r, n, 1);
    for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
        stack_words[i] = value(i, 1);
    long pid = fork();
    if (pid == 0) {
        uint32_t bad = 0;
        for (int k = 0; k < n; k++)
            bad += differ(&r[k], 1);        /* the parent's, before anyone writes */
        fill(r, n, 2);
        for (uint32_t i = 0; i < PAGE_SIZE / 4; i++)
            bad += stack_words[i] != value(i, 1);
        for (int k = 0; k < n; k++)
            bad += differ(&r[k], 2);        /* its own */
        exit(bad ? 1 : 0);
    }
    int status = -1;
    check("the child saw the parent's memory, then its own", wait4(pid, &status, 0, 0) == pid &&
          WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    for (int k = 0; k < n; k++)
        check(r[k].what, differ(&r[k], r[k].shared ? 2 : 1), 0);
    fill(r, n, 3);                    /* the last sharer writes in place */
    uint32_t bad = 0;
    for (int k = 0; k < n; k++)
        bad += differ(&r[k], 3);
    check("the parent writes its pages again", bad, 0);

    /* fork, then execve in the child. */
    pid = fork();
    if (pid == 0) {
        char *argv[] = { "/bin/hello", "forked", 0 };
        execve("/bin/hello", argv, 0);
        exit(127);
    }
    check("the forked hello exited 0", wait4(pid, &status, 0, 0) == pid && WIFEXITED(status)
          ? WEXITSTATUS(status) : -1, 0);
    printf("forks: pid %d, %d wrong\n", (int)me, check_wrong);
    return check_wrong;
}
