/*
 * atol.c - atol_or() of ulib.h: reading a number from an argument.
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
