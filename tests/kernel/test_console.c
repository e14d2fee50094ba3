/*
 * test_console.c - the log ring keeps every line, the console shows only
 * those at or above loglevel, and the VGA screen mirrors the console.
 */
#include <stdbool.h>
#include "kstring.h"
#include "ktest.h"
#include "mm.h"
#include "printk.h"

#define VGA_PHYS    0xB8000
#define VGA_CELLS   (80 * 25)

/* On the console: the harness boots this with loglevel=7 and sees the
 * debug line; in the boot suite (default loglevel 6) it must not show. */
KTEST(printk_log_ring_keeps_every_level)
{
    uint32_t mark = log_mark();
    pr_debug("printk-test: a debug line\n");
    pr_info("printk-test: an info line\n");
    pr_warn("printk-test: a warning line\n");
    KASSERT(log_contains(mark, "printk-test: a debug line\n"));
    KASSERT(log_contains(mark, "printk-test: an info line\n"));
    KASSERT(log_contains(mark, "printk-test: a warning line\n"));
    KASSERT(!log_contains(mark, "printk-test: never printed"));
    KASSERT(!log_contains(log_mark(), "printk-test: a debug line"));
}

static bool screen_contains(const char *text)
{
    const uint16_t *cells = phys_to_virt(VGA_PHYS);
    size_t n = strlen(text);
    for (size_t i = 0; i + n <= VGA_CELLS; i++) {
        size_t k = 0;
        while (k < n && (char)(cells[i + k] & 0xFF) == text[k])
            k++;
        if (k == n)
            return true;
    }
    return false;
}

KTEST(console_mirrors_to_vga_text_screen)
{
    pr_info("vga-test: marker 4711\n");
    KASSERT(screen_contains("vga-test: marker 4711"));
    KASSERT(!screen_contains("vga-test: marker 4712"));
}
