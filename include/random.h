/*
 * random.h - a small, fast, reproducible pseudo-random generator
 * (Marsaglia's xorshift32) for randomized tests.  Not for secrets.
 * Randomized tests seed it with ktest_seed() and print the seed.
 */
#pragma once
#include <stdint.h>

struct rng {
    uint32_t state;         /* never 0: xorshift would stay at 0 */
};

static inline void rng_seed(struct rng *r, uint32_t seed) { r->state = seed ? seed : 1; }

static inline uint32_t rng_next(struct rng *r)
{
    uint32_t x = r->state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return r->state = x;
}

/* Uniform enough in [0, n) for tests (n well below 2^32). */
static inline uint32_t rng_below(struct rng *r, uint32_t n) { return rng_next(r) % n; }
