/*
 * vga.h - the 80x25 VGA text screen: a mirror of the console for people
 * watching the QEMU window.  Scrolls; understands \n, \r, \b and \t.
 */
#pragma once

void vga_init(void);
void vga_putc(char c);
