/*
 * wait_status.h - a process's wait status, Linux's encoding: (code << 8)
 * for exit(code), the signal number for a process a signal ended; and
 * wait4's options.  Pure: the kernel (kernel/process.c) and user/lib
 * both include it.
 */
#pragma once

#define W_EXITCODE(code, sig)   ((((code) & 0xFF) << 8) | (sig))
#define WTERMSIG(status)        ((status) & 0x7F)
#define WIFEXITED(status)       (WTERMSIG(status) == 0)
#define WEXITSTATUS(status)     (((status) >> 8) & 0xFF)
#define WNOHANG                 1       /* wait4: do not block */
