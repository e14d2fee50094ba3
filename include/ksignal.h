/*
 * ksignal.h - signal numbers, as Linux i386 has them.
 *
 * swiod has no signal handlers: a signal number here is what ended a
 * process -- the meaning of the fault that ended it, of a write to a pipe
 * nobody reads (fs/pipe.c), or what kill (37) sent: SIGKILL or SIGTERM,
 * the only two kill accepts, both ending the process (kernel/process.c)
 * -- and its wait status (wait4: the low 7 bits are the signal).
 */
#pragma once

#define SIGILL      4
#define SIGTRAP     5
#define SIGBUS      7
#define SIGFPE      8
#define SIGKILL     9
#define SIGSEGV     11
#define SIGPIPE     13
#define SIGTERM     15

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
    case SIGTERM:   return "SIGTERM";
    }
    return "an unknown signal";
}
