/*
 * string.c - memory and string functions (see include/kstring.h).
 * Plain loops, except memcpy and memset: reading a file copies every byte
 * out of the page cache, and a byte loop costs several instructions per
 * byte (under QEMU's TCG, a cold 32 MiB read spent half its time there).
 * Their string instructions move four bytes at a time, then the rest,
 * upwards: the ABI has the direction flag clear at every call.
 */
#include "kstring.h"
#include <stdint.h>

void *memset(void *dst, int c, size_t n)
{
    uint32_t word = (unsigned char)c * 0x01010101u;    /* the byte in all four lanes */
    void *d = dst;
    size_t words = n / sizeof(word), bytes = n % sizeof(word);
    __asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(word) : "memory");
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(word) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t words = n / sizeof(uint32_t), bytes = n % sizeof(uint32_t);
    __asm__ volatile("rep movsl" : "+D"(d), "+S"(src), "+c"(words) : : "memory");
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(bytes) : : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

char *strchr(const char *s, int c)
{
    for (; *s; s++)
        if (*s == (char)c)
            return (char *)s;
    return c ? NULL : (char *)s;
}

/* Copy at most size-1 characters and always terminate; returns strlen(src)
 * so the caller can tell that the copy was cut short. */
size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
