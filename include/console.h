/*
 * console.h - where kernel text goes: the serial port COM1 and the VGA text
 * screen, both at once.  The serial port is the one that matters: the test
 * harness reads it, and the monitor reads its input from it.
 *
 * console_write() and console_printf() print without logging (the monitor's
 * answers); printk() in printk.h logs and then prints through here.
 * Both are safe to call with interrupts off and from exception handlers:
 * they poll the hardware and take no locks.
 */
#pragma once
#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t n);
void console_puts(const char *s);
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Sleep until a character arrives on the serial port (task context);
 * -EINTR instead when the task is asked to stop (task_should_stop()). */
int console_getc(void);
