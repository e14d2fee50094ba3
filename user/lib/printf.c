/*
 * printf.c - printf for user programs: the result is built in a buffer
 * and written to fd 1 with one write, so that lines from different
 * programs do not interleave mid-line.
 *
 * Conversions: %d %u %x %s %c %p %%, each with an optional decimal field
 * width (right-aligned, spaces; a width starting with 0 pads with zeros).
 */
#include <stdarg.h>
#include "ulib.h"

struct out {
    char buf[PRINTF_MAX];
    size_t len;
    int cut;                            /* something did not fit */
};

static void put(struct out *o, char c)
{
    if (o->len < sizeof(o->buf))
        o->buf[o->len++] = c;
    else
        o->cut = 1;
}

/* v in base, at least width characters wide, padded with pad. */
static void put_number(struct out *o, unsigned long v, unsigned base, int negative,
                       int width, char pad)
{
    char digits[12];                    /* 32 bits in octal is 11 digits */
    int n = 0;
    do {
        digits[n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    if (negative)
        digits[n++] = '-';
    for (int i = n; i < width; i++)
        put(o, pad);
    while (n)
        put(o, digits[--n]);
}

int printf(const char *fmt, ...)
{
    struct out o = { .len = 0 };
    va_list ap;
    va_start(ap, fmt);
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        char pad = *++p == '0' ? '0' : ' ';
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        switch (*p) {
        case 'd': {
            long v = va_arg(ap, int);
            put_number(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, 10, v < 0, width, pad);
            break;
        }
        case 'u': put_number(&o, va_arg(ap, unsigned), 10, 0, width, pad); break;
        case 'x': put_number(&o, va_arg(ap, unsigned), 16, 0, width, pad); break;
        case 'p': put_number(&o, (unsigned long)va_arg(ap, void *), 16, 0, 8, '0'); break;
        case 'c': put(&o, (char)va_arg(ap, int)); break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            for (s = s ? s : "(null)"; *s; s++)
                put(&o, *s);
            break;
        }
        case '%': put(&o, '%'); break;
        case '\0': p--; break;          /* a lone % at the end */
        default: put(&o, '%'); put(&o, *p); break;
        }
    }
    va_end(ap);
    if (o.cut)
        memcpy(o.buf + sizeof(o.buf) - 4, "...\n", 4);
    return (int)write(1, o.buf, o.len);
}
