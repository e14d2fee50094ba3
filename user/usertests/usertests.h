/*
 * usertests.h - what the cases of /bin/usertests share (user/usertests.c
 * is the runner and defines these; the cases are in processes.c and
 * memory.c here).
 *
 * A case is a function run in a child of its own: it returns (or exits
 * 0) when it passed, calls fail() when it did not, and need() around a
 * call the kernel may not have, which skips the case (exit EXIT_SKIP).
 * current names the case running, for the lines a case prints.
 */
#pragma once
#include <stdbool.h>
#include "ulib.h"

#define EXIT_SKIP       77              /* a case's status: skipped (automake's number) */
#define KERNEL_HALF     ((void *)0xC0100000)
#define FREE_SLACK      64              /* pages the page cache and slabs may keep, and
                                         * usertests' own that a hog put in swap */

extern const char *current;             /* the case running, in its child */

/* "usertests: CASE: FAILED: why", and the child exits 1. */
__attribute__((format(printf, 1, 2), noreturn)) void fail(const char *fmt, ...);
/* r is a call's result: a call the kernel does not have skips the case. */
long need(long r, const char *call);
pid_t fork_or_fail(void);
/* Waits for pid; its wait status. */
int wait_for(pid_t pid);
/* pid must exit with code; who names it in the failure. */
void expect_exit(pid_t pid, int code, const char *who);
void info(struct sysinfo *si);

/* Word i of who's pattern: what fill writes and wrong_words checks (and
 * tests/harness/user_tests.py reads back from the files). */
static inline uint32_t pattern(uint32_t i, uint32_t who) { return i * 2654435761u ^ who; }
void fill(uint32_t *w, size_t words, uint32_t who);
/* Words of w[from, to) that do not hold who's pattern. */
size_t wrong_words(const uint32_t *w, size_t from, size_t to, uint32_t who);
/* len bytes of fresh anonymous memory, or fail. */
void *map_anon(size_t len);
/* A case that needs swap is skipped on a machine without. */
void need_swap(const struct sysinfo *si);
/* Runs /bin/hog past the machine's memory, so that everything else that
 * can be swapped out is; fails unless it exits 0 (every word back). */
void hog_past_memory(void);

/* The cases, in the order they run (user/usertests.c's list). */
/* processes.c */
void fork_exec_wait_tree(void);
void cow_pages_swapped_out_and_back(void);
void pipe_with_a_reader_that_dies(void);
void bad_pointers_to_every_call(void);
void fork_bomb_stopped_at_the_limit(void);
void killed_during_swap_in(void);
/* memory.c */
void mmap_of_a_file_shared_between_processes(void);
void mlock_honoured_while_a_hog_swaps(void);
void mmap_private_file_writes_stay_private(void);
void munmap_of_a_file_mapping_whole_and_in_part(void);
void prot_none_touch_ends_a_child(void);
void private_file_and_prot_none_pages_swap_out_and_back(void);
void mlock_of_a_file_mapping_keeps_its_pages(void);
