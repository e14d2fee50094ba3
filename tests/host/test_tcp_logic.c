/*
 * test_tcp_logic.c - net/tcp_logic.c and net/tcp_seq.h: sequence
 * comparisons across the 2^32 wrap, header and option parsing (lying
 * lengths included, in buffers of exactly their size so ASan sees any
 * read past the end), segment acceptability per RFC 9293's table, RST
 * acceptance only at rcv_nxt (RFC 5961), ACK checks, windows, the
 * sender's segment sizes and the RFC 6298 timer.
 *
 * Links with: net/tcp_logic.c
 * Usage: test_tcp_logic [seed=N]   (or SEED=N in the environment)
 */
#include "check.h"
#include "byteorder.h"
#include "kerrno.h"
#include "tcp_logic.h"
#include "tcp_seq.h"

static void test_seq_wraparound(void)
{
    CHECK(seq_lt(0xfffffff0u, 0x10));
    CHECK(seq_gt(0x10, 0xfffffff0u));
    CHECK(seq_leq(5, 5) && seq_geq(5, 5) && !seq_lt(5, 5));
    CHECK(seq_lt(0x7ffffffeu, 0x7fffffffu) && seq_lt(0x7fffffffu, 0x80000000u));
    CHECK(seq_in_range(2, 0xfffffffeu, 10));
    CHECK(!seq_in_range(10, 0xfffffffeu, 10));
    CHECK(!seq_in_range(5, 5, 5));
    CHECK_INT(seq_max(0xffffffffu, 1), 1);
    CHECK_INT(seq_min(0xffffffffu, 1), 0xffffffffu);
    /* Random pairs less than 2^31 apart: order survives any rotation. */
    for (int i = 0; i < 100000; i++) {
        uint32_t a = (uint32_t)check_rand(), d = 1 + check_below(0x7fffffffu);
        uint32_t b = a + d;
        CHECK(seq_lt(a, b) && seq_gt(b, a) && !seq_geq(a, b));
        CHECK(seq_in_range(a + d / 2, a, b) && !seq_in_range(b, a, b));
    }
}

/* A heap copy of exactly n bytes. */
static uint8_t *copy_of(const uint8_t *p, size_t n)
{
    uint8_t *c = malloc(n ? n : 1);
    memcpy(c, p, n);
    return c;
}

static int parse_bytes(const uint8_t *p, size_t n, struct tcp_seg *seg)
{
    uint8_t *c = copy_of(p, n);
    int r = tcp_parse(c, (uint32_t)n, seg);
    free(c);
    return r;
}

static void test_build_and_parse(void)
{
    uint8_t buf[TCP_HDR_LEN + TCP_OPT_MSS_LEN + 3];
    struct tcp_hdr_fields f = { .sport = 49152, .dport = 10809, .seq = 0xfffffffeu,
                                .ack = 7, .flags = TCP_SYN | TCP_ACK, .wnd = 46720, .mss = 1460 };
    uint32_t n = tcp_build_header(buf, &f);
    CHECK_INT(n, 24);
    memcpy(buf + n, "abc", 3);
    struct tcp_seg seg;
    CHECK_INT(parse_bytes(buf, n + 3, &seg), 0);
    CHECK_INT(seg.sport, 49152);
    CHECK_INT(seg.dport, 10809);
    CHECK_INT(seg.seq, 0xfffffffeu);
    CHECK_INT(seg.ack, 7);
    CHECK_INT(seg.flags, TCP_SYN | TCP_ACK);
    CHECK_INT(seg.wnd, 46720);
    CHECK_INT(seg.hdr_len, 24);
    CHECK_INT(seg.data_len, 3);
    CHECK(seg.has_mss);
    CHECK_INT(seg.mss, 1460);
    CHECK_INT(tcp_seg_len(&seg), 4);        /* 3 bytes and the SYN */

    f.mss = 0;
    f.flags = TCP_ACK | TCP_FIN;
    CHECK_INT(tcp_build_header(buf, &f), TCP_HDR_LEN);
    CHECK_INT(parse_bytes(buf, TCP_HDR_LEN, &seg), 0);
    CHECK(!seg.has_mss);
    CHECK_INT(tcp_seg_len(&seg), 1);
}

/* A header with data offset doff words followed by opts. */
static int parse_with_options(const uint8_t *opts, size_t n, uint8_t doff, struct tcp_seg *seg)
{
    uint8_t buf[TCP_HDR_MAX];
    memset(buf, 0, sizeof(buf));
    buf[12] = (uint8_t)(doff << 4);
    memcpy(buf + TCP_HDR_LEN, opts, n);
    return parse_bytes(buf, TCP_HDR_LEN + n, seg);
}

static void test_options(void)
{
    struct tcp_seg seg;
    const uint8_t nop_mss[] = { 1, 1, 2, 4, 0x05, 0xb4, 1, 0 };
    CHECK_INT(parse_with_options(nop_mss, sizeof(nop_mss), 7, &seg), 0);
    CHECK(seg.has_mss && seg.mss == 1460);
    /* An unknown option (kind 8, timestamps, 10 bytes) is skipped. */
    const uint8_t ts_mss[] = { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2, 4, 0x02, 0x18 };
    CHECK_INT(parse_with_options(ts_mss, sizeof(ts_mss), 9, &seg), -EINVAL);  /* 14 != 16 */
    const uint8_t ts_mss_pad[] = { 8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 2, 4, 0x02, 0x18, 0, 0 };
    CHECK_INT(parse_with_options(ts_mss_pad, sizeof(ts_mss_pad), 9, &seg), 0);
    CHECK(seg.has_mss && seg.mss == 536);
    /* EOL ends the list: what follows is not parsed. */
    const uint8_t eol[] = { 0, 2, 0, 0 };
    CHECK_INT(parse_with_options(eol, sizeof(eol), 6, &seg), 0);
    CHECK(!seg.has_mss);

    /* Lying lengths. */
    const uint8_t zero_len[] = { 2, 0, 0, 0 };
    CHECK_INT(parse_with_options(zero_len, sizeof(zero_len), 6, &seg), -EINVAL);
    const uint8_t one_len[] = { 8, 1, 0, 0 };
    CHECK_INT(parse_with_options(one_len, sizeof(one_len), 6, &seg), -EINVAL);
    const uint8_t past_end[] = { 1, 1, 8, 10 };
    CHECK_INT(parse_with_options(past_end, sizeof(past_end), 6, &seg), -EINVAL);
    const uint8_t no_len_byte[] = { 1, 1, 1, 8 };
    CHECK_INT(parse_with_options(no_len_byte, sizeof(no_len_byte), 6, &seg), -EINVAL);
    const uint8_t mss_wrong_len[] = { 2, 3, 5, 0 };
    CHECK_INT(parse_with_options(mss_wrong_len, sizeof(mss_wrong_len), 6, &seg), -EINVAL);

    /* Lying data offsets and short segments. */
    uint8_t hdr[TCP_HDR_LEN] = { 0 };
    hdr[12] = 4 << 4;
    CHECK_INT(parse_bytes(hdr, sizeof(hdr), &seg), -EINVAL);
    hdr[12] = 6 << 4;                       /* 24 bytes, but only 20 there */
    CHECK_INT(parse_bytes(hdr, sizeof(hdr), &seg), -EINVAL);
    hdr[12] = 5 << 4;
    CHECK_INT(parse_bytes(hdr, sizeof(hdr) - 1, &seg), -EINVAL);
    CHECK_INT(parse_bytes(hdr, 0, &seg), -EINVAL);

    CHECK_INT(tcp_effective_mss(true, 1460, 1460), 1460);
    CHECK_INT(tcp_effective_mss(true, 9000, 1460), 1460);
    CHECK_INT(tcp_effective_mss(false, 0, 1460), TCP_MSS_DEFAULT);
    CHECK_INT(tcp_effective_mss(true, 0, 1460), TCP_MSS_MIN);
    CHECK_INT(tcp_effective_mss(true, 1000, 1460), 1000);
}

static void test_acceptability(void)
{
    const uint32_t bases[] = { 1000, 0xffffff00u, 0xffffffffu, 0 };
    for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
        uint32_t nxt = bases[i], wnd = 1000;
        /* Zero window: only an empty segment exactly at rcv_nxt. */
        CHECK(tcp_seg_acceptable(nxt, 0, nxt, 0));
        CHECK(!tcp_seg_acceptable(nxt, 0, nxt + 1, 0));
        CHECK(!tcp_seg_acceptable(nxt, 0, nxt, 1));
        /* Empty segment: inside [rcv_nxt, rcv_nxt + wnd). */
        CHECK(tcp_seg_acceptable(nxt, wnd, nxt + 999, 0));
        CHECK(!tcp_seg_acceptable(nxt, wnd, nxt + 1000, 0));
        CHECK(!tcp_seg_acceptable(nxt, wnd, nxt - 1, 0));
        /* Data: either end inside. */
        CHECK(tcp_seg_acceptable(nxt, wnd, nxt, 1460));
        CHECK(tcp_seg_acceptable(nxt, wnd, nxt - 100, 101));     /* old, one new byte */
        CHECK(!tcp_seg_acceptable(nxt, wnd, nxt - 100, 100));    /* all old */
        CHECK(tcp_seg_acceptable(nxt, wnd, nxt + 999, 5));
        CHECK(!tcp_seg_acceptable(nxt, wnd, nxt + 1000, 5));

        CHECK_INT(tcp_rst_check(nxt, wnd, nxt), TCP_RST_ACCEPT);
        CHECK_INT(tcp_rst_check(nxt, wnd, nxt + 1), TCP_RST_CHALLENGE);
        CHECK_INT(tcp_rst_check(nxt, wnd, nxt + 999), TCP_RST_CHALLENGE);
        CHECK_INT(tcp_rst_check(nxt, wnd, nxt + 1000), TCP_RST_IGNORE);
        CHECK_INT(tcp_rst_check(nxt, wnd, nxt - 1), TCP_RST_IGNORE);
        CHECK_INT(tcp_rst_check(nxt, 0, nxt + 1), TCP_RST_IGNORE);

        uint32_t una = nxt, max = nxt + 5000;
        CHECK_INT(tcp_ack_check(una, max, 8000, una), TCP_ACK_DUP);
        CHECK_INT(tcp_ack_check(una, max, 8000, una + 1), TCP_ACK_NEW);
        CHECK_INT(tcp_ack_check(una, max, 8000, max), TCP_ACK_NEW);
        CHECK_INT(tcp_ack_check(una, max, 8000, max + 1), TCP_ACK_INVALID);
        CHECK_INT(tcp_ack_check(una, max, 8000, una - 8000), TCP_ACK_OLD);
        CHECK_INT(tcp_ack_check(una, max, 8000, una - 8001), TCP_ACK_INVALID);
    }
    /* A random blind reset lands at rcv_nxt about once in 2^32. */
    uint32_t accepted = 0;
    for (int i = 0; i < 100000; i++)
        accepted += tcp_rst_check(12345, 46720, (uint32_t)check_rand()) == TCP_RST_ACCEPT;
    CHECK(accepted <= 1);
}

static void test_windows(void)
{
    /* 32 buffers of 1460, 64 KiB: buffers bind first. */
    CHECK_INT(tcp_rcv_window(0, 0, 32, 65536, 1460, 0), 32 * 1460);
    CHECK_INT(tcp_rcv_window(31, 31, 32, 65536, 1460, 0), 1460);
    CHECK_INT(tcp_rcv_window(32, 32, 32, 65536, 1460, 0), 0);
    /* Tiny segments use up buffers; the announced edge never moves back. */
    CHECK_INT(tcp_rcv_window(32, 32, 32, 65536, 1460, 20000), 20000);
    /* A small opening is not announced (receiver SWS avoidance). */
    CHECK_INT(tcp_rcv_window(10, 20000, 32, 65536, 1460, 45000), 45000);
    CHECK_INT(tcp_rcv_window(0, 0, 100, 1u << 20, 1460, 0), TCP_WINDOW_MAX);

    CHECK_INT(tcp_send_len(1460, 100000, 60000, 0, 60000), 1460);
    CHECK_INT(tcp_send_len(1460, 28, 60000, 5000, 60000), 28);      /* no Nagle */
    CHECK_INT(tcp_send_len(1460, 100000, 500, 5000, 60000), 0);     /* SWS: wait */
    CHECK_INT(tcp_send_len(1460, 100000, 500, 0, 60000), 500);      /* nothing in flight */
    CHECK_INT(tcp_send_len(1460, 100000, 0, 0, 60000), 0);
    CHECK_INT(tcp_send_len(1460, 100000, 800, 5000, 1000), 800);    /* half the peer's max */
}

static void test_rto(void)
{
    struct tcp_rtt r;
    tcp_rtt_init(&r, 1000, 200, 4000);
    CHECK_INT(r.rto, 1000);
    tcp_rtt_sample(&r, 100);
    CHECK_INT(r.srtt, 100);
    CHECK_INT(r.rttvar, 50);
    CHECK_INT(r.rto, 300);
    for (int i = 0; i < 50; i++)
        tcp_rtt_sample(&r, 0);
    CHECK_INT(r.rto, 200);                  /* the floor */
    tcp_rto_backoff(&r);
    CHECK_INT(r.rto, 400);
    for (int i = 0; i < 10; i++)
        tcp_rto_backoff(&r);
    CHECK_INT(r.rto, 4000);                 /* the ceiling */
    tcp_rtt_sample(&r, 100000);
    CHECK_INT(r.rto, 4000);
}

static void test_states(void)
{
    CHECK_INT(tcp_state_on_fin(TCP_ESTABLISHED, false), TCP_CLOSE_WAIT);
    CHECK_INT(tcp_state_on_fin(TCP_FIN_WAIT_1, false), TCP_CLOSING);
    CHECK_INT(tcp_state_on_fin(TCP_FIN_WAIT_1, true), TCP_TIME_WAIT);
    CHECK_INT(tcp_state_on_fin(TCP_FIN_WAIT_2, true), TCP_TIME_WAIT);
    CHECK_INT(tcp_state_on_fin(TCP_TIME_WAIT, true), TCP_TIME_WAIT);
    CHECK_INT(tcp_state_on_fin_acked(TCP_FIN_WAIT_1), TCP_FIN_WAIT_2);
    CHECK_INT(tcp_state_on_fin_acked(TCP_CLOSING), TCP_TIME_WAIT);
    CHECK_INT(tcp_state_on_fin_acked(TCP_LAST_ACK), TCP_CLOSED);
    CHECK_INT(tcp_state_on_fin_acked(TCP_ESTABLISHED), TCP_ESTABLISHED);
    for (int s = 0; s < TCP_NR_STATES; s++)
        CHECK(tcp_state_names[s] != NULL);
}

/* TIME-WAIT: only the peer's FIN again (its last sequence number is
 * rcv_nxt - 1, with or without the data before it) restarts the wait; a
 * reset, wherever it lands, is ignored (RFC 1337). */
static void test_time_wait(void)
{
    const uint32_t bases[] = { 5000, 0, 1, 0xffffffffu };
    for (size_t i = 0; i < ARRAY_SIZE(bases); i++) {
        uint32_t nxt = bases[i];
        struct tcp_seg fin = { .seq = nxt - 1, .flags = TCP_FIN | TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &fin), TCP_TW_FIN_AGAIN);
        struct tcp_seg fin_data = { .seq = nxt - 3, .data_len = 2,
                                    .flags = TCP_FIN | TCP_ACK | TCP_PSH };
        CHECK_INT(tcp_time_wait_check(nxt, &fin_data), TCP_TW_FIN_AGAIN);
        struct tcp_seg fin_new = { .seq = nxt, .flags = TCP_FIN | TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &fin_new), TCP_TW_PROCESS);
        struct tcp_seg fin_old = { .seq = nxt - 2, .flags = TCP_FIN | TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &fin_old), TCP_TW_PROCESS);
        struct tcp_seg fin_no_ack = { .seq = nxt - 1, .flags = TCP_FIN };
        CHECK_INT(tcp_time_wait_check(nxt, &fin_no_ack), TCP_TW_PROCESS);
        struct tcp_seg syn_fin = { .seq = nxt - 1, .flags = TCP_SYN | TCP_FIN | TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &syn_fin), TCP_TW_PROCESS);
        struct tcp_seg ack = { .seq = nxt, .flags = TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &ack), TCP_TW_PROCESS);
        struct tcp_seg rst = { .seq = nxt, .flags = TCP_RST };
        CHECK_INT(tcp_time_wait_check(nxt, &rst), TCP_TW_IGNORE_RST);
        struct tcp_seg rst_fin = { .seq = nxt - 1, .flags = TCP_RST | TCP_FIN | TCP_ACK };
        CHECK_INT(tcp_time_wait_check(nxt, &rst_fin), TCP_TW_IGNORE_RST);
    }
}

/* A pure ACK's IPv4 packet, 10.0.2.2:10809 -> 10.0.2.15:port. */
static void make_ack(uint8_t p[40], uint16_t port, uint32_t seq, uint32_t ack)
{
    memset(p, 0, 40);
    p[0] = 0x45;
    put_be16(p + 2, 40);
    put_be16(p + 6, 0x4000);                /* don't fragment: still whole */
    p[8] = 64;
    p[9] = 6;
    put_be32(p + 12, 0x0a000202);
    put_be32(p + 16, 0x0a00020f);
    struct tcp_hdr_fields f = { .sport = 10809, .dport = port, .seq = seq, .ack = ack,
                                .flags = TCP_ACK, .wnd = 65535 };
    tcp_build_header(p + 20, &f);
}

/* tcp_pure_ack on exactly n bytes of p (ASan sees a read past them). */
static bool pure_ack_bytes(const uint8_t *p, size_t n, struct tcp_ack_key *key)
{
    uint8_t *c = copy_of(p, n);
    bool r = tcp_pure_ack(c, (uint32_t)n, key);
    free(c);
    return r;
}

static void test_pure_acks(void)
{
    uint8_t p[60], q[60];
    struct tcp_ack_key a, b;
    make_ack(p, 49152, 7, 1000);
    memset(p + 40, 0, 20);
    CHECK(pure_ack_bytes(p, 40, &a));
    CHECK(a.saddr == 0x0a000202 && a.daddr == 0x0a00020f && a.sport == 10809);
    CHECK(a.dport == 49152 && a.seq == 7 && a.ack == 1000);
    CHECK(pure_ack_bytes(p, 46, &a));       /* Ethernet's padding after it */
    CHECK(!pure_ack_bytes(p, 39, &a));
    /* Anything that is more than an ACK is not one. */
    static const struct { uint32_t off; uint8_t val; const char *what; } not_pure[] = {
        { 3, 41, "a data byte" },           { 0, 0x46, "IPv4 options" },
        { 6, 0x20, "more fragments" },      { 7, 0x08, "a fragment's offset" },
        { 9, 17, "UDP" },                   { 32, 0x60, "TCP options" },
        { 33, 0x18, "PSH" },                { 33, 0x11, "FIN" },
        { 33, 0x14, "RST" },                { 33, 0x12, "SYN" },
        { 33, 0x00, "no ACK" },             { 0, 0x65, "IPv6's version" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(not_pure); i++) {
        memcpy(q, p, 40);
        q[not_pure[i].off] = not_pure[i].val;
        if (pure_ack_bytes(q, 60, &b) && check_report(__FILE__, __LINE__))
            fprintf(stderr, "a segment with %s taken for a pure ACK\n", not_pure[i].what);
    }
    /* Superseding: a later acknowledgment of the same connection only. */
    make_ack(q, 49152, 7, 2460);
    CHECK(pure_ack_bytes(q, 40, &b) && tcp_ack_supersedes(&b, &a) && !tcp_ack_supersedes(&a, &b));
    CHECK(!tcp_ack_supersedes(&a, &a));     /* a duplicate ACK counts */
    make_ack(q, 49153, 7, 2460);
    CHECK(pure_ack_bytes(q, 40, &b) && !tcp_ack_supersedes(&b, &a));
    make_ack(q, 49152, 8, 2460);
    CHECK(pure_ack_bytes(q, 40, &b) && !tcp_ack_supersedes(&b, &a));
    make_ack(q, 49152, 7, 2460);
    put_be32(q + 12, 0x0a000203);
    CHECK(pure_ack_bytes(q, 40, &b) && !tcp_ack_supersedes(&b, &a));
    make_ack(p, 49152, 7, 0xfffffff0u);     /* across the wrap */
    make_ack(q, 49152, 7, 0x10);
    CHECK(pure_ack_bytes(p, 40, &a) && pure_ack_bytes(q, 40, &b));
    CHECK(tcp_ack_supersedes(&b, &a) && !tcp_ack_supersedes(&a, &b));
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_tcp_logic");
    test_seq_wraparound();
    test_build_and_parse();
    test_options();
    test_acceptability();
    test_windows();
    test_rto();
    test_states();
    test_time_wait();
    test_pure_acks();
    return check_exit("test_tcp_logic");
}
