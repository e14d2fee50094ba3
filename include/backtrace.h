/*
 * backtrace.h - walking the chain of saved frame pointers.
 *
 * The kernel is built with -fno-omit-frame-pointer, so every C function's
 * frame starts with [saved EBP][return address].  The walk stops at EBP 0
 * (set by the boot code and by every new stack), at a frame outside the
 * kernel's mapped memory, or at a frame that does not move up the stack.
 */
#pragma once
#include <stdint.h>

#define BACKTRACE_MAX 32      /* deeper stacks say how many frames are left out */

/* Fill pcs[] with return addresses, starting from frame pointer ebp. */
int backtrace_collect(uint32_t ebp, uint32_t *pcs, int max);
/* Print "[<addr>] function+off/size" for eip, then for each caller, up
 * to BACKTRACE_MAX of them (then a line saying more were left out). */
void backtrace_print(int level, uint32_t eip, uint32_t ebp);
