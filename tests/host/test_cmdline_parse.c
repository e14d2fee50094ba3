/*
 * test_cmdline_parse.c - lib/cmdline_parse.c against the contract in
 * include/cmdline_parse.h: splitting a line into key=value and flag
 * arguments, parse_u32's accepted forms and bounds, glob_match (also
 * against the host's fnmatch over random patterns), name_list_match.
 *
 * Every input is a heap copy of exactly its own size, so AddressSanitizer
 * reports any read or write past its terminator.
 *
 * Usage: test_cmdline_parse [seed=N]   (or SEED=N in the environment)
 */
#include <fnmatch.h>
#include "check.h"
#include "cmdline_parse.h"
#include "kerrno.h"

#define MAX_ARGS 8

static char *heap_copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    memcpy(p, s, n);
    return p;
}

/* Marks the slots cmdline_split must leave alone. */
static const char untouched[] = "untouched";

struct split {
    char *buf;                          /* the copy the arguments point into */
    size_t size;                        /* its size, terminator included */
    struct cmdline_arg arg[MAX_ARGS + 1];
    int n;                              /* cmdline_split's result */
};

static struct split split(const char *line, int max)
{
    struct split s = { .buf = heap_copy(line), .size = strlen(line) + 1 };
    for (int i = 0; i < MAX_ARGS + 1; i++)
        s.arg[i].key = s.arg[i].value = untouched;
    s.n = cmdline_split(s.buf, s.arg, max);
    return s;
}

static bool inside(const struct split *s, const char *p)
{
    return p >= s->buf && p < s->buf + s->size;
}

/* Argument i is key=value (value NULL: a flag), and both point into the line. */
static void check_arg(const char *file, int line, const struct split *s, int i,
                      const char *key, const char *value)
{
    const struct cmdline_arg *a = &s->arg[i];
    check_str(a->key, key, "key", file, line);
    check_str(a->value, value, "value", file, line);
    check_true(inside(s, a->key) && (!a->value || inside(s, a->value)),
               "argument points into the line", file, line);
}
#define CHECK_ARG(s, i, key, value) check_arg(__FILE__, __LINE__, &(s), i, key, value)

static void test_split_flags_and_key_values(void)
{
    struct split s = split("  test=a,b monitor seed=0x2a k= k2=v=w last", MAX_ARGS);
    CHECK_INT(s.n, 6);
    CHECK_ARG(s, 0, "test", "a,b");
    CHECK_ARG(s, 1, "monitor", NULL);
    CHECK_ARG(s, 2, "seed", "0x2a");
    CHECK_ARG(s, 3, "k", "");                   /* present but empty */
    CHECK_ARG(s, 4, "k2", "v=w");               /* only the first '=' splits */
    CHECK_ARG(s, 5, "last", NULL);
    CHECK(s.arg[6].key == untouched);
    free(s.buf);
}

static void test_split_quotes_group_and_vanish(void)
{
    struct split s = split("k=\"a b\" \"g=c d\" \"flag x\" q=\"\" m=ab\"c d\"ef "
                           "\"x\"=\"y\" \"p=\"v", MAX_ARGS);
    CHECK_INT(s.n, 7);
    CHECK_ARG(s, 0, "k", "a b");                /* key="value" */
    CHECK_ARG(s, 1, "g", "c d");                /* "key=value", as GRUB passes it */
    CHECK_ARG(s, 2, "flag x", NULL);
    CHECK_ARG(s, 3, "q", "");
    CHECK_ARG(s, 4, "m", "abc def");            /* quotes anywhere in a token */
    CHECK_ARG(s, 5, "x", "y");
    CHECK_ARG(s, 6, "p", "v");                  /* the '=' inside quotes still splits */
    free(s.buf);

    s = split("k=\"tab\there\" n=\"two\nlines\"", MAX_ARGS);
    CHECK_INT(s.n, 2);
    CHECK_ARG(s, 0, "k", "tab\there");          /* quoted whitespace is kept */
    CHECK_ARG(s, 1, "n", "two\nlines");
    free(s.buf);
}

static void test_split_backslash_inside_quotes(void)
{
    struct split s = split("a=\"say \\\"hi\\\"\" b=\"back\\\\slash\" \"c\\=d\" e=x\\y "
                           "f=\"\\ \"", MAX_ARGS);
    CHECK_INT(s.n, 5);
    CHECK_ARG(s, 0, "a", "say \"hi\"");
    CHECK_ARG(s, 1, "b", "back\\slash");
    CHECK_ARG(s, 2, "c=d", NULL);               /* an escaped '=' is not a separator */
    CHECK_ARG(s, 3, "e", "x\\y");               /* outside quotes a backslash is text */
    CHECK_ARG(s, 4, "f", " ");
    free(s.buf);
}

static void test_split_rejects_bad_lines(void)
{
    static const char *const bad[] = {
        "a=\"open", "\"", "ok \"x", "a=\"b\\\"", "a=\"\\", "=v", "ok =v", "\"=v\"",
        "\"\"=v", "a=1 = b", "a \"\" b",
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        struct split s = split(bad[i], MAX_ARGS);
        if (s.n != -EINVAL && check_report(__FILE__, __LINE__))
            fprintf(stderr, "cmdline_split(\"%s\") is %d, want -EINVAL\n", bad[i], s.n);
        free(s.buf);
    }
}

static void test_split_too_many_fills_the_first_max(void)
{
    struct split s = split("a b=1 c d", 2);
    CHECK_INT(s.n, -E2BIG);
    CHECK_ARG(s, 0, "a", NULL);
    CHECK_ARG(s, 1, "b", "1");
    CHECK(s.arg[2].key == untouched);
    free(s.buf);

    s = split("a b  \t", 2);                     /* exactly max, trailing blanks */
    CHECK_INT(s.n, 2);
    free(s.buf);

    s = split("a", 0);
    CHECK_INT(s.n, -E2BIG);
    CHECK(s.arg[0].key == untouched);
    free(s.buf);
}

static void test_split_blank_lines_and_separators(void)
{
    static const char *const blank[] = { "", " ", "\t\t", " \n\r\n\t " };
    for (size_t i = 0; i < ARRAY_SIZE(blank); i++) {
        struct split s = split(blank[i], MAX_ARGS);
        CHECK_INT(s.n, 0);
        CHECK(s.arg[0].key == untouched);
        free(s.buf);
    }
    struct split s = split("", 0);
    CHECK_INT(s.n, 0);
    free(s.buf);

    s = split("a\tb=1\nc\r\nd=2\n", MAX_ARGS);
    CHECK_INT(s.n, 4);
    CHECK_ARG(s, 0, "a", NULL);
    CHECK_ARG(s, 1, "b", "1");
    CHECK_ARG(s, 2, "c", NULL);
    CHECK_ARG(s, 3, "d", "2");
    free(s.buf);
}

static void check_u32(const char *file, int line, const char *text, int want_ret,
                      uint32_t want)
{
    char *s = heap_copy(text);
    uint32_t v = 0xa5a5a5a5;
    int ret = parse_u32(s, &v);
    if (ret == want_ret && (ret || v == want)) {
        free(s);
        return;
    }
    if (check_report(file, line))
        fprintf(stderr, "parse_u32(\"%s\") is %d (%#x), want %d (%#x)\n",
                text, ret, v, want_ret, want);
    free(s);
}
#define CHECK_U32(text, want)  check_u32(__FILE__, __LINE__, text, 0, want)
#define CHECK_U32_ERR(text, e) check_u32(__FILE__, __LINE__, text, e, 0)

static void test_parse_u32_forms_and_bounds(void)
{
    CHECK_U32("0", 0);
    CHECK_U32("7", 7);
    CHECK_U32("007", 7);                        /* leading zeros are decimal, not octal */
    CHECK_U32("4294967295", UINT32_MAX);
    CHECK_U32("0000000000000000004294967295", UINT32_MAX);
    CHECK_U32("0x0", 0);
    CHECK_U32("0x1F", 31);
    CHECK_U32("0XaBcD", 0xabcd);
    CHECK_U32("0xffffffff", UINT32_MAX);
    CHECK_U32("0x00000000000000001", 1);

    CHECK_U32_ERR("4294967296", -ERANGE);
    CHECK_U32_ERR("0x100000000", -ERANGE);
    CHECK_U32_ERR("18446744073709551617", -ERANGE);     /* 2^64+1 must not wrap */
    CHECK_U32_ERR("99999999999999999999999999999999", -ERANGE);

    static const char *const garbage[] = {
        "", "0x", "0X", "x1", "-1", "+1", " 1", "1 ", "12a", "1a", "0x1g", "0x0x1",
        "0b101", "1.5", "1,000", "0x-1", "\t",
    };
    for (size_t i = 0; i < ARRAY_SIZE(garbage); i++)
        CHECK_U32_ERR(garbage[i], -EINVAL);
}

/* Any 32-bit value printed as %u, 0x%x or 0X%X reads back; past 2^32, -ERANGE. */
static void test_parse_u32_random_round_trip(void)
{
    char text[32];
    for (int i = 0; i < 20000; i++) {
        uint64_t big = check_rand() >> check_below(64);
        uint32_t v = (uint32_t)big;
        static const char *const forms[] = { "%u", "0x%x", "0X%X", "0x%08x" };
        snprintf(text, sizeof(text), forms[i % ARRAY_SIZE(forms)], v);
        CHECK_U32(text, v);
        if (big > UINT32_MAX) {
            snprintf(text, sizeof(text), i & 1 ? "%llu" : "0x%llx", (unsigned long long)big);
            CHECK_U32_ERR(text, -ERANGE);
        }
    }
}

static void check_glob(const char *file, int line, const char *pattern, const char *name,
                       bool want)
{
    char *p = heap_copy(pattern), *n = heap_copy(name);
    if (glob_match(p, n) != want && check_report(file, line))
        fprintf(stderr, "glob_match(\"%s\", \"%s\") is %d, want %d\n",
                pattern, name, !want, want);
    free(p);
    free(n);
}
#define CHECK_GLOB(pattern, name, want) check_glob(__FILE__, __LINE__, pattern, name, want)

static void test_glob_match_cases(void)
{
    CHECK_GLOB("", "", true);
    CHECK_GLOB("", "a", false);
    CHECK_GLOB("a", "", false);
    CHECK_GLOB("*", "", true);
    CHECK_GLOB("**", "", true);
    CHECK_GLOB("?", "", false);
    CHECK_GLOB("*", "anything", true);
    CHECK_GLOB("boot", "boot", true);
    CHECK_GLOB("boot", "boot_x", false);        /* a prefix is not a match */
    CHECK_GLOB("boot_x", "boot", false);
    CHECK_GLOB("boot_*", "boot_memory_map_sane", true);
    CHECK_GLOB("*map*", "boot_memory_map_sane", true);
    CHECK_GLOB("*_sane", "boot_memory_map_sane", true);
    CHECK_GLOB("*_sane", "boot_memory_map_sane_not", false);
    CHECK_GLOB("t?mer_*", "timer_ticks", true);
    CHECK_GLOB("t?mer", "tmer", false);
    CHECK_GLOB("???", "abc", true);
    CHECK_GLOB("???", "ab", false);
    CHECK_GLOB("*?", "", false);
    CHECK_GLOB("*?", "x", true);
    /* Backtracking: the first place a '*' could stop is not always right. */
    CHECK_GLOB("a*b*c", "aXbYbZc", true);
    CHECK_GLOB("a*b*c", "aXbYbZcX", false);
    CHECK_GLOB("a*bc", "abcbcbc", true);
    CHECK_GLOB("*ab", "aab", true);
    CHECK_GLOB("*aab", "aaab", true);
    CHECK_GLOB("a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false);
    CHECK_GLOB("*a?c*", "xxabxaxcx", true);
    CHECK_GLOB("\\*", "\\x", true);             /* no escapes: a backslash is a letter */
    CHECK_GLOB("[ab]", "a", false);             /* and no bracket classes */
}

static void random_word(char *out, const char *alphabet, unsigned max_len)
{
    unsigned n = check_below(max_len + 1);
    for (unsigned i = 0; i < n; i++)
        out[i] = alphabet[check_below((unsigned)strlen(alphabet))];
    out[n] = '\0';
}

/* With no '[' and FNM_NOESCAPE, fnmatch has exactly glob_match's rules. */
static void test_glob_match_agrees_with_fnmatch(void)
{
    char pattern[16], name[16];
    for (int i = 0; i < 50000; i++) {
        random_word(pattern, "ab*?.", 8);
        random_word(name, "ab.", 10);
        CHECK_GLOB(pattern, name, fnmatch(pattern, name, FNM_NOESCAPE) == 0);
    }
}

static void test_name_list_match(void)
{
    CHECK(name_list_match("x,timer_*,y", "timer_ticks"));
    CHECK(name_list_match("timer_ticks", "timer_ticks"));
    CHECK(name_list_match("a,b,c", "c"));
    CHECK(name_list_match(",c,", "c"));
    CHECK(!name_list_match("a,b,c", "d"));
    CHECK(!name_list_match("", "x"));
    CHECK(!name_list_match(",,,", "x"));
    CHECK(!name_list_match("a,,b", ""));        /* an empty item matches nothing */
    CHECK(name_list_match("x,*", ""));
    CHECK(!name_list_match("ti", "timer"));     /* items are whole patterns */

    /* An item of 63 characters is used; one of 64 or more is skipped whole,
     * even where it would match, and the items after it still count. */
    char name63[64], name64[65], list[256];
    memset(name63, 'n', 63);
    name63[63] = '\0';
    memset(name64, 'n', 64);
    name64[64] = '\0';
    CHECK(name_list_match(name63, name63));
    CHECK(!name_list_match(name64, name64));
    snprintf(list, sizeof(list), "a,%s,b", name63);
    CHECK(name_list_match(list, name63));
    snprintf(list, sizeof(list), "a,%s,b", name64);
    CHECK(!name_list_match(list, name64));
    CHECK(name_list_match(list, "b"));
    snprintf(list, sizeof(list), "%.62s*,z", name64);   /* 63 with the '*' */
    CHECK(name_list_match(list, name64));
    snprintf(list, sizeof(list), "%.63s*,z", name64);   /* 64: skipped */
    CHECK(!name_list_match(list, name64));
    CHECK(name_list_match(list, "z"));
}

int main(int argc, char **argv)
{
    check_seed(argc, argv, "test_cmdline_parse");
    test_split_flags_and_key_values();
    test_split_quotes_group_and_vanish();
    test_split_backslash_inside_quotes();
    test_split_rejects_bad_lines();
    test_split_too_many_fills_the_first_max();
    test_split_blank_lines_and_separators();
    test_parse_u32_forms_and_bounds();
    test_parse_u32_random_round_trip();
    test_glob_match_cases();
    test_glob_match_agrees_with_fnmatch();
    test_name_list_match();
    return check_exit("test_cmdline_parse");
}
