/*
 * test_tcp.c - TCP and the socket calls over the loopback interface, both
 * ends in this kernel: seeded streams both ways, the orderly close and
 * TIME_WAIT, a refused connection, a receive timeout, sock_shutdown
 * unblocking a receiver, TIME_WAIT's answers to a FIN sent again and to
 * resets, and (with the harness's net_drop= / net_reorder=,
 * tcp_tests.py) exact delivery despite loss and reordering, and the retry
 * limit when every segment is lost.  tcp_host_echo talks to a server on
 * the host through QEMU (tcp_tests.py starts it).
 */
#include "cmdline.h"
#include "kerrno.h"
#include "ktest.h"
#include "printk.h"
#include "random.h"
#include "sched.h"
#include "timer.h"
#include "../../net/tcp.h"
#include "tcp_stream.h"

KERNEL_PARAM(tcp_kib, "per test", "KiB each TCP stream test sends each way");
KERNEL_PARAM(tcp_peer_port, "0", "the host port of the TCP echo test's peer");
KERNEL_PARAM(stream_seed, "1", "seed of the TCP echo test's byte stream");
KERNEL_PARAM(tcp_silence_ms, "0",
             "the TCP echo test drops every segment it receives for this long, mid-stream");

#define TEST_PORT        5001
#define CLOSED_PORT      5999
#define XFER_TIMEOUT_MS  10000
#define RECV_TIMEOUT_MS  300
#define LOOPBACK_ADDR    0x7F000001u

/* This test's sockets (either end on TEST_PORT) in TCP's own table in
 * state st, or in any state (TCP_NR_STATES): other tests of the same
 * boot (NBD's, in the boot suite) may have connections of their own.
 * The _locked one with net_lock held. */
static uint32_t test_sockets_locked(enum tcp_state st)
{
    uint32_t n = 0;
    list_for_each(pos, &tcp_sockets) {
        struct socket *s = list_entry(pos, struct socket, link);
        bool ours = s->lport == TEST_PORT || s->rport == TEST_PORT;
        n += ours && (st == TCP_NR_STATES || s->state == st);
    }
    return n;
}

static uint32_t test_sockets(enum tcp_state st)
{
    mutex_lock(&net_lock);
    uint32_t n = test_sockets_locked(st);
    mutex_unlock(&net_lock);
    return n;
}

static bool table_empty(void)
{
    return test_sockets(TCP_NR_STATES) == 0;
}

/* Let an earlier test's TIME_WAIT on TEST_PORT end (the boot suite runs
 * them one after another), so this one's count of sockets starts at 0. */
static void wait_port_quiet(void)
{
    uint64_t deadline = timer_uptime_ms() + 2 * TCP_TIME_WAIT_MS;
    while (!table_empty() && timer_uptime_ms() < deadline)
        sleep_ms(10);
    KASSERT(table_empty());
}

/* Every connection's sequence state, for a failed transfer's log. */
static void dump_connections(void)
{
    mutex_lock(&net_lock);
    list_for_each(pos, &tcp_sockets) {
        struct socket *s = list_entry(pos, struct socket, link);
        char d[64];
        sock_describe(s, d, sizeof(d));
        pr_info("tcp-test: %s: una %u nxt %u max %u queued to %u (from iss), peer window %u, "
                "sendq %u, recvq %u in %u skbs, rto %u ms\n", d, s->snd_una - s->iss,
                s->snd_nxt - s->iss, s->snd_max - s->iss, s->write_seq - s->iss, s->snd_wnd,
                s->sndq.bytes, s->rcvq.bytes, s->rcvq.qlen, s->rtt.rto);
    }
    mutex_unlock(&net_lock);
}

static void print_counters(const char *what)
{
    pr_info("tcp-test: %s: retransmitted %u segments (%u fast retransmits, %u timeouts), "
            "%u out of order (%u of them dropped); net dropped %u, reordered %u\n", what,
            tcp_stats.retransmits, tcp_stats.fast_retransmits, tcp_stats.timeouts,
            tcp_stats.out_of_order, tcp_stats.ooo_dropped, net_stats.fault_dropped, net_stats.fault_reordered);
}

/* The seeded streams both ways at once over one connection, checked byte
 * for byte; then the orderly close: the client's FIN, the server's, the
 * client in TIME_WAIT for TCP_TIME_WAIT_MS and then gone. */
static void transfer_both_ways(uint32_t bytes)
{
    wait_port_quiet();
    struct rng r;
    ktest_rng_init(&r);
    uint32_t seed_up = rng_next(&r), seed_down = rng_next(&r);
    struct tcp_conn_pair p;
    KASSERT_EQ(tcp_pair_open(TEST_PORT, &p), 0);
    uint64_t t0 = timer_uptime_ms();
    struct tcp_stream_task *up_rx = tcp_stream_start(p.server, seed_up, bytes, XFER_TIMEOUT_MS, 0);
    struct tcp_stream_task *down_tx = tcp_stream_start(p.server, seed_down, bytes, XFER_TIMEOUT_MS, 1);
    int up = tcp_stream_send(p.client, seed_up, bytes, XFER_TIMEOUT_MS);
    int down = tcp_stream_recv(p.client, seed_down, bytes, XFER_TIMEOUT_MS);
    if (up || down) {
        dump_connections();
        print_counters("failed");
    }
    KASSERT_EQ(up, 0);
    KASSERT_EQ(down, 0);
    KASSERT_EQ(tcp_stream_join(up_rx), 0);
    KASSERT_EQ(tcp_stream_join(down_tx), 0);
    uint64_t ms = timer_uptime_ms() - t0;
    pr_info("tcp-test: %u KiB each way checked in %llu ms\n", bytes / 1024, ms);
    print_counters("transfer");

    /* FIN one way: the server reads the end of the stream. */
    sock_close(p.client);
    char c;
    KASSERT_EQ(sock_recv(p.server, &c, 1, XFER_TIMEOUT_MS), 0);
    KASSERT_EQ(sock_send(p.server, &c, 1, XFER_TIMEOUT_MS), 1);  /* half-open still sends */
    /* And the other way: the server's FIN puts the client in TIME_WAIT. */
    sock_close(p.server);
    sock_close(p.listener);
    uint64_t deadline = timer_uptime_ms() + XFER_TIMEOUT_MS;
    while (!test_sockets(TCP_TIME_WAIT) && timer_uptime_ms() < deadline)
        sleep_ms(10);
    KASSERT_EQ(test_sockets(TCP_TIME_WAIT), 1);
    pr_info("tcp-test: client in TIME_WAIT\n");
    uint64_t tw = timer_uptime_ms();
    uint32_t rst_ignored = tcp_stats.rst_ignored, timeouts = tcp_stats.timeouts;
    while (!table_empty() && timer_uptime_ms() < deadline)
        sleep_ms(10);
    KASSERT(table_empty());
    /* A lost last ACK shows here: the server's FIN timed out and came
     * again, and its closed port's reset to our second ACK was ignored. */
    pr_info("tcp-test: TIME_WAIT lasted %llu ms; meanwhile %u timeouts, %u resets ignored\n",
            timer_uptime_ms() - tw, tcp_stats.timeouts - timeouts,
            tcp_stats.rst_ignored - rst_ignored);
    KASSERT(timer_uptime_ms() - tw + 100 >= TCP_TIME_WAIT_MS);
}

KTEST(tcp_loopback_streams_both_ways_and_close)
{
    transfer_both_ways(cmdline_get_u32("tcp_kib", 4096) * 1024);
}

/* Run by the harness with net_drop=N (every Nth received segment lost)
 * and net_reorder=N (every Nth held back past the next): the same streams
 * arrive exactly; losses were repaired by retransmission, reordered
 * segments were held until the hole before them filled. */
KTEST_MANUAL(tcp_dropped_segments_streams_arrive_exactly)
{
    transfer_both_ways(cmdline_get_u32("tcp_kib", 1024) * 1024);
    KASSERT(net_stats.fault_dropped > 0);
    KASSERT(tcp_stats.retransmits > 0);
}

KTEST_MANUAL(tcp_reordered_segments_streams_arrive_exactly)
{
    transfer_both_ways(cmdline_get_u32("tcp_kib", 1024) * 1024);
    KASSERT(net_stats.fault_reordered > 0);
    KASSERT(tcp_stats.out_of_order > 0);
}

/* Booted with tcp_iss=0xfffff000 (tcp_tests.py): both ends' sequence
 * numbers cross 2^32 within the first few KiB. */
KTEST_MANUAL(tcp_wraparound_streams_both_ways)
{
    KASSERT(cmdline_has("tcp_iss"));
    transfer_both_ways(cmdline_get_u32("tcp_kib", 1024) * 1024);
}

KTEST(tcp_connect_to_closed_port_refused)
{
    wait_port_quiet();
    struct socket *s;
    uint32_t before = tcp_stats.rst_in;
    KASSERT_EQ(sock_connect(LOOPBACK_ADDR, CLOSED_PORT, XFER_TIMEOUT_MS, &s), -ECONNREFUSED);
    KASSERT_EQ(tcp_stats.rst_in, before + 1);
    KASSERT(table_empty());
}

KTEST(tcp_listen_twice_is_in_use)
{
    wait_port_quiet();
    struct socket *a, *b;
    KASSERT_EQ(sock_listen(TEST_PORT, 1, &a), 0);
    KASSERT_EQ(sock_listen(TEST_PORT, 1, &b), -EADDRINUSE);
    sock_close(a);
    KASSERT(table_empty());
}

KTEST(tcp_recv_times_out)
{
    struct tcp_conn_pair p;
    KASSERT_EQ(tcp_pair_open(TEST_PORT, &p), 0);
    char buf[16];
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(sock_recv(p.client, buf, sizeof(buf), RECV_TIMEOUT_MS), -ETIMEDOUT);
    uint64_t waited = timer_uptime_ms() - t0;
    KASSERT(waited + 10 >= RECV_TIMEOUT_MS && waited < RECV_TIMEOUT_MS + 1000);
    /* The connection is still good afterwards. */
    KASSERT_EQ(sock_send(p.server, "x", 1, XFER_TIMEOUT_MS), 1);
    KASSERT_EQ(sock_recv_exact(p.client, buf, 1, XFER_TIMEOUT_MS), 1);
    KASSERT_EQ(buf[0], 'x');
    tcp_pair_close(&p);
}

struct blocked_recv {
    struct socket *s;
    int result;
};

static void recv_forever(void *arg)
{
    struct blocked_recv *b = arg;
    char c;
    b->result = sock_recv(b->s, &c, 1, 0);
}

KTEST(tcp_shutdown_unblocks_receiver_and_resets_peer)
{
    wait_port_quiet();
    struct tcp_conn_pair p;
    KASSERT_EQ(tcp_pair_open(TEST_PORT, &p), 0);
    struct blocked_recv b = { .s = p.client, .result = 1 };
    struct task *t = task_create("tcp-blocked", recv_forever, &b, PRIO_NORMAL);
    KASSERT(t);
    sleep_ms(100);
    KASSERT_EQ(b.result, 1);                /* still waiting */
    sock_shutdown(p.client);
    task_join(t);
    KASSERT_EQ(b.result, -ECONNABORTED);
    KASSERT_EQ(sock_send(p.client, "x", 1, XFER_TIMEOUT_MS), -ECONNABORTED);
    /* The reset reached the peer. */
    char c;
    KASSERT_EQ(sock_recv(p.server, &c, 1, XFER_TIMEOUT_MS), -ECONNRESET);
    tcp_pair_close(&p);
    KASSERT(table_empty());
}

/* With net_drop=1 nothing arrives: the SYN is retransmitted with backoff
 * TCP_SYN_RETRIES times, then the connection fails. */
KTEST_MANUAL(tcp_silent_peer_times_out)
{
    struct socket *l, *s;
    KASSERT_EQ(sock_listen(TEST_PORT, 1, &l), 0);
    uint64_t t0 = timer_uptime_ms();
    KASSERT_EQ(sock_connect(LOOPBACK_ADDR, TEST_PORT, 0, &s), -ETIMEDOUT);
    pr_info("tcp-test: connect gave up after %llu ms\n", timer_uptime_ms() - t0);
    KASSERT_EQ(tcp_stats.conn_timedout, 1);
    KASSERT_EQ(tcp_stats.retransmits, TCP_SYN_RETRIES);
    print_counters("silent peer");
    sock_close(l);
    KASSERT(table_empty());
}

/* The retry limit on the data path: a connection whose peer stops
 * answering once it is established ends with -ETIMEDOUT after
 * TCP_RETRIES retransmissions, and a receiver blocked on it wakes with
 * that error.  Manual: it takes half a minute (1 s doubling to 4 s, as no
 * round trip was timed), longer than the hang detector's default allows
 * a wait -- tcp_tests.py boots it with a longer one. */
KTEST_MANUAL(tcp_established_peer_gone_silent_times_out)
{
    struct socket *l, *c, *a;
    static uint8_t data[4096];
    wait_port_quiet();
    KASSERT_EQ(sock_listen(TEST_PORT, 1, &l), 0);
    KASSERT_EQ(sock_connect(LOOPBACK_ADDR, TEST_PORT, XFER_TIMEOUT_MS, &c), 0);
    KASSERT_EQ(sock_accept(l, XFER_TIMEOUT_MS, &a), 0);
    uint32_t timedout = tcp_stats.conn_timedout, retransmits = tcp_stats.retransmits;
    fault_silence(true);
    KASSERT_EQ(sock_send(c, data, sizeof(data), XFER_TIMEOUT_MS), (int)sizeof(data));
    uint64_t t0 = timer_uptime_ms();
    int r = sock_recv(c, data, 1, 0);
    fault_silence(false);
    pr_info("tcp-test: the silent peer's connection ended after %llu ms: %d\n",
            timer_uptime_ms() - t0, r);
    KASSERT_EQ(r, -ETIMEDOUT);
    KASSERT(tcp_stats.conn_timedout > timedout);
    KASSERT(tcp_stats.retransmits - retransmits >= TCP_RETRIES);
    sock_close(c);
    sock_close(a);
    sock_close(l);
}

/* tcp_silence_ms= mid-stream: every segment received is dropped for that
 * long, so what is in flight times out and is sent again from snd_una --
 * as TSO frames when the NIC offers TSO. */
static void silence_midway(void *arg)
{
    uint32_t ms = (uint32_t)(uintptr_t)arg;
    sleep_ms(100);
    fault_silence(true);
    sleep_ms(ms);
    fault_silence(false);
}

/* tcp_tests.py's echo server at 10.0.2.100:tcp_peer_port: a seeded stream
 * out, the same stream back, checked; the server checks it too. */
KTEST_MANUAL(tcp_host_echo)
{
    uint16_t port = (uint16_t)cmdline_get_u32("tcp_peer_port", 0);
    uint32_t bytes = cmdline_get_u32("tcp_kib", 4096) * 1024;
    uint32_t seed = cmdline_get_u32("stream_seed", 1);
    KASSERT(port);
    struct socket *s;
    KASSERT_EQ(sock_connect(GUESTFWD_ADDR, port, XFER_TIMEOUT_MS, &s), 0);
    uint64_t t0 = timer_uptime_ms();
    uint32_t silence = cmdline_get_u32("tcp_silence_ms", 0);
    struct task *silencer = silence ? task_create("tcp-silencer", silence_midway,
                                                  (void *)(uintptr_t)silence, PRIO_NORMAL) : NULL;
    struct tcp_stream_task *rx = tcp_stream_start(s, seed, bytes, XFER_TIMEOUT_MS, 0);
    KASSERT_EQ(tcp_stream_send(s, seed, bytes, XFER_TIMEOUT_MS), 0);
    KASSERT_EQ(tcp_stream_join(rx), 0);
    if (silencer)
        KASSERT_EQ(task_join(silencer), 0);
    uint64_t ms = timer_uptime_ms() - t0;
    pr_info("tcp-test: host echo: %u KiB out and back in %llu ms\n", bytes / 1024, ms);
    print_counters("host echo");
    /* What the NIC did for TCP (e1000_offload=): the harness checks these
     * against the mode it booted with. */
    const struct net_device *eth = netdev_find("eth0");
    KASSERT(eth);
    pr_info("tcp-test: host echo: %u TSO frames (%u TCP segments out), %u deferred; "
            "eth0 %u TSO frames, %u checksums by the NIC, %u pure ACKs merged\n",
            tcp_stats.tso_frames, tcp_stats.segs_out, tcp_stats.tso_deferred,
            eth->stats.tx_tso_frames, eth->stats.tx_csum_offloaded, eth->stats.rx_acks_merged);
    sock_close(s);
}

/* Segment f from 127.0.0.1 to itself, checksummed, as IP hands it to
 * tcp_rcv, after spoil (if not NULL) has damaged it. */
static struct sk_buff *build_segment(const struct tcp_hdr_fields *f, void (*spoil)(uint8_t *hdr))
{
    struct sk_buff *skb = alloc_skb(GFP_NOIO);
    KASSERT(skb);
    uint8_t *hdr = skb_put(skb, TCP_HDR_LEN);
    tcp_build_header(hdr, f);
    uint16_t csum = csum_fold(csum_partial(hdr, TCP_HDR_LEN, csum_tcpudp_pseudo(
        LOOPBACK_ADDR, LOOPBACK_ADDR, IPPROTO_TCP, TCP_HDR_LEN)));
    hdr[16] = (uint8_t)(csum >> 8);
    hdr[17] = (uint8_t)csum;
    if (spoil)
        spoil(hdr);
    skb->saddr = skb->daddr = LOOPBACK_ADDR;
    return skb;
}

/* tcp_rcv(skb); returns how many segments TCP sent in answer.  With
 * net_lock held. */
static uint32_t deliver_locked(struct sk_buff *skb)
{
    uint32_t out = tcp_stats.segs_out;
    tcp_rcv(skb);
    return tcp_stats.segs_out - out;
}

/* A SYN to a listening port, damaged by spoil. */
static uint32_t deliver_spoiled_syn(void (*spoil)(uint8_t *hdr))
{
    struct tcp_hdr_fields f = { .sport = 40000, .dport = TEST_PORT, .seq = 1, .flags = TCP_SYN,
                                .wnd = 1000 };
    struct sk_buff *skb = build_segment(&f, spoil);
    mutex_lock(&net_lock);
    uint32_t out = deliver_locked(skb);
    mutex_unlock(&net_lock);
    return out;
}

static void flip_a_bit(uint8_t *hdr) { hdr[7] ^= 0x10; }
/* A data offset of 15 words, 60 bytes, in a 20-byte segment, with the
 * checksum fixed up so only the length lies. */
static void lie_about_length(uint8_t *hdr) { hdr[12] = 0xf0; hdr[16] -= 0xa0; }

KTEST(tcp_bad_checksum_and_lying_header_dropped_and_counted)
{
    wait_port_quiet();
    struct socket *l;
    KASSERT_EQ(sock_listen(TEST_PORT, 1, &l), 0);
    uint32_t csum0 = tcp_stats.bad_csum, hdr0 = tcp_stats.bad_header;
    KASSERT_EQ(deliver_spoiled_syn(flip_a_bit), 0);
    KASSERT_EQ(tcp_stats.bad_csum, csum0 + 1);
    KASSERT_EQ(deliver_spoiled_syn(lie_about_length), 0);
    KASSERT_EQ(tcp_stats.bad_header, hdr0 + 1);
    KASSERT_EQ(tcp_stats.bad_csum, csum0 + 1);
    sock_close(l);
    KASSERT(table_empty());
}

/* The client of a connection on TEST_PORT in TIME_WAIT, the only socket
 * left on the port, or NULL.  With net_lock held: the socket is freed as
 * TIME_WAIT ends. */
static struct socket *time_wait_client(void)
{
    if (test_sockets_locked(TCP_NR_STATES) != 1)
        return NULL;
    list_for_each(pos, &tcp_sockets) {
        struct socket *s = list_entry(pos, struct socket, link);
        if (s->rport == TEST_PORT && s->state == TCP_TIME_WAIT)
            return s;
    }
    return NULL;
}

/* As the server's end would send it to the client in TIME_WAIT, which
 * has taken sequence numbers up to rcv_nxt: flags at rcv_nxt + seq_off,
 * with an ACK of everything the client sent.  How many segments the
 * client sent in answer, and in *deadline the end of its TIME_WAIT (0:
 * over); -1 when TIME_WAIT was over before. */
static int send_to_time_wait(uint8_t flags, uint32_t seq_off, uint64_t *deadline)
{
    struct tcp_hdr_fields f = { .flags = flags, .wnd = 1000 };
    mutex_lock(&net_lock);
    struct socket *s = time_wait_client();
    if (s) {
        f.sport = s->rport;
        f.dport = s->lport;
        f.seq = s->rcv_nxt + seq_off;
        f.ack = s->snd_nxt;
    }
    mutex_unlock(&net_lock);
    if (!s)
        return -1;
    /* Built without the lock (a failed KASSERT must not leave it held);
     * TCP's own segments do not move rcv_nxt or snd_nxt in TIME_WAIT. */
    struct sk_buff *skb = build_segment(&f, NULL);
    mutex_lock(&net_lock);
    int out = (int)deliver_locked(skb);
    s = time_wait_client();
    *deadline = s ? s->timer[TCP_T_TIME_WAIT] : 0;
    mutex_unlock(&net_lock);
    return out;
}

/*
 * TIME_WAIT is there for a lost ACK of the peer's FIN: the peer sends its
 * FIN again, and RFC 9293 3.10.7.4 has it acknowledged and the 2 MSL wait
 * restarted.  The server's end is gone here (it took our first ACK), so
 * it answers that second ACK with a reset -- which must not end TIME_WAIT
 * (RFC 1337), nor must a reset exactly at rcv_nxt sent first.  Before
 * both fixes, the reset ended TIME_WAIT at once: with the scheduler's
 * timing of 467447f, tcp_reordered_segments_streams_arrive_exactly lost
 * its client's last ACK to net_reorder= and met exactly this.
 */
KTEST(tcp_time_wait_acks_resent_fin_and_ignores_resets)
{
    wait_port_quiet();
    struct tcp_conn_pair p;
    KASSERT_EQ(tcp_pair_open(TEST_PORT, &p), 0);
    sock_close(p.client);
    char c;
    KASSERT_EQ(sock_recv(p.server, &c, 1, XFER_TIMEOUT_MS), 0);
    sock_close(p.server);
    sock_close(p.listener);
    uint64_t deadline = timer_uptime_ms() + XFER_TIMEOUT_MS;
    while (!test_sockets(TCP_TIME_WAIT) || test_sockets(TCP_NR_STATES) != 1) {
        KASSERT(timer_uptime_ms() < deadline);
        sleep_ms(10);
    }

    uint32_t rst_in = tcp_stats.rst_in, rst_ignored = tcp_stats.rst_ignored;
    uint64_t tw_end;
    KASSERT_EQ(send_to_time_wait(TCP_RST, 0, &tw_end), 0);
    KASSERT(tw_end);                        /* still in TIME_WAIT */
    KASSERT_EQ(tcp_stats.rst_ignored, rst_ignored + 1);

    sleep_ms(TCP_TIME_WAIT_MS / 2);
    uint64_t fin_at = timer_uptime_ms(), restarted;
    KASSERT_EQ(send_to_time_wait(TCP_FIN | TCP_ACK, (uint32_t)-1, &restarted), 1);
    pr_info("tcp-test: the FIN sent again moved the end of TIME_WAIT by %llu ms\n",
            restarted - tw_end);
    KASSERT(restarted >= fin_at + TCP_TIME_WAIT_MS);

    /* The closed port's reset answers that ACK; TIME_WAIT goes on to the end. */
    while (!table_empty() && timer_uptime_ms() < fin_at + 2 * TCP_TIME_WAIT_MS)
        sleep_ms(10);
    KASSERT(table_empty());
    uint64_t lasted = timer_uptime_ms() - fin_at;
    pr_info("tcp-test: TIME_WAIT ended %llu ms after the FIN; resets ignored %u\n", lasted,
            tcp_stats.rst_ignored - rst_ignored);
    KASSERT(lasted + 100 >= TCP_TIME_WAIT_MS);
    KASSERT_EQ(tcp_stats.rst_ignored, rst_ignored + 2);
    KASSERT_EQ(tcp_stats.rst_in, rst_in);
}
