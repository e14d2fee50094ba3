/*
 * malloc.c - malloc(), free(), calloc() and realloc() of ulib.h.
 *
 * Every block starts with a header holding its size (header included,
 * a multiple of ALIGN) and, in the low bit, whether it is a mapping of
 * its own.  Two sources:
 * - Blocks under MALLOC_MMAP_MIN come from the heap, which grows with
 *   sbrk() by at least HEAP_GROW bytes at a time.  Free heap blocks sit
 *   on one list in address order; malloc() takes the first that fits and
 *   splits off the rest, free() merges a block with the free neighbours
 *   it touches, so the heap does not crumble into small pieces.  The
 *   heap never shrinks.
 * - Bigger blocks are each an anonymous mapping, rounded to pages, which
 *   free() unmaps: a big buffer's memory goes back to the kernel at once.
 *
 * Not thread-safe (processes have one thread each).  A failure returns
 * NULL with errno ENOMEM.
 */
#include "ulib.h"

#define ALIGN           16u             /* what any C type needs, and SSE's */
#define HEAP_GROW       (64u * 1024)
#define MAPPED          1u              /* header.size's low bit: a mapping */

struct header {
    size_t size;                        /* bytes, header included; | MAPPED */
    struct header *next;                /* free heap blocks only: the next, by address */
    char pad[ALIGN - sizeof(size_t) - sizeof(void *)];  /* the data starts aligned */
};

static struct header *free_list;        /* free heap blocks, in address order */

static size_t round_up(size_t n, size_t to) { return (n + to - 1) / to * to; }

static void *map_block(size_t need)
{
    size_t len = round_up(need, PAGE_SIZE);
    struct header *h = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (h == MAP_FAILED)
        return 0;                       /* errno: the kernel's ENOMEM */
    h->size = len | MAPPED;
    return h + 1;
}

/* Puts h on the free list, merged with the blocks right before and after it. */
static void insert_free(struct header *h)
{
    struct header **link = &free_list, *prev = 0;
    while (*link && *link < h) {
        prev = *link;
        link = &(*link)->next;
    }
    h->next = *link;
    if (h->next && (char *)h + h->size == (char *)h->next) {
        h->size += h->next->size;
        h->next = h->next->next;
    }
    if (prev && (char *)prev + prev->size == (char *)h) {
        prev->size += h->size;
        prev->next = h->next;
    } else {
        *link = h;
    }
}

void *malloc(size_t size)
{
    if (size > (size_t)-1 - 2 * PAGE_SIZE) {
        errno = ENOMEM;
        return 0;
    }
    size_t need = round_up(size + sizeof(struct header), ALIGN);
    if (need >= MALLOC_MMAP_MIN)
        return map_block(need);
    for (int tries = 0; tries < 2; tries++) {
        for (struct header **link = &free_list; *link; link = &(*link)->next) {
            struct header *h = *link;
            if (h->size < need)
                continue;
            if (h->size - need >= sizeof(struct header) + ALIGN) {
                struct header *rest = (struct header *)((char *)h + need);
                rest->size = h->size - need;
                rest->next = h->next;
                h->size = need;
                *link = rest;
            } else {
                *link = h->next;
            }
            return h + 1;
        }
        /* Nothing fits: grow the heap (its new piece merges with a free
         * block at the old end) and look again, once. */
        size_t grow = round_up(need > HEAP_GROW ? need : HEAP_GROW, PAGE_SIZE);
        struct header *h = sbrk((intptr_t)grow);
        if (h == (void *)-1)
            return 0;                   /* errno: ENOMEM, from sbrk */
        h->size = grow;
        insert_free(h);
    }
    errno = ENOMEM;                     /* not reached: the grown heap fits need */
    return 0;
}

void free(void *p)
{
    if (!p)
        return;
    struct header *h = (struct header *)p - 1;
    if (h->size & MAPPED)
        munmap(h, h->size & ~MAPPED);
    else
        insert_free(h);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) {
        errno = ENOMEM;
        return 0;
    }
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    struct header *h = (struct header *)p - 1;
    size_t have = (h->size & ~MAPPED) - sizeof(struct header);
    if (size <= have)
        return p;                       /* it fits: keep it where it is */
    void *q = malloc(size);
    if (!q)
        return 0;                       /* p stays, as C says */
    memcpy(q, p, have);
    free(p);
    return q;
}
