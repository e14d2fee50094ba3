/*
 * vsprintf.c - the formatting engine under printk (see include/vsprintf.h).
 */
#include <stdint.h>
#include <stdbool.h>
#include "vsprintf.h"

struct out {
    char *buf;
    size_t size;
    size_t len;         /* characters produced so far, stored or not */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

struct spec {
    bool left;          /* '-': pad on the right */
    bool zero;          /* '0': pad numbers with zeros */
    bool plus;          /* '+': always print a sign */
    int width;
    int precision;      /* -1 when absent */
};

static void put_padded(struct out *o, const char *s, int n, const struct spec *sp)
{
    int pad = sp->width > n ? sp->width - n : 0;
    if (!sp->left)
        while (pad-- > 0)
            put(o, ' ');
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        while (pad-- > 0)
            put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool negative, unsigned base,
                       bool upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);

    char sign = negative ? '-' : (sp->plus ? '+' : 0);
    int len = n + (sign ? 1 : 0);
    int pad = sp->width > len ? sp->width - len : 0;

    if (!sp->left && !sp->zero)
        while (pad-- > 0)
            put(o, ' ');
    if (sign)
        put(o, sign);
    if (!sp->left && sp->zero)
        while (pad-- > 0)
            put(o, '0');
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        while (pad-- > 0)
            put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        struct spec sp = { .precision = -1 };
        for (;; p++) {
            if (p[1] == '-')
                sp.left = true;
            else if (p[1] == '0')
                sp.zero = true;
            else if (p[1] == '+')
                sp.plus = true;
            else
                break;
        }
        p++;
        if (*p == '*') {
            sp.width = va_arg(ap, int);
            if (sp.width < 0) {
                sp.left = true;
                sp.width = -sp.width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9')
                sp.width = sp.width * 10 + (*p++ - '0');
        }
        if (*p == '.') {
            p++;
            sp.precision = 0;
            if (*p == '*') {
                sp.precision = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9')
                    sp.precision = sp.precision * 10 + (*p++ - '0');
            }
        }
        int longs = 0;
        while (*p == 'l') {
            longs++;
            p++;
        }
        if (*p == 'z')          /* size_t is unsigned int here */
            p++;

        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 2 ? va_arg(ap, long long)
                      : longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, false, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longs >= 2 ? va_arg(ap, unsigned long long)
                       : longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            put_number(&o, v, false, base, *p == 'X', &sp);
            break;
        }
        case 'p': {
            /* Pointers always print as 8 hex digits: addresses line up. */
            struct spec ptr = { .zero = true, .width = 8 };
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16, false, &ptr);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n] && (sp.precision < 0 || n < sp.precision))
                n++;
            put_padded(&o, s, n, &sp);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &c, 1, &sp);
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':              /* a lone '%' at the end */
            p--;
            break;
        default:                /* unknown conversion: show it as written */
            put(&o, '%');
            put(&o, *p);
            break;
        }
    }
    if (o.size)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
