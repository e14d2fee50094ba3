/*
 * nbdsrv.c - the in-kernel NBD server task (see include/nbdsrv.h): the
 * socket work and the device IO around the framing of nbdsrv_proto.c.
 *
 * One task, "nbdsrv", PRIO_NORMAL and without PF_MEMALLOC: it stands for
 * a server process, so it allocates like one.  Each request's data goes
 * through pages allocated for it with GFP_KERNEL and freed once the reply
 * is sent; a request for which no page can be had is answered ENOMEM.
 * While it serves a request it holds the pseudo-lock of its blk_server:
 * the lock validator then records that serving nbd0's IO may enter
 * reclaim_io (blkdev.h says why).
 *
 * Its idle waits -- accept, the first byte of the next request -- are cut
 * into slices, each a wait with a timeout: a server waiting for work is
 * not hung, and the hang detector must not say it is.
 */
#include "blkdev.h"
#include "cmdline.h"
#include "kerrno.h"
#include "kstring.h"
#include "mm.h"
#include "nbd.h"
#include "nbdsrv.h"
#include "nbdsrv_proto.h"
#include "printk.h"
#include "sched.h"
#include "slab.h"
#include "socket.h"
#include "vsprintf.h"
#include "net_parse.h"

KERNEL_PARAM(nbdsrv, "0", "start the in-kernel NBD server on this TCP port; 0: none");
KERNEL_PARAM(nbdsrv_dev, "hda", "the device nbdsrv serves");

#define NBDSRV_BACKLOG          2
#define NBDSRV_SLICE_MS         1000    /* an idle wait's slice */
#define NBDSRV_IO_TIMEOUT_MS    15000   /* a message, once it began: all of it */
#define NBDSRV_MAX_OPTIONS      32      /* options before the client must choose */
#define NBDSRV_MAX_REQUEST      (BIO_MAX_VECS * PAGE_SIZE)   /* one bio */
#define NBDSRV_MAX_PAGES        (NBDSRV_MAX_REQUEST / PAGE_SIZE)
#define NBDSRV_PREF_BLOCK       PAGE_SIZE
#define NBDSRV_WHY_LEN          160
#define NBDSRV_PEER_LEN         64      /* a socket's description */
#define NBDSRV_NAME_LEN         BDEV_NAME_LEN
#define NBDSRV_EXPORT_FLAGS     (NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | NBD_FLAG_SEND_FUA)

static struct lock_class_key server_key;
static struct {
    uint16_t port;
    struct block_device *dev;   /* what it serves */
    struct socket *listener;
    struct blk_server server;   /* the task, and "a request to nbdsrv" */
    struct nbdsrv_stats stats;  /* written by the task only */
} srv = {
    .server.map = LOCKDEP_MAP_INIT("nbdsrv request", &server_key, LOCK_PSEUDO),
};

/* One connection's state. */
struct conn {
    struct socket *s;
    uint32_t client_flags;
    uint8_t *opt;               /* NBDSRV_OPT_MAX_LEN bytes: option data, drained writes */
    char why[NBDSRV_WHY_LEN];
};

int nbdsrv_get_stats(struct nbdsrv_stats *out)
{
    if (!srv.server.task)
        return -ENODEV;
    *out = srv.stats;
    return 0;
}

struct task *nbdsrv_task(void) { return srv.server.task; }

/* ---- moving bytes ------------------------------------------------------- */

static int send_all(struct conn *c, const void *buf, uint32_t len)
{
    int ret = sock_send(c->s, buf, len, NBDSRV_IO_TIMEOUT_MS);
    return ret < 0 ? ret : 0;
}

static int recv_all(struct conn *c, void *buf, uint32_t len)
{
    int ret = sock_recv_exact(c->s, buf, len, NBDSRV_IO_TIMEOUT_MS);
    return ret < 0 ? ret : 0;
}

/* The start of the next message, waited for as long as it takes (in
 * slices), then the rest of it with the IO timeout.  -EPIPE when the
 * client closed between messages. */
static int recv_idle(struct conn *c, uint8_t *buf, uint32_t len)
{
    int ret;
    while ((ret = sock_recv(c->s, buf, len, NBDSRV_SLICE_MS)) == -ETIMEDOUT)
        ;
    if (ret == 0)
        return -EPIPE;
    if (ret < 0)
        return ret;
    return (uint32_t)ret < len ? recv_all(c, buf + ret, len - (uint32_t)ret) : 0;
}

/* Read and forget len bytes (the data of a write refused). */
static int drain(struct conn *c, uint32_t len)
{
    for (uint32_t chunk; len; len -= chunk) {
        chunk = len < NBDSRV_OPT_MAX_LEN ? len : NBDSRV_OPT_MAX_LEN;
        int ret = recv_all(c, c->opt, chunk);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* ---- the handshake ------------------------------------------------------ */

static int opt_reply(struct conn *c, uint32_t option, uint32_t type, const void *data,
                     uint32_t len)
{
    uint8_t hdr[NBD_OPT_REPLY_HEADER_LEN];
    nbdsrv_encode_opt_reply(hdr, option, type, len);
    int ret = send_all(c, hdr, sizeof(hdr));
    return ret < 0 || !len ? ret : send_all(c, data, len);
}

static uint64_t export_size(void) { return srv.dev->nr_sectors << SECTOR_SHIFT; }

/* NBD_OPT_GO: 1 when transmission starts, 0 for the next option, or an
 * error (the connection ends). */
static int option_go(struct conn *c, uint32_t len)
{
    const struct nbdsrv_export_info ex = {
        .size = export_size(), .flags = NBDSRV_EXPORT_FLAGS,
        .min_block = SECTOR_SIZE, .pref_block = NBDSRV_PREF_BLOCK, .max_block = NBDSRV_MAX_REQUEST,
    };
    uint8_t answer[NBDSRV_GO_ANSWER_MAX];
    char name[NBDSRV_NAME_LEN];
    bool accepted;
    int ret = nbdsrv_answer_go(c->opt, len, srv.dev->name, &ex, answer, name, sizeof(name),
                               &accepted, c->why, sizeof(c->why));
    if (ret < 0)
        return ret;
    if (!accepted)
        pr_info("nbdsrv: refused: %s\n", c->why);
    ret = send_all(c, answer, (uint32_t)ret);
    return ret < 0 ? ret : accepted;
}

/* NBD_OPT_EXPORT_NAME: transmission starts, or (an unknown name) the
 * protocol's only refusal, closing. */
static int option_export_name(struct conn *c, uint32_t len)
{
    char name[NBDSRV_NAME_LEN];
    uint8_t reply[NBD_EXPORT_NAME_REPLY_LEN + NBD_EXPORT_NAME_ZEROES];
    int ret = nbdsrv_parse_export_name(c->opt, len, name, sizeof(name), c->why, sizeof(c->why));
    if (ret < 0 || !nbdsrv_is_export(name, srv.dev->name)) {
        if (!ret)
            ksnprintf(c->why, sizeof(c->why), "NBD_OPT_EXPORT_NAME for an unknown export");
        return ret < 0 ? ret : -ENOENT;
    }
    uint32_t n = nbdsrv_encode_export_name_reply(reply, export_size(), NBDSRV_EXPORT_FLAGS,
                                                 c->client_flags);
    ret = send_all(c, reply, n);
    return ret < 0 ? ret : 1;
}

/* 0 when transmission may start, or an error (c->why says what, when the
 * client broke the protocol). */
static int handshake(struct conn *c)
{
    uint8_t buf[NBD_GREETING_LEN];
    nbdsrv_encode_greeting(buf);
    int ret = send_all(c, buf, NBD_GREETING_LEN);
    if (!ret)
        ret = recv_all(c, buf, NBD_CLIENT_FLAGS_LEN);
    if (!ret)
        ret = nbdsrv_parse_client_flags(buf, &c->client_flags, c->why, sizeof(c->why));
    for (int i = 0; !ret && i < NBDSRV_MAX_OPTIONS; i++) {
        struct nbdsrv_opt o;
        if ((ret = recv_all(c, buf, NBD_OPT_HEADER_LEN)) ||
            (ret = nbdsrv_parse_opt_header(buf, &o, c->why, sizeof(c->why))) ||
            (ret = recv_all(c, c->opt, o.len)))
            return ret;
        if (o.option == NBD_OPT_GO)
            ret = option_go(c, o.len);
        else if (o.option == NBD_OPT_EXPORT_NAME)
            ret = option_export_name(c, o.len);
        else if (o.option == NBD_OPT_ABORT)
            return opt_reply(c, o.option, NBD_REP_ACK, NULL, 0) ?: -ECONNABORTED;
        else
            ret = opt_reply(c, o.option, NBD_REP_ERR_UNSUP, NULL, 0);
        if (ret == 1)
            return 0;
    }
    if (!ret)
        ksnprintf(c->why, sizeof(c->why), "no export chosen in %d options", NBDSRV_MAX_OPTIONS);
    return ret ? ret : -EPROTO;
}

/* ---- requests ----------------------------------------------------------- */

/* The request's pages, one bio of them, allocated as a server process
 * would -- GFP_KERNEL: here is where nbdsrv may enter reclaim. */
struct request_pages {
    struct page *page[NBDSRV_MAX_PAGES];
    uint32_t nr;
};

static int get_pages(struct request_pages *rp, uint32_t len)
{
    rp->nr = 0;
    for (uint32_t i = 0; i < (len + PAGE_SIZE - 1) / PAGE_SIZE; i++) {
        struct page *p = alloc_page(GFP_KERNEL);
        if (!p)
            return -ENOMEM;
        rp->page[rp->nr++] = p;
        srv.stats.pages++;
    }
    return 0;
}

static void put_pages(struct request_pages *rp)
{
    for (uint32_t i = 0; i < rp->nr; i++)
        free_page(rp->page[i]);
    rp->nr = 0;
}

static uint32_t piece(uint32_t len, uint32_t i)
{
    return len - i * PAGE_SIZE < PAGE_SIZE ? len - i * PAGE_SIZE : PAGE_SIZE;
}

/* The device IO for a read or write: 0 or -EIO. */
static int device_io(const struct nbd_request *rq, struct request_pages *rp)
{
    struct bio *bio = bio_alloc(GFP_KERNEL);
    bio->bdev = srv.dev;
    bio->sector = rq->offset >> SECTOR_SHIFT;
    bio->op = rq->type == NBD_CMD_READ ? BIO_READ : BIO_WRITE;
    for (uint32_t i = 0; i < rp->nr; i++)
        bio_add_page(bio, rp->page[i], piece(rq->len, i), 0);
    int err = submit_bio_wait(bio);
    bio_put(bio);
    return err;
}

/* Move the data between the socket and the pages: in for a write (before
 * the IO), out for a read (after the reply header). */
static int transfer(struct conn *c, const struct nbd_request *rq, struct request_pages *rp)
{
    int ret = 0;
    for (uint32_t i = 0; !ret && i < rp->nr; i++) {
        void *p = page_address(rp->page[i]);
        uint32_t n = piece(rq->len, i);
        ret = rq->type == NBD_CMD_READ ? send_all(c, p, n) : recv_all(c, p, n);
    }
    return ret;
}

static void count(const struct nbd_request *rq, uint32_t error)
{
    if (error) {
        srv.stats.errors++;
        srv.stats.no_memory += error == NBD_ENOMEM;
    } else if (rq->type == NBD_CMD_READ) {
        srv.stats.reads++;
        srv.stats.bytes_read += rq->len;
    } else if (rq->type == NBD_CMD_WRITE) {
        srv.stats.writes++;
        srv.stats.bytes_written += rq->len;
    } else {
        srv.stats.flushes++;
    }
}

/* A request whose header was judged well-framed, with error its verdict
 * so far: 0 when the connection goes on. */
static int answer(struct conn *c, const struct nbd_request *rq, uint32_t error)
{
    struct request_pages rp = { .nr = 0 };
    bool io = !error && (rq->type == NBD_CMD_READ || rq->type == NBD_CMD_WRITE);
    int ret = 0;
    if (io && get_pages(&rp, rq->len) < 0)
        error = NBD_ENOMEM;
    if (nbdsrv_request_has_data(rq))
        ret = error ? drain(c, rq->len) : transfer(c, rq, &rp);
    if (!ret && !error && io && device_io(rq, &rp) < 0)
        error = NBD_EIO;
    uint8_t reply[NBD_REPLY_LEN];
    nbdsrv_encode_reply(reply, error, rq->cookie);
    if (!ret)
        ret = send_all(c, reply, sizeof(reply));
    if (!ret && !error && rq->type == NBD_CMD_READ)
        ret = transfer(c, rq, &rp);
    put_pages(&rp);
    count(rq, error);
    if (error && error != NBD_ENOMEM)
        pr_info("nbdsrv: %s of %u bytes at %llu answered %s\n", nbd_cmd_name(rq->type),
                rq->len, (unsigned long long)rq->offset, nbd_error_name(error));
    return ret;
}

/* Requests until the client disconnects, breaks the framing or goes. */
static void transmission(struct conn *c)
{
    for (;;) {
        uint8_t hdr[NBD_REQUEST_LEN];
        struct nbd_request rq;
        int ret = recv_idle(c, hdr, sizeof(hdr));
        if (ret < 0) {
            pr_info("nbdsrv: the client went away (%d)\n", ret);
            return;
        }
        if (nbdsrv_parse_request(hdr, &rq, c->why, sizeof(c->why)) < 0) {
            pr_err("nbdsrv: %s; closing the connection\n", c->why);
            return;
        }
        if (rq.type == NBD_CMD_DISC) {
            pr_info("nbdsrv: the client disconnected\n");
            return;
        }
        uint32_t error = nbdsrv_check_request(&rq, export_size(), NBDSRV_MAX_REQUEST,
                                              SECTOR_SIZE, NBDSRV_EXPORT_FLAGS);
        if (nbdsrv_request_has_data(&rq) && rq.len > NBDSRV_MAX_REQUEST) {
            pr_err("nbdsrv: a write of %u bytes, more than the %u offered; closing\n", rq.len,
                   NBDSRV_MAX_REQUEST);
            return;
        }
        uint32_t site = (uint32_t)__builtin_return_address(0);
        lockdep_acquire(&srv.server.map, site);     /* serving: see blkdev.h */
        ret = answer(c, &rq, error);
        lockdep_release(&srv.server.map, site);
        if (ret < 0) {
            pr_info("nbdsrv: the connection broke mid-request (%d)\n", ret);
            return;
        }
    }
}

static void serve(struct socket *s)
{
    struct conn c = { .s = s, .why = "" };
    char peer[NBDSRV_PEER_LEN];
    sock_describe(s, peer, sizeof(peer));
    srv.stats.connections++;
    c.opt = kmalloc(NBDSRV_OPT_MAX_LEN, GFP_KERNEL);
    int ret = c.opt ? handshake(&c) : -ENOMEM;
    if (ret == 0) {
        pr_info("nbdsrv: serving %s (%llu bytes) to %s\n", srv.dev->name,
                (unsigned long long)export_size(), peer);
        transmission(&c);
    } else {
        pr_info("nbdsrv: handshake with %s ended: %s (%d)\n", peer,
                c.why[0] ? c.why : "the client left or no memory", ret);
    }
    kfree(c.opt);
}

static void nbdsrv_main(void *arg)
{
    (void)arg;
    for (;;) {
        struct socket *s;
        int ret = sock_accept(srv.listener, NBDSRV_SLICE_MS, &s);
        if (ret == -ETIMEDOUT)
            continue;
        if (ret < 0) {
            pr_err("nbdsrv: accept failed (%d); the server stops\n", ret);
            break;
        }
        serve(s);
        sock_close(s);
    }
    task_exit(0);
}

void nbdsrv_init(void)
{
    uint32_t port = cmdline_get_u32("nbdsrv", 0);
    if (!port)
        return;
    const char *name = cmdline_get("nbdsrv_dev");
    name = name ? name : "hda";
    srv.dev = blkdev_find(name);
    int ret = srv.dev ? 0 : -ENODEV;
    if (port > UINT16_MAX)
        ret = -EINVAL;
    if (!ret)
        ret = sock_listen((uint16_t)port, NBDSRV_BACKLOG, &srv.listener);
    if (!ret) {
        srv.port = (uint16_t)port;
        srv.server.task = task_create("nbdsrv", nbdsrv_main, NULL, PRIO_NORMAL);
        ret = srv.server.task ? 0 : -ENOMEM;
    }
    if (ret < 0) {
        pr_err("nbdsrv: cannot serve %s on port %u (%d)\n", name, port, ret);
        return;
    }
    pr_info("nbdsrv: listening on port %u, serving %s (%llu sectors) as \"\" and \"%s\"\n",
            port, name, (unsigned long long)srv.dev->nr_sectors, name);
}

void nbdsrv_claim_clients(void)
{
    uint32_t loopback;
    ipv4_parse_addr("127.0.0.1", &loopback, NULL);
    if (srv.server.task)
        nbd_set_server(loopback, srv.port, &srv.server);
}
