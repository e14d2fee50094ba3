/*
 * console.c - the console: serial port and VGA screen together
 * (see include/console.h).
 */
#include <stdarg.h>
#include "console.h"
#include "serial.h"
#include "vga.h"
#include "vsprintf.h"
#include "kstring.h"
#include "x86.h"

void console_init(void)
{
    serial_init();
    vga_init();
}

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc('\r');      /* terminals want CR LF */
        serial_putc(s[i]);
        vga_putc(s[i]);
    }
}

void console_puts(const char *s)
{
    console_write(s, strlen(s));
}

void console_printf(const char *fmt, ...)
{
    char buf[512];              /* a path of 255-byte names, and then some */
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

/* Reads one character into *c; the wait condition of console_getc. */
static bool got_char(int *c)
{
    uint32_t flags = irq_save();
    *c = serial_getc();
    irq_restore(flags);
    return *c >= 0;
}

int console_getc(void)
{
    int c;
    /* TASK_SLEEPING: waiting for a person may take forever, and is no hang. */
    wait_event_state(&serial_input_wait, got_char(&c), TASK_SLEEPING);
    return c;
}
