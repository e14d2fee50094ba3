/*
 * check.h - the assertions shared by the host unit tests (tests/host/run).
 *
 * A failed CHECK prints file:line and both values, then the test carries on,
 * so one run shows every difference rather than the first; check_exit()
 * turns the count into the exit status.  Printing stops after a screenful
 * because a broken formatter can fail a randomized loop thousands of times.
 *
 * Also here: ARRAY_SIZE, and the seeded random generator the randomized
 * loops share, so that "seed=N" on the command line replays a failing run.
 */
#pragma once
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_MAX_REPORTS 40
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static int check_failures;

/* Counts a failure; true (with "file:line: " printed) while under the cap,
 * and the caller then prints the rest of the line. */
static inline bool check_report(const char *file, int line)
{
    if (++check_failures > CHECK_MAX_REPORTS)
        return false;
    fprintf(stderr, "%s:%d: ", file, line);
    return true;
}

static inline void check_true(bool ok, const char *what, const char *file, int line)
{
    if (!ok && check_report(file, line))
        fprintf(stderr, "failed: %s\n", what);
}

static inline void check_int(long long got, long long want, const char *what,
                             const char *file, int line)
{
    if (got != want && check_report(file, line))
        fprintf(stderr, "%s is %lld, want %lld\n", what, got, want);
}

static inline void check_str(const char *got, const char *want, const char *what,
                             const char *file, int line)
{
    bool same = got && want ? strcmp(got, want) == 0 : got == want;
    if (!same && check_report(file, line))
        fprintf(stderr, "%s is \"%s\", want \"%s\"\n", what,
                got ? got : "(NULL)", want ? want : "(NULL)");
}

#define CHECK(cond)          check_true((cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(got, want) check_int((got), (want), #got, __FILE__, __LINE__)
#define CHECK_STR(got, want) check_str((got), (want), #got, __FILE__, __LINE__)

/* The exit status for main: 0 when every check held. */
static inline int check_exit(const char *test)
{
    if (check_failures)
        fprintf(stderr, "%s: %d check(s) failed\n", test, check_failures);
    return check_failures ? 1 : 0;
}

/*
 * splitmix64: tiny, and the same sequence on every libc, unlike rand().
 * The seed comes from a "seed=N" argument, else $SEED, else the clock; it is
 * always printed so that a failure found by chance can be replayed.
 */
static uint64_t check_rng_state;

static inline uint64_t check_rand(void)
{
    uint64_t z = (check_rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A number below n (n > 0); the slight modulo bias does not matter here. */
static inline unsigned check_below(unsigned n)
{
    return (unsigned)(check_rand() % n);
}

static inline void check_seed(int argc, char **argv, const char *test)
{
    const char *s = getenv("SEED");
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], "seed=", 5) == 0)
            s = argv[i] + 5;
    uint64_t seed = s ? strtoull(s, NULL, 0) : (uint64_t)time(NULL);
    printf("%s: seed=%" PRIu64 " (replay: build/host/%s seed=%" PRIu64 ")\n",
           test, seed, test, seed);
    check_rng_state = seed;
}
