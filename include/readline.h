/*
 * readline.h - reading a command line from the console with editing:
 * Backspace, Ctrl-U (erase line), Ctrl-W (erase word), Ctrl-C (abandon the
 * line), Ctrl-D on an empty line (the end of input), and Up/Down to walk
 * the last few lines entered.  Echoes as it goes.
 */
#pragma once
#include <stddef.h>

/* Print prompt and read one line into buf (always terminated, without the
 * newline).  Returns the line's length, or -E2BIG when more characters
 * came than buf holds (size - 1): the line is then incomplete, not for
 * running, and not remembered in the history; -ENODATA (buf empty) for
 * Ctrl-D on an empty line; or -EINTR (buf empty) when the task was asked
 * to stop while it waited (console_getc()). */
int readline(const char *prompt, char *buf, size_t size);
