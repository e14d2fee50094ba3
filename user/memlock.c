/*
 * memlock.c - mprotect, msync, mlock and prctl from user mode.
 *
 * Checks with known answers: mprotect makes a range read-only (a child
 * that writes there is ended by SIGSEGV) and writable again, PROT_NONE
 * and back; unmapped ranges are refused; msync of anonymous memory has nothing
 * to do; the IO-flusher flag is set, read back and cleared; an mlock
 * over MLOCK_LIMIT_PAGES is -ENOMEM.
 *
 * Then `memlock hog MIB` (argv) under memory pressure: after
 * mlockall(MCL_CURRENT | MCL_FUTURE) its own 4 MiB are locked; an
 * unlocked child holds 4 MiB of its own and naps; another child writes
 * MIB MiB, which pushes every page that can go out to swap.  Then ps's
 * view (swiod_ps) must show this process with no page swapped and the
 * unlocked child with some, and the locked pages must hold what was
 * written.  Each check prints "memlock: WHAT: got G, want W"; exits with
 * the number that failed.
 */
#include "ksignal.h"
#include "ps_abi.h"
#include "ulib.h"

#define LOCKED_PAGES    1024            /* 4 MiB */

static void nap(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000 };
    nanosleep(&t, 0);
}

static void fill(uint32_t *m, uint32_t pages, uint32_t seed)
{
    for (uint32_t i = 0; i < pages * PAGE_SIZE / 4; i++)
        m[i] = i * 2654435761u + seed;
}

static uint32_t differ(const uint32_t *m, uint32_t pages, uint32_t seed)
{
    uint32_t bad = 0;
    for (uint32_t i = 0; i < pages * PAGE_SIZE / 4; i++)
        bad += m[i] != i * 2654435761u + seed;
    return bad;
}

/* The ps entry of pid (swiod_ps), or -1 in its swapped when none. */
static struct ps_entry entry_of(long pid)
{
    static struct ps_entry e[PS_MAX];
    struct ps_entry none = { .swapped = (uint32_t)-1 };
    int n = swiod_ps(e, PS_MAX);
    for (int i = 0; i < n && i < PS_MAX; i++)
        if (e[i].pid == pid)
            return e[i];
    return none;
}

static void api_checks(void)
{
    char *m = mmap(0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(m, 7, 4 * PAGE_SIZE);
    check("mprotect of the middle two pages to read-only",
          or_errno(mprotect(m + PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ)), 0);
    check("they still read", m[PAGE_SIZE] + m[3 * PAGE_SIZE - 1], 14);
    long pid = fork();
    if (pid == 0) {
        m[2 * PAGE_SIZE] = 1;           /* a write to a read-only page */
        exit(0);
    }
    int status = 0;
    wait4(pid, &status, 0, 0);
    check("a child writing there is ended by SIGSEGV", WTERMSIG(status), SIGSEGV);
    check("mprotect back to read-write", or_errno(mprotect(m, 4 * PAGE_SIZE,
                                                            PROT_READ | PROT_WRITE)), 0);
    m[2 * PAGE_SIZE] = 9;
    check("then a write goes through", m[2 * PAGE_SIZE], 9);
    check("mprotect PROT_NONE", or_errno(mprotect(m, PAGE_SIZE, PROT_NONE)), 0);
    check("mprotect PROT_NONE back to read-write",
          or_errno(mprotect(m, PAGE_SIZE, PROT_READ | PROT_WRITE)), 0);
    check("and the page is as it was", m[0] + m[PAGE_SIZE - 1], 14);
    check("mprotect unaligned", or_errno(mprotect(m + 1, PAGE_SIZE, PROT_READ)), -EINVAL);
    check("msync of anonymous memory", or_errno(msync(m, 4 * PAGE_SIZE, MS_SYNC)), 0);
    check("msync with MS_SYNC and MS_ASYNC", or_errno(msync(m, PAGE_SIZE, MS_SYNC | MS_ASYNC)),
          -EINVAL);
    munmap(m + 2 * PAGE_SIZE, PAGE_SIZE);   /* a hole */
    check("mprotect over a hole", or_errno(mprotect(m, 4 * PAGE_SIZE, PROT_READ)), -ENOMEM);
    check("msync over a hole", or_errno(msync(m, 4 * PAGE_SIZE, MS_SYNC)), -ENOMEM);
    check("mlock over a hole", or_errno(mlock(m, 4 * PAGE_SIZE)), -ENOMEM);
    munmap(m, 4 * PAGE_SIZE);

    check("PR_GET_IO_FLUSHER at first", prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0), 0);
    check("PR_SET_IO_FLUSHER 1", or_errno(prctl(PR_SET_IO_FLUSHER, 1, 0, 0, 0)), 0);
    check("PR_GET_IO_FLUSHER then", prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0), 1);
    check("ps shows the flag", entry_of(getpid()).io_flusher, 1);
    check("PR_SET_IO_FLUSHER 2", or_errno(prctl(PR_SET_IO_FLUSHER, 2, 0, 0, 0)), -EINVAL);
    check("PR_SET_IO_FLUSHER 0", or_errno(prctl(PR_SET_IO_FLUSHER, 0, 0, 0, 0)), 0);
    check("PR_GET_IO_FLUSHER after", prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0), 0);
    check("an unknown prctl option", or_errno(prctl(12345, 0, 0, 0, 0)), -EINVAL);

    size_t big = (MLOCK_LIMIT_PAGES + 256) * PAGE_SIZE;
    char *b = mmap(0, big, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check("mlock of more than MLOCK_LIMIT_PAGES", or_errno(mlock(b, big)), -ENOMEM);
    check("mlock of a page of it", or_errno(mlock(b, PAGE_SIZE)), 0);
    check("munlock of it", or_errno(munlock(b, PAGE_SIZE)), 0);
    check("mlockall with no flags", or_errno(mlockall(0)), -EINVAL);
    munmap(b, big);
}

static void pressure(long mib)
{
    check("mlockall(MCL_CURRENT | MCL_FUTURE)", or_errno(mlockall(MCL_CURRENT | MCL_FUTURE)), 0);
    uint32_t *locked = mmap(0, LOCKED_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    fill(locked, LOCKED_PAGES, 1);
    long idle = fork();
    if (idle == 0) {                    /* not locked: mlock is not inherited */
        uint32_t *mine = mmap(0, LOCKED_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        fill(mine, LOCKED_PAGES, 2);
        nap(600000);                    /* until it is killed */
        exit(0);
    }
    nap(300);
    long hog = fork();
    if (hog == 0) {
        char arg[16];
        snprintf(arg, sizeof(arg), "%d", (int)mib);
        char *argv[] = { "/bin/hog", arg, 0 };
        execve("/bin/hog", argv, 0);
        exit(127);
    }
    int status = -1;
    wait4(hog, &status, 0, 0);
    check("the hog exited 0", WIFEXITED(status) ? WEXITSTATUS(status) : -1, 0);
    struct ps_entry me = entry_of(getpid()), other = entry_of(idle);
    printf("memlock: locked: %u pages resident, %u swapped; unlocked child: %u resident, "
           "%u swapped\n", me.rss, me.swapped, other.rss, other.swapped);
    check("none of the locked process's pages went to swap", me.swapped, 0);
    check("the unlocked child's did", other.swapped > 0 && other.swapped != (uint32_t)-1, 1);
    check("the locked pages hold what was written", differ(locked, LOCKED_PAGES, 1), 0);
    kill(idle, SIGKILL);
    wait4(idle, 0, 0, 0);
    check("munlockall", or_errno(munlockall()), 0);
}

int main(int argc, char **argv)
{
    api_checks();
    if (argc > 2 && strcmp(argv[1], "hog") == 0)
        pressure(atol_or(argv[2], 48));
    printf("memlock: %d wrong\n", check_wrong);
    return check_wrong;
}
