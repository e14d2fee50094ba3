/*
 * ksignal.h - signal numbers, as Linux i386 has them.
 *
 * swiod delivers no signals yet (no handlers, no kill): a signal number
 * here is what ended a process -- the meaning of the fault that ended it
 * (or of a write to a pipe nobody reads, fs/pipe.c), and its wait status (wait4: the low 7 bits are the signal).
 */
#pragma once

#define SIGILL      4
#define SIGTRAP     5
#define SIGBUS      7
#define SIGFPE      8
#define SIGKILL     9
#define SIGSEGV     11
#define SIGPIPE     13

static inline const char *signal_name(int sig)
{
    switch (sig) {
    case SIGILL:    return "SIGILL";
    case SIGTRAP:   return "SIGTRAP";
    case SIGBUS:    return "SIGBUS";
    case SIGFPE:    return "SIGFPE";
    case SIGKILL:   return "SIGKILL";
    case SIGSEGV:   return "SIGSEGV";
    case SIGPIPE:   return "SIGPIPE";
    }
    return "an unknown signal";
}
