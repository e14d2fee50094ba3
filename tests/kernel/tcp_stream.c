/*
 * tcp_stream.c - loopback connections and seeded streams for the TCP
 * tests and benchmarks (see tcp_stream.h).
 */
#include "completion.h"
#include "kerrno.h"
#include "printk.h"
#include "random.h"
#include "sched.h"
#include "slab.h"
#include "tcp_stream.h"

#define STREAM_CHUNK_MAX 12000      /* crosses several segments and skbs */
#define LOOPBACK_ADDR    0x7F000001u
#define PAIR_TIMEOUT_MS  5000
#define FLOOD_CHUNK      4096
#define FLOOD_WAIT_MS    1000       /* a full queue: try again after this */

int tcp_pair_open(uint16_t port, struct tcp_conn_pair *p)
{
    *p = (struct tcp_conn_pair){ 0 };
    int err = sock_listen(port, 4, &p->listener);
    if (err)
        return err;
    err = sock_connect(LOOPBACK_ADDR, port, PAIR_TIMEOUT_MS, &p->client);
    if (!err)
        err = sock_accept(p->listener, PAIR_TIMEOUT_MS, &p->server);
    if (err)
        tcp_pair_close(p);
    return err;
}

void tcp_pair_close(struct tcp_conn_pair *p)
{
    if (p->client)
        sock_close(p->client);
    if (p->server)
        sock_close(p->server);
    if (p->listener)
        sock_close(p->listener);
    *p = (struct tcp_conn_pair){ 0 };
}

struct stream {
    struct rng bytes, sizes;
    uint8_t *buf;
};

static int stream_init(struct stream *st, uint32_t seed)
{
    rng_seed(&st->bytes, seed);
    rng_seed(&st->sizes, seed ^ 0x5bd1e995u);
    st->buf = kmalloc(STREAM_CHUNK_MAX, GFP_KERNEL);
    return st->buf ? 0 : -ENOMEM;
}

static uint32_t stream_chunk(struct stream *st, uint32_t left)
{
    uint32_t n = 1 + rng_below(&st->sizes, STREAM_CHUNK_MAX);
    return n < left ? n : left;
}

int tcp_stream_send(struct socket *s, uint32_t seed, uint32_t bytes, uint32_t timeout_ms)
{
    struct stream st;
    int err = stream_init(&st, seed);
    for (uint32_t done = 0; !err && done < bytes;) {
        uint32_t n = stream_chunk(&st, bytes - done);
        for (uint32_t i = 0; i < n; i++)
            st.buf[i] = (uint8_t)rng_next(&st.bytes);
        int r = sock_send(s, st.buf, n, timeout_ms);
        err = r < 0 ? r : 0;
        done += n;
    }
    kfree(st.buf);
    return err;
}

int tcp_stream_recv(struct socket *s, uint32_t seed, uint32_t bytes, uint32_t timeout_ms)
{
    struct stream st;
    int err = stream_init(&st, seed);
    for (uint32_t done = 0; !err && done < bytes;) {
        uint32_t n = stream_chunk(&st, bytes - done);
        int r = sock_recv_exact(s, st.buf, n, timeout_ms);
        err = r < 0 ? r : 0;
        for (uint32_t i = 0; !err && i < n; i++) {
            uint8_t want = (uint8_t)rng_next(&st.bytes);
            if (st.buf[i] != want) {
                pr_err("tcp-test: stream %u: byte %u is 0x%02x, want 0x%02x\n", seed,
                       done + i, st.buf[i], want);
                err = -EUCLEAN;
            }
        }
        done += n;
    }
    kfree(st.buf);
    return err;
}

struct tcp_stream_task {
    struct task *task;
    struct socket *s;
    uint32_t seed, bytes, timeout_ms;
    int sending;
    int result;
};

static void stream_task(void *arg)
{
    struct tcp_stream_task *t = arg;
    t->result = t->sending ? tcp_stream_send(t->s, t->seed, t->bytes, t->timeout_ms)
                           : tcp_stream_recv(t->s, t->seed, t->bytes, t->timeout_ms);
}

struct tcp_stream_task *tcp_stream_start(struct socket *s, uint32_t seed, uint32_t bytes,
                                         uint32_t timeout_ms, int sending)
{
    struct tcp_stream_task *t = kmalloc(sizeof(*t), GFP_KERNEL);
    if (!t)
        return NULL;
    *t = (struct tcp_stream_task){ .s = s, .seed = seed, .bytes = bytes,
                                   .timeout_ms = timeout_ms, .sending = sending };
    t->task = task_create(sending ? "tcp-send" : "tcp-recv", stream_task, t, PRIO_NORMAL);
    if (!t->task) {
        kfree(t);
        return NULL;
    }
    return t;
}

int tcp_stream_join(struct tcp_stream_task *t)
{
    if (!t)
        return -ENOMEM;
    task_join(t->task);
    int r = t->result;
    kfree(t);
    return r;
}

struct tcp_flood {
    struct task *task;
    struct socket *s;
    struct completion go;
    uint64_t sent;
};

static void flood_task(void *arg)
{
    static const uint8_t junk[FLOOD_CHUNK];     /* what is sent does not matter */
    struct tcp_flood *f = arg;
    wait_for_completion(&f->go);
    for (;;) {
        int r = sock_send(f->s, junk, sizeof(junk), FLOOD_WAIT_MS);
        if (r < 0 && r != -ETIMEDOUT)
            break;              /* tcp_flood_stop's shutdown */
        if (r > 0)
            f->sent += (uint32_t)r;
    }
}

struct tcp_flood *tcp_flood_start(struct socket *s)
{
    struct tcp_flood *f = kmalloc(sizeof(*f), GFP_KERNEL);
    if (!f)
        return NULL;
    *f = (struct tcp_flood){ .s = s };
    init_completion(&f->go, "tcp-flood-go");
    f->task = task_create("tcp-flood", flood_task, f, PRIO_NORMAL);
    if (!f->task) {
        kfree(f);
        return NULL;
    }
    return f;
}

void tcp_flood_go(struct tcp_flood *f)
{
    complete(&f->go);
}

uint64_t tcp_flood_stop(struct tcp_flood *f)
{
    sock_shutdown(f->s);
    complete(&f->go);           /* if it never went */
    task_join(f->task);
    sock_close(f->s);
    uint64_t sent = f->sent;
    kfree(f);
    return sent;
}
