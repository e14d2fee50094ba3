/*
 * deadlock_1999.h - what test_deadlock.c shares with the monitor's
 * "demo deadlock" (deadlock_demo.c).
 *
 * deadlock_1999 runs the scenario under whatever reclaim policy is set;
 * deadlock_1999_sync runs it under reclaim=sync for itself only,
 * labelled as the expected deadlock, and ends it with nbd_reconnect()
 * once it is named -- unless deadlock_1999_leave (the demo) says to leave
 * it behind: then deadlock_1999_left is true and no run of either may
 * follow in this boot (nbd0, its mount, task-A, the server and kswapd stay
 * stuck until "nbd reconnect nbd0").
 */
#pragma once
#include <stdbool.h>

#define DEADLOCK_SYNC_HUNG_TIMEOUT_S 3  /* the cycle named well before any nbd_timeout */

extern bool deadlock_1999_left;
extern bool deadlock_1999_leave;

/* /bin/nbd-server as nbd0's server in this boot: started by the first
 * user run, and kept -- as plain, or as an IO flusher (nbd-server -f,
 * deadlock_1999_user_flusher) -- for the runs after it: a run that wants
 * the other kind fails, and the demo refuses it. */
enum deadlock_1999_server { DEADLOCK_SERVER_NONE, DEADLOCK_SERVER_PLAIN, DEADLOCK_SERVER_FLUSHER };
extern enum deadlock_1999_server deadlock_1999_server;
