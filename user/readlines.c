/*
 * readlines.c - reads lines typed on the console (fd 0) until one says
 * "end" or the input ends (Ctrl-D), and prints each back as "readlines:
 * line N: TEXT".  The first
 * read asks for 3 bytes only, to show that the rest of that line waits
 * for the next read.  Exits with the number of lines ("end" included).
 */
#include "ulib.h"

int main(void)
{
    char line[128];
    int lines = 0;
    long n = or_errno(read(0, line, 3));
    printf("readlines: a read of 3 gave %d\n", (int)n);
    long have = n > 0 ? n : 0;
    for (;;) {
        char *nl = 0;
        for (long i = 0; i < have && !nl; i++)
            nl = line[i] == '\n' ? line + i : 0;
        if (nl) {
            *nl = '\0';
            printf("readlines: line %d: %s\n", ++lines, line);
            if (!strcmp(line, "end"))
                return lines;
            have -= nl + 1 - line;
            memmove(line, nl + 1, (size_t)have);
            continue;
        }
        n = or_errno(read(0, line + have, sizeof(line) - 1 - (size_t)have));
        if (n == 0) {
            printf("readlines: the end of input after %d lines\n", lines);
            return lines;
        }
        if (n < 0) {
            printf("readlines: read gave %d\n", (int)n);
            return 100;
        }
        have += n;
    }
}
