/*
 * fuzz.h - what the libFuzzer targets share (tests/host/fuzz_*.c).
 *
 * FUZZ_ASSERT checks a property of the code under test; a failure prints
 * the condition and aborts, which libFuzzer reports as a crash and keeps
 * the input that caused it (build/host/fuzz_NAME-crash-...).
 */
#pragma once
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_ASSERT(cond)                                                  \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                       \
        }                                                                  \
    } while (0)
