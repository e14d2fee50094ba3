/*
 * profile.h - where the CPU's time goes, sampled at every timer tick
 * (Linux's profile= and readprofile).
 *
 * profile=SHIFT on the command line (1..12) turns it on: each tick that
 * interrupts the kernel counts one in the bucket of 2^SHIFT bytes of
 * kernel text that holds the interrupted address; ticks in user mode
 * count apart.  Under -icount the ticks come every so many instructions,
 * so the counts are where the instructions went.  Code that runs with
 * interrupts off is counted where it turns them back on.
 *
 * profile_report(title, n) prints the n functions with the most ticks
 * since the last profile_reset() (and how many more had some); the
 * monitor's "profile [reset]" does the same.  Without profile= they do
 * nothing (the monitor says so).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PROFILE_BENCH_TOP 20     /* what bench=NAME prints after its lines */

struct int_frame;

void profile_init(void);
bool profile_enabled(void);
/* From the timer interrupt. */
void profile_tick(const struct int_frame *frame);
void profile_reset(void);
void profile_report(const char *title, uint32_t n);
