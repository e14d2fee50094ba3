/*
 * nbd_user.c - /bin/nbd-server as an NBD device's server, started by a
 * kernel test or benchmark (see nbd_user.h).
 */
#include "blkdev.h"
#include "kerrno.h"
#include "nbd.h"
#include "nbd_user.h"
#include "printk.h"
#include "process.h"
#include "sched.h"
#include "vfs.h"
#include "vsprintf.h"

/* Until the server listens, a connection is refused at once (and logged
 * by nbd_attach): look again this often. */
#define LISTEN_POLL_MS      250
#define PORT_LEN            8
#define SERVER_LEN          24      /* "127.0.0.1:PORT" */
#define NBD_SERVER_PATH     "/bin/nbd-server"

int nbd_user_start(const char *path, const char *const opts[], struct nbd_user *u)
{
    /* A boot whose shell runs the demo (monitor demo ...) has the image
     * mounted on / already. */
    struct inode *program;
    int err = vfs_lookup(NBD_SERVER_PATH, &program);
    if (!err)
        iput(program);
    else
        err = vfs_mount("hda", "/", "ext2");
    if (err) {
        pr_err("nbd user: hda holds no user image to mount (%d)\n", err);
        return err;
    }
    char port[PORT_LEN], server[SERVER_LEN];
    ksnprintf(port, sizeof(port), "%u", NBD_USER_PORT);
    ksnprintf(server, sizeof(server), "127.0.0.1:%u", NBD_USER_PORT);
    const char *argv[3 + NBD_USER_OPTS + 2] = { NBD_SERVER_PATH, "-p", port };
    int argc = 3;
    for (int i = 0; opts && opts[i]; i++) {
        if (i == NBD_USER_OPTS) {
            pr_err("nbd user: more than NBD_USER_OPTS (%d) options\n", NBD_USER_OPTS);
            return -E2BIG;
        }
        argv[argc++] = opts[i];
    }
    argv[argc] = path;
    u->server = process_spawn(argv[0], argv, NULL, &err);
    if (!u->server) {
        pr_err("nbd user: cannot start /bin/nbd-server (%d)\n", err);
        return err;
    }
    for (uint32_t waited = 0; (err = nbd_attach(server, NULL, &u->dev)); waited += LISTEN_POLL_MS) {
        if (err != -ECONNREFUSED || waited >= NBD_USER_LISTEN_MS) {
            pr_err("nbd user: no device on /bin/nbd-server after %u ms (%d)\n", waited, err);
            return err;
        }
        sleep_ms(LISTEN_POLL_MS);
    }
    static struct lock_class_key key;
    u->srv = (struct blk_server){
        .task = u->server->task,
        .map = LOCKDEP_MAP_INIT("nbd-server request", &key, LOCK_PSEUDO),
    };
    blkdev_set_server(u->dev, &u->srv);        /* before anyone reads it */
    pr_info("nbd user: %s serves %s over loopback\n", u->dev->name, path);
    return 0;
}
