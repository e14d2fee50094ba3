/*
 * ktest.c - the built-in test runner (see include/ktest.h).
 */
#include <stdarg.h>
#include "ktest.h"
#include "cmdline.h"
#include "cmdline_parse.h"
#include "console.h"
#include "fault_catch.h"
#include "hung.h"
#include "kstring.h"
#include "lockdep.h"
#include "mm.h"
#include "printk.h"
#include "random.h"
#include "reclaim.h"
#include "setjmp.h"
#include "slab.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"

KERNEL_PARAM(seed, "from the TSC", "seed for randomized tests (each prints the seed it used)");

#define MAX_RESULTS 256
#define NOTE_LEN    64
#define PATTERN_MAX 128         /* one item of test=: a name or a glob */
#define MAX_NAMED_FAILURES 8    /* named in the run summary; the table has all */

extern const struct ktest ktests_start[], ktests_end[];

enum outcome { PASSED, FAILED, SKIPPED };

struct result {
    const struct ktest *test;
    enum outcome outcome;
    uint32_t ms;
    char note[NOTE_LEN];        /* ktest_note's line, or empty */
};

static jmp_buf test_abort;          /* where ktest_fail() and ktest_skip() return to */
static const struct ktest *running;
static int failures;
static uint32_t expected_reports;   /* announced by the running test */
static char running_note[NOTE_LEN]; /* the running test's ktest_note */
#define LEFT_LEN 160
static char left_line[LEFT_LEN];    /* ktest_left's: what a test left behind */

void ktest_expect_reports(uint32_t n)
{
    expected_reports += n;
}

void ktest_note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(running_note, sizeof(running_note), fmt, ap);
    va_end(ap);
    pr_info("test %s: result: %s\n", running ? running->name : "?", running_note);
}

void ktest_left(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(left_line, sizeof(left_line), fmt, ap);
    va_end(ap);
}

/* Everything the kernel's checkers report: the lock validator, the hang
 * detector, and the page and slab debugging (MM_DEBUG). */
static uint32_t reports_so_far(void)
{
    return lockdep_reports + hung_reports + mm_debug_reports + slab_debug_reports +
           reclaim_violations;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    char why[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    pr_info("test %s: FAIL %s:%d: %s\n", running ? running->name : "?", file, line, why);
    if (!running) {
        /* A KASSERT outside any test (from the monitor, say) has nowhere
         * to return to; carrying on would be a lie. */
        for (;;)
            hlt();
    }
    longjmp(test_abort, FAILED);
}

void ktest_skip(const char *fmt, ...)
{
    char why[128];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    if (!running)
        ktest_fail(__FILE__, __LINE__, "ktest_skip outside a test: %s", why);
    pr_info("test %s: skipped: %s\n", running->name, why);
    longjmp(test_abort, SKIPPED);
}

/* Is word one of the comma-separated items of list, exactly? */
static bool in_list(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; *p;) {
        if (strncmp(p, word, len) == 0 && (p[len] == ',' || p[len] == '\0'))
            return true;
        p = strchr(p, ',');
        if (!p)
            break;
        p++;
    }
    return false;
}

/* Only an exact name (or the test's short name) picks a manual test;
 * "all" (anywhere in the list) or a glob picks the others. */
static bool selected(const struct ktest *t, const char *patterns)
{
    if (t->alias && in_list(patterns, t->alias))
        return true;
    if (t->manual)
        return in_list(patterns, t->name);
    return in_list(patterns, "all") || name_list_match(patterns, t->name);
}

static enum outcome run_one(const struct ktest *t, uint32_t *ms)
{
    uint64_t start = timer_uptime_ms();
    uint32_t flags = read_eflags();
    bool passed = false, skipped;

    pr_info("test %s: begin\n", t->name);
    running_note[0] = '\0';
    uint32_t reports0 = reports_so_far();
    reclaim_reports_rearm();        /* this test's reports in full, not just the boot's first */
    expected_reports = 0;
    running = t;
    int aborted = setjmp(test_abort);
    if (aborted == 0) {
        t->fn();
        passed = true;
    }
    skipped = aborted == SKIPPED;
    running = NULL;
    if (fault_catch_armed) {
        fault_catch_end();
        if (passed || skipped)
            pr_info("test %s: FAIL left a fault_catch armed\n", t->name);
        passed = skipped = false;
    }
    uint32_t reports = reports_so_far() - reports0;
    if ((passed || skipped) && reports != expected_reports) {
        pr_info("test %s: FAIL %u reports from the kernel's checkers, expected %u\n", t->name,
                reports, expected_reports);
        passed = skipped = false;
    }
    irq_restore(flags);             /* a failed test may have left them off */
    *ms = (uint32_t)(timer_uptime_ms() - start);
    if (passed)
        pr_info("test %s: ok (%u ms)\n", t->name, *ms);
    return passed ? PASSED : skipped ? SKIPPED : FAILED;
}

static const char *outcome_word(enum outcome o)
{
    return o == PASSED ? "ok" : o == SKIPPED ? "skip" : "FAIL";
}

/*
 * The end of a long run, for the student at the console: the table above
 * is longer than a screen, so say here, in a screenful, what passed, what
 * the stress tests found, what failed and what swap and kswiod did.
 */
static void print_run_summary(const struct result *r, int n)
{
    int by[2][3] = { { 0 } };           /* [stress?][outcome] */
    for (int i = 0; i < n; i++)
        by[r[i].test->manual][r[i].outcome]++;
    uint64_t ms = timer_uptime_ms();
    pr_info("run summary, %llu.%llu s after boot:\n", ms / 1000, ms % 1000 / 100);
    pr_info("  tests   %d passed, %d failed, %d skipped; stress tests %d passed, %d failed, "
            "%d skipped\n", by[0][PASSED], by[0][FAILED], by[0][SKIPPED],
            by[1][PASSED], by[1][FAILED], by[1][SKIPPED]);
    for (int i = 0; i < n; i++)
        if (r[i].test->manual)
            pr_info("  %-4s  %-44s %4u.%u s  %s\n", outcome_word(r[i].outcome),
                    r[i].test->name, r[i].ms / 1000, r[i].ms % 1000 / 100, r[i].note);
    for (int i = 0, named = 0; i < n; i++) {
        if (r[i].outcome != FAILED || r[i].test->manual)
            continue;
        if (named++ < MAX_NAMED_FAILURES)
            pr_info("  FAIL  %s (its log lines start \"test %s:\")\n", r[i].test->name,
                    r[i].test->name);
        else if (named == MAX_NAMED_FAILURES + 1)
            pr_info("  ... more failures: the table above has them all\n");
    }
    const struct vm_event_counts *v = &vm_events;
    pr_info("  swap    %u pages out, %u back in; out-of-memory kills: %u\n", v->pswpout,
            v->pswpin, v->oom_kills);
    pr_info("  kswiod  %u page writes in %u bios, %u failed\n", v->kswiod_completed,
            v->kswiod_bios, v->kswiod_errors);
    if (left_line[0])
        pr_info("  left    %s\n", left_line);
}

/* The next item of a comma-separated list into item (terminated); the
 * rest of the list, or NULL after the last.  An item too long for item
 * is refused, with a line, and comes back empty (matching nothing). */
static const char *next_pattern(const char *list, char *item, size_t size)
{
    const char *end = strchr(list, ',');
    size_t len = end ? (size_t)(end - list) : strlen(list);
    if (len >= size) {
        pr_err("tests: a test= item of %u characters is longer than %u; skipped\n",
               (unsigned)len, (unsigned)size - 1);
        len = 0;
    }
    memcpy(item, list, len);
    item[len] = '\0';
    return end ? end + 1 : NULL;
}

/* The tests run in the order the list names them -- "all" (every test
 * that is not manual, in the image's order) where it stands, each named
 * or globbed test where it is named -- and each test once, however often
 * it matches: so a test that leaves the machine changed on purpose (the
 * expected deadlock of make run) can be put last. */
int ktest_run(const char *patterns)
{
    static struct result results[MAX_RESULTS];
    int n = 0, outcomes[3] = { 0 };
    size_t count = (size_t)(ktests_end - ktests_start);
    bool *ran = kmalloc(count ? count : 1, GFP_KERNEL | __GFP_ZERO);
    if (!ran) {
        pr_err("tests: no memory to run \"%s\"\n", patterns);
        failures++;
        return 1;
    }
    char item[PATTERN_MAX];
    for (const char *list = patterns; list;) {
        list = next_pattern(list, item, sizeof(item));
        for (const struct ktest *t = ktests_start; t < ktests_end; t++) {
            if (ran[t - ktests_start] || !selected(t, item))
                continue;
            ran[t - ktests_start] = true;
            if (t->alias && strcmp(item, t->alias) == 0)
                pr_info("tests: %s is the short name of %s\n", item, t->name);
            uint32_t ms;
            enum outcome o = run_one(t, &ms);
            outcomes[o]++;
            if (n < MAX_RESULTS) {
                results[n] = (struct result){ t, o, ms, "" };
                memcpy(results[n].note, running_note, NOTE_LEN);
            }
            n++;
        }
    }
    kfree(ran);
    if (n == 0) {
        pr_err("tests: no test matches \"%s\" (the monitor's tests command lists them)\n",
               patterns);
        failures++;
        return 1;
    }
    pr_info("summary:\n");
    for (int i = 0; i < n && i < MAX_RESULTS; i++)
        pr_info("  %-4s  %-44s %6u ms\n", outcome_word(results[i].outcome),
                results[i].test->name, results[i].ms);
    if (n > MAX_RESULTS)
        pr_info("  ... %d more tests ran: counted below, not listed\n", n - MAX_RESULTS);
    if (n > 1)
        print_run_summary(results, n < MAX_RESULTS ? n : MAX_RESULTS);
    pr_info("tests: %d passed, %d failed, %d skipped\n", outcomes[PASSED], outcomes[FAILED],
            outcomes[SKIPPED]);
    failures += outcomes[FAILED];
    return outcomes[FAILED];
}

const char *ktest_running(void)
{
    return running ? running->name : NULL;
}

void ktest_list(void)
{
    for (const struct ktest *t = ktests_start; t < ktests_end; t++)
        console_printf("  %s%s%s%s\n", t->name, t->alias ? ", or " : "", t->alias ? t->alias : "",
                       t->manual ? "  (manual: only by exact name)" : "");
}

int ktest_failures(void)
{
    return failures;
}

uint32_t ktest_seed(void)
{
    static uint32_t seed;
    if (!seed) {
        seed = cmdline_get_u32("seed", 0);
        if (!seed)
            seed = (uint32_t)rdtsc() | 1;   /* never 0: 0 means "not chosen" */
    }
    return seed;
}

void ktest_rng_init(struct rng *r)
{
    uint32_t seed = ktest_seed();
    pr_info("test %s: seed=%u (boot with seed=%u to repeat)\n",
            running ? running->name : "?", seed, seed);
    rng_seed(r, seed);
}
