/*
 * tcp_seq.h - TCP sequence number arithmetic (RFC 9293, section 3.4),
 * pure code: it includes nothing of the kernel's, so the host tests and
 * the fuzzer use it as the kernel does.
 *
 * Sequence numbers live on a 32-bit circle and wrap.  a is "before" b
 * when the distance from a forward to b is below 2^31: the difference
 * taken as a signed 32-bit number is negative.  Plain < on the raw values
 * is wrong as soon as a connection crosses 2^32, which a few GiB of data
 * (or a random initial sequence number near the top) makes happen.
 *
 * Rules: every comparison of sequence or acknowledgment numbers in net/
 * goes through these; the difference b - a of two numbers that are known
 * to be ordered (a before or at b) is a plain uint32_t subtraction.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* lo <= x < hi on the circle (an empty range when lo == hi). */
static inline bool seq_in_range(uint32_t x, uint32_t lo, uint32_t hi)
{
    return x - lo < hi - lo;
}

static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_lt(a, b) ? b : a; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }
