/*
 * vsprintf.h - formatting text into a buffer, the engine under printk.
 *
 * Supports %d %i %u %x %X %o %p %s %c %%, the length modifiers l and ll, a
 * field width (or *), a precision for strings, and the flags - 0 and +.
 * Output is always terminated (when size > 0) and never runs past size; the
 * return value is the length the full output would have had, as in C99.
 * Pure code: no kernel headers, so it also compiles and is tested on the host.
 */
#pragma once
#include <stdarg.h>
#include <stddef.h>

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* For checkers that judge untrusted bytes and say why they refused: write
 * the reason into why[n] and return err (a negative errno), or make why
 * empty on success. */
int why_fail(char *why, size_t n, int err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void why_clear(char *why, size_t n);
