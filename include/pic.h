/*
 * pic.h - the two cascaded 8259A interrupt controllers.  pic_init() moves
 * IRQ 0..15 to vectors 32..47 (away from the CPU exceptions) and masks
 * every line; irq_register() unmasks the lines that get a handler.
 */
#pragma once
#include <stdbool.h>

void pic_init(void);
void pic_unmask(unsigned irq);
void pic_eoi(unsigned irq);
/* IRQ 7 and 15 fire spuriously; true when this one was (no EOI needed). */
bool pic_is_spurious(unsigned irq);
