/*
 * test_nbd_user.c - nbd0 served over loopback by /bin/nbd-server, the NBD
 * server as a process (nbd_user.h starts it): the kernel's client and a
 * user program's server, each through its side of the same framing.
 * The harness (tests/harness/nbd_user_tests.py) boots with the user image
 * as hda and a seeded image as hdb, and checks hdb on the host after.
 *
 *   nbd_user_pattern_round_trip  nbd_pattern_round_trip's checks, with
 *                                /dev/hdb served by the process
 */
#include "ktest.h"
#include "nbd_user.h"
#include "test_helpers.h"

KTEST_MANUAL(nbd_user_pattern_round_trip)
{
    struct nbd_user u;
    KASSERT_EQ(nbd_user_start("/dev/hdb", NULL, &u), 0);
    nbd_pattern_checks(u.dev);
}
