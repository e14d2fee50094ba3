/*
 * test_server_swapped.c - the deadlock a server process adds, which no
 * policy for reclaim's writes can cure: its own pages swapped out to the
 * device it serves (docs/deadlock-1999.md, "The server swapped out").
 * tests/harness/deadlock_tests.py boots it with the user image as hda and
 * a fresh swap area as hdb.
 *
 * /bin/nbd-server (nbd_user.h) serves hdb as nbd0 over loopback, and
 * nbd0 is the only swap.  A hog -- a space of HOG_PAGES anonymous pages,
 * a pattern in each -- is paged out to nbd0, its writes answered by the
 * server.  Then the server's own pages go, while it sleeps in its read of
 * the socket: in life memory pressure does that, over time; the test
 * does it on purpose, with reclaim_space_pages() (Linux's MADV_PAGEOUT,
 * as process_madvise(pidfd, MADV_PAGEOUT) asks it for another process),
 * so that it happens in every run.  Twice: the first call sends every
 * page to swap and its write to kswiod/nbd0, which the server answers
 * (touching some of its pages again as it does); the second frees the
 * copies whose writes are done -- its code among them -- and writes what
 * it dirtied meanwhile.  Then two tasks read the hog back, page by page,
 * the same pages: swap-in reads of nbd0, requests to the server.
 *
 *   deadlock_1999_server_swapped_out_named  the server wakes for a request, its next
 *       instruction is on a page in swap on nbd0, and the read that
 *       would bring it back is a request only it can answer.  Nothing
 *       waits for a write, so kswiod cannot help.  The hang detector
 *       must name the cycle (nbd-server -> nbd0 swap-in read ->
 *       nbd-server) with the server's stack from its fault, and follow
 *       the second hog task, which waits on swapin_wq for the first
 *       one's read, to the server too.  The deadlock stays (nbd_timeout
 *       is long in its boot): the test passes once it is named.
 *   deadlock_1999_server_swapped_out_mlock_completes  the server runs with -l
 *       (mlockall): reclaim_space_pages() leaves every page of it, and
 *       the hog reads back, every word as written.
 *
 * The server's own reclaim: whatever it frees, it must not hand a page
 * to a write of nbd0, which only it can answer.  The hog stays dirty in
 * memory, the clean pages are gone beforehand, kswapd is stopped
 * (kswapd_stop) and free memory is taken down to min: then the test's
 * read of nbd0's first page makes the server allocate for itself, and
 * its reclaim, finding nothing clean, works through the hog -- whose
 * pages can only go to nbd0 -- until the test sees what it did with
 * them and gives the memory back.  Both servers are locked (-l), so that
 * the hog is all there is to find.
 *   deadlock_1999_server_flusher_reclaim_writes_nothing_to_nbd0  -l -f:
 *       an IO flusher (PR_SET_IO_FLUSHER): its reclaim is GFP_NOIO and
 *       keeps the hog's pages; none goes to kswiod.
 *   deadlock_1999_server_plain_reclaim_writes_to_nbd0  -l only: its reclaim
 *       hands the hog's pages to kswiod, writes only it can answer --
 *       kswiod waits for them, not the server; under reclaim=sync the
 *       server would wait for them itself, for good.
 * Both end by paging the hog out and reading it back, every word.
 */
#include "blkdev.h"
#include "deadlock_1999.h"
#include "hung.h"
#include "kerrno.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "nbd_user.h"
#include "printk.h"
#include "process.h"
#include "reclaim.h"
#include "sched.h"
#include "swap.h"
#include "test_helpers.h"
#include "timer.h"
#include "vm.h"

#define HOG_VA          0x20000000u
#define HOG_PAGES       256u            /* 1 MiB: 8 swap-in clusters */
#define NR_READERS      2               /* the second waits for the first's reads */
#define POLL_MS         10
#define ASLEEP_MS       300             /* the server off the CPU this long: in its read */
#define ASLEEP_LIMIT_MS 10000
#define READ_BACK_MS    60000           /* the read-back, on a loaded host */
#define OWN_RECLAIM_MS  5000            /* for the server's reclaim to meet the hog */
#define CLEAN_OUT_PAGES 100000u         /* reclaim_some's target: every clean page */

struct hog {
    struct vm_space *space;
    uint32_t seed;
    uint32_t pages_read[NR_READERS];    /* by each reader, as it goes */
    uint32_t bad[NR_READERS];           /* words that differ, by reader */
    int done;                           /* readers finished */
};

static struct hog hog;

static uint32_t word(uint32_t page, uint32_t k)
{
    return (page * 2654435761u) ^ (k * 0x9E3779B9u) ^ hog.seed;
}

struct fill { struct vm_space *space; uint32_t pages; };

static void hog_fill(void *arg)
{
    const struct fill *f = arg;
    task_set_vm(f->space);
    for (uint32_t p = 0; p < f->pages; p++) {
        uint32_t *w = (uint32_t *)(HOG_VA + p * PAGE_SIZE);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
            w[k] = word(p, k);
    }
    task_set_vm(NULL);
}

/* Reader i: every page in order; each fault is a swap-in read of nbd0,
 * or (the other reader's read of it in flight) a wait on swapin_wq. */
static void hog_read(void *arg)
{
    uint32_t i = (uint32_t)arg;
    task_set_vm(hog.space);
    for (uint32_t p = 0; p < HOG_PAGES; p++) {
        const uint32_t *w = (const uint32_t *)(HOG_VA + p * PAGE_SIZE);
        for (uint32_t k = 0; k < PAGE_SIZE / 4; k++)
            hog.bad[i] += w[k] != word(p, k);
        hog.pages_read[i]++;
    }
    task_set_vm(NULL);
    hog.done++;
}

/* pages of anonymous memory at HOG_VA in s, the hog's pattern written. */
static void fill_space(struct vm_space *s, uint32_t pages)
{
    KASSERT_EQ(vm_map_anon(s, HOG_VA, pages * PAGE_SIZE, PTE_WRITE), 0);
    struct fill f = { s, pages };
    struct task *t = task_create("hog-fill", hog_fill, &f, PRIO_NORMAL);
    KASSERT_EQ(t ? task_join(t) : -ENOMEM, 0);
}

static void page_out(const char *what, struct vm_space *s, struct pageout_counts *c)
{
    KASSERT_EQ(reclaim_space_pages(s, c), 0);
    pr_info("server_swapped_out: paged out %s: %u pages to kswiod, %u clean copies freed, "
            "%u mlocked left, %u busy, %u kept\n", what, c->queued, c->freed, c->locked,
            c->busy, c->kept);
}

/* Wait until t has been off the CPU for ASLEEP_MS: the server is back in
 * its read of the socket, between requests. */
static void wait_asleep(const struct task *t)
{
    uint32_t still = 0;
    for (uint32_t waited = 0; still < ASLEEP_MS && waited < ASLEEP_LIMIT_MS; waited += POLL_MS) {
        bool running = t->state == TASK_RUNNING || t->state == TASK_RUNNABLE;
        still = running ? 0 : still + POLL_MS;
        sleep_ms(POLL_MS);
    }
    KASSERT(still >= ASLEEP_MS);
}

/* nbd0 served by the process started with opts, the only swap. */
static struct nbd_user *serve_swap(const char *const opts[])
{
    static struct nbd_user u;
    KASSERT_EQ(nbd_user_start("/dev/hdb", opts, &u), 0);
    KASSERT_EQ(swapon(u.dev->name, 0), 0);
    return &u;
}

/* The hog in memory, dirty. */
static void fill_hog(void)
{
    hog = (struct hog){ .space = vm_space_create(), .seed = ktest_seed() };
    KASSERT(hog.space != NULL);
    fill_space(hog.space, HOG_PAGES);
}

/* Both, and the hog paged out: every page of it only on nbd0. */
static struct nbd_user *serve_swap_and_hog(const char *const opts[])
{
    struct nbd_user *u = serve_swap(opts);
    fill_hog();
    struct pageout_counts c;
    page_out("the hog", hog.space, &c);
    KASSERT_EQ(c.queued, HOG_PAGES);
    kswiod_drain(u->dev);               /* the server answers the writes */
    page_out("the hog again", hog.space, &c);
    KASSERT_EQ(c.freed, HOG_PAGES);     /* every page now only on nbd0 */
    pr_info("server_swapped_out: /bin/nbd-server, pid %u, serves nbd0, the swap; the hog's "
            "%u pages are on it\n", u->srv.task->id, HOG_PAGES);
    return u;
}

/* The server's own pages out, while it waits for a request: twice (the
 * file's first comment says why). */
static void page_out_server(struct nbd_user *u, struct pageout_counts server[2])
{
    pr_info("server_swapped_out: now the server's own pages, while it waits for a request\n");
    wait_asleep(u->srv.task);
    page_out("nbd-server", u->server->vm, &server[0]);
    kswiod_drain(u->dev);               /* it answered the writes of its own pages */
    wait_asleep(u->srv.task);
    page_out("nbd-server again", u->server->vm, &server[1]);
}

/* The readers are started, not joined: in the deadlock they never return. */
static void start_readers(void)
{
    for (uint32_t i = 0; i < NR_READERS; i++) {
        struct task *t = task_create(i ? "hog-b" : "hog-a", hog_read, (void *)i, PRIO_NORMAL);
        KASSERT(t != NULL);
        task_detach(t);
    }
}

/* Both readers done within READ_BACK_MS, every page of the hog read back
 * as written; the hog and the swap area go. */
static void check_read_back(struct nbd_user *u)
{
    for (uint32_t waited = 0; hog.done < NR_READERS && waited < READ_BACK_MS; waited += POLL_MS)
        sleep_ms(POLL_MS);
    pr_info("server_swapped_out: the hog read %u and %u of its %u pages back from nbd0, %u and "
            "%u words differ\n", hog.pages_read[0], hog.pages_read[1], HOG_PAGES, hog.bad[0],
            hog.bad[1]);
    KASSERT_EQ(hog.done, NR_READERS);
    for (uint32_t i = 0; i < NR_READERS; i++) {
        KASSERT_EQ(hog.pages_read[i], HOG_PAGES);
        KASSERT_EQ(hog.bad[i], 0);
    }
    vm_space_destroy(hog.space);
    KASSERT_EQ(swapoff(u->dev->name), 0);
}

KTEST_MANUAL(deadlock_1999_server_swapped_out_named)
{
    KASSERT(!deadlock_1999_left);
    if (!hung_timeout_secs || hung_timeout_secs > DEADLOCK_SYNC_HUNG_TIMEOUT_S)
        hung_timeout_secs = DEADLOCK_SYNC_HUNG_TIMEOUT_S;  /* named soon, at the demo too */
    uint32_t hung0 = hung_reports, cycles0 = hung_deadlocks;
    struct pageout_counts server[2];
    struct nbd_user *u = serve_swap_and_hog(NULL);
    page_out_server(u, server);
    start_readers();
    KASSERT(server[0].queued > 0);
    KASSERT(server[1].freed > 0);       /* its code, at least: only on nbd0 now */
    uint32_t limit_ms = (3 * hung_timeout_secs + 5) * 1000;
    for (uint32_t waited = 0; hung_deadlocks == cycles0 && waited < limit_ms; waited += POLL_MS)
        sleep_ms(POLL_MS);
    sleep_ms(2 * 1000);                 /* the readers' reports, after the cycle's */
    hung_timeout_secs = 0;              /* one report each is the lesson */
    uint32_t hangs = hung_reports - hung0, named = hung_deadlocks - cycles0;
    pr_info("server_swapped_out: nbd-server (pid %u) deadlocked on its own page: it woke for "
            "a request, the page it needed next had gone to swap on nbd0, the very device it "
            "serves, and the read that would bring it back is a request that only nbd-server "
            "can answer.  No write is waited for, so kswiod cannot help.  %u hang reports "
            "(%u of a cycle); the hog read %u and %u of its %u pages\n", u->srv.task->id,
            hangs, named, hog.pages_read[0], hog.pages_read[1], HOG_PAGES);
    pr_info("server_swapped_out: memory pressure does this in life, some day; the test paged "
            "the server out on purpose (reclaim_space_pages, Linux's MADV_PAGEOUT) so that it "
            "happens in every run.  The cure is nbd-server -l: mlockall\n");
    ktest_expect_reports(hangs);
    deadlock_1999_left = true;          /* no demo after it in this boot */
    KASSERT(named > 0);
    KASSERT_EQ(hog.done, 0);
    ktest_note("deadlocked on purpose, and named (%u hang reports)", hangs);
    ktest_left("deadlock_1999_server_swapped_out_named left nbd-server, hog-a and hog-b "
               "deadlocked");
}

KTEST_MANUAL(deadlock_1999_server_swapped_out_mlock_completes)
{
    static const char *const locked[] = { "-l", NULL };
    struct pageout_counts server[2];
    struct nbd_user *u = serve_swap_and_hog(locked);
    page_out_server(u, server);
    for (uint32_t i = 0; i < 2; i++) {
        KASSERT(server[i].locked > 0);
        KASSERT_EQ(server[i].queued + server[i].freed, 0);
    }
    start_readers();
    pr_info("server_swapped_out: mlock: nbd-server (pid %u) ran with -l, mlockall: none of "
            "its %u pages could be paged out, so it can answer every swap-in read\n",
            u->srv.task->id, server[0].locked);
    check_read_back(u);
    ktest_note("done: the locked server answered %u pages' reads", HOG_PAGES);
}

/* ---- the server's own reclaim -------------------------------------------- */

struct header_read {
    struct block_device *dev;
    uint8_t *buf;               /* a page */
    int result;
    volatile bool go, done;
};

/* Started before memory is taken (a task needs some), it waits for go. */
static void read_header(void *arg)
{
    struct header_read *r = arg;
    while (!r->go)
        sleep_ms(1);
    r->result = blkdev_rw(r->dev, 0, r->buf, PAGE_SIZE, BIO_READ);
    r->done = true;
}

/* The file's comment tells the stage.  flusher: the server runs -f too. */
static void own_reclaim(bool flusher)
{
    static const char *const locked[] = { "-l", NULL };
    static const char *const locked_flusher[] = { "-l", "-f", NULL };
    struct nbd_user *u = serve_swap(flusher ? locked_flusher : locked);
    uint32_t clean = reclaim_some(CLEAN_OUT_PAGES);
    fill_hog();
    struct task *srv = u->srv.task;
    struct page *page = alloc_page(GFP_KERNEL);
    KASSERT(page != NULL);
    struct header_read r = { .dev = u->dev, .buf = page_address(page) };
    uint32_t reclaims0 = srv->direct_reclaims, kept0 = srv->reclaim_noio_kept;
    uint32_t writes0 = u->srv.own_reclaim_writes;

    struct task *reader = task_create("read-nbd0", read_header, &r, PRIO_NORMAL);
    KASSERT(reader != NULL);
    kswapd_stop();
    struct list_head ballast = LIST_HEAD_INIT(ballast);
    fill_until_refused(0, &ballast);    /* down to min, and no reclaim of its own */
    pr_info("server_swapped_out: own reclaim: %u clean pages freed first; the hog's %u pages "
            "dirty, kswapd stopped, %u pages free (min); reading nbd0's first page\n", clean,
            HOG_PAGES, nr_free_pages());
    r.go = true;
    bool met = false;
    for (uint32_t waited = 0; !met && !r.done && waited < OWN_RECLAIM_MS; waited += POLL_MS) {
        sleep_ms(POLL_MS);
        met = flusher ? srv->reclaim_noio_kept > kept0 : u->srv.own_reclaim_writes > writes0;
    }
    free_page_list(&ballast);
    kswapd_run();
    KASSERT_EQ(task_join(reader), 0);
    uint32_t reclaims = srv->direct_reclaims - reclaims0, kept = srv->reclaim_noio_kept - kept0;
    uint32_t writes = u->srv.own_reclaim_writes - writes0;
    pr_info("server_swapped_out: own reclaim: nbd-server (pid %u, %s) reclaimed %u times, "
            "kept %u dirty pages it may not write, and handed %u pages to a write to nbd0, "
            "the device it serves\n", srv->id, flusher ? "-l -f" : "-l", reclaims, kept, writes);
    KASSERT_EQ(r.result, 0);
    KASSERT_EQ(memcmp(r.buf + PAGE_SIZE - 10, "SWAPSPACE2", 10), 0);
    free_page(page);
    KASSERT(reclaims > 0);
    if (flusher) {
        KASSERT(kept > 0);              /* it met pages it would have written */
        KASSERT_EQ(writes, 0);
        pr_info("server_swapped_out: own reclaim: an IO flusher's reclaim is GFP_NOIO: it "
                "looked at the hog's dirty pages, whose only way out is a write to nbd0 that "
                "only nbd-server can answer, and kept every one\n");
    } else {
        KASSERT(writes > 0);
        pr_info("server_swapped_out: own reclaim: without -f the server's reclaim gave "
                "kswiod %u writes that only the server itself can answer.  kswiod waits for "
                "them, not the server; under reclaim=sync the server would wait for its own "
                "write, for good.  PR_SET_IO_FLUSHER (nbd-server -f) is Linux's cure\n", writes);
    }
    struct pageout_counts c;
    page_out("the hog", hog.space, &c);
    kswiod_drain(u->dev);
    page_out("the hog again", hog.space, &c);
    start_readers();
    check_read_back(u);
}

KTEST_MANUAL(deadlock_1999_server_flusher_reclaim_writes_nothing_to_nbd0)
{
    own_reclaim(true);
    ktest_note("done: the IO flusher's reclaim kept the hog's pages, and wrote none to nbd0");
}

KTEST_MANUAL(deadlock_1999_server_plain_reclaim_writes_to_nbd0)
{
    own_reclaim(false);
    ktest_note("done: the plain server's reclaim queued writes to nbd0, which it serves");
}
