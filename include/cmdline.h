/*
 * cmdline.h - the kernel command line, as GRUB passed it, and the table
 * of the parameters the kernel reads from it.
 *
 * Every parameter that is read is registered, once, next to the code
 * that owns it:
 *
 *     KERNEL_PARAM(hung_timeout, "20", "report tasks blocked for over S seconds");
 *
 * with its name, its default as text ("20", "kswiod"; "" when absent
 * means "none" or "off") and what it does.  The records go to the
 * .kernel_params section; the monitor's "help params" lists them, and
 * make test's docs_mention_only_what_exists compares them with the table
 * in docs/reference.md.  Reading a parameter that is not registered is a
 * bug in the kernel, and cmdline_get, cmdline_has and cmdline_get_u32
 * panic naming it; so does cmdline_get_u32 with a dflt other than a
 * numeric registered default -- the table cannot drift from the code.
 * Arguments nobody reads are kept and ignored.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct kernel_param {
    const char *name;
    const char *dflt;           /* the default as text; "" for none */
    const char *help;           /* one line: what it does */
};

#define KERNEL_PARAM(name_, dflt_, help_)                                      \
    static const struct kernel_param kernel_param_##name_                       \
        __attribute__((used, section(".kernel_params"), aligned(4))) =          \
        { #name_, dflt_, help_ }

/* The registered parameter called name, or NULL. */
const struct kernel_param *kernel_param_find(const char *name);
/* Call fn for every registered parameter, in link order. */
void kernel_param_for_each(void (*fn)(const struct kernel_param *p));

void cmdline_init(const char *line);
/* The value of key=value, or NULL (also NULL for a bare flag). */
const char *cmdline_get(const char *key);
/* True when key appears, as a flag or with a value. */
bool cmdline_has(const char *key);
/* The value of key as a number; dflt when absent or malformed (with a warning). */
uint32_t cmdline_get_u32(const char *key, uint32_t dflt);
/* The whole line as given. */
const char *cmdline_raw(void);
