/*
 * printk.c - the kernel log ring and printk (see include/printk.h).
 *
 * log_buf holds the most recent LOG_BUF_SIZE bytes of log text; log_next
 * counts every byte ever written, so log_next % LOG_BUF_SIZE is where the
 * next one goes and log_next > LOG_BUF_SIZE means the ring has wrapped.
 * tools/gdb/swiod.py reads these two symbols directly: keep their names.
 *
 * Nothing is lost without a word: a message longer than printk's buffer
 * ends with "[... N bytes cut]", and log_dump of a ring that has wrapped
 * starts with a line saying how many bytes were overwritten (and skips
 * the rest of the line the overwriting cut in half).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include "printk.h"
#include "console.h"
#include "timer.h"
#include "vsprintf.h"
#include "x86.h"

#define LOG_BUF_SIZE    (64 * 1024)
#define PRINTK_MAX      512         /* one message, with its marker if cut */
#define CUT_MARK_ROOM   32          /* " [... NNNNN bytes cut]\n" */

char log_buf[LOG_BUF_SIZE];
uint32_t log_next;
int console_loglevel = LOG_INFO;
static bool at_line_start = true;

static void log_store(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        log_buf[log_next++ % LOG_BUF_SIZE] = s[i];
}

void printk(int level, const char *fmt, ...)
{
    char text[PRINTK_MAX];
    va_list ap;
    va_start(ap, fmt);
    int len = kvsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (len >= (int)sizeof(text)) {
        int keep = (int)sizeof(text) - CUT_MARK_ROOM;
        len = keep + ksnprintf(text + keep, CUT_MARK_ROOM, " [... %d bytes cut]\n", len - keep);
    }

    uint64_t ms = timer_uptime_ms();
    char stamp[24];
    int stamp_len = ksnprintf(stamp, sizeof(stamp), "[%5u.%03u] ",
                              (unsigned)(ms / 1000), (unsigned)(ms % 1000));
    bool show = level <= console_loglevel;

    uint32_t flags = irq_save();
    for (int start = 0; start < len;) {
        int end = start;
        while (end < len && text[end] != '\n')
            end++;
        if (end < len)
            end++;              /* include the newline */
        if (at_line_start) {
            log_store(stamp, stamp_len);
            if (show)
                console_write(stamp, stamp_len);
        }
        log_store(text + start, end - start);
        if (show)
            console_write(text + start, end - start);
        at_line_start = text[end - 1] == '\n';
        start = end;
    }
    irq_restore(flags);
}

void log_dump(void (*out)(const char *text, size_t len))
{
    uint32_t end = log_next;
    if (end <= LOG_BUF_SIZE) {
        out(log_buf, end);
        return;
    }
    /* The oldest byte kept is end - LOG_BUF_SIZE; start at the first whole line. */
    uint32_t start = end - LOG_BUF_SIZE;
    while (start < end && log_buf[start % LOG_BUF_SIZE] != '\n')
        start++;
    start = start < end ? start + 1 : end;
    char notice[96];
    int n = ksnprintf(notice, sizeof(notice),
                      "log: the oldest %u bytes were overwritten; the last %u follow\n",
                      start, end - start);
    out(notice, (size_t)n);
    uint32_t head = start % LOG_BUF_SIZE, left = end - start;
    uint32_t first = left < LOG_BUF_SIZE - head ? left : LOG_BUF_SIZE - head;
    out(log_buf + head, first);
    if (left > first)
        out(log_buf, left - first);
}

uint32_t log_mark(void)
{
    return log_next;
}

bool log_contains(uint32_t mark, const char *text)
{
    uint32_t flags = irq_save();
    uint32_t end = log_next;
    if (end - mark > LOG_BUF_SIZE)          /* the start has been overwritten */
        mark = end - LOG_BUF_SIZE;
    bool found = false;
    uint32_t n = 0;
    while (text[n])
        n++;
    for (uint32_t at = mark; !found && at + n <= end; at++) {
        uint32_t i = 0;
        while (i < n && log_buf[(at + i) % LOG_BUF_SIZE] == text[i])
            i++;
        found = i == n;
    }
    irq_restore(flags);
    return found;
}
