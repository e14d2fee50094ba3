/*
 * test_vsprintf.c - kvsnprintf (lib/vsprintf.c) checked against the host
 * C library's vsnprintf, which is the contract include/vsprintf.h promises
 * for every conversion it lists, and against fixed strings where swiod
 * deliberately differs (%p, a NULL %s).
 *
 * Each case is also formatted into buffers of every size from 0 to one past
 * the output, each allocated to exactly that size so that AddressSanitizer
 * catches a write past the end; the result must be libc's output cut to
 * size-1 characters and terminated, and the return value the full length.
 * A randomized loop then tries formats built from the same pieces.
 *
 * Usage: test_vsprintf [seed=N]   (or SEED=N in the environment)
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include "check.h"
#include "vsprintf.h"


/*
 * One size: kvsnprintf into exactly size bytes (NULL when 0, which C99
 * allows) must return n and leave want's first size-1 bytes, terminated.
 * want may hold NULs (from %c), so it is compared with memcmp, not strcmp.
 */
static bool cut_matches(const char *file, int line, const char *want, int n,
                        size_t size, const char *fmt, va_list ap)
{
    char *buf = size ? malloc(size) : NULL;
    va_list aq;
    va_copy(aq, ap);
    int got = kvsnprintf(buf, size, fmt, aq);
    va_end(aq);

    size_t keep = size == 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
    bool ok = got == n && (size == 0 || (memcmp(buf, want, keep) == 0 && buf[keep] == '\0'));
    if (!ok && check_report(file, line))
        fprintf(stderr, "format \"%s\", size %zu: got %d \"%.*s\", want %d \"%.*s\"\n",
                fmt, size, got, size ? (int)keep : 0, size ? buf : "",
                n, (int)keep, want);
    free(buf);
    return ok;
}

/*
 * The full size first, so a plain formatting error is reported as such; then
 * every smaller size when every_size, else one at random.  One report per
 * case is enough.
 */
static void check_cuts(const char *file, int line, bool every_size, const char *want,
                       int n, const char *fmt, va_list ap)
{
    if (!cut_matches(file, line, want, n, (size_t)n + 1, fmt, ap))
        return;
    if (!every_size) {
        cut_matches(file, line, want, n, check_below((unsigned)n + 1), fmt, ap);
        return;
    }
    for (size_t size = 0; size <= (size_t)n; size++)
        if (!cut_matches(file, line, want, n, size, fmt, ap))
            return;
}

/*
 * These take the format as a plain argument, with no format attribute, on
 * purpose: the cases include combinations gcc's -Wformat would question
 * ("%-07d") and the point is to see what each implementation does with them.
 */
static void same_as_libc(const char *file, int line, bool every_size, const char *fmt, ...)
{
    char want[512];
    va_list ap;
    va_start(ap, fmt);
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(want, sizeof(want), fmt, aq);
    va_end(aq);
    if (n < 0 || (size_t)n >= sizeof(want)) {
        if (check_report(file, line))
            fprintf(stderr, "test bug: libc output of \"%s\" does not fit\n", fmt);
    } else {
        check_cuts(file, line, every_size, want, n, fmt, ap);
    }
    va_end(ap);
}

static void same_as(const char *file, int line, const char *want, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    check_cuts(file, line, true, want, (int)strlen(want), fmt, ap);
    va_end(ap);
}

/* SAME(fmt, args...): as libc prints it.  OURS(want, fmt, args...): exactly want. */
#define SAME(...)       same_as_libc(__FILE__, __LINE__, true, __VA_ARGS__)
#define OURS(want, ...) same_as(__FILE__, __LINE__, want, __VA_ARGS__)

/* Flags, widths and their combinations, including '0' with '-' (ignored). */
static const char *const signed_fmts[] = {
    "%d", "%i", "%1d", "%7d", "%-7d|", "%07d", "%+d", "%+7d", "%+07d",
    "%-+7d|", "%0-7d|", "%-07d|", "%+-07d|", "%024d", "%-24i|", "[%3d]",
};

static void test_signed_matches_libc(void)
{
    static const int ints[] = { 0, 1, -1, 7, -42, 1000000, -999999, INT_MAX, INT_MIN };
    static const long longs[] = { 0, -1, LONG_MAX, LONG_MIN, 123456789L };
    static const long long llongs[] = { 0, 1, -1, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1,
                                        -1234567890123LL, 9000000000LL };

    for (size_t f = 0; f < ARRAY_SIZE(signed_fmts); f++) {
        for (size_t i = 0; i < ARRAY_SIZE(ints); i++)
            SAME(signed_fmts[f], ints[i]);
    }
    static const char *const lfmts[] = { "%ld", "%li", "%+ld", "%22ld", "%-22ld|", "%022ld" };
    for (size_t f = 0; f < ARRAY_SIZE(lfmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(longs); i++)
            SAME(lfmts[f], longs[i]);
    static const char *const llfmts[] = {
        "%lld", "%lli", "%+lld", "%25lld", "%-25lld|", "%025lld", "%+026lld",
    };
    for (size_t f = 0; f < ARRAY_SIZE(llfmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(llongs); i++)
            SAME(llfmts[f], llongs[i]);
}

/*
 * '+' is included: C gives it meaning only for signed conversions, and
 * like libc we ignore it on %u %x %o.
 */
static void test_unsigned_matches_libc(void)
{
    static const char *const fmts[] = {
        "%u", "%x", "%X", "%o", "%8x", "%-8X|", "%08o", "%010u", "%-010x|", "%1o",
        "%+u", "%+x", "%+5o",
    };
    static const unsigned uints[] = { 0, 1, 7, 8, 10, 15, 16, 0x7fffffff, 0x80000000u,
                                      0xdeadbeefu, UINT_MAX };
    for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(uints); i++)
            SAME(fmts[f], uints[i]);

    static const char *const llfmts[] = {
        "%llu", "%llx", "%llX", "%llo", "%30llo", "%-24llu|", "%024llx",
    };
    static const unsigned long long ulls[] = { 0, 1, UINT32_MAX, 1ull << 32, 1ull << 63,
                                               0x0123456789abcdefull, UINT64_MAX };
    for (size_t f = 0; f < ARRAY_SIZE(llfmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(ulls); i++)
            SAME(llfmts[f], ulls[i]);

    SAME("%lu %lx %lo", ULONG_MAX, ULONG_MAX, ULONG_MAX);
    SAME("%lu", 0ul);
    /*
     * The kernel reads a 'z' argument as an unsigned int, which is what
     * size_t is on i386.  On the x86-64 host the size_t still travels in a
     * 64-bit slot whose low half that read takes, so values below 2^32
     * print correctly here; larger ones would not, and are not tried.
     */
    SAME("%zu %zx %5zu|%-5zx|", (size_t)0, (size_t)4096, (size_t)42, (size_t)255);
    SAME("%zu", (size_t)UINT32_MAX);
}

static void test_strings_and_chars_match_libc(void)
{
    static const char *const fmts[] = {
        "%s", "%10s", "%-10s|", "%.3s", "%.0s", "%10.3s", "%-10.3s|", "%.10s",
        "%.40s", "[%1s]", "%+s",
    };
    static const char *const strs[] = {
        "", "a", "abc", "hello", "hello, world: longer than ten", "tab\there",
    };
    for (size_t f = 0; f < ARRAY_SIZE(fmts); f++)
        for (size_t i = 0; i < ARRAY_SIZE(strs); i++)
            SAME(fmts[f], strs[i]);

    SAME("%c", 'x');
    SAME("%3c|%-3c|%1c", 'a', 'b', 'c');
    SAME("%c%c%c", 'A', '%', ' ');
    SAME("%c", 0xe9);           /* an int beyond 127 still prints one byte */
    SAME("a%cb", 0);            /* a NUL in the middle counts and is stored */
    SAME("%s", "%d %s %%");     /* conversions inside an argument stay text */
}

/* '*' takes the width (negative means '-') and the precision (negative:
 * as if none) from the arguments, before the value. */
static void test_star_width_and_precision(void)
{
    SAME("%*d|", 6, 42);
    SAME("%*d|", -6, 42);
    SAME("%-*d|", 6, -42);
    SAME("%0*d|", 6, -42);
    SAME("%*d|", 0, 42);
    SAME("%*s|", 8, "abc");
    SAME("%*s|", -8, "abc");
    SAME("%.*s|", 2, "abc");
    SAME("%.*s|", 0, "abc");
    SAME("%.*s|", -1, "abc");
    SAME("%*.*s|", 8, 2, "abc");
    SAME("%-*.*s|", 8, 5, "abcdefgh");
    SAME("%*lld|%*x", 22, LLONG_MIN, -10, 0xabcu);
}

static void test_literal_text_and_mixed(void)
{
    SAME("");
    SAME("plain text, no conversions");
    SAME("100%%");
    SAME("%%%%%%");
    SAME("%d%%", 50);
    SAME("a%db%sc%xd%%e%cf", -3, "mid", 0xbeefu, 'Z');
    SAME("%s=%u;", "key", 7u);
    SAME("%d %i %u %x %X %o %s %c %lld %llu", -1, 2, 3u, 0xabu, 0xcdu, 8u, "s", 'c',
         LLONG_MIN, UINT64_MAX);
}

/* Swiod's %p is its own: 0x and at least 8 hex digits, so addresses line up. */
static void test_pointer_format_is_ours(void)
{
    OURS("0x00000000", "%p", (void *)0);
    OURS("0x00001234", "%p", (void *)0x1234);
    OURS("0xdeadbeef", "%p", (void *)(uintptr_t)0xdeadbeefu);
    OURS("[0xc0100000 0x0000000f]", "[%p %p]", (void *)(uintptr_t)0xc0100000u, (void *)0xf);
}

/* glibc prints "(null)" only sometimes (and %.3s of NULL as ""); ours always. */
static void test_null_string_prints_null(void)
{
    OURS("(null)", "%s", (char *)NULL);
    OURS("  (null)|", "%8s|", (char *)NULL);
    OURS("(null)  |", "%-8s|", (char *)NULL);
    OURS("(nu", "%.3s", (char *)NULL);
    OURS("<(null)>", "<%s>", (char *)NULL);
}

/*
 * Formats cut short or unknown must not read past the format's end nor
 * consume an argument: a lone '%' at the end prints nothing, an unknown
 * conversion prints as '%' and its letter.
 */
static void test_malformed_specs_stay_inside(void)
{
    static const char *const cut[] = { "x%", "x%-", "x%05", "x%5.", "x%l", "x%ll", "x%z", "x%+0-" };
    for (size_t i = 0; i < ARRAY_SIZE(cut); i++) {
        /* A heap copy of exactly the format's size: reading past it is caught. */
        char *fmt = malloc(strlen(cut[i]) + 1);
        memcpy(fmt, cut[i], strlen(cut[i]) + 1);
        OURS("x", fmt);
        free(fmt);
    }
    OURS("%q", "%q");
    OURS("a%yb7", "a%yb%d", 7);
    OURS("ok", "%s", "ok");
    char small[4];
    CHECK_INT(ksnprintf(small, sizeof(small), "%d-%s", 12345, "tail"), 10);
    CHECK_STR(small, "123");
}

/*
 * Random formats from the supported pieces, one conversion with literal
 * text around it.  Left out, because C leaves them undefined or libc
 * differs on purpose: '+' on unsigned, '0' and precision on %s and %c,
 * precision on numbers, %p, NULL strings, %zd and 'z' values past 32 bits.
 */
static void append(char **p, const char *s)
{
    size_t n = strlen(s);
    memcpy(*p, s, n);
    *p += n;
}

static void random_literal(char **p)
{
    static const char *const bits[] = { "a", "Z", " ", "-", "0", "=", "%%", "\t", "|", "xyz" };
    for (unsigned i = check_below(4); i > 0; i--)
        append(p, bits[check_below(ARRAY_SIZE(bits))]);
}

static uint64_t random_value(void)
{
    static const uint64_t edges[] = { 0, 1, 9, 10, 0x7fffffff, 0x80000000, 0xffffffff,
                                      1ull << 32, INT64_MAX, (uint64_t)INT64_MIN, UINT64_MAX };
    if (check_below(4) == 0)
        return edges[check_below(ARRAY_SIZE(edges))];
    return check_rand() >> check_below(64);     /* every magnitude, not only huge ones */
}

static void random_case(void)
{
    static const char convs[] = "diuxXosc";
    static const char *const lengths[] = { "", "l", "ll", "z" };
    static const char *const strs[] = { "", "q", "swiod", "a longer string, with spaces" };
    char fmt[64], *p = fmt;
    char conv = convs[check_below(sizeof(convs) - 1)];
    bool is_text = conv == 's' || conv == 'c';
    bool is_signed = conv == 'd' || conv == 'i';

    random_literal(&p);
    append(&p, "%");
    for (unsigned i = check_below(4); i > 0; i--) {
        char flag = "-0+"[check_below(3)];
        if ((flag == '+' && !is_signed && !is_text) || (flag == '0' && is_text))
            continue;
        *p++ = flag;
    }
    if (check_below(2))
        p += sprintf(p, "%u", check_below(30));
    if (conv == 's' && check_below(2))
        p += sprintf(p, ".%u", check_below(12));
    /* 'z' only unsigned: %zd would read a 64-bit ssize_t in libc, an int in ours. */
    const char *len = is_text ? "" : lengths[check_below(ARRAY_SIZE(lengths) - is_signed)];
    append(&p, len);
    *p++ = conv;
    random_literal(&p);
    *p = '\0';

    uint64_t v = random_value();
    if (conv == 's')
        same_as_libc(__FILE__, __LINE__, false, fmt, strs[check_below(ARRAY_SIZE(strs))]);
    else if (conv == 'c')
        same_as_libc(__FILE__, __LINE__, false, fmt, (int)(' ' + v % 95));
    else if (len[0] == 'z')
        same_as_libc(__FILE__, __LINE__, false, fmt, (size_t)(uint32_t)v);
    else if (!strcmp(len, "ll"))
        same_as_libc(__FILE__, __LINE__, false, fmt, (long long)v);
    else if (len[0] == 'l')
        same_as_libc(__FILE__, __LINE__, false, fmt, (long)v);
    else
        same_as_libc(__FILE__, __LINE__, false, fmt, (int)(uint32_t)v);
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_vsprintf");
    test_signed_matches_libc();
    test_unsigned_matches_libc();
    test_strings_and_chars_match_libc();
    test_star_width_and_precision();
    test_literal_text_and_mixed();
    test_pointer_format_is_ours();
    test_null_string_prints_null();
    test_malformed_specs_stay_inside();
    for (int i = 0; i < 100000; i++)
        random_case();
    return check_exit("test_vsprintf");
}
