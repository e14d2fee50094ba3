/*
 * tcp_logic.c - TCP's pure decisions (the interface and its rules are in
 * tcp_logic.h).  Nothing here keeps state or includes kernel headers.
 */
#include "tcp_logic.h"
#include "byteorder.h"
#include "kerrno.h"
#include "tcp_seq.h"

/* Data offset field: the high 4 bits of byte 12, in 32-bit words. */
#define TCP_DOFF_SHIFT   4
#define TCP_WORD         4
/* RFC 6298 2.3: the RTO adds max(G, K * RTTVAR), K = 4, G the clock's
 * granularity (one 10 ms tick). */
#define RTT_K            4
#define RTT_CLOCK_G_MS   10

const char *const tcp_state_names[TCP_NR_STATES] = {
    [TCP_CLOSED] = "CLOSED",           [TCP_LISTEN] = "LISTEN",
    [TCP_SYN_SENT] = "SYN_SENT",       [TCP_SYN_RCVD] = "SYN_RCVD",
    [TCP_ESTABLISHED] = "ESTABLISHED", [TCP_FIN_WAIT_1] = "FIN_WAIT_1",
    [TCP_FIN_WAIT_2] = "FIN_WAIT_2",   [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [TCP_CLOSING] = "CLOSING",         [TCP_LAST_ACK] = "LAST_ACK",
    [TCP_TIME_WAIT] = "TIME_WAIT",
};

/* Options sit between the fixed header and hdr_len (RFC 9293 3.2): EOL
 * ends them, NOP is one byte, every other kind has a length byte that
 * counts kind and length.  A length that lies is the segment's fault: the
 * whole segment is refused rather than guessed at (RFC 9293 3.1 asks
 * that an illegal option length never crash the receiver). */
static int parse_options(const uint8_t *opt, uint32_t len, struct tcp_seg *out)
{
    uint32_t i = 0;
    while (i < len) {
        uint8_t kind = opt[i];
        if (kind == TCP_OPT_EOL)
            break;
        if (kind == TCP_OPT_NOP) {
            i++;
            continue;
        }
        if (len - i < 2)
            return -EINVAL;
        uint8_t olen = opt[i + 1];
        if (olen < 2 || olen > len - i)
            return -EINVAL;
        if (kind == TCP_OPT_MSS) {
            if (olen != TCP_OPT_MSS_LEN)
                return -EINVAL;
            out->has_mss = true;
            out->mss = get_be16(opt + i + 2);
        }
        i += olen;
    }
    return 0;
}

int tcp_parse(const uint8_t *buf, uint32_t len, struct tcp_seg *out)
{
    if (len < TCP_HDR_LEN)
        return -EINVAL;
    uint32_t hdr_len = (uint32_t)(buf[12] >> TCP_DOFF_SHIFT) * TCP_WORD;
    if (hdr_len < TCP_HDR_LEN || hdr_len > len)
        return -EINVAL;
    *out = (struct tcp_seg){
        .sport = get_be16(buf), .dport = get_be16(buf + 2),
        .seq = get_be32(buf + 4), .ack = get_be32(buf + 8),
        .flags = buf[13], .wnd = get_be16(buf + 14),
        .hdr_len = hdr_len, .data_len = len - hdr_len,
    };
    return parse_options(buf + TCP_HDR_LEN, hdr_len - TCP_HDR_LEN, out);
}

uint32_t tcp_seg_len(const struct tcp_seg *seg)
{
    return seg->data_len + !!(seg->flags & TCP_SYN) + !!(seg->flags & TCP_FIN);
}

uint32_t tcp_build_header(uint8_t *buf, const struct tcp_hdr_fields *f)
{
    uint32_t len = TCP_HDR_LEN + (f->mss ? TCP_OPT_MSS_LEN : 0);
    put_be16(buf, f->sport);
    put_be16(buf + 2, f->dport);
    put_be32(buf + 4, f->seq);
    put_be32(buf + 8, f->ack);
    buf[12] = (uint8_t)(len / TCP_WORD << TCP_DOFF_SHIFT);
    buf[13] = f->flags;
    put_be16(buf + 14, f->wnd);
    put_be16(buf + TCP_OFF_CSUM, 0);       /* checksum: the caller's */
    put_be16(buf + 18, 0);                 /* urgent pointer: never used */
    if (f->mss) {
        buf[20] = TCP_OPT_MSS;
        buf[21] = TCP_OPT_MSS_LEN;
        put_be16(buf + 22, f->mss);
    }
    return len;
}

uint16_t tcp_effective_mss(bool has_mss, uint16_t peer_mss, uint16_t our_mss)
{
    uint16_t mss = has_mss ? peer_mss : TCP_MSS_DEFAULT;
    if (mss > our_mss)
        mss = our_mss;
    return mss < TCP_MSS_MIN ? TCP_MSS_MIN : mss;
}

/* The four cases of RFC 9293 3.10.7.4's table. */
bool tcp_seg_acceptable(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq, uint32_t seg_len)
{
    uint32_t end = rcv_nxt + rcv_wnd;
    if (rcv_wnd == 0)
        return seg_len == 0 && seq == rcv_nxt;
    if (seg_len == 0)
        return seq_in_range(seq, rcv_nxt, end);
    return seq_in_range(seq, rcv_nxt, end) || seq_in_range(seq + seg_len - 1, rcv_nxt, end);
}

enum tcp_rst_action tcp_rst_check(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq)
{
    if (seq == rcv_nxt)
        return TCP_RST_ACCEPT;
    if (seq_in_range(seq, rcv_nxt, rcv_nxt + rcv_wnd))
        return TCP_RST_CHALLENGE;
    return TCP_RST_IGNORE;
}

enum tcp_ack_action tcp_ack_check(uint32_t snd_una, uint32_t snd_max, uint32_t max_snd_wnd,
                                  uint32_t ack)
{
    if (seq_gt(ack, snd_max))
        return TCP_ACK_INVALID;
    if (ack == snd_una)
        return TCP_ACK_DUP;
    if (seq_gt(ack, snd_una))
        return TCP_ACK_NEW;
    return snd_una - ack <= max_snd_wnd ? TCP_ACK_OLD : TCP_ACK_INVALID;
}

enum tcp_tw_action tcp_time_wait_check(uint32_t rcv_nxt, const struct tcp_seg *seg)
{
    if (seg->flags & TCP_RST)
        return TCP_TW_IGNORE_RST;
    bool fin_ack = (seg->flags & (TCP_SYN | TCP_FIN | TCP_ACK)) == (TCP_FIN | TCP_ACK);
    if (fin_ack && seg->seq + seg->data_len + 1 == rcv_nxt)
        return TCP_TW_FIN_AGAIN;
    return TCP_TW_PROCESS;
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

uint32_t tcp_rcv_window(uint32_t queued_skbs, uint32_t queued_bytes, uint32_t buf_skbs,
                        uint32_t buf_bytes, uint32_t mss, uint32_t adv_left)
{
    uint32_t by_skbs = queued_skbs < buf_skbs ? (buf_skbs - queued_skbs) * mss : 0;
    uint32_t by_bytes = queued_bytes < buf_bytes ? buf_bytes - queued_bytes : 0;
    uint32_t w = min_u32(min_u32(by_skbs, by_bytes), TCP_WINDOW_MAX);
    /* Receiver SWS avoidance (RFC 9293 3.8.6.2.2): move the right edge
     * only by a full segment or half the buffer, whichever is less. */
    if (w <= adv_left || w - adv_left < min_u32(mss, buf_bytes / 2))
        return min_u32(adv_left, TCP_WINDOW_MAX);
    return w;
}

uint32_t tcp_send_len(uint32_t mss, uint32_t unsent, uint32_t wnd_room, uint32_t in_flight,
                      uint32_t max_snd_wnd)
{
    uint32_t room = min_u32(unsent, wnd_room);
    if (room >= mss)
        return mss;
    if (room == 0 || room == unsent || room >= max_snd_wnd / 2 || in_flight == 0)
        return room;
    return 0;
}

static void rto_update(struct tcp_rtt *r, uint32_t rto)
{
    r->rto = rto < r->min_ms ? r->min_ms : rto > r->max_ms ? r->max_ms : rto;
}

void tcp_rtt_init(struct tcp_rtt *r, uint32_t initial_ms, uint32_t min_ms, uint32_t max_ms)
{
    *r = (struct tcp_rtt){ .min_ms = min_ms, .max_ms = max_ms };
    rto_update(r, initial_ms);
}

void tcp_rtt_sample(struct tcp_rtt *r, uint32_t sample_ms)
{
    if (!r->has_sample) {
        /* RFC 6298 2.2: the first measurement. */
        r->srtt = sample_ms;
        r->rttvar = sample_ms / 2;
        r->has_sample = true;
    } else {
        /* 2.3 with alpha 1/8, beta 1/4, RTTVAR first (it uses the old SRTT). */
        uint32_t err = r->srtt > sample_ms ? r->srtt - sample_ms : sample_ms - r->srtt;
        r->rttvar = (3 * r->rttvar + err) / 4;
        r->srtt = (7 * r->srtt + sample_ms) / 8;
    }
    uint32_t var = RTT_K * r->rttvar;
    rto_update(r, r->srtt + (var > RTT_CLOCK_G_MS ? var : RTT_CLOCK_G_MS));
}

void tcp_rto_backoff(struct tcp_rtt *r)
{
    rto_update(r, r->rto > r->max_ms / 2 ? r->max_ms : 2 * r->rto);
}

enum tcp_state tcp_state_on_fin(enum tcp_state s, bool our_fin_acked)
{
    switch (s) {
    case TCP_SYN_RCVD:
    case TCP_ESTABLISHED:
        return TCP_CLOSE_WAIT;
    case TCP_FIN_WAIT_1:
        return our_fin_acked ? TCP_TIME_WAIT : TCP_CLOSING;
    case TCP_FIN_WAIT_2:
        return TCP_TIME_WAIT;
    default:
        return s;               /* a retransmitted FIN: nothing changes */
    }
}

enum tcp_state tcp_state_on_fin_acked(enum tcp_state s)
{
    switch (s) {
    case TCP_FIN_WAIT_1:
        return TCP_FIN_WAIT_2;
    case TCP_CLOSING:
        return TCP_TIME_WAIT;
    case TCP_LAST_ACK:
        return TCP_CLOSED;
    default:
        return s;
    }
}

/* IPv4 (RFC 791 3.1): version and IHL, total length, flags and fragment
 * offset, protocol, addresses. */
#define IP_VER4_IHL5        0x45
#define IP_PURE_ACK_LEN     40      /* 20 bytes of IPv4 header, 20 of TCP */
#define IP_FRAG_BITS        0x3FFF  /* MF and the offset: any fragment */
#define IP_PROTO_TCP        6

bool tcp_pure_ack(const uint8_t *ip, uint32_t len, struct tcp_ack_key *out)
{
    if (len < IP_PURE_ACK_LEN || ip[0] != IP_VER4_IHL5 ||
        get_be16(ip + 2) != IP_PURE_ACK_LEN || (get_be16(ip + 6) & IP_FRAG_BITS) ||
        ip[9] != IP_PROTO_TCP)
        return false;
    const uint8_t *tcp = ip + 20;
    if ((uint32_t)(tcp[12] >> TCP_DOFF_SHIFT) * TCP_WORD != TCP_HDR_LEN || tcp[13] != TCP_ACK)
        return false;
    *out = (struct tcp_ack_key){
        .saddr = get_be32(ip + 12), .daddr = get_be32(ip + 16),
        .sport = get_be16(tcp), .dport = get_be16(tcp + 2),
        .seq = get_be32(tcp + 4), .ack = get_be32(tcp + 8),
    };
    return true;
}

bool tcp_ack_supersedes(const struct tcp_ack_key *later, const struct tcp_ack_key *earlier)
{
    return later->saddr == earlier->saddr && later->daddr == earlier->daddr &&
           later->sport == earlier->sport && later->dport == earlier->dport &&
           later->seq == earlier->seq && seq_gt(later->ack, earlier->ack);
}
