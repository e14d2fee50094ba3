/*
 * stdio.c - formatted output for user programs: the kernel's formatting
 * engine (kvsnprintf(), lib/vsprintf.c) into a buffer, then write.
 *
 * A call's text is formatted whole and written with one write(), so
 * that lines from different programs sharing the console do not
 * interleave mid-line.  Text longer than the stack buffer is formatted
 * again into a malloc()ed one; only when that fails is it written in
 * two parts (the first STDIO_BUF bytes, then a line saying what was
 * lost) -- cut, but not silently.
 */
#include "ulib.h"

#define STDIO_BUF 512

ssize_t write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0)
            return -1;
        if (n == 0) {                   /* no progress: say so rather than spin */
            errno = EIO;
            return -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)len;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
    char small[STDIO_BUF];
    va_list again;
    va_copy(again, ap);
    int len = kvsnprintf(small, sizeof(small), fmt, ap);
    ssize_t r;
    if ((size_t)len < sizeof(small)) {
        r = write_all(fd, small, (size_t)len);
    } else {
        char *big = malloc((size_t)len + 1);
        if (big) {
            kvsnprintf(big, (size_t)len + 1, fmt, again);
            r = write_all(fd, big, (size_t)len);
            free(big);
        } else {
            r = write_all(fd, small, sizeof(small) - 1);
            dprintf(fd, "\n%s: printf: %d bytes not written: no memory for them\n",
                    ulib_name, len - (int)sizeof(small) + 1);
        }
    }
    va_end(again);
    return r < 0 ? -1 : len;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(fd, fmt, ap);
    va_end(ap);
    return r;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vdprintf(1, fmt, ap);
    va_end(ap);
    return r;
}
