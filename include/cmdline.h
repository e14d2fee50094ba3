/*
 * cmdline.h - the kernel command line, as GRUB passed it.
 *
 * Known arguments: test=NAME,NAME|all|GLOB  bench=NAME  seed=N  loglevel=N
 * monitor  icount=SHIFT (set by tools/qemu-boot --icount).  Unknown ones
 * are kept and may be read by anyone (tests use them).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

void cmdline_init(const char *line);
/* The value of key=value, or NULL (also NULL for a bare flag). */
const char *cmdline_get(const char *key);
/* True when key appears, as a flag or with a value. */
bool cmdline_has(const char *key);
/* The value of key as a number; dflt when absent or malformed (with a warning). */
uint32_t cmdline_get_u32(const char *key, uint32_t dflt);
/* The whole line as given. */
const char *cmdline_raw(void);
