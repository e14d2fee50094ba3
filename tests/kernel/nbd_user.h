/*
 * nbd_user.h - the user-space NBD server (user/nbd-server.c) serving an
 * NBD device over loopback, for the kernel tests and benchmarks that need
 * it (test_nbd_user.c, bench_nbd.c).
 *
 * The harness boots with the user image as hda (user_tests.user_image)
 * and the disk to serve after it.  nbd_user_start() mounts the image on
 * /, starts /bin/nbd-server as a process the kernel owns, and attaches
 * the next nbdN to it over 127.0.0.1 (nbd_attach()) once it listens.
 * The process's task is named the device's server (blkdev_set_server()),
 * as nbdsrv names itself: the hang detector can then follow a wait for
 * nbdN's IO to the process, by pid and program name.  Nothing here tells
 * the lock validator when the process is serving (nbdsrv holds its
 * pseudo-lock then): a process's requests are system calls and faults.
 */
#pragma once
#include <stdint.h>
#include "blkdev.h"

struct process;

#define NBD_USER_PORT   10810
#define NBD_USER_OPTS   4       /* options beyond the port and the path */

struct nbd_user {
    struct process *server;     /* the process; the kernel reaps it */
    struct block_device *dev;   /* nbdN, attached to it */
    struct blk_server srv;      /* dev's: the process's task answers its requests */
};

/* Serve path (a disk file: /dev/hdb) with the options in opts (up to
 * NBD_USER_OPTS, NULL-terminated: "-l", "-f"; NULL: none), attach, and
 * fill *u.  0, or a negative errno after a line saying what failed: no
 * user image to mount, no process, no connection within
 * NBD_USER_LISTEN_MS. */
#define NBD_USER_LISTEN_MS  10000
int nbd_user_start(const char *path, const char *const opts[], struct nbd_user *u);
