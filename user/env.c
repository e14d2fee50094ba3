/*
 * env.c - prints the environment it was given, one NAME=value a line,
 * in the order execve passed it.  (Linux's env also runs a command in a
 * changed environment; this one only prints.)
 */
#include "ulib.h"

int main(void)
{
    for (char **e = environ; *e; e++)
        printf("%s\n", *e);
    return 0;
}
