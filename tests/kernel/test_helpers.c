/*
 * test_helpers.c - see test_helpers.h.
 */
#include "test_helpers.h"

__attribute__((noipa)) uint32_t recurse_deeply(volatile uint32_t depth)
{
    volatile uint8_t frame[256];
    frame[0] = (uint8_t)depth;
    if (depth == UINT32_MAX)
        return 0;
    return recurse_deeply(depth + 1) + frame[0];
}
