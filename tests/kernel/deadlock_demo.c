/*
 * deadlock_demo.c - the monitor's "demo deadlock [...]": the 1999
 * scenario (test_deadlock.c, docs/deadlock-1999.md) started by hand, so
 * that a student at make run's prompt watches it happen.
 *
 *   demo deadlock          the default policy: it completes, and says how
 *   demo deadlock kswiod   many dirty pages reclaim handed to kswiod
 *   demo deadlock sync     the 1999 policy for the one run: the deadlock
 *                          happens and the hang detector names it
 *
 *   demo deadlock user [kswiod|sync]
 *                          the same with /bin/nbd-server, a process, as
 *                          nbd0's server (deadlock_1999_user and
 *                          deadlock_1999_user_sync): boot with the user
 *                          image as hda, a fresh ext2 as hdb, no nbd=
 *   demo deadlock flusher  Linux 5.6's cure: reclaim=sync, the 1999
 *                          policy, with nbd-server -f, an IO flusher
 *                          (deadlock_1999_user_flusher): it completes.
 *                          The same disks; the boot's first user demo
 *                          starts the server, -f or not, and a demo
 *                          wanting the other kind is refused
 *   demo deadlock swapped  the server's own pages swapped out to the
 *                          device it serves, a deadlock no reclaim
 *                          policy cures (deadlock_1999_server_swapped_out
 *                          _named; it stays, for ps and nbd)
 *   demo deadlock mlock    the same with nbd-server -l, mlockall: it
 *                          completes (..._mlock_completes).  Both: boot
 *                          with the user image as hda, a swap area as
 *                          hdb, no nbd=; one of them per boot
 *
 * Otherwise it needs nbd0 served by nbdsrv (nbdsrv=PORT nbdsrv_dev=DEV
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
#include "sched.h"

static void usage(void)
{
    console_puts("usage: demo deadlock [user] [kswiod|sync] | demo deadlock "
                 "flusher|swapped|mlock\n");
}

/* demo deadlock swapped|mlock (test_server_swapped.c). */
static void demo_swapped(bool mlock)
{
    if (!blkdev_find("hdb") || blkdev_find("nbd0")) {
        console_puts("demo: the swapped demo serves hdb (a swap area) as nbd0 with "
                     "/bin/nbd-server from hda (the user image): boot with those disks and no "
                     "nbd=; it runs once per boot\n");
        return;
    }
    if (mlock) {
        console_puts("demo: /bin/nbd-server -l (mlockall) serves nbd0, the only swap; its "
                     "pages are paged out on purpose, and the locked ones stay\n");
        ktest_run("deadlock_1999_server_swapped_out_mlock_completes");
        return;
    }
    console_puts("demo: /bin/nbd-server serves nbd0, the only swap; its own pages are paged "
                 "out on purpose (MADV_PAGEOUT), as memory pressure would some day\n");
    if (ktest_run("deadlock_1999_server_swapped_out_named") == 0)
        console_puts("demo: nbd-server, hog-a and hog-b stay deadlocked on purpose: try ps "
                     "and nbd\n");
}

static void cmd_demo(int argc, char **argv)
{
    bool swapped = argc == 3 && strcmp(argv[1], "deadlock") == 0 &&
                   (strcmp(argv[2], "swapped") == 0 || strcmp(argv[2], "mlock") == 0);
    if (swapped && deadlock_1999_left) {
        console_puts("demo: an earlier demo's deadlock is still there (ps shows it); halt "
                     "and boot again\n");
        return;
    }
    if (swapped) {
        demo_swapped(strcmp(argv[2], "mlock") == 0);
        return;
    }
    bool flusher = argc == 3 && strcmp(argv[2], "flusher") == 0;
    bool user = flusher || (argc >= 3 && strcmp(argv[2], "user") == 0);
    const char *policy = !flusher && argc == 3 + user ? argv[2 + user] : NULL;
    if (argc < 2 || argc > 3 + user || strcmp(argv[1], "deadlock") != 0 ||
        (policy && strcmp(policy, "sync") != 0 && strcmp(policy, "kswiod") != 0)) {
        usage();
        return;
    }
    struct block_device *nbd0 = blkdev_find("nbd0");
    if (!user && (!nbd0 || !nbd0->server)) {
        console_puts("demo: nbd0 must be served by nbdsrv: boot with nbdsrv=PORT "
                     "nbd=127.0.0.1:PORT (make run does)\n");
        return;
    }
    if (user && (!blkdev_find("hdb") ||
                 (nbd0 && (!nbd0->server || strcmp(nbd0->server->task->name, "nbd-server"))))) {
        console_puts("demo: the user demo serves hdb (an ext2) as nbd0 with /bin/nbd-server "
                     "from hda (the user image): boot with those disks and no nbd=\n");
        return;
    }
    enum deadlock_1999_server want = flusher ? DEADLOCK_SERVER_FLUSHER : DEADLOCK_SERVER_PLAIN;
    if (user && deadlock_1999_server != DEADLOCK_SERVER_NONE && deadlock_1999_server != want) {
        console_printf("demo: nbd-server was started %s by an earlier demo in this boot; "
                       "halt and boot again\n",
                       deadlock_1999_server == DEADLOCK_SERVER_FLUSHER ? "as an IO flusher (-f)"
                                                                       : "without -f");
        return;
    }
    if (deadlock_1999_left) {
        console_puts("demo: the sync run's deadlock is still there (ps shows it); "
                     "halt and boot again\n");
        return;
    }
    if (flusher) {
        console_puts("demo: the 1999 policy, reclaim=sync, with /bin/nbd-server -f: an IO "
                     "flusher, whose reclaim writes nothing\n");
        ktest_run("deadlock_1999_user_flusher");
        return;
    }
    bool sync = policy && strcmp(policy, "sync") == 0;
    const char *server = user ? "nbd-server" : "nbdsrv";
    console_printf("demo: the 1999 deadlock under reclaim=%s: ext2 on nbd0, served by %s\n",
                   sync ? "sync" : "kswiod", user ? "/bin/nbd-server, a process" : "nbdsrv");
    if (sync) {
        deadlock_1999_leave = true;
        if (ktest_run(user ? "deadlock_1999_user_sync" : "deadlock_1999_sync") == 0)
            console_printf("demo: task-A, %s and kswapd stay deadlocked on purpose: "
                           "try ps and locks; nbd reconnect nbd0 ends it\n", server);
        return;
    }
    enum reclaim_policy saved = reclaim_policy;
    reclaim_policy = RECLAIM_KSWIOD;
    ktest_run(user ? "deadlock_1999_user" : "deadlock_1999");
    reclaim_policy = saved;
}

MONITOR_COMMAND("demo", "deadlock [user|flusher|swapped|mlock]",
                "the 1999 deadlock live: [user] [kswiod|sync]; user: the server a process; "
                "flusher: it -f under sync; swapped: its pages on the device it serves; "
                "mlock: -l",
                cmd_demo);
