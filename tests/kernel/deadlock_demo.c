/*
 * deadlock_demo.c - the monitor's "demo deadlock [kswiod|sync]": the 1999
 * scenario (test_deadlock.c, docs/deadlock-1999.md) started by hand, so
 * that a student at make run's prompt watches it happen.
 *
 *   demo deadlock          the default policy: it completes, and says how
 *   demo deadlock kswiod   many dirty pages reclaim handed to kswiod
 *   demo deadlock sync     the 1999 policy for the one run: the deadlock
 *                          happens and the hang detector names it
 *
 * It needs nbd0 served by nbdsrv (nbdsrv=PORT nbdsrv_dev=DEV
 * nbd=127.0.0.1:PORT on the command line; make run boots so), and runs
 * the test deadlock_1999 with reclaim's policy set for the run and put
 * back after.  The sync run leaves its deadlock behind on purpose --
 * task-A, nbdsrv and kswapd stay blocked, nbd0 and its mount with them --
 * for ps and locks to show; the rest of the machine goes on under the
 * default policy, and no second demo runs until the next boot.  The hang
 * detector's threshold is cut for that run, so that it names the cycle
 * well before nbd0's request timeout (nbd_timeout=) would end it with an
 * IO error; make run boots with a long nbd_timeout for the same reason.
 */
#include "blkdev.h"
#include "console.h"
#include "hung.h"
#include "ktest.h"
#include "kstring.h"
#include "monitor.h"
#include "reclaim.h"

#define DEMO_HUNG_TIMEOUT_S 3   /* well below any nbd_timeout */

static bool deadlock_left;      /* a sync run's deadlock is still there */

static void cmd_demo(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || strcmp(argv[1], "deadlock") != 0 ||
        (argc == 3 && strcmp(argv[2], "sync") != 0 && strcmp(argv[2], "kswiod") != 0)) {
        console_puts("usage: demo deadlock [kswiod|sync]\n");
        return;
    }
    struct block_device *nbd0 = blkdev_find("nbd0");
    if (!nbd0 || !nbd0->server) {
        console_puts("demo: nbd0 must be served by nbdsrv: boot with nbdsrv=PORT "
                     "nbd=127.0.0.1:PORT (make run does)\n");
        return;
    }
    if (deadlock_left) {
        console_puts("demo: the sync run's deadlock is still there (ps shows it); "
                     "halt and boot again\n");
        return;
    }
    bool sync = argc == 3 && strcmp(argv[2], "sync") == 0;
    enum reclaim_policy saved = reclaim_policy;
    reclaim_policy = sync ? RECLAIM_SYNC : RECLAIM_KSWIOD;
    if (sync && hung_timeout_secs > DEMO_HUNG_TIMEOUT_S)
        hung_timeout_secs = DEMO_HUNG_TIMEOUT_S;    /* the sync ending turns it off */
    console_printf("demo: the 1999 deadlock under reclaim=%s: ext2 on nbd0, served by "
                   "nbdsrv\n", sync ? "sync" : "kswiod");
    int failed = ktest_run("deadlock_1999");
    reclaim_policy = saved;
    deadlock_left = sync && !failed;
    if (deadlock_left)
        console_puts("demo: task-A, nbdsrv and kswapd stay deadlocked on purpose: "
                     "try ps and locks\n");
}

MONITOR_COMMAND("demo", "deadlock", "the 1999 deadlock live: [kswiod|sync]", cmd_demo);
