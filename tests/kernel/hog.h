/*
 * hog.h - the memory hog the reclaim tests and bench=swap share: tasks,
 * each in its own address space, that write a pattern derived from
 * address and seed to every word of their anonymous memory, then read it
 * all back.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define HOG_VA          0x10000000u     /* where each task's memory starts */
#define HOG_MAX_TASKS   8

struct vm_space;

struct hog {
    const char *name;           /* progress lines start with it */
    uint32_t seed;
    uint32_t pages;             /* over all tasks */
    int tasks;
    /* Results of hog_run: */
    uint64_t write_us, verify_us;
    uint32_t bad_pages;         /* pages with a word that was not written there */
    uint32_t swapouts, swapins;
    int ended;                  /* tasks the fault handler ended: out of memory,
                                 * or a page that could not be read back */
    struct vm_space *space[HOG_MAX_TASKS];
};

/* Map h->pages in h->tasks spaces; 0 or -ENOMEM. */
int hog_map(struct hog *h);
/* Write every page (write=true) or check every page, with all tasks at
 * once; the microseconds it took.  A task the fault handler ended (out
 * of memory, or a swap read that failed) counts in h->ended, and its
 * space is dropped unchecked. */
uint64_t hog_pass(struct hog *h, bool write);
/* Write, then verify, printing a progress line after the write and a
 * summary; the spaces stay for more passes until hog_unmap. */
int hog_run(struct hog *h);
void hog_unmap(struct hog *h);
/* Write h (mapped, one task, more than RAM and swap together) until the
 * out-of-memory policy ends it: the milliseconds from the moment swap had
 * no free slot left to that decision, to a timer tick (10 ms), or -1 when
 * the hog was not ended or swap never filled. */
int hog_ms_from_swap_full_to_oom(struct hog *h);
/* The word the hog writes at va. */
static inline uint32_t hog_word(uint32_t seed, uint32_t va)
{
    return (va * 2654435761u) ^ seed ^ (va >> 12);
}
