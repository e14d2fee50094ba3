/*
 * list.h - intrusive circular doubly linked lists, as in Linux.
 *
 * A struct list_head lives inside the object; a list is a head whose next
 * and prev point to itself when empty.  list_entry() gets from the link
 * back to the object.  No locking: the owner of the list provides it.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>

struct list_head {
    struct list_head *next, *prev;
};

#define LIST_HEAD_INIT(name) { &(name), &(name) }

static inline void list_init(struct list_head *h) { h->next = h->prev = h; }
static inline bool list_empty(const struct list_head *h) { return h->next == h; }

static inline void list_insert_between(struct list_head *n, struct list_head *prev,
                                       struct list_head *next)
{
    n->next = next;
    n->prev = prev;
    prev->next = n;
    next->prev = n;
}

/* Add n at the front (LIFO use) or at the back (FIFO use) of list h. */
static inline void list_add(struct list_head *n, struct list_head *h) { list_insert_between(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { list_insert_between(n, h->prev, h); }

static inline void list_del(struct list_head *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = NULL;       /* a second list_del faults loudly */
}

static inline void list_move(struct list_head *n, struct list_head *h)
{
    list_del(n);
    list_add(n, h);
}

#define list_entry(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define list_first_entry(h, type, member) list_entry((h)->next, type, member)

#define list_for_each(pos, h) \
    for (struct list_head *pos = (h)->next; pos != (h); pos = pos->next)
