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
 * the test deadlock_1999 under reclaim=kswiod, or
 * deadlock_1999_sync, which sets the 1999 policy and a short
 * hang threshold for itself and leaves its deadlock behind on purpose --
 * task-A, nbdsrv and kswapd stay blocked, nbd0 and its mount with them --
 * for ps and locks to show; the rest of the machine goes on under the
 * default policy, and no second demo runs until the next boot (make run's
 * stress suite ends with that test, so after make run's tests the demo
 * says so).  make run boots with a long nbd_timeout, so that the client's
 * timeout does not end the deadlock with an IO error while a student
 * looks.
 */
#include "blkdev.h"
#include "console.h"
#include "deadlock_1999.h"
#include "ktest.h"
#include "kstring.h"
#include "monitor.h"
#include "reclaim.h"

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
    if (deadlock_1999_left) {
        console_puts("demo: the sync run's deadlock is still there (ps shows it); "
                     "halt and boot again\n");
        return;
    }
    bool sync = argc == 3 && strcmp(argv[2], "sync") == 0;
    console_printf("demo: the 1999 deadlock under reclaim=%s: ext2 on nbd0, served by "
                   "nbdsrv\n", sync ? "sync" : "kswiod");
    if (sync) {
        if (ktest_run("deadlock_1999_sync") == 0)
            console_puts("demo: task-A, nbdsrv and kswapd stay deadlocked on purpose: "
                         "try ps and locks\n");
        return;
    }
    enum reclaim_policy saved = reclaim_policy;
    reclaim_policy = RECLAIM_KSWIOD;
    ktest_run("deadlock_1999");
    reclaim_policy = saved;
}

MONITOR_COMMAND("demo", "deadlock", "the 1999 deadlock live: [kswiod|sync]", cmd_demo);
