/*
 * fuzz_tcp_parse.c - a libFuzzer target for net/tcp_logic.c fed hostile
 * TCP segments.  The input is the segment (header, options, data) in a
 * heap buffer of exactly its size, so AddressSanitizer catches a read past
 * it.  Besides "no crash, no undefined behaviour" it checks that a parse
 * that succeeds describes the buffer: the header length is 20..60, a
 * multiple of 4 and inside the input, header plus data is the input, and
 * building a header from the parsed fields and parsing it again gives the
 * same fields.  The first four input bytes past the header, when there
 * are enough, also drive the acceptability checks (no crash, and the
 * properties that must always hold).  The same bytes, taken as an IPv4
 * packet, go to tcp_pure_ack: a pure ACK it finds is 40 bytes of the
 * input, its TCP header parses, and it supersedes an earlier ACK exactly
 * when its acknowledgment is later.
 *
 * Links with: net/tcp_logic.c
 * Fuzz options: -max_len=128
 */
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "tcp_logic.h"
#include "tcp_seq.h"

static void check_round_trip(const struct tcp_seg *seg)
{
    uint8_t buf[TCP_HDR_LEN + TCP_OPT_MSS_LEN];
    struct tcp_hdr_fields f = { .sport = seg->sport, .dport = seg->dport, .seq = seg->seq,
                                .ack = seg->ack, .flags = seg->flags, .wnd = seg->wnd,
                                .mss = seg->has_mss ? seg->mss : 0 };
    uint32_t n = tcp_build_header(buf, &f);
    struct tcp_seg again;
    FUZZ_ASSERT(tcp_parse(buf, n, &again) == 0);
    FUZZ_ASSERT(again.seq == seg->seq && again.ack == seg->ack && again.flags == seg->flags);
    FUZZ_ASSERT(again.sport == seg->sport && again.dport == seg->dport && again.wnd == seg->wnd);
    FUZZ_ASSERT(again.has_mss == (seg->has_mss && seg->mss != 0));
}

static void check_decisions(const struct tcp_seg *seg)
{
    uint32_t rcv_nxt = seg->ack, wnd = seg->wnd;
    bool ok = tcp_seg_acceptable(rcv_nxt, wnd, seg->seq, tcp_seg_len(seg));
    enum tcp_rst_action rst = tcp_rst_check(rcv_nxt, wnd, seg->seq);
    /* A reset away from rcv_nxt is never taken as it stands. */
    FUZZ_ASSERT((rst == TCP_RST_ACCEPT) == (seg->seq == rcv_nxt));
    /* An empty segment inside the window is acceptable, and nothing lies
     * past the right edge. */
    if (tcp_seg_len(seg) == 0 && wnd)
        FUZZ_ASSERT(ok == seq_in_range(seg->seq, rcv_nxt, rcv_nxt + wnd));
    (void)tcp_ack_check(seg->seq, seg->seq + wnd, wnd, seg->ack);
    uint32_t n = tcp_send_len(seg->mss ? seg->mss : 1, seg->data_len, wnd, seg->seq, seg->ack);
    FUZZ_ASSERT(n <= seg->data_len && n <= wnd);
    uint32_t w = tcp_rcv_window(seg->sport, seg->dport, seg->flags, seg->seq, 1460,
                                seg->ack & TCP_WINDOW_MAX);
    FUZZ_ASSERT(w <= TCP_WINDOW_MAX);
}

static void check_pure_ack(const uint8_t *buf, size_t size)
{
    struct tcp_ack_key key;
    if (!tcp_pure_ack(buf, (uint32_t)size, &key))
        return;
    FUZZ_ASSERT(size >= 40);
    struct tcp_seg seg;
    FUZZ_ASSERT(tcp_parse(buf + 20, 20, &seg) == 0);
    FUZZ_ASSERT(seg.flags == TCP_ACK && seg.data_len == 0 && seg.ack == key.ack);
    FUZZ_ASSERT(seg.seq == key.seq && seg.sport == key.sport && seg.dport == key.dport);
    struct tcp_ack_key earlier = key;
    earlier.ack = key.ack - 1;
    FUZZ_ASSERT(tcp_ack_supersedes(&key, &earlier) && !tcp_ack_supersedes(&earlier, &key));
    FUZZ_ASSERT(!tcp_ack_supersedes(&key, &key));
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    uint8_t *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    struct tcp_seg seg;
    if (tcp_parse(buf, (uint32_t)size, &seg) == 0) {
        FUZZ_ASSERT(seg.hdr_len >= TCP_HDR_LEN && seg.hdr_len <= TCP_HDR_MAX);
        FUZZ_ASSERT(seg.hdr_len % 4 == 0 && seg.hdr_len + seg.data_len == size);
        check_round_trip(&seg);
        check_decisions(&seg);
    }
    check_pure_ack(buf, size);
    free(buf);
    return 0;
}
