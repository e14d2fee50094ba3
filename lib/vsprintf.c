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

#define MAX_FIELD 4096           /* widths and precisions are capped here */

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

/* Read a decimal field width or precision, capped at MAX_FIELD. */
static const char *read_field(const char *p, int *field)
{
    *field = 0;
    while (*p >= '0' && *p <= '9') {
        *field = *field * 10 + (*p++ - '0');
        if (*field > MAX_FIELD)
            *field = MAX_FIELD;
    }
    return p;
}

/*
 * Read the flags, width, precision and length of a conversion; p points at
 * its '%'.  Returns where the conversion letter is.  The va_list goes by
 * pointer so that a '*' width or precision consumes the caller's argument.
 */
static const char *parse_spec(const char *p, struct spec *sp, int *longs, va_list *ap)
{
    *sp = (struct spec){ .precision = -1 };
    for (;; p++) {
        if (p[1] == '-')
            sp->left = true;
        else if (p[1] == '0')
            sp->zero = true;
        else if (p[1] == '+')
            sp->plus = true;
        else
            break;
    }
    p++;
    if (*p == '*') {
        int w = va_arg(*ap, int);
        if (w < 0)
            sp->left = true;
        sp->width = w < -MAX_FIELD || w > MAX_FIELD ? MAX_FIELD : (w < 0 ? -w : w);
        p++;
    } else {
        p = read_field(p, &sp->width);
    }
    if (*p == '.') {
        p++;
        if (*p == '*') {
            int prec = va_arg(*ap, int);
            sp->precision = prec > MAX_FIELD ? MAX_FIELD : (prec < 0 ? -1 : prec);
            p++;
        } else {
            p = read_field(p, &sp->precision);
        }
    }
    *longs = 0;
    while (*p == 'l') {
        (*longs)++;
        p++;
    }
    if (*p == 'z') {            /* size_t: unsigned int on i386, wider on a host */
        *longs = sizeof(size_t) > sizeof(unsigned long) ? 2 : sizeof(size_t) > sizeof(int);
        p++;
    }
    return p;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    /* A local copy: on some ABIs (x86-64 hosts) a va_list parameter is a
     * pointer, and parse_spec needs the address of a real va_list. */
    va_list args;
    va_copy(args, ap);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&o, *p);
            continue;
        }
        struct spec sp;
        int longs;
        p = parse_spec(p, &sp, &longs, &args);
        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = longs >= 2 ? va_arg(args, long long)
                      : longs == 1 ? va_arg(args, long) : va_arg(args, int);
            uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;
            put_number(&o, mag, v < 0, 10, false, &sp);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            uint64_t v = longs >= 2 ? va_arg(args, unsigned long long)
                       : longs == 1 ? va_arg(args, unsigned long) : va_arg(args, unsigned int);
            unsigned base = *p == 'u' ? 10 : *p == 'o' ? 8 : 16;
            sp.plus = false;    /* a sign is for signed conversions only */
            put_number(&o, v, false, base, *p == 'X', &sp);
            break;
        }
        case 'p': {
            /* Pointers always print as 8 hex digits: addresses line up. */
            struct spec ptr = { .zero = true, .width = 8 };
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uintptr_t)va_arg(args, void *), false, 16, false, &ptr);
            break;
        }
        case 's': {
            const char *s = va_arg(args, const char *);
            if (!s)
                s = "(null)";
            int n = 0;
            while (s[n] && (sp.precision < 0 || n < sp.precision))
                n++;
            put_padded(&o, s, n, &sp);
            break;
        }
        case 'c': {
            char c = (char)va_arg(args, int);
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
    va_end(args);
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

int why_fail(char *why, size_t n, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(why, n, fmt, ap);
    va_end(ap);
    return err;
}

void why_clear(char *why, size_t n)
{
    if (n)
        why[0] = '\0';
}
