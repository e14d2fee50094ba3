/*
 * nbd.c - nbd0, nbd1, ...: the NBD client's block devices (see
 * include/nbd.h for what they offer and nbd_dev.h for who owns a request
 * when).
 *
 * Two tasks per connection, both PRIO_IO and PF_MEMALLOC -- they are the
 * IO path, so whatever they allocate comes from the reserve and never
 * waits for reclaim, which may be waiting for them (docs/design.md,
 * invariant 3, the IO path progresses):
 *   sender    takes queued requests into free slots and writes them to the
 *             socket (a write's data straight from the bio's pages)
 *   receiver  reads reply headers, matches each cookie to its slot, reads
 *             a read's data straight into the bio's pages (one copy: the
 *             socket's buffer to the page) and completes the request
 * and a timer: every NBD_TICK_MS it looks for requests older than the
 * timeout.  It is a timer, not a task's loop, because a timeout must fire
 * whatever the tasks are doing -- the sender may wait for a packet buffer
 * or for room in the socket, and the timeout is what ends such waits.
 * The socket is marked for memory reclaim (sock_set_memalloc): its
 * packet buffers may come from the network's emergency reserve, which
 * other connections cannot drain (skbuff.h).
 * submit() only queues and wakes the sender: it may be called from a
 * completion, so it never sleeps.
 *
 * Failing.  Anything that makes the stream untrustworthy -- a wrong magic,
 * an unknown cookie, a reply for a request not in flight, a truncated
 * reply, the server closing, a request timing out -- goes through
 * nbd_fail(): one log line with the reason, the device marked dead, every
 * request queued or in flight failed with -EIO.  nbd_fail() may run in
 * the timer's interrupt, so it does not touch the socket: the receiver,
 * which looks at dead at least every NBD_TICK_MS while it waits on the
 * socket, fails the request it is reading (if any) and shuts the socket
 * down as it ends, and that ends the sender's waits on it.  A reply carrying an error fails
 * only its request.  A dead device stays dead.
 *
 * Reconnecting.  nbd_reconnect() (the monitor's "nbd reconnect") is what
 * an administrator does to a connection that is alive but stuck: it cuts
 * it as nbd_fail() would -- everything queued and in flight fails with
 * -EIO -- but the device is only down, not dead: bios submitted meanwhile
 * fail with -EIO too, a transient error their writers retry later.  Once
 * the old connection's tasks have ended, it connects and shakes hands
 * again, and the device is up with new tasks.  If that fails, it is dead.
 */
#include "cmdline.h"
#include "cmdline_parse.h"
#include "completion.h"
#include "kerrno.h"
#include "kstring.h"
#include "mutex.h"
#include "nbd_dev.h"
#include "printk.h"
#include "sched.h"
#include "socket.h"
#include "timer.h"
#include "vsprintf.h"
#include "net_parse.h"
#include "x86.h"

KERNEL_PARAM(nbd, "", "A.B.C.D:PORT[,...]: connect nbd0, nbd1, nbd2 to these servers at boot");
KERNEL_PARAM(nbd_export, "", "NAME[,...]: the export of each nbd= server (\"\": its default)");
KERNEL_PARAM(nbd_timeout, "15",
             "an NBD request with no reply after S seconds fails and ends the connection");
KERNEL_PARAM(nbd_fua, "", "every NBD write asks for FUA when the server offers it");

/* Below the hang detector's 20 s: a stalled server is this driver's to
 * report (with the request that waited), before waiters look hung. */
#define NBD_DEFAULT_TIMEOUT_S   15
/* How often the timer looks for timeouts, and the longest the receiver
 * waits on the socket between looks at dead. */
#define NBD_TICK_MS             250
#define MS_PER_S                1000

static struct nbd_device nbd_devs[NBD_MAX_DEVICES];
static int nr_nbd;                      /* connected, in nbd_devs[0..); attach_lock */
/* Adding a device: at boot, or later by nbd_attach() (the monitor's
 * "nbd connect", a test) while others may be attached. */
static struct mutex attach_lock;

static const struct block_device_ops nbd_ops;

struct nbd_device *nbd_device(int i)
{
    return i < nr_nbd ? &nbd_devs[i] : NULL;
}

void nbd_set_server(uint32_t addr, uint16_t port, struct blk_server *srv)
{
    for (int i = 0; i < nr_nbd; i++)
        if (nbd_devs[i].addr == addr && nbd_devs[i].port == port)
            blkdev_set_server(&nbd_devs[i].bdev, srv);
}

/* dev's NBD state, or NULL when dev is another kind of disk. */
static struct nbd_device *nbd_of(struct block_device *dev)
{
    return dev && dev->ops == &nbd_ops ? dev->driver_data : NULL;
}

/* --- completing requests --- */

static uint16_t bio_cmd(const struct bio *bio)
{
    return bio->op == BIO_READ ? NBD_CMD_READ : NBD_CMD_WRITE;
}

/* Count an answered request; lock held. */
static void count_done(struct nbd_device *nd, const struct nbd_slot *s)
{
    switch (s->cmd) {
    case NBD_CMD_READ: nd->stats.reads++; nd->stats.bytes_read += s->len; break;
    case NBD_CMD_WRITE:
        nd->stats.writes++;
        nd->stats.bytes_written += s->len;
        nd->stats.write_tsc += rdtsc() - s->taken_tsc;
        break;
    case NBD_CMD_FLUSH: nd->stats.flushes++; break;
    default: nd->stats.trims++; break;
    }
}

/* What a slot held, taken out of it so it can be completed unlocked. */
struct finished {
    struct bio *bio;
    struct nbd_ctl *ctl;
};

/* Free slot s and return what it held; lock held. */
static struct finished slot_release(struct nbd_device *nd, struct nbd_slot *s)
{
    struct finished f = { s->bio, s->ctl };
    s->state = SLOT_FREE;
    s->bio = NULL;
    s->ctl = NULL;
    if (--nd->stats.inflight == 0)
        nd->stats.busy_tsc += rdtsc() - nd->busy_since;
    return f;
}

static void finish(struct finished f, int status)
{
    if (f.bio)
        bio_endio(f.bio, status);
    if (f.ctl) {
        f.ctl->status = status;
        complete(&f.ctl->done);
    }
}

/* --- failing the connection --- */

/* Fail everything queued and in flight with -EIO, for the reason why
 * (logged); for_good: the block device dies too (nbd_fail), else it is
 * down until nbd_reconnect() has connected again.  Any context, the
 * timer's interrupt included: nothing here sleeps. */
static void fail_connection(struct nbd_device *nd, bool for_good, const char *why)
{
    struct finished victims[NBD_MAX_INFLIGHT];
    struct list_head bios, ctls;
    int nr = 0;
    uint32_t queued = 0;
    list_init(&bios);
    list_init(&ctls);

    uint32_t flags = spin_lock_irqsave(&nd->lock);
    if (nd->dead) {                 /* one reason is enough: the first */
        spin_unlock_irqrestore(&nd->lock, flags);
        return;
    }
    nd->dead = true;
    if (for_good)
        blkdev_mark_dead(&nd->bdev);    /* before the bios fail: their writers ask */
    nd->stats.connected = false;
    strlcpy(nd->why, why, sizeof(nd->why));
    for (int i = 0; i < NBD_MAX_INFLIGHT; i++)
        if (nd->slots[i].state == SLOT_SENT)
            victims[nr++] = slot_release(nd, &nd->slots[i]);
    uint32_t busy = nd->stats.inflight;     /* SENDING or RECEIVING: their owners fail them */
    for (; !list_empty(&nd->bio_queue); queued++)
        list_move(nd->bio_queue.next, &bios);
    for (; !list_empty(&nd->ctl_queue); queued++)
        list_move(nd->ctl_queue.next, &ctls);
    nd->stats.queued = 0;
    nd->stats.failed += (uint32_t)nr + queued + busy;
    spin_unlock_irqrestore(&nd->lock, flags);

    pr_err("nbd: %s: %s; failing %d requests in flight and %u queued with -EIO, %s\n",
           nd->bdev.name, why, nr + (int)busy, queued,
           for_good ? "device dead" : "device down until it has connected again");
    for (int i = 0; i < nr; i++)
        finish(victims[i], -EIO);
    while (!list_empty(&bios)) {
        struct bio *bio = list_first_entry(&bios, struct bio, queue);
        list_del(&bio->queue);
        bio_endio(bio, -EIO);
    }
    while (!list_empty(&ctls)) {
        struct nbd_ctl *c = list_first_entry(&ctls, struct nbd_ctl, link);
        list_del(&c->link);
        finish((struct finished){ NULL, c }, -EIO);
    }
    wake_up(&nd->send_wq);
}

__attribute__((format(printf, 2, 3)))
static void nbd_fail(struct nbd_device *nd, const char *fmt, ...)
{
    char why[NBD_WHY_LEN];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    fail_connection(nd, true, why);
}

/* --- submitting --- */

static void nbd_submit(struct block_device *dev, struct bio *bio)
{
    struct nbd_device *nd = dev->driver_data;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    bool dead = nd->dead;
    bool ro = bio->op == BIO_WRITE && (nd->export.flags & NBD_FLAG_READ_ONLY);
    if (!dead && !ro) {
        list_add_tail(&bio->queue, &nd->bio_queue);
        nd->stats.queued++;
    }
    spin_unlock_irqrestore(&nd->lock, flags);
    if (ro)
        pr_err("nbd: %s: write at sector %llu refused: the export is read-only\n",
               dev->name, (unsigned long long)bio->sector);
    if (dead || ro)
        bio_endio(bio, -EIO);
    else
        wake_up(&nd->send_wq);
}

static const struct block_device_ops nbd_ops = { .submit = nbd_submit };

/* --- the sender --- */

static bool has_work(struct nbd_device *nd)
{
    return nd->dead || task_should_stop() ||
           ((!list_empty(&nd->bio_queue) || !list_empty(&nd->ctl_queue)) &&
            nd->stats.inflight < NBD_MAX_INFLIGHT);
}

/* Take the next request into a free slot and mark it SENDING; NULL when
 * there is none (or no slot).  Control requests go first: a flush waits
 * for nothing but a slot. */
static struct nbd_slot *take_request(struct nbd_device *nd)
{
    struct nbd_slot *s = NULL;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    for (int i = 0; !nd->dead && i < NBD_MAX_INFLIGHT && !s; i++)
        if (nd->slots[i].state == SLOT_FREE)
            s = &nd->slots[i];
    if (s && !list_empty(&nd->ctl_queue)) {
        struct nbd_ctl *c = list_first_entry(&nd->ctl_queue, struct nbd_ctl, link);
        list_del(&c->link);
        *s = (struct nbd_slot){ .cmd = c->cmd, .offset = c->offset, .len = c->len, .ctl = c,
                                .gen = s->gen };
    } else if (s && !list_empty(&nd->bio_queue)) {
        struct bio *bio = list_first_entry(&nd->bio_queue, struct bio, queue);
        list_del(&bio->queue);
        *s = (struct nbd_slot){ .cmd = bio_cmd(bio), .offset = bio->sector << SECTOR_SHIFT,
                                .len = bio_bytes(bio), .bio = bio, .gen = s->gen };
        if (s->cmd == NBD_CMD_WRITE && nd->fua && (nd->export.flags & NBD_FLAG_SEND_FUA))
            s->cmd_flags = NBD_CMD_FLAG_FUA;
    } else {
        s = NULL;
    }
    if (s) {
        s->gen++;
        s->state = SLOT_SENDING;
        s->sent_ms = timer_uptime_ms();
        s->taken_tsc = rdtsc();
        if (s->bio)                 /* queued counts bios only */
            nd->stats.queued--;
        if (nd->stats.inflight == 0)
            nd->busy_since = s->taken_tsc;
        if (++nd->stats.inflight > nd->stats.max_inflight)
            nd->stats.max_inflight = nd->stats.inflight;
    }
    spin_unlock_irqrestore(&nd->lock, flags);
    return s;
}

static int send_request(struct nbd_device *nd, struct nbd_slot *s)
{
    uint8_t hdr[NBD_REQUEST_LEN];
    struct nbd_request rq = { s->cmd_flags, s->cmd, nbd_cookie((uint32_t)(s - nd->slots), s->gen),
                              s->offset, s->cmd == NBD_CMD_FLUSH ? 0 : s->len };
    nbd_encode_request(hdr, &rq);
    /* The header and every page but the last with "more": they leave as
     * full segments (and TSO frames), not a 28-byte segment and a partial
     * one per page. */
    int nvecs = s->cmd == NBD_CMD_WRITE ? s->bio->nvecs : 0;
    int ret = (nvecs ? sock_send_more : sock_send)(nd->sock, hdr, sizeof(hdr), nd->timeout_ms);
    for (int i = 0; ret >= 0 && i < nvecs; i++) {
        const struct bio_vec *v = &s->bio->vecs[i];
        ret = (i + 1 < nvecs ? sock_send_more : sock_send)(
            nd->sock, (uint8_t *)page_address(v->page) + v->offset, v->len, nd->timeout_ms);
    }
    return ret < 0 ? ret : 0;
}

/* After the send: SENT, unless the device died meanwhile (then nobody
 * else will complete it) or the receiver already took it (a fast reply). */
static void sent(struct nbd_device *nd, struct nbd_slot *s)
{
    struct finished f = { NULL, NULL };
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    if (s->state == SLOT_SENDING) {
        if (nd->dead)
            f = slot_release(nd, s);
        else
            s->state = SLOT_SENT;
    }
    spin_unlock_irqrestore(&nd->lock, flags);
    finish(f, -EIO);
}

/* The oldest request in flight past the timeout, if any: it kills the
 * connection (a server that stalls holds every later reply too). */
static void check_timeouts(struct nbd_device *nd)
{
    uint64_t now = timer_uptime_ms();
    const struct nbd_slot *late = NULL;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    for (int i = 0; i < NBD_MAX_INFLIGHT; i++) {
        const struct nbd_slot *s = &nd->slots[i];
        if (s->state != SLOT_FREE && now - s->sent_ms > nd->timeout_ms &&
            (!late || s->sent_ms < late->sent_ms))
            late = s;
    }
    struct nbd_slot copy = late ? *late : (struct nbd_slot){ 0 };
    if (late)
        nd->stats.timeouts++;
    spin_unlock_irqrestore(&nd->lock, flags);
    if (late)
        nbd_fail(nd, "timeout: %s of %u bytes at sector %llu (cookie 0x%016llx) had no reply "
                 "in %u ms", nbd_cmd_name(copy.cmd), copy.len,
                 (unsigned long long)(copy.offset >> SECTOR_SHIFT),
                 (unsigned long long)nbd_cookie((uint32_t)(late - nd->slots), copy.gen),
                 nd->timeout_ms);
}

/* The owner is done with the socket: clear nd->sock under the lock, so
 * that no view reads it from now on, then close it. */
void nbd_release_socket(struct nbd_device *nd)
{
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    struct socket *sock = nd->sock;
    nd->sock = NULL;
    spin_unlock_irqrestore(&nd->lock, flags);
    sock_close(sock);
}

static void timeout_tick(struct ktimer *t)
{
    struct nbd_device *nd = list_entry(t, struct nbd_device, timeout_timer);
    check_timeouts(nd);
    if (!nd->dead)
        ktimer_add(t, NBD_TICK_MS, timeout_tick);
}

static void sender_main(void *arg)
{
    struct nbd_device *nd = arg;
    memalloc_noreclaim_save();
    while (!nd->dead && !task_should_stop()) {
        /* Idle is sleeping, not blocked: no hang to report (the timer
         * reports a request that waits too long). */
        wait_event_state(&nd->send_wq, has_work(nd), TASK_SLEEPING);
        struct nbd_slot *s;
        while ((s = take_request(nd))) {
            int ret = send_request(nd, s);
            uint32_t flags = spin_lock_irqsave(&nd->lock);
            nd->stats.send_tsc += rdtsc() - s->taken_tsc;
            spin_unlock_irqrestore(&nd->lock, flags);
            if (ret < 0)
                nbd_fail(nd, "sending %s of %u bytes at sector %llu failed (%d)",
                         nbd_cmd_name(s->cmd), s->len,
                         (unsigned long long)(s->offset >> SECTOR_SHIFT), ret);
            sent(nd, s);
        }
    }
    /* Dead: the receiver ends within a tick; then nobody uses the
     * socket and its owner may close it. */
    task_join(nd->receiver);
    nbd_release_socket(nd);
    complete(&nd->sender_done);         /* nbd_reconnect() may connect again */
    task_exit(0);
}

/* --- the receiver --- */

/* Read exactly len bytes of a reply: 0 or the error.  Each byte must
 * come within the timeout of the one before -- except, at the start of
 * a reply (idle), the first: an idle connection is quiet.  The wait is
 * sliced into ticks, so that the task sees the device die (the timer
 * failing a request) within one: -ECONNABORTED.  It looks at dead before
 * every read, not only when a tick passes in silence: a server that
 * trickles a byte every tick would otherwise keep a request the timeout
 * failed in flight for as long as it likes. */
static int recv_all(struct nbd_device *nd, uint8_t *buf, uint32_t len, bool idle)
{
    uint32_t got = 0;
    uint64_t last = timer_uptime_ms();
    while (got < len) {
        if (nd->dead)
            return -ECONNABORTED;
        int ret = sock_recv(nd->sock, buf + got, len - got, NBD_TICK_MS);
        if (ret == -ETIMEDOUT && nd->dead)
            return -ECONNABORTED;
        if (ret == -ETIMEDOUT && ((idle && !got) || timer_uptime_ms() - last < nd->timeout_ms))
            continue;
        if (ret == 0)   /* truncated, or closed between replies */
            return got || !idle ? -EPIPE : -ECONNRESET;
        if (ret < 0)
            return ret;
        got += (uint32_t)ret;
        last = timer_uptime_ms();
    }
    return 0;
}

/* Find the slot a reply's cookie names and take it (RECEIVING); NULL
 * after failing the connection with the reason. */
static struct nbd_slot *match_reply(struct nbd_device *nd, const struct nbd_reply *r)
{
    uint32_t i = nbd_cookie_slot(r->cookie), gen = nbd_cookie_gen(r->cookie);
    const char *bad = NULL;
    struct nbd_slot *s = i < NBD_MAX_INFLIGHT ? &nd->slots[i] : NULL;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    /* Slot uses count from 1: a cookie from a use still to come, or from
     * use 0, was never sent. */
    if (!s || !gen || gen > s->gen)
        bad = "unknown cookie";
    else if (gen < s->gen || s->state == SLOT_FREE)
        bad = "reply for a request not in flight (answered already)";
    else if (s->state == SLOT_SENDING && s->cmd == NBD_CMD_WRITE)
        bad = "reply to a write whose data was not all sent";
    else
        s->state = SLOT_RECEIVING;
    spin_unlock_irqrestore(&nd->lock, flags);
    if (bad) {
        nbd_fail(nd, "%s 0x%016llx (error %u)", bad, (unsigned long long)r->cookie, r->error);
        return NULL;
    }
    return s;
}

/* The read's data into the bio's pages; 0 or the error. */
static int recv_read_data(struct nbd_device *nd, struct nbd_slot *s)
{
    for (int i = 0; i < s->bio->nvecs; i++) {
        const struct bio_vec *v = &s->bio->vecs[i];
        int ret = recv_all(nd, (uint8_t *)page_address(v->page) + v->offset, v->len, false);
        if (ret < 0)
            return ret;
    }
    return 0;
}

/* One reply: 0 when the connection is still good. */
static int receive_one(struct nbd_device *nd)
{
    uint8_t hdr[NBD_REPLY_LEN];
    char why[NBD_WHY_LEN];
    struct nbd_reply r;
    int ret = recv_all(nd, hdr, sizeof(hdr), true);
    if (ret < 0) {
        nbd_fail(nd, "%s (%d)", ret == -ECONNRESET ? "the server closed the connection"
                 : ret == -EPIPE ? "truncated reply header: the server closed mid-reply"
                 : "receiving a reply failed", ret);
        return ret;
    }
    if ((ret = nbd_decode_reply(hdr, &r, why, sizeof(why)))) {
        nbd_fail(nd, "%s", why);
        return ret;
    }
    struct nbd_slot *s = match_reply(nd, &r);
    if (!s)
        return -EPROTO;
    int status = 0;
    if (r.error) {
        pr_err("nbd: %s: server failed %s of %u bytes at sector %llu: %s (%u)\n",
               nd->bdev.name, nbd_cmd_name(s->cmd), s->len,
               (unsigned long long)(s->offset >> SECTOR_SHIFT), nbd_error_name(r.error),
               r.error);
        status = -EIO;
    } else if (s->cmd == NBD_CMD_READ && (ret = recv_read_data(nd, s)) < 0) {
        nbd_fail(nd, "truncated reply to read of %u bytes at sector %llu (cookie 0x%016llx): "
                 "%d", s->len, (unsigned long long)(s->offset >> SECTOR_SHIFT),
                 (unsigned long long)r.cookie, ret);
        status = -EIO;
    }
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    if (r.error)
        nd->stats.server_errors++;
    else if (!status)
        count_done(nd, s);
    struct finished f = slot_release(nd, s);
    spin_unlock_irqrestore(&nd->lock, flags);
    finish(f, status);
    wake_up(&nd->send_wq);
    return ret < 0 ? ret : 0;
}

static void receiver_main(void *arg)
{
    struct nbd_device *nd = arg;
    memalloc_noreclaim_save();
    while (!nd->dead && receive_one(nd) == 0)
        ;
    /* Whoever failed the device, the sender may be waiting on the socket
     * (for room, for a buffer): the shutdown ends those waits. */
    sock_shutdown(nd->sock);
    task_exit(0);
}

/* --- flush and trim --- */

static int control(struct block_device *dev, uint16_t cmd, uint32_t need, uint64_t offset,
                   uint32_t len)
{
    struct nbd_device *nd = nbd_of(dev);
    if (!nd)
        return -ENODEV;
    if (!(nd->export.flags & need))
        return -EOPNOTSUPP;
    struct nbd_ctl c = { .cmd = cmd, .offset = offset, .len = len };
    init_completion(&c.done, "nbd-ctl");
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    bool dead = nd->dead;
    if (!dead)
        list_add_tail(&c.link, &nd->ctl_queue);
    spin_unlock_irqrestore(&nd->lock, flags);
    if (dead)
        return -EIO;
    wake_up(&nd->send_wq);
    wait_for_completion(&c.done);
    return c.status;
}

int nbd_flush(struct block_device *dev)
{
    return control(dev, NBD_CMD_FLUSH, NBD_FLAG_SEND_FLUSH, 0, 0);
}

int nbd_trim(struct block_device *dev, uint64_t sector, uint32_t count)
{
    if (!count || count > NBD_MAX_REQUEST >> SECTOR_SHIFT || sector + count > dev->nr_sectors)
        return -EINVAL;
    return control(dev, NBD_CMD_TRIM, NBD_FLAG_SEND_TRIM, sector << SECTOR_SHIFT,
                   count << SECTOR_SHIFT);
}

int nbd_get_stats(struct block_device *dev, struct nbd_stats *out)
{
    struct nbd_device *nd = nbd_of(dev);
    if (!nd)
        return -ENODEV;
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    *out = nd->stats;
    spin_unlock_irqrestore(&nd->lock, flags);
    return 0;
}

/* --- start-up --- */

/* Item i of a comma-separated list into buf (terminated, cut to fit);
 * false when the list has fewer items. */
static bool list_item(const char *list, int i, char *buf, size_t len)
{
    for (; i > 0 && list; i--)
        list = strchr(list, ',') ? strchr(list, ',') + 1 : NULL;
    if (!list)
        return false;
    const char *end = strchr(list, ',');
    size_t n = end ? (size_t)(end - list) : strlen(list);
    if (n >= len)
        n = len - 1;
    memcpy(buf, list, n);
    buf[n] = '\0';
    return true;
}

/* "A.B.C.D:PORT" into nd; 0 or -EINVAL. */
static int parse_server(struct nbd_device *nd, const char *arg)
{
    char host[IPV4_ADDR_STRLEN];
    const char *colon = strchr(arg, ':');
    uint32_t port;
    size_t len = colon ? (size_t)(colon - arg) : 0;
    if (!colon || len >= sizeof(host) || parse_u32(colon + 1, &port) < 0 || !port ||
        port > UINT16_MAX)
        return -EINVAL;
    memcpy(host, arg, len);
    host[len] = '\0';
    if (ipv4_parse_addr(host, &nd->addr, NULL) < 0)
        return -EINVAL;
    nd->port = (uint16_t)port;
    return 0;
}

/* A connection just made (nd->sock, nd->export): up, with its tasks and
 * its timer.  0, or -ENOMEM after failing the device. */
static int go_live(struct nbd_device *nd)
{
    char task_name[TASK_NAME_LEN];
    sock_set_memalloc(nd->sock);
    init_completion(&nd->sender_done, "nbd-sender");
    uint32_t flags = spin_lock_irqsave(&nd->lock);
    nd->dead = false;
    nd->stats.connected = true;
    spin_unlock_irqrestore(&nd->lock, flags);
    ksnprintf(task_name, sizeof(task_name), "%s-recv", nd->bdev.name);
    nd->receiver = task_create(task_name, receiver_main, nd, PRIO_IO);
    ksnprintf(task_name, sizeof(task_name), "%s-send", nd->bdev.name);
    struct task *sender = nd->receiver ? task_create(task_name, sender_main, nd, PRIO_IO)
                                       : NULL;
    if (!sender) {
        nbd_fail(nd, "no memory for its tasks");
        if (nd->receiver)
            task_join(nd->receiver);
        nbd_release_socket(nd);
        return -ENOMEM;
    }
    task_detach(sender);                /* it joins the receiver; nobody joins it */
    ktimer_add(&nd->timeout_timer, NBD_TICK_MS, timeout_tick);
    return 0;
}

#define SERVER_ARG_LEN  32      /* "A.B.C.D:PORT" and then some: longer is refused */

/* Device nbdN for server ("A.B.C.D:PORT") and export: connected, its
 * tasks running; 0, or an error after a log line (and no device). */
static int nbd_start(struct nbd_device *nd, int n, const char *server, const char *export)
{
    ksnprintf(nd->bdev.name, sizeof(nd->bdev.name), "nbd%d", n);
    if (parse_server(nd, server) < 0) {
        pr_err("nbd: %s: server \"%s\": want A.B.C.D:PORT\n", nd->bdev.name, server);
        return -EINVAL;
    }
    if (strlen(export) >= sizeof(nd->export_name)) {
        pr_err("nbd: %s: export \"%s\": names are shorter than %u bytes\n", nd->bdev.name,
               export, NBD_EXPORT_NAME_LEN);
        return -EINVAL;
    }
    strlcpy(nd->export_name, export, sizeof(nd->export_name));
    nd->timeout_ms = cmdline_get_u32("nbd_timeout", NBD_DEFAULT_TIMEOUT_S) * MS_PER_S;
    nd->fua = cmdline_has("nbd_fua");
    spin_lock_init(&nd->lock, "nbd");
    list_init(&nd->bio_queue);
    list_init(&nd->ctl_queue);
    wait_queue_init(&nd->send_wq, "nbd-send");
    int err = nbd_connect(nd);
    if (err < 0)
        return err;
    nd->bdev.nr_sectors = nd->export.size >> SECTOR_SHIFT;
    nd->bdev.read_only = nd->export.flags & NBD_FLAG_READ_ONLY;
    nd->bdev.logical_block_size = nd->export.min_block > SECTOR_SIZE ? nd->export.min_block
                                                                      : SECTOR_SIZE;
    nd->bdev.ops = &nbd_ops;
    nd->bdev.driver_data = nd;
    return go_live(nd);
}

/* nbdN in the next free place of nbd_devs, registered; attach_lock held.
 * 0, or the error after a log line. */
static int nbd_add(int n, const char *server, const char *export)
{
    struct nbd_device *nd = &nbd_devs[nr_nbd];
    int err = nbd_start(nd, n, server, export);
    if (err < 0) {
        *nd = (struct nbd_device){ 0 };
        return err;
    }
    blkdev_register(&nd->bdev);
    nr_nbd++;                           /* published whole: nbd_device() may now return it */
    return 0;
}

void nbd_init(void)
{
    const char *servers = cmdline_get("nbd");
    int n = 0;
    for (const char *p = servers; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        n++;
    if (n > NBD_MAX_DEVICES)
        pr_err("nbd: %d servers on nbd=, but at most %d devices; the rest are ignored\n", n,
               NBD_MAX_DEVICES);
    mutex_init(&attach_lock, "nbd attach");
    /* Devices are numbered by their place on nbd=, so a refused one leaves
     * a gap rather than renaming the next. */
    mutex_lock(&attach_lock);
    for (int i = 0; i < n && i < NBD_MAX_DEVICES; i++) {
        char server[SERVER_ARG_LEN], export[NBD_EXPORT_NAME_LEN + 1];
        list_item(servers, i, server, sizeof(server));
        if (!list_item(cmdline_get("nbd_export"), i, export, sizeof(export)))
            export[0] = '\0';              /* the server's default export */
        nbd_add(i, server, export);
    }
    mutex_unlock(&attach_lock);
}

int nbd_attach(const char *server, const char *export, struct block_device **out)
{
    char name[BDEV_NAME_LEN];
    int n = 0, err = -ENOSPC;
    mutex_lock(&attach_lock);
    for (;; n++) {                      /* the lowest nbdN not taken */
        ksnprintf(name, sizeof(name), "nbd%d", n);
        if (!blkdev_find(name))
            break;
    }
    if (nr_nbd == NBD_MAX_DEVICES)
        pr_err("nbd: no %s for %s: NBD_MAX_DEVICES (%d) devices exist\n", name, server,
               NBD_MAX_DEVICES);
    else
        err = nbd_add(n, server, export ? export : "");
    *out = err ? NULL : &nbd_devs[nr_nbd - 1].bdev;
    mutex_unlock(&attach_lock);
    if (!err)
        pr_info("nbd: %s attached to %s, %llu sectors\n", name, server,
                (unsigned long long)(*out)->nr_sectors);
    return err;
}

int nbd_reconnect(struct block_device *dev)
{
    struct nbd_device *nd = nbd_of(dev);
    if (!nd)
        return -ENODEV;
    if (blkdev_dead(dev)) {
        pr_err("nbd: %s: dead for good (%s): nothing to reconnect\n", dev->name, nd->why);
        return -EIO;
    }
    mutex_lock(&attach_lock);           /* one reconnect at a time */
    struct nbd_export old = nd->export;
    fail_connection(nd, false, "connection cut to connect again (nbd reconnect)");
    /* The old connection's sender closes the socket last, once its
     * receiver has ended: then nothing of it is left. */
    wait_for_completion(&nd->sender_done);
    ktimer_cancel(&nd->timeout_timer);  /* dead: its last tick did not re-arm it */
    /* Only this handshake's answers count: a server that acknowledges
     * without NBD_INFO_EXPORT must not pass on the last one's.  The flags
     * stay until it answers, so that a flush meanwhile fails with -EIO on
     * the down device instead of -EOPNOTSUPP ("nothing to flush"). */
    nd->export = (struct nbd_export){ .flags = old.flags };
    /* The connection may have died for good on its own before the cut
     * (a timeout, a lie): that stays. */
    int err = blkdev_dead(dev) ? -EIO : nbd_connect(nd);
    char why[NBD_WHY_LEN] = "could not connect again (nbd reconnect)";
    /* What uses the device (a file system, swap) sized and wrote it by
     * the old export: a smaller one would lose its end, a read-only one
     * every write.  Such a server is not the same disk. */
    bool changed = !err && (nd->export.size != old.size ||
                            (nd->export.flags & ~old.flags & NBD_FLAG_READ_ONLY));
    if (changed && nd->export.size != old.size)
        ksnprintf(why, sizeof(why), "connected again, but the export is now %llu bytes, "
                  "not %llu", (unsigned long long)nd->export.size,
                  (unsigned long long)old.size);
    else if (changed)
        strlcpy(why, "connected again, but the export is now read-only", sizeof(why));
    if (changed) {
        nbd_release_socket(nd);
        err = -EIO;
    }
    if (err)
        nd->export = old;               /* the views show the disk the device was */
    uint32_t flags = spin_lock_irqsave(&nd->lock);     /* views copy why and stats */
    if (err && !blkdev_dead(dev))
        strlcpy(nd->why, why, sizeof(nd->why));
    if (!err)
        nd->stats.reconnects++;
    spin_unlock_irqrestore(&nd->lock, flags);
    if (err) {
        pr_err("nbd: %s: %s; device dead\n", dev->name, nd->why);
        blkdev_mark_dead(dev);
    }
    else
        err = go_live(nd);
    mutex_unlock(&attach_lock);
    if (!err)
        pr_info("nbd: %s: connected again; requests failed by the cut may be retried\n",
                dev->name);
    return err;
}
