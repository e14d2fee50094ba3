/*
 * echo.c - prints its arguments, separated by spaces, and a newline
 * (none with -n first), in one write.
 */
#include "ulib.h"

int main(int argc, char **argv)
{
    int first = 1, newline = 1;
    if (argc > 1 && strcmp(argv[1], "-n") == 0) {
        first = 2;
        newline = 0;
    }
    size_t len = newline;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + (i > first);
    char *line = malloc(len + 1), *p = line;
    if (!line) {
        perror("echo");
        return 1;
    }
    for (int i = first; i < argc; i++) {
        if (i > first)
            *p++ = ' ';
        size_t n = strlen(argv[i]);
        memcpy(p, argv[i], n);
        p += n;
    }
    if (newline)
        *p++ = '\n';
    if (write_all(1, line, len) < 0) {
        perror("echo: write");
        return 1;
    }
    return 0;
}
