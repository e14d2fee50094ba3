/*
 * monitor.h - the serial monitor: a prompt ("swiod> ") that runs commands
 * to look inside the running kernel.  "help" lists them; "halt" leaves
 * QEMU with the verdict of the tests run in this boot.  Commands answer
 * with console_printf, not printk: answers are not kernel events.
 *
 * The prompt is also what tools/qemu-boot waits for before it feeds piped
 * input to the serial port, so a script can drive the monitor.
 */
#pragma once

#define MONITOR_PROMPT "swiod> "

/* The longest command line, with room for two paths of VFS_PATH_MAX
 * (mv OLD NEW), and the most words in one; a longer line or more words
 * is refused with a message, never cut. */
#define MONITOR_LINE_MAX    (2 * 4096 + 256)
#define MONITOR_MAX_WORDS   64

/* A command; MONITOR_COMMAND puts it in the .monitor_commands section, so
 * a subsystem adds its own commands in its own file. */
struct monitor_command {
    const char *name;
    const char *args;           /* usage, for help */
    const char *help;
    void (*run)(int argc, char **argv);
};

#define MONITOR_COMMAND(name_, args_, help_, fn_)                              \
    static const struct monitor_command monitor_cmd_##fn_                       \
        __attribute__((used, section(".monitor_commands"), aligned(4))) =       \
        { name_, args_, help_, fn_ }

__attribute__((noreturn)) void monitor_run(void);
/* One command line, its words split in place: what the prompt does with
 * each line it reads, and what the shell's "monitor CMD" asks for
 * (swiod_monitor, kernel/sys_monitor.c), in the caller's task.  0, or
 * -E2BIG (more than MONITOR_MAX_WORDS words) or -ENOENT (no such
 * command), each said on the console. */
int monitor_exec(char *line);
