/*
 * bench_boot.c - bench=boot: how many instructions firmware and GRUB ran
 * before the kernel's first instruction, and how many the kernel's own
 * start-up took until it was ready to run tests.
 */
#include <stddef.h>
#include <stdint.h>
#include "kbench.h"
#include "x86.h"

extern uint64_t boot_tsc_at_entry;      /* boot/boot.asm: first instruction */
extern uint64_t kmain_tsc;              /* kernel/main.c: kmain() entered */

KBENCH(boot)
{
    uint64_t now = rdtsc();
    bench_report("boot", NULL, "firmware_and_grub_instructions",
                 bench_instructions(boot_tsc_at_entry), "instructions");
    bench_report("boot", NULL, "entry_to_kmain_instructions",
                 bench_instructions(kmain_tsc - boot_tsc_at_entry), "instructions");
    bench_report("boot", NULL, "kmain_to_ready_instructions",
                 bench_instructions(now - kmain_tsc), "instructions");
}
