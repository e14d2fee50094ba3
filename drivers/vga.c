/*
 * vga.c - VGA text mode console (see include/vga.h).  The frame buffer sits
 * at physical 0xB8000: two bytes per cell, character then attribute.
 * The hardware cursor is left alone; the serial port is the real console.
 */
#include <stdint.h>
#include "vga.h"
#include "mm.h"

#define VGA_PHYS        0xB8000
#define VGA_COLS        80
#define VGA_ROWS        25
#define VGA_ATTR        0x07    /* light grey on black */

static uint16_t *screen;
static int row, col;

static uint16_t cell(char c) { return (uint16_t)(VGA_ATTR << 8 | (uint8_t)c); }

void vga_init(void)
{
    screen = phys_to_virt(VGA_PHYS);
    for (int i = 0; i < VGA_COLS * VGA_ROWS; i++)
        screen[i] = cell(' ');
    row = col = 0;
}

static void scroll(void)
{
    for (int i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++)
        screen[i] = screen[i + VGA_COLS];
    for (int i = 0; i < VGA_COLS; i++)
        screen[VGA_COLS * (VGA_ROWS - 1) + i] = cell(' ');
    row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
    if (!screen)
        return;
    switch (c) {
    case '\n':
        col = 0;
        row++;
        break;
    case '\r':
        col = 0;
        break;
    case '\b':
        if (col)
            col--;
        break;
    case '\t':
        col = (col + 8) & ~7;
        break;
    default:
        screen[row * VGA_COLS + col++] = cell(c);
        break;
    }
    if (col >= VGA_COLS) {
        col = 0;
        row++;
    }
    if (row >= VGA_ROWS)
        scroll();
}
