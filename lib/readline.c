/*
 * readline.c - console line editing (see include/readline.h).
 * Terminals send ESC [ A / ESC [ B for the arrow keys, DEL (0x7f) or
 * BS (0x08) for Backspace, and CR or LF (or both) for Enter.
 *
 * History lines are kmalloc'd copies of whole lines, so a recalled line is
 * never shorter than the one entered (a line that finds no memory is not
 * remembered).
 */
#include <stdbool.h>
#include "readline.h"
#include "console.h"
#include "kerrno.h"
#include "kstring.h"
#include "slab.h"

#define HISTORY_LINES   8

#define KEY_CTRL_C      0x03
#define KEY_CTRL_D      0x04
#define KEY_BS          0x08
#define KEY_LF          0x0A
#define KEY_CR          0x0D
#define KEY_CTRL_U      0x15
#define KEY_CTRL_W      0x17
#define KEY_ESC         0x1B
#define KEY_DEL         0x7F

static char *history[HISTORY_LINES];   /* the last lines entered, or NULL */
static int history_count;           /* lines ever entered */

static void remember(const char *line, size_t len)
{
    char **slot = &history[history_count % HISTORY_LINES];
    kfree(*slot);
    if ((*slot = kmalloc(len + 1, GFP_KERNEL)) != NULL)
        memcpy(*slot, line, len + 1);
    history_count++;
}

static void erase_chars(size_t n)
{
    while (n--)
        console_puts("\b \b");
}

/* Replace what is on the line with text. */
static size_t show(char *buf, size_t size, size_t len, const char *text)
{
    erase_chars(len);
    len = strlcpy(buf, text, size);
    if (len >= size)
        len = size - 1;
    console_write(buf, len);
    return len;
}

int readline(const char *prompt, char *buf, size_t size)
{
    static bool last_was_cr;        /* swallow the LF of a CR LF pair */
    size_t len = 0;
    bool overflow = false;          /* characters came that buf had no room for */
    int browse = history_count;     /* history line shown; == count: none */

    console_puts(prompt);
    for (;;) {
        int c = console_getc();
        if (c == -EINTR) {
            buf[0] = '\0';
            return -EINTR;
        }
        if (c == KEY_LF && last_was_cr) {
            last_was_cr = false;
            continue;
        }
        last_was_cr = c == KEY_CR;

        if (c == KEY_CR || c == KEY_LF) {
            console_puts("\n");
            buf[len] = '\0';
            if (overflow)
                return -E2BIG;
            if (len)
                remember(buf, len);
            return (int)len;
        } else if (c == KEY_DEL || c == KEY_BS) {
            if (len) {
                len--;
                erase_chars(1);
            }
        } else if (c == KEY_CTRL_U) {
            erase_chars(len);
            len = 0;
            overflow = false;
        } else if (c == KEY_CTRL_W) {
            size_t keep = len;
            while (keep && buf[keep - 1] == ' ')
                keep--;
            while (keep && buf[keep - 1] != ' ')
                keep--;
            erase_chars(len - keep);
            len = keep;
        } else if (c == KEY_CTRL_D && len == 0) {
            buf[0] = '\0';                 /* the end of input, as a terminal says it */
            return -ENODATA;
        } else if (c == KEY_CTRL_C) {
            console_puts("^C\n");
            console_puts(prompt);
            len = 0;
            overflow = false;
        } else if (c == KEY_ESC) {
            if (console_getc() != '[')
                continue;
            int arrow = console_getc();
            int oldest = history_count > HISTORY_LINES ? history_count - HISTORY_LINES : 0;
            if (arrow == 'A' && browse > oldest)
                browse--;
            else if (arrow == 'B' && browse < history_count)
                browse++;
            else
                continue;
            const char *text = browse < history_count ? history[browse % HISTORY_LINES] : NULL;
            text = text ? text : "";
            len = show(buf, size, len, text);
        } else if (c >= ' ' && c < KEY_DEL && len + 1 < size) {
            buf[len++] = (char)c;
            char ch = (char)c;
            console_write(&ch, 1);
        } else if (c >= ' ' && c < KEY_DEL) {
            overflow = true;            /* neither kept nor echoed; Enter reports it */
        }
    }
}
