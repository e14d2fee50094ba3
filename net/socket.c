/*
 * socket.c - the blocking socket calls of include/socket.h over TCP.
 *
 * Each call takes net_lock to look at or change its connection and drops
 * it to wait on the connection's wait queue; the protocol (knetd, under
 * net_lock) wakes that queue on every change.  Buffers are allocated
 * before the lock is taken (GFP_NOIO: they may wait for the pool, never
 * for IO), as net.h demands.
 *
 * Data is copied once each way: sock_send into the send queue's buffers
 * (filling the last one before taking another, so small writes do not
 * cost a page each), sock_recv from the received segments straight into
 * the caller's buffer.
 */
#include "kstring.h"
#include "poll.h"
#include "slab.h"
#include "tcp.h"
#include "tcp_seq.h"
#include "timer.h"
#include "vsprintf.h"

int sock_error(const struct socket *s)
{
    if (s->aborted)
        return -ECONNABORTED;
    return s->err;
}

void sock_peer(const struct socket *s, uint32_t *addr, uint16_t *port)
{
    *addr = s->raddr;
    *port = s->rport;
}

/* Wait on s's queue until ready(s) or the time runs out (0: forever,
 * SOCK_NOWAIT: not at all); false on timeout.  Called without net_lock;
 * ready reads plain fields. */
static bool sock_wait(struct socket *s, bool (*ready)(const struct socket *s), uint32_t timeout_ms)
{
    if (timeout_ms == SOCK_NOWAIT)
        return ready(s);
    if (!timeout_ms) {
        wait_event(&s->wq, ready(s));
        return true;
    }
    return wait_event_timeout(&s->wq, ready(s), timeout_ms) != 0;
}

static bool connect_done(const struct socket *s)
{
    return sock_error(s) || (s->state != TCP_SYN_SENT && s->state != TCP_SYN_RCVD);
}

int sock_connect_start(uint32_t daddr, uint16_t dport, struct socket **out)
{
    struct socket *s = tcp_alloc(GFP_NOIO);
    if (!s)
        return -ENOMEM;
    mutex_lock(&net_lock);
    s->our_mss = tcp_route_mss(daddr, &s->laddr, &s->dev);
    s->lport = s->our_mss ? tcp_ephemeral_port() : 0;
    int err = !s->our_mss ? -ENETUNREACH : !s->lport ? -EADDRINUSE : 0;
    if (err) {
        mutex_unlock(&net_lock);
        kfree(s);
        return err;
    }
    s->raddr = daddr;
    s->rport = dport;
    s->mss = tcp_effective_mss(false, 0, s->our_mss);
    tcp_open(s, TCP_SYN_SENT);
    mutex_unlock(&net_lock);
    *out = s;
    return 0;
}

int sock_connect_wait(struct socket *s, uint32_t timeout_ms)
{
    bool done = sock_wait(s, connect_done, timeout_ms);
    mutex_lock(&net_lock);
    int err = sock_error(s);
    if (!err && !done)
        err = -ETIMEDOUT;
    mutex_unlock(&net_lock);
    return err;
}

int sock_connect(uint32_t daddr, uint16_t dport, uint32_t timeout_ms, struct socket **out)
{
    struct socket *s;
    int err = sock_connect_start(daddr, dport, &s);
    if (!err && (err = sock_connect_wait(s, timeout_ms)) != 0)
        sock_close(s);                  /* still opening: abandoned, out of the table */
    if (!err)
        *out = s;
    return err;
}

int sock_listen(uint16_t port, int backlog, struct socket **out)
{
    struct socket *s = tcp_alloc(GFP_NOIO);
    if (!s)
        return -ENOMEM;
    mutex_lock(&net_lock);
    bool taken = tcp_port_in_use(port);
    if (!taken) {
        s->lport = port;
        s->backlog = backlog > 0 ? (uint32_t)backlog : 1;
        s->state = TCP_LISTEN;
        tcp_insert(s);
    }
    mutex_unlock(&net_lock);
    if (taken) {
        kfree(s);
        return -EADDRINUSE;
    }
    *out = s;
    return 0;
}

static bool accept_ready(const struct socket *l)
{
    return sock_error(l) || !list_empty(&l->accept_q);
}

int sock_accept(struct socket *l, uint32_t timeout_ms, struct socket **out)
{
    sock_wait(l, accept_ready, timeout_ms);
    mutex_lock(&net_lock);
    int err = sock_error(l);
    if (!err && list_empty(&l->accept_q))
        err = -ETIMEDOUT;
    if (!err) {
        struct socket *c = list_first_entry(&l->accept_q, struct socket, accept_link);
        list_del(&c->accept_link);
        list_init(&c->accept_link);
        c->parent = NULL;
        c->owned = true;
        l->children--;
        *out = c;
    }
    mutex_unlock(&net_lock);
    return err;
}

static bool may_send(enum tcp_state st)
{
    return st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT;
}

static bool send_ready(const struct socket *s)
{
    return sock_error(s) || !may_send(s->state) || s->sndq.bytes < TCP_SNDBUF;
}

static void sndq_add(struct socket *s, struct sk_buff *skb, const uint8_t *buf, uint32_t n)
{
    memcpy(skb_put(skb, n), buf, n);
    s->sndq.bytes += n;
    s->write_seq += n;
}

/* Queue what fits of buf: into the last buffer's room, then into *spare
 * (taken when used).  Returns the bytes queued. */
static uint32_t sndq_append(struct socket *s, const uint8_t *buf, uint32_t len,
                            struct sk_buff **spare)
{
    uint32_t space = s->sndq.bytes < TCP_SNDBUF ? TCP_SNDBUF - s->sndq.bytes : 0;
    uint32_t want = len < space ? len : space, done = 0;
    struct sk_buff *tail = s->sndq.qlen ? list_entry(s->sndq.list.prev, struct sk_buff, list) : NULL;
    if (tail && want) {
        uint32_t n = skb_tailroom(tail) < want ? skb_tailroom(tail) : want;
        sndq_add(s, tail, buf, n);
        done = n;
    }
    if (done < want && *spare) {
        struct sk_buff *skb = *spare;
        *spare = NULL;
        uint32_t n = want - done < SKB_MAX_PAYLOAD ? want - done : SKB_MAX_PAYLOAD;
        skb_queue_tail(&s->sndq, skb);      /* empty: it adds 0 to bytes */
        sndq_add(s, skb, buf + done, n);
        done += n;
    }
    return done;
}

/* Queue len bytes of buf, waiting for room (for timeout_ms each time);
 * 0 or the error that stopped it, and in *sent how many were queued.
 * The socket is corked (tcp.h) while the rest of buf, or with more the
 * caller's next call, is still to come: a partial segment waits for it. */
static int send_queue(struct socket *s, const uint8_t *p, uint32_t len, uint32_t timeout_ms,
                      uint32_t *sent, bool more)
{
    struct sk_buff *spare = NULL;
    int err = 0;
    for (;;) {
        mutex_lock(&net_lock);
        err = sock_error(s);
        if (!err && !may_send(s->state))
            err = -EPIPE;
        if (!err) {
            uint32_t n = sndq_append(s, p + *sent, len - *sent, &spare);
            *sent += n;
            s->corked = more || *sent < len;
            if (n)
                tcp_output(s);
        }
        bool full = s->sndq.bytes >= TCP_SNDBUF;
        mutex_unlock(&net_lock);
        if (err || *sent == len)
            break;
        if (full) {
            if (!sock_wait(s, send_ready, timeout_ms)) {
                err = -ETIMEDOUT;
                break;
            }
        } else if (!spare) {
            spare = tcp_alloc_skb(s, GFP_NOIO);
        }
    }
    if (spare)
        kfree_skb(spare);
    if (*sent < len && !more) {
        /* Stopped early (an error, a timeout, a slice of a user's wait
         * ended): what is queued must not wait for bytes that may never
         * come. */
        mutex_lock(&net_lock);
        s->corked = false;
        tcp_output(s);
        mutex_unlock(&net_lock);
    }
    return err;
}

int sock_send(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms)
{
    uint32_t sent = 0;
    int err = send_queue(s, buf, len, timeout_ms, &sent, false);
    return err ? err : (int)len;
}

int sock_send_more(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms)
{
    uint32_t sent = 0;
    int err = send_queue(s, buf, len, timeout_ms, &sent, true);
    return err ? err : (int)len;
}

int sock_send_some(struct socket *s, const void *buf, uint32_t len, uint32_t timeout_ms)
{
    uint32_t sent = 0;
    int err = send_queue(s, buf, len, timeout_ms, &sent, false);
    return sent ? (int)sent : err;
}

uint32_t sock_poll(struct socket *s, struct poll_table *pt)
{
    poll_wait(pt, &s->wq);
    mutex_lock(&net_lock);
    uint32_t mask = sock_error(s) ? POLLERR : 0;
    if (s->state == TCP_LISTEN) {
        mask |= list_empty(&s->accept_q) ? 0 : POLLIN;
    } else if (s->state == TCP_CLOSED) {
        mask |= POLLIN | POLLOUT | POLLHUP;     /* every call answers at once */
    } else if (s->state != TCP_SYN_SENT && s->state != TCP_SYN_RCVD) {
        mask |= s->rcvq.qlen || s->fin_rcvd ? POLLIN : 0;
        mask |= s->fin_rcvd ? POLLRDHUP : 0;
        mask |= s->fin_rcvd && s->fin_queued ? POLLHUP : 0;
        mask |= !may_send(s->state) || s->sndq.bytes < TCP_SNDBUF ? POLLOUT : 0;
    }
    mutex_unlock(&net_lock);
    return mask;
}

static bool recv_ready(const struct socket *s)
{
    return sock_error(s) || s->rcvq.qlen || s->fin_rcvd || s->state == TCP_CLOSED;
}

int sock_recv(struct socket *s, void *buf, uint32_t len, uint32_t timeout_ms)
{
    uint8_t *p = buf;
    bool ready = sock_wait(s, recv_ready, timeout_ms);
    mutex_lock(&net_lock);
    int ret = sock_error(s);
    uint32_t got = 0;
    while (!ret && got < len && s->rcvq.qlen) {
        struct sk_buff *skb = skb_peek(&s->rcvq);
        uint32_t n = skb->len < len - got ? skb->len : len - got;
        memcpy(p + got, skb->data, n);
        skb_pull(skb, n);
        s->rcvq.bytes -= n;
        got += n;
        if (!skb->len)
            kfree_skb(skb_dequeue(&s->rcvq));
    }
    if (got) {
        tcp_window_update(s);
        ret = (int)got;
    } else if (!ret && !s->fin_rcvd) {
        ret = ready ? -ENOTCONN : -ETIMEDOUT;   /* closed without a FIN: a bug */
    }
    mutex_unlock(&net_lock);
    return ret;
}

int sock_recv_exact(struct socket *s, void *buf, uint32_t len, uint32_t timeout_ms)
{
    uint8_t *p = buf;
    bool deadline = timeout_ms && timeout_ms != SOCK_NOWAIT;
    uint64_t end = timer_uptime_ms() + timeout_ms;
    for (uint32_t got = 0; got < len;) {
        uint32_t wait = timeout_ms;
        if (deadline) {
            uint64_t now = timer_uptime_ms();
            if (now >= end)
                return -ETIMEDOUT;
            wait = (uint32_t)(end - now);
        }
        int r = sock_recv(s, p + got, len - got, wait);
        if (r < 0)
            return r;
        if (r == 0)
            return -EPIPE;
        got += (uint32_t)r;
    }
    return (int)len;
}

/* Reset and forget every child of listener l not yet accepted. */
static void abort_children(struct socket *l)
{
    for (bool found = true; found;) {
        found = false;
        list_for_each(pos, &tcp_sockets) {
            struct socket *c = list_entry(pos, struct socket, link);
            if (c->parent == l) {
                tcp_send_rst(c);
                tcp_set_closed(c);  /* frees it: the list changed, start over */
                found = true;
                break;
            }
        }
    }
}

void sock_shutdown(struct socket *s)
{
    mutex_lock(&net_lock);
    s->aborted = true;
    if (s->state == TCP_LISTEN)
        abort_children(s);
    else if (s->state != TCP_CLOSED && s->state != TCP_TIME_WAIT && s->state != TCP_SYN_SENT)
        tcp_send_rst(s);
    tcp_fail(s, -ECONNABORTED);
    mutex_unlock(&net_lock);
}

/* RFC 9293 3.10.4: the FIN follows the queued data.  False when the
 * state has no FIN to send (it was sent already, or never will be). */
static bool queue_fin(struct socket *s)
{
    switch (s->state) {
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
        s->fin_queued = true;
        s->state = s->state == TCP_CLOSE_WAIT ? TCP_LAST_ACK : TCP_FIN_WAIT_1;
        tcp_output(s);
        return true;
    default:
        return false;
    }
}

void sock_shutdown_write(struct socket *s)
{
    mutex_lock(&net_lock);
    bool opening = s->state == TCP_SYN_SENT;
    if (!opening && queue_fin(s))
        wake_up(&s->wq);                /* a waiting sender sees -EPIPE */
    mutex_unlock(&net_lock);
    if (opening)
        sock_shutdown(s);               /* nothing to finish yet: abandoned, as Linux does */
}

void sock_close(struct socket *s)
{
    mutex_lock(&net_lock);
    s->owned = false;
    skb_queue_purge(&s->rcvq);      /* nobody will read it */
    tcp_ooo_purge(s);
    switch (s->state) {
    case TCP_LISTEN:
        abort_children(s);
        tcp_set_closed(s);
        break;
    case TCP_SYN_SENT:
        tcp_set_closed(s);
        break;
    case TCP_FIN_WAIT_2:
        /* Shut for writing before, its FIN acknowledged: now nobody reads
         * either, so a peer that never sends its FIN is not waited for
         * forever (tcp_input.c arms the same timer for a closed socket). */
        tcp_timer_set(s, TCP_T_TIME_WAIT, TCP_FIN_WAIT2_MS);
        break;
    default:
        if (!queue_fin(s))
            tcp_maybe_free(s);      /* CLOSED: free now; otherwise when it ends */
        break;
    }
    mutex_unlock(&net_lock);
}

void sock_set_memalloc(struct socket *s)
{
    mutex_lock(&net_lock);
    s->memalloc = true;
    mutex_unlock(&net_lock);
}

void sock_describe(const struct socket *s, char *buf, uint32_t len)
{
    char l[IPV4_ADDR_STRLEN], r[IPV4_ADDR_STRLEN];
    ipv4_format_addr(l, s->laddr);
    ipv4_format_addr(r, s->raddr);
    ksnprintf(buf, len, "%s:%u -> %s:%u %s", l, s->lport, r, s->rport,
              tcp_state_names[s->state]);
}
