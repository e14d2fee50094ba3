/*
 * console.c - the console: serial port and VGA screen together
 * (see include/console.h).
 */
#include <stdarg.h>
#include "console.h"
#include "kerrno.h"
#include "sched.h"
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
    char buf[512];              /* long paths go out with console_puts, uncut */
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if ((size_t)n < sizeof(buf)) {
        console_write(buf, (size_t)n);
        return;
    }
    /* Cut, and saying so: output that looks whole but is not misleads. */
    console_write(buf, sizeof(buf) - 1);
    char mark[32];
    console_write(mark, (size_t)ksnprintf(mark, sizeof(mark), " [... %d bytes cut]\n",
                                          n - (int)sizeof(buf) + 1));
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
    /* TASK_SLEEPING: waiting for a person may take forever, and is no hang.
     * A task asked to stop (how kill ends a program reading its stdin)
     * leaves without a character. */
    wait_event_state(&serial_input_wait, got_char(&c) || task_should_stop(), TASK_SLEEPING);
    return c >= 0 ? c : -EINTR;
}
