/*
 * test_log_limits.c - the kernel log loses nothing without a word: a
 * message longer than printk's buffer ends with "[... N bytes cut]", and
 * dmesg (log_dump) of a ring that has wrapped starts by saying how much
 * was overwritten, then shows whole lines only.
 *
 * The filler is printed at LOG_DEBUG, below the console's default level,
 * so it fills the ring without flooding the serial console.
 */
#include "kstring.h"
#include "ktest.h"
#include "printk.h"
#include "slab.h"

#define LONG_MSG_X      600
#define FILLER_LINES    400         /* of about 230 bytes: wraps the 64 KiB ring */

struct dump_start {
    char notice[128];               /* what log_dump gave first */
    char next;                      /* the first byte it gave after that */
    int calls;
};

static struct dump_start dump;

static void capture(const char *text, size_t len)
{
    if (dump.calls == 0) {
        size_t n = len < sizeof(dump.notice) - 1 ? len : sizeof(dump.notice) - 1;
        memcpy(dump.notice, text, n);
        dump.notice[n] = '\0';
    } else if (dump.calls == 1 && len) {
        dump.next = text[0];
    }
    dump.calls++;
}

KTEST(printk_cut_messages_and_overwritten_log_say_so)
{
    char *x = kmalloc(LONG_MSG_X + 1, GFP_KERNEL);
    KASSERT(x);
    memset(x, 'x', LONG_MSG_X);
    x[LONG_MSG_X] = '\0';

    /* "limits: " + 600 + "\n" is 609 bytes: 480 kept, 129 cut, and said so. */
    uint32_t mark = log_mark();
    printk(LOG_DEBUG, "limits: %s\n", x);
    KASSERT(log_contains(mark, "xxxx [... 129 bytes cut]\n"));

    x[200] = '\0';
    for (int i = 0; i < FILLER_LINES; i++)
        printk(LOG_DEBUG, "limits: filler %d of %d, to wrap the log ring: %s\n", i,
               FILLER_LINES, x);
    kfree(x);
    dump = (struct dump_start){ .calls = 0 };
    log_dump(capture);
    KASSERT(dump.calls >= 2);
    KASSERT(strncmp(dump.notice, "log: the oldest ", 16) == 0);
    /* The ring holds 65536 bytes, less the part of a line the wrap cut. */
    KASSERT(strchr(dump.notice, ';') &&
            strncmp(strchr(dump.notice, ';'), "; the last 65", 13) == 0);
    KASSERT_EQ(dump.next, '[');     /* a whole line: it starts with its time stamp */
}
