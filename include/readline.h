/*
 * readline.h - reading a command line from the console with editing:
 * Backspace, Ctrl-U (erase line), Ctrl-W (erase word), Ctrl-C (abandon the
 * line), and Up/Down to walk the last few lines entered.  Echoes as it goes.
 */
#pragma once
#include <stddef.h>

/* Print prompt and read one line into buf (always terminated, without the
 * newline).  Returns the line's length. */
size_t readline(const char *prompt, char *buf, size_t size);
