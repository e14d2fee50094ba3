/*
 * memory.c - usertests' cases about mappings: a file shared between
 * processes, mlock while a hog swaps, private file mappings, munmap of
 * a file mapping whole and in part, PROT_NONE, and file and private
 * pages through swap and mlock.  Each runs in a child of its own (see
 * usertests.h).  The files they leave are read back by the harness
 * with debugfs.
 */
#include "usertests.h"

/* A file mapped MAP_SHARED by a parent and, on its own, by its child:
 * the child's writes through its mapping are in the parent's mapping and
 * in the file (pread), and the parent's are what a new child reads. */
void mmap_of_a_file_shared_between_processes(void)
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
void mlock_honoured_while_a_hog_swaps(void)
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
void mmap_private_file_writes_stay_private(void)
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
void munmap_of_a_file_mapping_whole_and_in_part(void)
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
void prot_none_touch_ends_a_child(void)
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
void private_file_and_prot_none_pages_swap_out_and_back(void)
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
void mlock_of_a_file_mapping_keeps_its_pages(void)
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

