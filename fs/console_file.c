/*
 * console_file.c - the console as a file: what a process's fds 0, 1 and 2
 * are (see include/file.h).
 *
 * Writing prints the bytes (console_write()).  Reading is line-buffered
 * as a terminal in canonical mode is: a read waits for a whole line typed
 * on the serial console -- edited with readline()'s keys and echoed, as
 * the monitor's own commands are -- and returns it with its '\n', or as
 * much of it as the reader asked for; the rest waits for the next read.
 * A line longer than CONSOLE_LINE_MAX - 1 bytes is cut there, with a log
 * line saying so.  Ctrl-D on an empty line is the end of input: that read
 * returns 0 (the next one waits for a line again), as a terminal's does.
 *
 * A reader asked to stop (task_should_stop(): how kill ends a process)
 * leaves with -EINTR, and what it had typed of its line is lost.
 *
 * poll: POLLIN while the rest of a line waits, or a key was typed and
 * nobody is reading; a read may then still wait for the line's end,
 * since lines are edited by the reader (readline()).  Under O_NONBLOCK a
 * read that poll would not call ready says -EAGAIN.  Writing never waits.
 *
 * Several readers take turns: one reads a line while the others wait (in
 * TASK_SLEEPING, as a wait for a person is no hang); what one was given is
 * not seen by the others.  The line is shared by every console file, as
 * there is one keyboard.
 */
#include "console.h"
#include "file.h"
#include "kerrno.h"
#include "kstring.h"
#include "poll.h"
#include "printk.h"
#include "readline.h"
#include "serial.h"
#include "wait.h"
#include "x86.h"

#define CONSOLE_LINE_MAX    256         /* bytes of one line, its '\n' included */

static char line[CONSOLE_LINE_MAX];     /* the line being handed out; the reader's turn */
static uint32_t line_len, line_off;     /* its bytes, and how many were read */
static bool reading;                    /* some task has the turn */
static struct wait_queue turn = { LIST_HEAD_INIT(turn.waiters), "console read", NULL };

/* Take the turn if it is free: the wait condition below. */
static bool take_turn(void)
{
    uint32_t flags = irq_save();
    bool took = !reading;
    reading = true;
    irq_restore(flags);
    return took;
}

/* Plain reads: the state may change the moment after. */
static uint32_t console_file_poll(struct file *f, struct poll_table *pt)
{
    (void)f;
    poll_wait(pt, &turn);
    poll_wait(pt, &serial_input_wait);
    bool ready = !reading && (line_off < line_len || serial_input_pending());
    return POLLOUT | (ready ? POLLIN : 0);
}

static int console_file_read(struct file *f, void *buf, uint32_t len, uint64_t pos)
{
    (void)pos;
    if (!len)
        return 0;
    if ((f->flags & O_NONBLOCK) && !(console_file_poll(f, NULL) & POLLIN))
        return -EAGAIN;
    wait_event_state(&turn, take_turn(), TASK_SLEEPING);
    if (line_off == line_len) {
        int n = readline("", line, sizeof(line) - 1);
        if (n == -EINTR || n == -ENODATA) {     /* asked to stop, or Ctrl-D */
            reading = false;
            wake_up(&turn);
            return n == -EINTR ? -EINTR : 0;
        }
        if (n == -E2BIG) {
            pr_warn("console: a line longer than %d bytes was typed; the rest is dropped\n",
                    CONSOLE_LINE_MAX - 2);
            n = (int)strlen(line);
        }
        line[n] = '\n';
        line_len = (uint32_t)n + 1;
        line_off = 0;
    }
    uint32_t n = line_len - line_off < len ? line_len - line_off : len;
    memcpy(buf, line + line_off, n);
    line_off += n;
    reading = false;
    wake_up(&turn);
    return (int)n;
}

static int console_file_write(struct file *f, const void *buf, uint32_t len, uint64_t pos)
{
    (void)f, (void)pos;
    console_write(buf, len);
    return (int)len;
}

static void console_file_stat(struct file *f, struct kstat *st)
{
    (void)f;
    *st = (struct kstat){ .mode = S_IFCHR | 0620, .nlink = 1 };
}

static const struct file_operations console_file_ops = {
    .read = console_file_read,
    .write = console_file_write,
    .stat = console_file_stat,
    .poll = console_file_poll,
};

struct file *console_file_open(void)
{
    return file_alloc(&console_file_ops, O_RDWR, NULL);
}
