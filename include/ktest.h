/*
 * ktest.h - built-in kernel tests.
 *
 * A test is a function registered with KTEST(name) into the .ktests linker
 * section; the name says what it proves.  test=PATTERNS on the command line
 * (comma-separated names or globs, or "all") runs the matching tests in
 * this kernel, each printing
 *
 *     test NAME: begin
 *     test NAME: ok (N ms)                      or
 *     test NAME: FAIL file:line: reason         or
 *     test NAME: skipped: reason
 *
 * and then a summary table and "tests: N passed, M failed, K skipped".  The harness
 * (tests/harness) demands the begin and end lines and the exit code.  A
 * run of more than one test (make run's) prints, just before that last
 * line, a run summary that fits on one screen: the counts, each manual
 * (stress) test with its time and result line (ktest_note), the failed
 * tests by name, and what swap and kswiod did.
 *
 * KTEST_MANUAL tests are never picked by "all" or by a glob, only by their
 * exact name: they fail, panic or hang on purpose (the harness self-test) or
 * end the run (a deliberate stack overflow).
 *
 * The KASSERT family ends the running test at the first failure (the runner
 * resumes after the test via setjmp); a test that returns has passed --
 * unless a checker (lock validator, hang detector, page or slab debugging)
 * reported something it did not announce with ktest_expect_reports().
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kstring.h"     /* KASSERT_STREQ */

struct ktest {
    const char *name;
    void (*fn)(void);
    bool manual;            /* only run when named exactly */
    const char *alias;      /* a short name that also names it exactly, or NULL */
};

#define KTEST_DEFINE(name, manual_, alias_)                                 \
    static void name(void);                                                 \
    static const struct ktest ktest_desc_##name                             \
        __attribute__((used, section(".ktests"), aligned(4))) =             \
        { #name, name, manual_, alias_ };                                   \
    static void name(void)

#define KTEST(name)         KTEST_DEFINE(name, false, NULL)
/* The extra symbol ktest_manual_NAME tells the harness, which reads the
 * image's symbols, that NAME is manual: test=all will not run it. */
#define KTEST_MANUAL(name)                                                  \
    static const char ktest_manual_##name __attribute__((used)) = 0;        \
    KTEST_DEFINE(name, true, NULL)
/* A manual test that also answers to a short name, the one it had before
 * it was named for what it proves: test=SHORT, the monitor's "test SHORT"
 * and make run's list (tools/bootrun) run it, under its full name.  The
 * symbol ktest_alias_SHORT, at the address of the test's own
 * ktest_desc_NAME, tells the harness (make test TESTS=SHORT). */
#define KTEST_MANUAL_ALIAS(name, short_)                                    \
    static const char ktest_manual_##name __attribute__((used)) = 0;        \
    static const struct ktest ktest_alias_##short_                          \
        __attribute__((alias("ktest_desc_" #name), used));                  \
    KTEST_DEFINE(name, true, #short_)

__attribute__((noreturn, format(printf, 3, 4)))
void ktest_fail(const char *file, int line, const char *fmt, ...);

#define KASSERT(cond)                                                       \
    do {                                                                    \
        if (!(cond))                                                        \
            ktest_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);  \
    } while (0)

#define KASSERT_EQ(a, b)                                                    \
    do {                                                                    \
        long long a_ = (long long)(a), b_ = (long long)(b);                 \
        if (a_ != b_)                                                       \
            ktest_fail(__FILE__, __LINE__, "%s == %s: 0x%llx != 0x%llx",    \
                       #a, #b, a_, b_);                                     \
    } while (0)

#define KASSERT_STREQ(a, b)                                                 \
    do {                                                                    \
        const char *a_ = (a), *b_ = (b);                                    \
        if (!a_ || !b_ || strcmp(a_, b_) != 0)                              \
            ktest_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"",    \
                       #a, #b, a_ ? a_ : "(null)", b_ ? b_ : "(null)");     \
    } while (0)

/* The running test is meant to make n reports from the kernel's checkers:
 * the lock validator, the hang detector, page or slab debugging.  Any other report, or a missing one, fails the test:
 * the runner compares the counts before and after each test. */
void ktest_expect_reports(uint32_t n);

/* The running test cannot run in this boot -- no test disk, no network,
 * not the command line it needs: it ends here with "test NAME: skipped:
 * why" and counts as skipped, neither passed nor failed.  (A test that
 * made unannounced checker reports before skipping fails.)  make test
 * fails a skip its spec does not allow (tests/harness/judge.py). */
__attribute__((noreturn, format(printf, 1, 2)))
void ktest_skip(const char *fmt, ...);

/* The running test's result in one short line (under 60 characters),
 * "test NAME: result: ..." in the log now and again in the run summary,
 * where a student reads it without scrolling back: the stress tests leave
 * one each. */
__attribute__((format(printf, 1, 2)))
void ktest_note(const char *fmt, ...);
/* The running test leaves the machine changed on purpose (make run's
 * expected deadlock): one line the run summary ends with, saying what. */
__attribute__((format(printf, 1, 2)))
void ktest_left(const char *fmt, ...);

/* Run the tests that match patterns; returns how many failed (a pattern
 * that matches nothing counts as one failure). */
int ktest_run(const char *patterns);
/* Print every test's name, manual ones marked. */
void ktest_list(void);
/* The name of the test running now, or NULL. */
const char *ktest_running(void);
/* Failures so far in this boot. */
int ktest_failures(void);

/* The seed for randomized tests: seed=N, or else one taken from the TSC. */
uint32_t ktest_seed(void);
/* Seed r with ktest_seed() and print "test NAME: seed=N", so that booting
 * with seed=N repeats the run exactly. */
struct rng;
void ktest_rng_init(struct rng *r);
