/*
 * printk.h - the kernel log.
 *
 * printk(level, fmt, ...) appends the text, each line stamped with the
 * uptime, to the log ring (log_buf, read by the monitor's dmesg and gdb's
 * kdmesg), and prints it on the console when level <= console_loglevel
 * (command line loglevel=N, default LOG_INFO).  Safe in any context: it
 * disables interrupts around the ring update and takes no locks.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_level {
    LOG_EMERG, LOG_ALERT, LOG_CRIT, LOG_ERR,
    LOG_WARNING, LOG_NOTICE, LOG_INFO, LOG_DEBUG,
};

extern int console_loglevel;

void printk(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)     printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)    printk(LOG_WARNING, __VA_ARGS__)
#define pr_info(...)    printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...)   printk(LOG_DEBUG, __VA_ARGS__)

/* Where the log ends now: pass it to log_contains to search what comes after. */
uint32_t log_mark(void);
/* True when text was logged after mark (and is still in the ring). */
bool log_contains(uint32_t mark, const char *text);

/* Call out(text, len) for the log's contents, oldest first, in at most two
 * pieces (the ring may wrap). */
void log_dump(void (*out)(const char *text, size_t len));
