/*
 * tcp_logic.h - TCP's decisions that depend only on numbers and bytes:
 * header and option parsing, header building, segment and RST and ACK
 * acceptability, the receive window, how much to send, the RTO.  Pure
 * code (stdint, no kernel headers): the host unit tests and the fuzzer
 * link net/tcp_logic.c as it is, so what they prove holds in the kernel.
 *
 *   tcp_parse            check a received header's lengths and options;
 *                        hostile input gives -EINVAL, never a read past len
 *   tcp_build_header     write a header (with the MSS option on a SYN)
 *   tcp_seg_acceptable   RFC 9293 3.10.7.4, first check: is any of the
 *                        segment inside the receive window
 *   tcp_rst_check        RFC 5961 section 3: a reset counts only when it
 *                        is exactly at rcv_nxt; elsewhere in the window it
 *                        earns a challenge ACK; outside it is ignored
 *   tcp_ack_check        RFC 9293 3.10.7.4 fifth check with RFC 5961 5.2
 *   tcp_time_wait_check  what a segment does in TIME-WAIT: the peer's FIN
 *                        again restarts it, a reset does not end it
 *   tcp_rcv_window       the window to announce for the receive queue
 *   tcp_send_len         bytes to put in the next segment (sender SWS
 *                        avoidance, RFC 9293 3.8.6.2.1; no Nagle)
 *   tcp_rtt_sample/tcp_rto_backoff   RFC 6298 retransmission timeout
 *
 * Byte order: tcp_parse and tcp_build_header convert; everything else is
 * host order.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Header flags (RFC 9293, section 3.1). */
#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

#define TCP_HDR_LEN       20        /* without options */
#define TCP_OFF_CSUM      16        /* the checksum's offset in the header (RFC 9293 3.1) */
#define TCP_HDR_MAX       60        /* data offset is 4 bits of 32-bit words */
#define TCP_OPT_EOL       0
#define TCP_OPT_NOP       1
#define TCP_OPT_MSS       2
#define TCP_OPT_MSS_LEN   4
#define TCP_MSS_DEFAULT   536       /* RFC 9293 3.7.1: when the peer sends no MSS */
/* The smallest MSS we agree to send with: a peer announcing less would
 * make us cut the stream into segments that cost more header than data
 * (Linux has the same kind of floor, TCP_MIN_SND_MSS). */
#define TCP_MSS_MIN       64
#define TCP_WINDOW_MAX    65535u    /* no window scaling (RFC 7323) */

enum tcp_state {
    TCP_CLOSED, TCP_LISTEN, TCP_SYN_SENT, TCP_SYN_RCVD, TCP_ESTABLISHED,
    TCP_FIN_WAIT_1, TCP_FIN_WAIT_2, TCP_CLOSE_WAIT, TCP_CLOSING, TCP_LAST_ACK,
    TCP_TIME_WAIT, TCP_NR_STATES,
};
extern const char *const tcp_state_names[TCP_NR_STATES];

/* A received segment, as tcp_parse found it (host order). */
struct tcp_seg {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    uint32_t hdr_len;           /* data offset in bytes, 20..60, <= segment length */
    uint32_t data_len;          /* payload bytes after the header */
    bool has_mss;
    uint16_t mss;               /* the MSS option, if has_mss */
};

/* 0 and *out, or -EINVAL: shorter than a header, a data offset below 5
 * words or past the end, an option whose length is below 2 or runs past
 * the header, an MSS option of the wrong length. */
int tcp_parse(const uint8_t *buf, uint32_t len, struct tcp_seg *out);
/* The sequence space the segment occupies: data, plus one each for SYN
 * and FIN. */
uint32_t tcp_seg_len(const struct tcp_seg *seg);

/* What tcp_build_header writes (checksum left 0 for the caller). */
struct tcp_hdr_fields {
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;
    uint16_t wnd;
    uint16_t mss;               /* nonzero: add the MSS option */
};
/* Write the header at buf (room for TCP_HDR_LEN + TCP_OPT_MSS_LEN);
 * returns its length. */
uint32_t tcp_build_header(uint8_t *buf, const struct tcp_hdr_fields *f);

/* The MSS to send with: the peer's (or 536 without the option), at most
 * ours, at least TCP_MSS_MIN. */
uint16_t tcp_effective_mss(bool has_mss, uint16_t peer_mss, uint16_t our_mss);

bool tcp_seg_acceptable(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq, uint32_t seg_len);

enum tcp_rst_action { TCP_RST_IGNORE, TCP_RST_CHALLENGE, TCP_RST_ACCEPT };
enum tcp_rst_action tcp_rst_check(uint32_t rcv_nxt, uint32_t rcv_wnd, uint32_t seq);

enum tcp_ack_action {
    TCP_ACK_NEW,                /* snd_una < ack <= snd_max: acknowledges something */
    TCP_ACK_DUP,                /* ack == snd_una */
    TCP_ACK_OLD,                /* a little before snd_una: ignore the ACK field */
    TCP_ACK_INVALID,            /* beyond what we sent, or older than a window
                                 * (RFC 5961 5.2): answer with an ACK, drop */
};
enum tcp_ack_action tcp_ack_check(uint32_t snd_una, uint32_t snd_max, uint32_t max_snd_wnd,
                                  uint32_t ack);

/* The window to announce: what the receive queue may still take, counted
 * both in bytes (buf_bytes) and in buffers (buf_skbs: every queued
 * segment holds a whole skb, whatever its size), never making the right
 * edge already announced (adv_left: announced edge - rcv_nxt) move back
 * (RFC 9293 3.8.6.2.2), at most TCP_WINDOW_MAX. */
uint32_t tcp_rcv_window(uint32_t queued_skbs, uint32_t queued_bytes, uint32_t buf_skbs,
                        uint32_t buf_bytes, uint32_t mss, uint32_t adv_left);

/* Bytes for the next segment from snd_nxt: unsent queued bytes, the room
 * left in the peer's window (wnd_room), what is in flight already and the
 * largest window the peer ever offered.  A full MSS, or everything that
 * is queued, or at least half the peer's largest window goes at once; a
 * smaller piece only when nothing is in flight (else an ACK will come and
 * open the window).  0: wait. */
uint32_t tcp_send_len(uint32_t mss, uint32_t unsent, uint32_t wnd_room, uint32_t in_flight,
                      uint32_t max_snd_wnd);

/* RFC 6298: srtt and rttvar in ms, rto within [min_ms, max_ms]. */
struct tcp_rtt {
    uint32_t srtt, rttvar;
    bool has_sample;            /* srtt and rttvar are measured */
    uint32_t rto;
    uint32_t min_ms, max_ms;
};
void tcp_rtt_init(struct tcp_rtt *r, uint32_t initial_ms, uint32_t min_ms, uint32_t max_ms);
void tcp_rtt_sample(struct tcp_rtt *r, uint32_t sample_ms);
/* After a timeout: the RTO doubles, up to max_ms (RFC 6298 5.5). */
void tcp_rto_backoff(struct tcp_rtt *r);

/* A segment that arrives in TIME-WAIT, before the usual checks.  Our ACK
 * of the peer's FIN may have been lost: the peer then sends its FIN again
 * (a segment whose FIN is the last sequence number we took, rcv_nxt - 1),
 * and RFC 9293 3.10.7.4 asks that it be acknowledged and the 2 MSL wait
 * restarted, so that the new ACK too has the whole wait to arrive -- the
 * first check alone would only ACK it, as an old segment.  A reset is
 * ignored, as RFC 1337 (fix F1) asks: the peer's TCP, closed once an ACK
 * reaches it, answers each further ACK of ours with one, and obeying it
 * would end TIME-WAIT as soon as the peer's FIN was resent ("TIME-WAIT
 * assassination"), letting a new connection on the same ports meet the
 * old one's segments. */
enum tcp_tw_action {
    TCP_TW_PROCESS,             /* anything else: the usual checks */
    TCP_TW_FIN_AGAIN,           /* the peer's FIN again: ACK it, restart the wait */
    TCP_TW_IGNORE_RST,          /* a reset: dropped, TIME-WAIT goes on */
};
enum tcp_tw_action tcp_time_wait_check(uint32_t rcv_nxt, const struct tcp_seg *seg);

/* The state after a FIN arrived in state s (RFC 9293 3.10.7.4, eighth
 * check); our_fin_acked: the peer has acknowledged our FIN. */
enum tcp_state tcp_state_on_fin(enum tcp_state s, bool our_fin_acked);
/* The state once our FIN is acknowledged in state s. */
enum tcp_state tcp_state_on_fin_acked(enum tcp_state s);

/* Pure ACKs, for the receive batch (napi_gro_receive, net/gro.c).  A
 * pure ACK is an IPv4 packet of exactly 40 bytes -- a 20-byte header
 * with no options and no fragmenting, a TCP header with no options, no
 * data and no flag but ACK; ip is the packet, len the bytes the frame
 * holds from it (Ethernet pads short frames).  Checksums are not
 * looked at: the ACK that is delivered is checked by the stack. */
struct tcp_ack_key {
    uint32_t saddr, daddr;
    uint16_t sport, dport;
    uint32_t seq, ack;
};
bool tcp_pure_ack(const uint8_t *ip, uint32_t len, struct tcp_ack_key *out);
/* The later pure ACK says all the earlier said: the same connection and
 * sequence number, and an acknowledgment past the earlier's.  A
 * duplicate ACK (the same acknowledgment) never supersedes the one it
 * repeats: the sender counts those for its fast retransmit. */
bool tcp_ack_supersedes(const struct tcp_ack_key *later, const struct tcp_ack_key *earlier);
