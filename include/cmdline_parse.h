/*
 * cmdline_parse.h - the pure part of command-line handling: splitting a
 * line into arguments, reading numbers, matching names against patterns.
 * No kernel headers, so it also compiles and is tested on the host.
 *
 * An argument is "key=value" or a bare "flag".  Arguments are separated by
 * spaces or tabs.  Double quotes group characters and are removed, so
 * key="a b" and "key=a b" (the form GRUB passes) both give key, "a b";
 * inside quotes a backslash makes the next character literal.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct cmdline_arg {
    const char *key;
    const char *value;      /* NULL for a bare flag */
};

/* Split buf in place.  Returns the number of arguments, or -E2BIG when
 * there were more than max (the first max are filled in), or -EINVAL for
 * an unterminated quote or an empty key. */
int cmdline_split(char *buf, struct cmdline_arg *args, int max);

/* Decimal, or hex with 0x.  -EINVAL for anything else, -ERANGE past 2^32-1. */
int parse_u32(const char *s, uint32_t *out);

/* Shell-style match: '*' any run of characters, '?' any one character. */
bool glob_match(const char *pattern, const char *name);

/* True when name matches one of the comma-separated patterns in list. */
bool name_list_match(const char *list, const char *name);
