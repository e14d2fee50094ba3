/*
 * test_helpers.h - small pieces several kernel tests share.
 */
#pragma once
#include <stdint.h>

/* Recurse with a 256-byte frame per call until the stack runs out (the
 * depth limit only hides the recursion from the compiler, which rightly
 * warns about an endless one).  Used to overflow stacks on purpose. */
uint32_t recurse_deeply(volatile uint32_t depth);
