/*
 * COM1, polled: 115200 baud 8N1 with FIFOs on. Output waits for the transmitter holding
 * register to empty, byte by byte; nothing here takes an interrupt or reads input.
 */
#include "console.h"

#include <fmt/fmt.h>

#include "cpu.h"

#define UART_DATA        0
#define UART_INTERRUPTS  1
#define UART_FIFO        2
#define UART_LINE_CTRL   3
#define UART_MODEM_CTRL  4
#define UART_LINE_STATUS 5

#define LCR_8N1       0x03
#define LCR_DLAB      0x80
#define LSR_THR_EMPTY 0x20

void console_init(void)
{
    outb(COM1_BASE + UART_INTERRUPTS, 0x00);
    outb(COM1_BASE + UART_LINE_CTRL, LCR_DLAB);
    outb(COM1_BASE + UART_DATA, 0x01); /* divisor 1: 115200 baud */
    outb(COM1_BASE + UART_INTERRUPTS, 0x00);
    outb(COM1_BASE + UART_LINE_CTRL, LCR_8N1);
    outb(COM1_BASE + UART_FIFO, 0x07);       /* enable and clear both FIFOs */
    outb(COM1_BASE + UART_MODEM_CTRL, 0x03); /* DTR, RTS */
}

static void uart_put(char c)
{
    /* Bounded: a UART that never drains (none present) must not hang the guest. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (inb(COM1_BASE + UART_LINE_STATUS) & LSR_THR_EMPTY) {
            break;
        }
        cpu_relax();
    }
    outb(COM1_BASE + UART_DATA, (uint8_t)c);
}

void console_putc(char c)
{
    if (c == '\n') {
        uart_put('\r');
    }
    uart_put(c);
}

void console_write(const char *s, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        console_putc(s[i]);
    }
}

static void console_sink(void *context, char c)
{
    (void)context;
    console_putc(c);
}

void console_vprintf(const char *format, va_list args)
{
    fmt_vformat(console_sink, NULL, format, args);
}

void console_printf(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    console_vprintf(format, args);
    va_end(args);
}
