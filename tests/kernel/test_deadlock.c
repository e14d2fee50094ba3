/*
 * test_deadlock.c - the January 1999 deadlock, staged on purpose
 * (docs/deadlock-1999.md tells the story; tests/harness/deadlock_tests.py
 * boots it under both policies and judges the log and the image).
 *
 * The set-up: ext2 on nbd0, which nbdsrv -- a task in this kernel that
 * allocates a page for every request -- serves over loopback TCP from hda.
 *
 *   1. A writer dirties shared mappings of two files on that ext2 until
 *      free memory is down to the low watermark plus room for a clean
 *      file, which it then reads through a mapping too: nearly all
 *      reclaimable memory is dirty file pages, the rest clean ones, and
 *      being younger the clean ones come after the dirty ones on the LRU.
 *      Nothing has allocated a block since the mount, so the block
 *      bitmap is on disk only.
 *   2. nbd0 is held (blkdev_stall), and task A writes a file: ext2 takes
 *      lock_super and breads the bitmap -- a request to nbdsrv, held.
 *   3. The test takes the pages free above the min watermark
 *      (allocations that never reclaim), so kswapd wakes -- again each
 *      round, until someone blocks on lock_super: kswapd hands dirty
 *      pages to kswiod, which blocks on it (reclaim=kswiod), or writes
 *      one itself and blocks on it (reclaim=sync).  Never more than what
 *      is free above min: the clean pages kswapd has not freed yet stay
 *      for nbdsrv's reclaim to find.
 *   4. Free memory is taken down to min once more, and nbd0 goes again:
 *      nbdsrv gets the bitmap read and needs a page.
 *      reclaim=kswiod: reclaim hands dirty pages to kswiod, frees clean
 *      ones, and nbdsrv answers -- while kswiod is still blocked on
 *      lock_super (the report's second chain: nothing waits for one
 *      particular write, so the server still gets memory).  A finishes,
 *      lock_super goes, kswiod writes.  Every file is printed as "FILE
 *      /PATH SIZE CRC" for the harness to compare with debugfs, and
 *      e2fsck must find it clean.
 *      reclaim=sync: reclaim in nbdsrv writes a dirty page itself, which
 *      needs lock_super, which A holds while waiting for nbdsrv: the hang
 *      detector must name the cycle and the lock validator its lock
 *      order; once both have, nbd_reconnect() ends it (ending_reconnect),
 *      and the files are printed as above -- or, for the monitor's demo,
 *      the deadlock stays.
 *
 * deadlock_1999_user stages the same with the server of 1999 as it was, a
 * process: /bin/nbd-server serving hdb (nbd_user.h; hda is the user
 * image), whose data goes through pages it maps and faults in for each
 * request.  Under reclaim=sync its fault (or its system call's
 * allocation) reclaims, writes a page through ext2 and waits for
 * lock_super; under kswiod it gets clean pages and answers.
 *
 * staged=anon (with swap_dev=, default hdb, a swap area) stages no clean
 * pages at all: step 1 dirties CLEAN_PAGES anonymous pages instead of
 * reading the clean file.  Then the only memory nbdsrv can have is what
 * swap-out to the other device frees -- written by that device's kswiod
 * while nbd0's is blocked on lock_super.  With one kswiod for all
 * devices there was none: it sat on lock_super, and the swap writes
 * waited behind it.
 *
 * hung_timeout= must be short for the sync run (the harness gives 3), and
 * below nbd_timeout, or the client's timeout ends the deadlock first.
 * deadlock_1999_sync sets both policy and threshold for itself:
 * it is make run's last stress test, the expected deadlock, labelled.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "crc32.h"
#include "deadlock_1999.h"
#include "hung.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "lockdep.h"
#include "mm.h"
#include "nbd.h"
#include "nbd_user.h"
#include "nbdsrv.h"
#include "printk.h"
#include "reclaim.h"
#include "sched.h"
#include "slab.h"
#include "swap.h"
#include "test_helpers.h"
#include "timer.h"
#include "vfs.h"
#include "vm.h"
#include "vsprintf.h"

KERNEL_PARAM(staged, "",
             "staged=anon: deadlock_1999 stages anonymous pages, no clean ones");

#define MNT             "/mnt"
#define MAPPED_NAME     "mapped-%u"
#define CLEAN_NAME      "clean"
#define A_PATH          MNT "/a"
#define MAP_VA          0x20000000u
#define NR_MAPPED       2
#define MAPPED_PAGES    (32u << 8)      /* each file's size, 32 MiB: more than RAM (sparse) */
#define CLEAN_PAGES     1024u           /* the clean file read last */
#define SPARE_PAGES     64u             /* for A's and the mount's own allocations */
#define A_BYTES         (64u << 10)     /* what A writes: 16 blocks to allocate */
#define POLL_MS         10
#define STATE_WAIT_MS   5000            /* for a task to reach the wait it must */
#define MAX_BALLAST     8192            /* pages: more than 32 MiB of RAM has free */
#define BALLAST_ROUND_MS 100            /* kswapd's time to free some between takes */
#define REPORT_DELAY_MS 500             /* nbdsrv's time to reach its wait, before the
                                         * hang detector looks again */
/* Allocations that never reclaim and never go below min: the ballast
 * takes free memory down without entering reclaim itself. */
#define GFP_NO_RECLAIM  0u

struct file_job {
    char path[32];
    uint32_t no, seed, pages, written;
    struct inode *inode;
    struct vm_space *space;
    uint32_t stop_at;           /* free pages at which the writer stops */
};

static struct file_job jobs[NR_MAPPED + 1];     /* the mapped files, then the clean one */
static bool staged_anon;        /* staged=anon: anonymous pages where the clean ones were */
static struct page *ballast[MAX_BALLAST];
static uint32_t nr_ballast;
static struct task *task_a;
static int a_result = 1;        /* 1: running */
/* deadlock_1999_user's server, the process (NULL: nbdsrv serves nbd0). */
static struct nbd_user *user_server;
static bool io_flusher;         /* deadlock_1999_user_flusher: the server runs -f */
bool deadlock_1999_left;        /* a sync run's deadlock is still there */
bool deadlock_1999_leave;       /* the demo's sync run leaves its deadlock */
enum deadlock_1999_server deadlock_1999_server;

static uint32_t word(const struct file_job *j, uint32_t off)
{
    return (off * 2654435761u) ^ j->seed ^ (j->no * 0x9E3779B9u);
}

static void fill(const struct file_job *j, uint32_t *w, uint32_t page)
{
    for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
        w[k] = word(j, page * PAGE_SIZE + k * 4);
}

/* Where the clean file is mapped, or (staged=anon) the anonymous pages. */
static uint32_t *staged_page(uint32_t page)
{
    return (uint32_t *)(MAP_VA + (NR_MAPPED * MAPPED_PAGES + page) * PAGE_SIZE);
}

/* The clean file read through its mapping, counting words that differ;
 * staged=anon: the anonymous pages written (write) or checked. */
static void touch_staged_pages(uint32_t *bad, bool write)
{
    const struct file_job *c = &jobs[NR_MAPPED];
    for (uint32_t p = 0; p < CLEAN_PAGES; p++) {
        uint32_t *w = staged_page(p);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++) {
            uint32_t want = word(c, p * PAGE_SIZE + k * 4);
            if (write)
                w[k] = want;
            else
                *bad += w[k] != want;
        }
    }
}

static void touch_staged(uint32_t *bad)
{
    touch_staged_pages(bad, staged_anon);
}

/* One task for all three mappings.  It writes both mapped files, a page
 * of each in turn, so that their dirty pages lie interleaved on the LRU:
 * a reclaimer blocked in one file's writeback (holding its lock) leaves
 * the other's pages to the next.  Then it reads the clean file through
 * its mapping, not with vfs_read: its pages then age like the dirty
 * ones (the cache's referenced bit, then the PTE's accessed bit), so on
 * the LRU, being younger, they come after them -- reclaim meets dirty
 * pages first, and what it does with them is the policy. */
static void writer(void *arg)
{
    uint32_t *bad = arg;
    task_set_vm(jobs[0].space);
    for (uint32_t p = 0; p < MAPPED_PAGES && nr_free_pages() > jobs[0].stop_at; p++)
        for (uint32_t i = 0; i < NR_MAPPED; i++, jobs[i - 1].written++)
            fill(&jobs[i], (uint32_t *)(MAP_VA + (i * MAPPED_PAGES + p) * PAGE_SIZE), p);
    touch_staged(bad);
    task_set_vm(NULL);
}

/* The file's CRC-32 as it must be: the pattern where written, zeros (a
 * hole) after. */
static uint32_t expected_crc(const struct file_job *j, uint32_t *buf)
{
    uint32_t crc = crc32_begin();
    for (uint32_t p = 0; p < j->pages; p++) {
        if (p < j->written)
            fill(j, buf, p);
        else
            memset(buf, 0, PAGE_SIZE);
        crc = crc32_update(crc, buf, PAGE_SIZE);
    }
    return crc32_end(crc);
}

static void setup_file(struct file_job *j, uint32_t no, const char *name, uint32_t pages)
{
    *j = (struct file_job){ .no = no, .seed = ktest_seed(), .pages = pages };
    ksnprintf(j->path, sizeof(j->path), MNT "/%s", name);
    KASSERT_EQ(vfs_create(j->path), 0);
    KASSERT_EQ(vfs_lookup(j->path, &j->inode), 0);
}

/* Step names a run before this one left (the monitor's demo runs the
 * test again in the same boot, on the same disk). */
static void remove_leftover(const char *path)
{
    int err = vfs_unlink(path);
    KASSERT(err == 0 || err == -ENOENT);
}

static void remove_leftovers(void)
{
    char path[32];
    for (uint32_t i = 0; i < NR_MAPPED; i++) {
        ksnprintf(path, sizeof(path), MNT "/" MAPPED_NAME, i);
        remove_leftover(path);
    }
    remove_leftover(MNT "/" CLEAN_NAME);
    remove_leftover(A_PATH);
}

/* Before the scenario's mount: the clean file's data on disk, and the
 * mapped files made (sparse), so that afterwards nothing allocates. */
static void prepare_disk(uint32_t *buf)
{
    KASSERT_EQ(vfs_mount("nbd0", MNT, "ext2"), 0);
    remove_leftovers();
    setup_file(&jobs[NR_MAPPED], NR_MAPPED, CLEAN_NAME, CLEAN_PAGES);
    jobs[NR_MAPPED].written = CLEAN_PAGES;
    for (uint32_t p = 0; p < CLEAN_PAGES; p++) {
        fill(&jobs[NR_MAPPED], buf, p);
        KASSERT_EQ(vfs_write(jobs[NR_MAPPED].inode, (uint64_t)p * PAGE_SIZE, buf, PAGE_SIZE),
                   PAGE_SIZE);
    }
    iput(jobs[NR_MAPPED].inode);
    for (uint32_t i = 0; i < NR_MAPPED; i++) {
        char name[16];
        ksnprintf(name, sizeof(name), MAPPED_NAME, i);
        setup_file(&jobs[i], i, name, MAPPED_PAGES);
        KASSERT_EQ(vfs_truncate(jobs[i].inode, (uint64_t)MAPPED_PAGES * PAGE_SIZE), 0);
        iput(jobs[i].inode);
    }
    KASSERT_EQ(vfs_create(A_PATH), 0);
    KASSERT_EQ(vfs_umount(MNT), 0);     /* every buffer, the bitmap's too, goes */
}

/* Step 1: the mapped files dirtied, then the clean one read. */
static void dirty_then_read(void)
{
    struct vm_space *space = vm_space_create();
    KASSERT(space != NULL);
    for (uint32_t i = 0; i <= NR_MAPPED; i++) {
        struct file_job *j = &jobs[i];
        KASSERT_EQ(vfs_lookup(j->path, &j->inode), 0);
        /* The clean file: read only. */
        uint32_t prot = (i < NR_MAPPED ? PTE_WRITE : 0) | PTE_SHARED;
        uint32_t start = MAP_VA + i * MAPPED_PAGES * PAGE_SIZE;
        if (i == NR_MAPPED && staged_anon)
            KASSERT_EQ(vm_map_anon(space, start, CLEAN_PAGES * PAGE_SIZE, PTE_WRITE), 0);
        else
            KASSERT_EQ(vm_map_file(space, start, j->pages * PAGE_SIZE, j->inode, 0, prot), 0);
        j->space = i == 0 ? space : NULL;       /* one space maps all */
        j->stop_at = mm_watermarks()->low + CLEAN_PAGES + SPARE_PAGES;
    }
    uint32_t bad = 0;
    struct task *t = task_create("writer", writer, &bad, PRIO_NORMAL);
    KASSERT_EQ(t ? task_join(t) : -ENOMEM, 0);
    KASSERT_EQ(bad, 0);                 /* the clean file read back as written */
}

/* staged=anon, at the end: every anonymous page reads back as written
 * (from swap, most of them). */
static void check_staged(void *arg)
{
    task_set_vm(jobs[0].space);
    touch_staged_pages(arg, false);
    task_set_vm(NULL);
}

static void task_a_main(void *arg)
{
    struct inode *inode;
    int err = vfs_lookup(A_PATH, &inode);
    if (!err) {
        int n = vfs_write(inode, 0, arg, A_BYTES);   /* lock_super, bread of the bitmap */
        err = n < 0 ? n : 0;
        iput(inode);
    }
    a_result = err;
}

/* ---- watching tasks ------------------------------------------------------ */

static bool waits_on(const struct task *t, const char *wchan)
{
    return t && t->state == TASK_UNINTERRUPTIBLE && t->wchan && strcmp(t->wchan, wchan) == 0;
}

struct look { const char *wchan; const struct task *not; const struct task *found; };

static void look_for(struct task *t, void *arg)
{
    struct look *l = arg;
    if (t != l->not && waits_on(t, l->wchan) && !l->found)
        l->found = t;
}

/* A task other than not blocked on wchan, waited for up to ms; NULL. */
static const struct task *blocked_on(const char *wchan, const struct task *not, uint32_t ms)
{
    for (uint32_t waited = 0;; waited += POLL_MS) {
        struct look l = { wchan, not, NULL };
        task_for_each(look_for, &l);
        if (l.found || waited >= ms)
            return l.found;
        sleep_ms(POLL_MS);
    }
}

static bool a_waits_on_bitmap(void)
{
    for (uint32_t waited = 0; waited < STATE_WAIT_MS; waited += POLL_MS) {
        if (waits_on(task_a, "buffer"))
            return true;
        sleep_ms(POLL_MS);
    }
    return false;
}

/* The pages free above min now, held (never reclaiming for them).  Only
 * those: kswapd, woken, frees clean pages meanwhile, and taking them too
 * would leave none for nbdsrv -- the test, not reclaim, would then have
 * made memory run out. */
static void take_ballast(void)
{
    uint32_t free = nr_free_pages(), min = mm_watermarks()->min;
    struct page *p;
    for (uint32_t n = free > min ? free - min : 0;
         n-- && nr_ballast < MAX_BALLAST && (p = alloc_page(GFP_NO_RECLAIM));)
        ballast[nr_ballast++] = p;
}

static void drop_ballast(void)
{
    while (nr_ballast)
        free_page(ballast[--nr_ballast]);
}

/* ---- the two endings ----------------------------------------------------- */

/* What the kswiod ending compares with: counts when nbd0 is let go. */
struct before {
    uint32_t pgwrite, pgsteal, direct, violations;
    struct nbdsrv_stats srv;    /* nbdsrv's, when it serves */
    struct nbd_stats nbd;       /* nbd0's: what the process answered */
    /* kswiod on lock_super, and A holding it while it waits for nbd0: then
     * nbdsrv's pages for A's read can only come while kswiod is blocked. */
    bool kswiod_blocked_under_a;
    /* The server task's: its direct reclaims, and the pages its own reclaim
     * handed to a write to nbd0, the device it serves (struct blk_server). */
    uint32_t server_reclaims, server_writes;
};

/* What the server's own reclaim did since b0: its direct reclaims, and
 * (returned) the pages it handed to a write to nbd0, which it serves --
 * a write only it can answer. */
static uint32_t server_own_writes(const struct block_device *nbd0, const struct before *b0,
                                  uint32_t *reclaims)
{
    *reclaims = nbd0->server->task->direct_reclaims - b0->server_reclaims;
    return nbd0->server->own_reclaim_writes - b0->server_writes;
}

/* The server's counts since b0, in the words of the kswiod ending:
 * "NAME: N requests refused for want of a page" into refused, and "N
 * pages for N requests since" (nbdsrv) or "N requests since" (the
 * process, whose pages are its own faults) into answered.  Returns the
 * refusals. */
static uint32_t server_counts(struct block_device *nbd0, const struct before *b0, char *refused,
                              char *answered, size_t n)
{
    if (user_server) {
        struct nbd_stats st;
        KASSERT_EQ(nbd_get_stats(nbd0, &st), 0);
        uint32_t errors = st.server_errors - b0->nbd.server_errors;
        ksnprintf(refused, n, "nbd-server (pid %u): %u requests answered with an error",
                  user_server->srv.task->id, errors);
        ksnprintf(answered, n, "%u requests since",
                  (uint32_t)(st.reads + st.writes - b0->nbd.reads - b0->nbd.writes));
        return errors;
    }
    struct nbdsrv_stats st;
    KASSERT_EQ(nbdsrv_get_stats(&st), 0);
    ksnprintf(refused, n, "nbdsrv: %u requests refused for want of a page", st.no_memory);
    ksnprintf(answered, n, "%u pages for %u requests since", st.pages - b0->srv.pages,
              (uint32_t)(st.reads + st.writes - b0->srv.reads - b0->srv.writes));
    return st.no_memory;
}

/* Every file as "FILE /PATH SIZE CRC" for the harness to compare with
 * debugfs, and the mount gone. */
static void print_files(uint32_t *buf)
{
    for (uint32_t i = 0; i <= NR_MAPPED; i++) {
        if (jobs[i].space)
            vm_space_destroy(jobs[i].space);
        iput(jobs[i].inode);
        pr_info("FILE %s %u %08x\n", jobs[i].path + strlen(MNT), jobs[i].pages * PAGE_SIZE,
                expected_crc(&jobs[i], buf));
    }
    KASSERT_EQ(vfs_umount(MNT), 0);
}

static void wait_for_a(void)
{
    for (uint32_t waited = 0; a_result == 1 && waited < 4 * STATE_WAIT_MS; waited += POLL_MS)
        sleep_ms(POLL_MS);
}

static void ending_kswiod(struct block_device *nbd0, const struct task *blocked,
                          const struct before *b0, uint32_t *buf)
{
    wait_for_a();
    drop_ballast();
    char refused[96], answered[64];
    KASSERT_EQ(a_result, 0);
    KASSERT_EQ(task_join(task_a), 0);
    uint32_t refusals = server_counts(nbd0, b0, refused, answered, sizeof(answered));
    const char *server = nbd0->server->task->name;
    uint32_t violations = reclaim_violations - b0->violations;
    pr_info("deadlock_1999: kswiod: A's bitmap read was answered; reclaim handed %u dirty "
            "pages to kswiod instead of writing them, %u direct reclaims meanwhile\n",
            vm_events.pgwrite - b0->pgwrite, vm_events.direct_reclaims - b0->direct);
    pr_info("deadlock_1999: kswiod: %s, not reclaim, blocked on lock_super while A held it; "
            "reclaim waited for %u writes; %s\n", blocked ? blocked->name : "nobody",
            violations, refused);
    /* A's read was answered before A let lock_super go, and kswiod had
     * waited for lock_super since before: the pages for that read came
     * while kswiod was blocked.  The counts run until A was done, so
     * they include kswiod's writes after it. */
    pr_info("deadlock_1999: kswiod: the second chain: kswiod %s on lock_super (task-A held "
            "it, waiting for %s), and %s still got its pages: A's read answered, %s, "
            "reclaim freed %u %s pages and waited for no write\n",
            b0->kswiod_blocked_under_a ? "was blocked" : "was not blocked", server, server,
            answered, vm_events.pgsteal - b0->pgsteal, staged_anon ? "swapped-out" : "clean");
    KASSERT(blocked != NULL);
    KASSERT_STREQ(blocked->name, "kswiod/nbd0");        /* the stall stays with nbd0 */
    KASSERT(b0->kswiod_blocked_under_a);
    KASSERT_EQ(violations, 0);
    KASSERT_EQ(refusals, 0);
    KASSERT(vm_events.pgwrite > b0->pgwrite);
    if (staged_anon) {
        uint32_t bad = 0;
        struct task *t = task_create("check-anon", check_staged, &bad, PRIO_NORMAL);
        KASSERT_EQ(t ? task_join(t) : -ENOMEM, 0);
        pr_info("deadlock_1999: kswiod: %u anonymous pages back from swap, %u words differ\n",
                CLEAN_PAGES, bad);
        KASSERT_EQ(bad, 0);
    }
    print_files(buf);
    /* The run summary keeps 63 characters. */
    ktest_note("done: kswiod, not reclaim, waited on lock_super; %u handed",
               vm_events.pgwrite - b0->pgwrite);
}

/* reclaim=sync with the process an IO flusher (nbd-server -f): its reclaim
 * is GFP_NOIO, so it frees clean pages and writes none, and answers A's
 * read while kswapd -- the 1999 policy's own reclaimer -- waits on
 * lock_super.  Those waits of kswapd's are the policy's, reported by the
 * checkers as always; the server makes none. */
static void ending_io_flusher(struct block_device *nbd0, const struct task *blocked,
                              const struct before *b0, struct report_counts r0, uint32_t *buf)
{
    wait_for_a();
    drop_ballast();
    KASSERT_EQ(a_result, 0);
    KASSERT_EQ(task_join(task_a), 0);
    char refused[96], answered[64];
    uint32_t refusals = server_counts(nbd0, b0, refused, answered, sizeof(answered));
    pr_info("deadlock_1999: io flusher: reclaim=sync, and A's bitmap read was answered: "
            "nbd-server, an IO flusher, reclaimed without writing (GFP_NOIO): %s, reclaim "
            "freed %u clean pages; %s\n", answered, vm_events.pgsteal - b0->pgsteal, refused);
    uint32_t own_reclaims, own_writes = server_own_writes(nbd0, b0, &own_reclaims);
    pr_info("deadlock_1999: io flusher: nbd-server's own reclaim ran %u times and handed %u "
            "pages to a write to nbd0, the device it serves\n", own_reclaims, own_writes);
    KASSERT(blocked != NULL);
    KASSERT_EQ(refusals, 0);
    KASSERT(own_reclaims > 0);          /* it reclaimed: the count means something */
    KASSERT_EQ(own_writes, 0);
    /* The checks tear the mappings down under the 1999 policy still:
     * kswapd, writing a page of nbd0 with its file's lock held, waits for
     * the server, which answers (its munmap takes its own space's lock
     * only, mm/vm.c), and the teardown waits for kswapd -- no cycle. */
    print_files(buf);
    /* Counted once the mount is gone: until then kswapd, under the 1999
     * policy, may still write a page and wait, and be reported. */
    uint32_t reports = reclaim_violations - r0.reclaim + lockdep_reports - r0.lockdep;
    pr_info("deadlock_1999: io flusher: %s waited on lock_super (the 1999 policy's own wait, "
            "%u reports) and went on when A let it go\n", blocked->name, reports);
    ktest_expect_reports(reports);
    ktest_note("done: the IO flusher's reclaim wrote nothing; A completed");
}

static void ending_sync(const struct block_device *nbd0, const struct before *b0,
                        struct report_counts r0, uint32_t hung0, uint32_t cycles0)
{
    uint32_t limit_ms = (3 * hung_timeout_secs + 5) * 1000;
    for (uint32_t waited = 0; waited < limit_ms && (hung_deadlocks == cycles0 ||
                                                    lockdep_reports == r0.lockdep);
         waited += POLL_MS)
        sleep_ms(POLL_MS);
    hung_timeout_secs = 0;              /* one report is the lesson; no more */
    drop_ballast();                     /* frees nobody, but leaves the monitor memory */
    uint32_t hangs = hung_reports - hung0, cycles = lockdep_reports - r0.lockdep;
    uint32_t waits = reclaim_violations - r0.reclaim;
    uint32_t named = hung_deadlocks - cycles0;
    pr_info("deadlock_1999: sync: the 1999 deadlock happened (A is %s) and was named: %u hang "
            "reports (%u of a cycle), %u lock order cycles, %u waits reclaim must not make\n",
            a_result == 1 ? "still stuck" : "done", hangs, named, cycles, waits);
    uint32_t own_reclaims, own_writes = server_own_writes(nbd0, b0, &own_reclaims);
    pr_info("deadlock_1999: sync: %s's own reclaim ran %u times and handed %u pages to a write "
            "to nbd0, the device it serves: the write it waits for\n",
            nbd0->server->task->name, own_reclaims, own_writes);
    ktest_expect_reports(hangs + cycles + waits);
    KASSERT(named > 0);
    KASSERT(own_writes > 0);
    KASSERT(cycles > 0);
    KASSERT_EQ(a_result, 1);
    ktest_note("deadlocked on purpose, and named (%u hang reports)", hangs);
}

/* The way out of the sync run's deadlock that an administrator has, and
 * make run's run takes, so that the machine it leaves works: nbd0's
 * connection cut and made again (nbd_reconnect).  The cut fails A's
 * bitmap read with -EIO, and A lets lock_super go; the server's reclaim
 * gets it, and its page write fails too (nbd0 is down, a retry comes
 * later); it answers on the cut connection and goes back to accept the
 * new one.  A's write is lost, and A was told so; every page the
 * mappings dirtied reaches the disk (the files printed for the harness). */
static void ending_reconnect(struct block_device *nbd0, uint32_t *buf)
{
    const char *server = nbd0->server->task->name;
    struct report_counts r0 = report_counts_now();
    pr_info("deadlock_1999: sync: ending it as an administrator would: nbd reconnect nbd0\n");
    KASSERT_EQ(nbd_reconnect(nbd0), 0);
    wait_for_a();
    pr_info("deadlock_1999: sync: the cut failed A's bitmap read (A's write: %d), A let "
            "lock_super go, %s answered and took the new connection; the dirty pages go to "
            "nbd0 now\n", a_result, server);
    KASSERT_EQ(a_result, -EIO);
    KASSERT_EQ(task_join(task_a), 0);
    print_files(buf);
    /* The server and kswapd were inside the 1999 policy's page writes;
     * each such write, failed by the cut, is waited for and reported as
     * it ends.  Nothing after them writes the 1999 way. */
    uint32_t reports = reclaim_violations - r0.reclaim + lockdep_reports - r0.lockdep;
    pr_info("deadlock_1999: sync: every page of the mappings is on nbd0; the 1999 policy's "
            "waits that were under way ended with %u more reports\n", reports);
    ktest_expect_reports(reports);
    ktest_note("deadlocked on purpose, named, ended by nbd reconnect");
}

/* The scenario on nbd0, served by nbdsrv or (user_server) the process. */
static void scenario(void)
{
    struct block_device *nbd0 = blkdev_find("nbd0");
    KASSERT(nbd0 != NULL && nbd0->server != NULL);
    bool sync = reclaim_policy == RECLAIM_SYNC;
    /* Off while the stage is set: task-A waits on purpose from step 2 to
     * step 4, and the report must show the cycle, not half of it. */
    uint32_t hung_timeout = hung_timeout_secs;
    hung_timeout_secs = 0;
    a_result = 1;                       /* a run before this one (the demo) set it */
    const char *staged = cmdline_get("staged");
    staged_anon = staged && strcmp(staged, "anon") == 0;
    const char *swap_dev = cmdline_get("swap_dev") ? cmdline_get("swap_dev") : "hdb";
    if (staged_anon)
        KASSERT_EQ(swapon(swap_dev, 0), 0);
    pr_info("deadlock_1999: seed=%u (boot with seed=%u to repeat), reclaim=%s, %u MiB of RAM, "
            "watermarks min %u low %u\n", ktest_seed(), ktest_seed(), sync ? "sync" : "kswiod",
            nr_managed_pages() / 256, mm_watermarks()->min, mm_watermarks()->low);
    uint32_t *buf = kmalloc(A_BYTES, GFP_KERNEL);
    KASSERT(buf != NULL);
    prepare_disk(buf);
    KASSERT_EQ(vfs_mount("nbd0", MNT, "ext2"), 0);
    dirty_then_read();
    pr_info("deadlock_1999: step 1: %u + %u pages dirty in the mappings, %u %s, %u free\n",
            jobs[0].written, jobs[1].written, CLEAN_PAGES,
            staged_anon ? "anonymous and dirty (no clean page)" : "clean", nr_free_pages());

    blkdev_stall(nbd0, true);
    memset(buf, 0xA5, A_BYTES);
    task_a = task_create("task-A", task_a_main, buf, PRIO_NORMAL);
    KASSERT(task_a != NULL);
    KASSERT(a_waits_on_bitmap());
    pr_info("deadlock_1999: step 2: task-A holds lock_super and waits for the bitmap from "
            "nbd0 (held)\n");

    struct report_counts r0 = report_counts_now();
    uint32_t hung0 = hung_reports, cycles0 = hung_deadlocks;
    struct before b0 = { .pgwrite = vm_events.pgwrite, .direct = vm_events.direct_reclaims,
                         .violations = r0.reclaim };
    const struct task *blocked = NULL;
    for (uint32_t waited = 0; !blocked && waited < STATE_WAIT_MS; waited += BALLAST_ROUND_MS) {
        take_ballast();             /* down to min again: kswapd keeps at it */
        blocked = blocked_on("lock_super", task_a, BALLAST_ROUND_MS);
    }
    pr_info("deadlock_1999: step 3: %u pages taken, %u free; %s blocked on lock_super\n",
            nr_ballast, nr_free_pages(), blocked ? blocked->name : "nobody");
    take_ballast();                     /* what kswapd freed meanwhile: nbdsrv must reclaim */
    b0.pgsteal = vm_events.pgsteal;
    KASSERT_EQ(user_server ? nbd_get_stats(nbd0, &b0.nbd) : nbdsrv_get_stats(&b0.srv), 0);
    b0.kswiod_blocked_under_a = waits_on(blocked, "lock_super") && waits_on(task_a, "buffer");
    b0.server_reclaims = nbd0->server->task->direct_reclaims;
    b0.server_writes = nbd0->server->own_reclaim_writes;
    blkdev_stall(nbd0, false);
    pr_info("deadlock_1999: step 4: nbd0 answers again: %s must allocate for the read\n",
            nbd0->server->task->name);
    sleep_ms(REPORT_DELAY_MS);
    hung_timeout_secs = hung_timeout;
    if (sync && io_flusher) {
        ending_io_flusher(nbd0, blocked, &b0, r0, buf);
        kfree(buf);
        return;
    }
    if (sync) {
        ending_sync(nbd0, &b0, r0, hung0, cycles0);
        if (deadlock_1999_leave)
            return;                     /* buf stays A's: A is stuck with it */
        reclaim_policy = RECLAIM_KSWIOD;    /* the policy's own waits may end now */
        ending_reconnect(nbd0, buf);
        kfree(buf);
        return;
    }
    ending_kswiod(nbd0, blocked, &b0, buf);
    kfree(buf);
    if (staged_anon)
        KASSERT_EQ(swapoff(swap_dev), 0);
}

KTEST_MANUAL(deadlock_1999)
{
    user_server = NULL;
    io_flusher = false;
    scenario();
}

/* The process as nbd0's server, started by the first run in a boot (the
 * monitor's demo runs the scenario again): the harness boots with the
 * user image as hda and the fresh ext2 as hdb. */
static void serve_by_process(bool as_flusher)
{
    static struct nbd_user u;           /* the sync run leaves it deadlocked */
    static const char *const flusher[] = { "-f", NULL };
    io_flusher = as_flusher;
    enum deadlock_1999_server want = io_flusher ? DEADLOCK_SERVER_FLUSHER : DEADLOCK_SERVER_PLAIN;
    if (!u.dev) {
        KASSERT_EQ(nbd_user_start("/dev/hdb", io_flusher ? flusher : NULL, &u), 0);
        KASSERT_STREQ(u.dev->name, "nbd0");
        deadlock_1999_server = want;
    }
    KASSERT_EQ(deadlock_1999_server, want);     /* the kind this boot started */
    pr_info("deadlock_1999: nbd0 is served by /bin/nbd-server, pid %u, a process\n",
            u.srv.task->id);
    user_server = &u;
}

KTEST_MANUAL(deadlock_1999_user)
{
    serve_by_process(false);
    scenario();
}

/* Linux 5.6's cure: the server marks itself with prctl(PR_SET_IO_FLUSHER)
 * (nbd-server -f), and under the 1999 policy, for this test only, the
 * scenario completes.  It must start the boot's server itself (the
 * monitor's "demo deadlock flusher" first in a boot). */
KTEST_MANUAL(deadlock_1999_user_flusher)
{
    serve_by_process(true);
    enum reclaim_policy saved = reclaim_policy;
    reclaim_policy = RECLAIM_SYNC;
    scenario();
    reclaim_policy = saved;
}

/* make run's last stress test, labelled as what it is: the 1999 policy for
 * this test only, so the deadlock happens, and the test passes when the
 * hang detector and the lock validator have named it, and nbd reconnect
 * has ended it with every mapped page on disk.  The monitor's demo sets
 * deadlock_1999_leave: then task-A, nbdsrv and kswapd stay blocked, with
 * nbd0 and its mount -- for ps and locks to show -- until the student
 * types nbd reconnect nbd0, and no run of the scenario may follow.  (A
 * failed assertion leaves reclaim=sync set: the run is red then anyway.) */
/* Tasks blocked in the deadlock: on lock_super, or (task-A) on the
 * bitmap's buffer; their names joined into arg's buffer. */
struct stuck { char names[96]; bool kswapd; };

static void note_stuck(struct task *t, void *arg)
{
    struct stuck *st = arg;
    if (!waits_on(t, "lock_super") && !waits_on(t, "buffer"))
        return;
    size_t len = strlen(st->names);
    ksnprintf(st->names + len, sizeof(st->names) - len, "%s%s", len ? ", " : "", t->name);
    st->kswapd |= strcmp(t->name, "kswapd") == 0;
}

/* What the sync run leaves, for the run summary's last line. */
static void say_what_is_left(void)
{
    static struct stuck st;
    st = (struct stuck){ "", false };
    task_for_each(note_stuck, &st);
    ktest_left("deadlock_1999_sync left %s deadlocked for good%s", st.names,
               st.kswapd ? "; kswapd is one of them: from here on only allocations reclaim"
                         : "");
}

/* The scenario under the 1999 policy, labelled, left deadlocked. */
static void expected_deadlock(void)
{
    KASSERT(!deadlock_1999_left);
    pr_info("deadlock_1999: EXPECTED DEADLOCK: the 1999 policy, reclaim=sync, for this test "
            "only; it passes when the deadlock is named, and leaves it for ps and locks\n");
    enum reclaim_policy saved = reclaim_policy;
    reclaim_policy = RECLAIM_SYNC;
    if (!hung_timeout_secs || hung_timeout_secs > DEADLOCK_SYNC_HUNG_TIMEOUT_S)
        hung_timeout_secs = DEADLOCK_SYNC_HUNG_TIMEOUT_S;
    scenario();
    reclaim_policy = saved;
    if (deadlock_1999_leave) {
        deadlock_1999_left = true;
        say_what_is_left();
    }
}

KTEST_MANUAL(deadlock_1999_sync)
{
    user_server = NULL;
    io_flusher = false;
    expected_deadlock();
}

/* The same with the process as the server (the monitor's demo). */
KTEST_MANUAL(deadlock_1999_user_sync)
{
    serve_by_process(false);
    expected_deadlock();
}
