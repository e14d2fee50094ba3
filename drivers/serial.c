/*
 * serial.c - 16550 UART driver for COM1 (see include/serial.h).
 * Register names and bits from the National Semiconductor PC16550D
 * datasheet, section 8 ("Registers").
 */
#include <stdint.h>
#include "serial.h"
#include "interrupts.h"
#include "x86.h"

#define COM1            0x3F8
#define COM1_IRQ        4

#define UART_RBR        0       /* receiver buffer (read, DLAB=0) */
#define UART_THR        0       /* transmitter holding (write, DLAB=0) */
#define UART_DLL        0       /* divisor latch low (DLAB=1) */
#define UART_IER        1       /* interrupt enable (DLAB=0) */
#define UART_DLM        1       /* divisor latch high (DLAB=1) */
#define UART_FCR        2       /* FIFO control (write) */
#define UART_LCR        3       /* line control */
#define UART_MCR        4       /* modem control */
#define UART_LSR        5       /* line status */

#define IER_RX_AVAILABLE 0x01
#define FCR_ENABLE      0x01
#define FCR_CLEAR_RX    0x02
#define FCR_CLEAR_TX    0x04
#define FCR_TRIGGER_1   0x00    /* interrupt after every received byte */
#define LCR_8N1         0x03
#define LCR_DLAB        0x80
#define MCR_DTR         0x01
#define MCR_RTS         0x02
#define MCR_OUT2        0x08    /* gates the UART's interrupt line on PCs */
#define LSR_DATA_READY  0x01
#define LSR_THR_EMPTY   0x20

#define UART_CLOCK_HZ   115200  /* divisor 1 = 115200 baud */
#define RX_RING_SIZE    256     /* a power of two */

static volatile uint8_t rx_ring[RX_RING_SIZE];
static volatile uint32_t rx_head;       /* written by the IRQ handler */
static volatile uint32_t rx_tail;       /* read by serial_getc() */
struct wait_queue serial_input_wait = {
    LIST_HEAD_INIT(serial_input_wait.waiters), "serial input", NULL
};

void serial_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DLL, UART_CLOCK_HZ / 115200);
    outb(COM1 + UART_DLM, 0);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE | FCR_CLEAR_RX | FCR_CLEAR_TX | FCR_TRIGGER_1);
    outb(COM1 + UART_MCR, MCR_DTR | MCR_RTS | MCR_OUT2);
}

void serial_putc(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        ;
    outb(COM1 + UART_THR, (uint8_t)c);
}

static volatile bool rx_paused;         /* ring full: RX interrupt off */

/*
 * Move received bytes into the ring.  When it is full, leave the rest in
 * the UART and switch its receive interrupt off: the UART's FIFO fills and
 * the sender waits (QEMU stops reading its input), so typing ahead or a
 * piped script never loses a byte.  serial_getc() switches it back on.
 */
static void serial_irq(struct int_frame *frame)
{
    (void)frame;
    while (inb(COM1 + UART_LSR) & LSR_DATA_READY) {
        if (rx_head - rx_tail == RX_RING_SIZE) {
            rx_paused = true;
            outb(COM1 + UART_IER, 0);
            break;
        }
        rx_ring[rx_head++ % RX_RING_SIZE] = inb(COM1 + UART_RBR);
    }
    wake_up(&serial_input_wait);
}

void serial_enable_rx_irq(void)
{
    irq_register(COM1_IRQ, serial_irq);
    outb(COM1 + UART_IER, IER_RX_AVAILABLE);
}

bool serial_input_pending(void)
{
    return rx_tail != rx_head;
}

int serial_getc(void)
{
    if (rx_tail == rx_head)
        return -1;
    int c = rx_ring[rx_tail++ % RX_RING_SIZE];
    if (rx_paused) {
        rx_paused = false;
        outb(COM1 + UART_IER, IER_RX_AVAILABLE);    /* fires at once if bytes wait */
    }
    return c;
}
