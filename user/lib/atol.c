/*
 * atol.c - atol_or() and arg_long() of ulib.h: numbers from arguments.
 */
#include "ulib.h"

long atol_or(const char *s, long dflt)
{
    if (!s || *s < '0' || *s > '9')
        return dflt;
    long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    return v;
}

long arg_long(int argc, char **argv, const char *key, long dflt)
{
    size_t n = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return atol_or(argv[i] + n + 1, dflt);
    return dflt;
}
