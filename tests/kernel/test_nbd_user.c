/*
 * test_nbd_user.c - nbd0 served over loopback by /bin/nbd-server, the NBD
 * server as a process (nbd_user.h starts it): the kernel's client and a
 * user program's server, each through its side of the same framing.
 * The harness (tests/harness/nbd_user_tests.py) boots with the user image
 * as hda and a seeded image as hdb, and checks hdb on the host after.
 *
 *   nbd_user_pattern_round_trip  nbd_pattern_round_trip's checks, with
 *                                /dev/hdb served by the process
 *   nbd_user_server_killed_fails_requests_with_eio
 *                                the process killed (kill's SIGKILL) mid-burst
 */
#include "cmdline.h"
#include "disk_pattern.h"
#include "kerrno.h"
#include "ksignal.h"
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "nbd.h"
#include "nbd_user.h"
#include "printk.h"
#include "process.h"
#include "sched.h"
#include "test_helpers.h"
#include "timer.h"
#include "wait_status.h"

KTEST_MANUAL(nbd_user_pattern_round_trip)
{
    struct nbd_user u;
    KASSERT_EQ(nbd_user_start("/dev/hdb", NULL, &u), 0);
    nbd_pattern_checks(u.dev);
}

/* The server process killed with NBD_USER_BURST writes in flight: they
 * fail with -EIO (those it answered before it died excepted), by
 * nbd_timeout at the latest; nbd0 is dead, later bios fail at once, and
 * the kernel goes on.  The disk it serves (hdb) is stalled through the
 * burst until the kill, so the server is in its first pwrite when it is
 * killed: a server that answers 64 writes in less than KILL_AFTER_MS
 * (one bio per request, fs/blkdev_file.c) would otherwise finish first. */
#define NBD_USER_BURST      64          /* more than NBD_MAX_INFLIGHT */
#define KILL_AFTER_MS       20          /* into the burst */
#define DEAD_READS          8
#define FAST_FAIL_MS        100         /* a dead device fails a bio at once */
#define MS_PER_S            1000

static uint32_t server_pid;
static int kill_result = 1;             /* 1: not sent yet */

static void killer(void *arg)
{
    struct block_device *disk = arg;
    sleep_ms(KILL_AFTER_MS);
    kill_result = process_kill(server_pid, SIGKILL);
    blkdev_stall(disk, false);          /* its pwrite ends; then the kill */
}

KTEST_MANUAL(nbd_user_server_killed_fails_requests_with_eio)
{
    static struct nbd_user u;
    static struct page *pages[NBD_USER_BURST];
    static uint64_t sectors[NBD_USER_BURST];
    static int status[NBD_USER_BURST];
    KASSERT_EQ(nbd_user_start("/dev/hdb", NULL, &u), 0);
    for (int i = 0; i < NBD_USER_BURST; i++) {
        pages[i] = alloc_page(GFP_KERNEL);
        KASSERT(pages[i] != NULL);
        memset(page_address(pages[i]), i, PAGE_SIZE);
        sectors[i] = (uint64_t)i * (PAGE_SIZE / SECTOR_SIZE);
    }
    KASSERT_EQ(flight_rw_status(u.dev, pages, sectors, NBD_MAX_INFLIGHT, BIO_WRITE, NULL), 0);
    server_pid = u.srv.task->id;
    struct block_device *disk = blkdev_find("hdb");
    KASSERT(disk != NULL);
    blkdev_stall(disk, true);
    struct task *k = task_create("killer", killer, disk, PRIO_NORMAL);
    KASSERT(k != NULL);
    uint64_t t0 = timer_uptime_ms();
    int failed = flight_rw_status(u.dev, pages, sectors, NBD_USER_BURST, BIO_WRITE, status);
    uint64_t took = timer_uptime_ms() - t0;
    KASSERT_EQ(task_join(k), 0);
    KASSERT_EQ(kill_result, 0);
    int ws = process_wait(u.server);
    int eio = 0;
    for (int i = 0; i < NBD_USER_BURST; i++)
        eio += status[i] == -EIO;
    t0 = timer_uptime_ms();
    int dead = flight_rw_status(u.dev, pages, sectors, DEAD_READS, BIO_READ, NULL);
    uint64_t took_dead = timer_uptime_ms() - t0;
    struct nbd_stats st;
    KASSERT_EQ(nbd_get_stats(u.dev, &st), 0);
    uint32_t timeout_s = cmdline_get_u32("nbd_timeout", 15);
    pr_info("nbd_user: /bin/nbd-server (pid %u) was killed with %d writes in flight: %d were "
            "answered before it died, %d failed with -EIO after %llu ms (nbd_timeout is %u s); "
            "nbd0 is %s, and %d of %d later reads failed at once (%llu ms): the kernel goes on\n",
            server_pid, NBD_USER_BURST, NBD_USER_BURST - failed, eio, (unsigned long long)took,
            timeout_s, st.connected ? "still connected" : "dead", dead, DEAD_READS,
            (unsigned long long)took_dead);
    KASSERT_EQ(WTERMSIG(ws), SIGKILL);
    KASSERT(u.srv.task == NULL);        /* its exit made nbd0 forget it */
    KASSERT(failed > 0);
    KASSERT_EQ(eio, failed);
    KASSERT(took <= timeout_s * MS_PER_S + KILL_AFTER_MS + FAST_FAIL_MS);
    KASSERT(!st.connected);
    KASSERT_EQ(dead, DEAD_READS);
    KASSERT(took_dead < FAST_FAIL_MS);
    for (int i = 0; i < NBD_USER_BURST; i++)
        free_page(pages[i]);
}
