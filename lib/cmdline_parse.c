/*
 * cmdline_parse.c - splitting, numbers and name patterns
 * (see include/cmdline_parse.h).
 */
#include <stddef.h>
#include "cmdline_parse.h"
#include "kerrno.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/*
 * Quotes group characters and are removed, wherever they stand, so that
 * key="a b" and "key=a b" (the form GRUB produces) mean the same: the
 * first '=', quoted or not, ends the key.  Inside
 * quotes a backslash makes the next character literal.  The unquoted text
 * is written back over the token, which only ever shrinks.
 */
int cmdline_split(char *buf, struct cmdline_arg *args, int max)
{
    int n = 0;
    char *p = buf;
    for (;;) {
        while (is_space(*p))
            p++;
        if (!*p)
            return n;
        if (n == max)
            return -E2BIG;

        char *token = p, *out = p;
        char *equals = NULL;
        bool quoted = false;
        for (; *p && (quoted || !is_space(*p)); p++) {
            if (*p == '"') {
                quoted = !quoted;
                continue;
            }
            if (quoted && *p == '\\' && p[1])
                p++;
            else if (*p == '=' && !equals)
                equals = out;
            *out++ = *p;
        }
        if (quoted)
            return -EINVAL;                 /* unterminated quote */
        if (*p)
            p++;
        *out = '\0';
        if (equals == token || out == token)
            return -EINVAL;                 /* "=value" or "" : no key */
        args[n].key = token;
        args[n].value = NULL;
        if (equals) {
            *equals = '\0';
            args[n].value = equals + 1;
        }
        n++;
    }
}

int parse_u32(const char *s, uint32_t *out)
{
    unsigned base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    if (!*s)
        return -EINVAL;
    uint64_t v = 0;
    for (; *s; s++) {
        unsigned d;
        if (*s >= '0' && *s <= '9')
            d = *s - '0';
        else if (base == 16 && *s >= 'a' && *s <= 'f')
            d = *s - 'a' + 10;
        else if (base == 16 && *s >= 'A' && *s <= 'F')
            d = *s - 'A' + 10;
        else
            return -EINVAL;
        v = v * base + d;
        if (v > UINT32_MAX)
            return -ERANGE;
    }
    *out = (uint32_t)v;
    return 0;
}

bool glob_match(const char *pattern, const char *name)
{
    /* Iterative, with one backtrack point: the most recent '*'. */
    const char *star = NULL, *resume = NULL;
    while (*name) {
        if (*pattern == '*') {
            star = pattern++;
            resume = name;
        } else if (*pattern == '?' || *pattern == *name) {
            pattern++;
            name++;
        } else if (star) {
            pattern = star + 1;
            name = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return !*pattern;
}

bool name_list_match(const char *list, const char *name)
{
    char one[64];
    while (*list) {
        size_t n = 0;
        while (list[n] && list[n] != ',')
            n++;
        if (n < sizeof(one)) {
            for (size_t i = 0; i < n; i++)
                one[i] = list[i];
            one[n] = '\0';
            if (n && glob_match(one, name))
                return true;
        }
        list += n;
        if (*list == ',')
            list++;
    }
    return false;
}
