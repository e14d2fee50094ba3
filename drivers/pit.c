/*
 * pit.c - 8254 programmable interval timer, channel 0 (see include/pit.h).
 * Mode and command bits from the Intel 8254 datasheet, "Control Word Format".
 */
#include "pit.h"
#include "x86.h"

#define PIT_CHANNEL0    0x40
#define PIT_COMMAND     0x43

#define CMD_CHANNEL0    0x00
#define CMD_LATCH       0x00    /* access bits 00: counter latch command */
#define CMD_LOHI        0x30    /* low byte then high byte */
#define CMD_MODE_RATE   0x04    /* mode 2: rate generator */

void pit_start_periodic(uint32_t hz)
{
    uint32_t divisor = PIT_INPUT_HZ / hz;
    outb(PIT_COMMAND, CMD_CHANNEL0 | CMD_LOHI | CMD_MODE_RATE);
    outb(PIT_CHANNEL0, divisor & 0xFF);
    outb(PIT_CHANNEL0, divisor >> 8);
}

uint16_t pit_read_count(void)
{
    uint32_t flags = irq_save();
    outb(PIT_COMMAND, CMD_CHANNEL0 | CMD_LATCH);
    uint16_t lo = inb(PIT_CHANNEL0);
    uint16_t hi = inb(PIT_CHANNEL0);
    irq_restore(flags);
    return (uint16_t)(hi << 8 | lo);
}
