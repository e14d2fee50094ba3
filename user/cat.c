/*
 * cat.c - copies each file named (or fd 0 when none is, or for "-") to
 * fd 1.  A file that cannot be read is said on fd 2, and the status is
 * then 1; the others are still copied.
 */
#include "ulib.h"

#define CHUNK 4096

static int copy(int fd, const char *name)
{
    static char buf[CHUNK];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            dprintf(2, "cat: %s: %s\n", name, strerror(errno));
            return 1;
        }
        if (write_all(1, buf, (size_t)n) < 0) {
            dprintf(2, "cat: writing: %s\n", strerror(errno));
            return 1;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return copy(0, "standard input");
    int status = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0) {
            status |= copy(0, "standard input");
            continue;
        }
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) {
            dprintf(2, "cat: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        status |= copy(fd, argv[i]);
        close(fd);
    }
    return status;
}
