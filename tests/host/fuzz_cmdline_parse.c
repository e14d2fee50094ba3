/*
 * fuzz_cmdline_parse.c - a libFuzzer target for lib/cmdline_parse.c.
 *
 * The command line comes from the boot loader, so cmdline_split must
 * survive any bytes at all.  Each input is copied into a heap buffer of
 * exactly its size plus a terminator (AddressSanitizer then catches any step
 * past it) and given to every function, with these checks besides "no
 * crash, no undefined behaviour":
 *   cmdline_split  returns a count within max or -EINVAL / -E2BIG, and each
 *                  argument it fills lies inside the buffer;
 *   glob_match     agrees with fnmatch(FNM_NOESCAPE), when the pattern has
 *                  no '[' and few enough '*' for fnmatch to stay fast (the
 *                  pattern is the input up to its first newline, the name
 *                  what follows);
 *   parse_u32      accepts exactly the decimal and 0x-hex strings, failing
 *                  with -ERANGE only when the value has too many digits.
 *
 * tests/host/run builds it with clang -fsanitize=fuzzer and runs a bounded
 * number of inputs; by hand: build/host/fuzz_cmdline_parse -runs=1000000
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "cmdline_parse.h"
#include "kerrno.h"

#define MAX_ARGS 4      /* small, so -E2BIG is reached often */

static void fuzz_split(const char *text, size_t len)
{
    char *buf = malloc(len + 1);
    memcpy(buf, text, len + 1);
    struct cmdline_arg args[MAX_ARGS];
    int n = cmdline_split(buf, args, MAX_ARGS);
    FUZZ_ASSERT(n == -EINVAL || n == -E2BIG || (n >= 0 && n <= MAX_ARGS));
    int filled = n == -E2BIG ? MAX_ARGS : n;
    for (int i = 0; i < filled; i++) {
        /* The token only shrinks, so both ends stay in the buffer; strlen
         * walking past buf+len would be an ASan report. */
        FUZZ_ASSERT(args[i].key >= buf && args[i].key + strlen(args[i].key) <= buf + len);
        if (args[i].value)
            FUZZ_ASSERT(args[i].value > args[i].key &&
                        args[i].value + strlen(args[i].value) <= buf + len);
    }
    free(buf);
}

static void fuzz_glob(const char *text, size_t len)
{
    char *pattern = malloc(len + 1);
    memcpy(pattern, text, len + 1);
    char *newline = strchr(pattern, '\n');
    const char *name = "";
    if (newline) {
        *newline = '\0';
        name = newline + 1;
    }
    bool got = glob_match(pattern, name);
    (void)name_list_match(pattern, name);

    int stars = 0;
    for (const char *p = pattern; *p; p++)
        stars += *p == '*';
    if (!strchr(pattern, '[') && stars <= 3)
        FUZZ_ASSERT(got == (fnmatch(pattern, name, FNM_NOESCAPE) == 0));
    free(pattern);
}

/* Significant digits: those after the leading zeros. */
static size_t significant(const char *digits)
{
    while (*digits == '0')
        digits++;
    return strlen(digits);
}

static void fuzz_u32(const char *text, size_t len)
{
    char *s = malloc(len + 1);
    memcpy(s, text, len + 1);
    uint32_t v;
    int ret = parse_u32(s, &v);

    bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    const char *digits = hex ? s + 2 : s;
    size_t n = strlen(digits);
    bool well_formed = n && strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") == n;
    if (!well_formed) {
        /* A long run of digits can overflow before the garbage is seen. */
        FUZZ_ASSERT(ret == -EINVAL || ret == -ERANGE);
    } else if (hex) {
        FUZZ_ASSERT(ret == (significant(digits) > 8 ? -ERANGE : 0));
        FUZZ_ASSERT(ret || v == strtoul(digits, NULL, 16));
    } else {
        size_t sig = significant(digits);
        bool too_big = sig > 10 || (sig == 10 && strcmp(digits + n - 10, "4294967295") > 0);
        FUZZ_ASSERT(ret == (too_big ? -ERANGE : 0));
        FUZZ_ASSERT(ret || v == strtoul(digits, NULL, 10));
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    /* NUL-terminated: the functions take C strings, and an embedded NUL
     * simply ends the string early, as it would on the kernel side. */
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);
    fuzz_split(text, len);
    fuzz_glob(text, len);
    fuzz_u32(text, len);
    free(text);
    return 0;
}
