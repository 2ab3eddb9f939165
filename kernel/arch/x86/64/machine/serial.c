/*
 * Polled 16550 UART driver for COM1, the kernel console. Never enables UART interrupts: the
 * line belongs to user space once the log service runs.
 */
#include <arch/io.h>
#include <arch/serial.h>

#define UART_DATA         0
#define UART_INT_ENABLE   1
#define UART_DIVISOR_LOW  0
#define UART_DIVISOR_HIGH 1
#define UART_FIFO_CONTROL 2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CTRL   4
#define UART_LINE_STATUS  5

#define LCR_8N1           0x03
#define LCR_DIVISOR_LATCH 0x80
#define FCR_ENABLE_CLEAR  0x07
#define MCR_DTR_RTS_OUT2  0x0b
#define LSR_TX_EMPTY      0x20

void serial_init(void)
{
    io_out8(SERIAL_COM1_PORT + UART_INT_ENABLE, 0);
    io_out8(SERIAL_COM1_PORT + UART_LINE_CONTROL, LCR_DIVISOR_LATCH);
    io_out8(SERIAL_COM1_PORT + UART_DIVISOR_LOW, 1); /* 115200 / 1 */
    io_out8(SERIAL_COM1_PORT + UART_DIVISOR_HIGH, 0);
    io_out8(SERIAL_COM1_PORT + UART_LINE_CONTROL, LCR_8N1);
    io_out8(SERIAL_COM1_PORT + UART_FIFO_CONTROL, FCR_ENABLE_CLEAR);
    io_out8(SERIAL_COM1_PORT + UART_MODEM_CTRL, MCR_DTR_RTS_OUT2);
}

static void serial_put_raw(char c)
{
    /* Bounded wait: a missing UART must not hang the kernel. */
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (io_in8(SERIAL_COM1_PORT + UART_LINE_STATUS) & LSR_TX_EMPTY) {
            break;
        }
        cpu_pause();
    }
    io_out8(SERIAL_COM1_PORT + UART_DATA, (unsigned char)c);
}

void serial_putc(char c)
{
    if (c == '\n') {
        serial_put_raw('\r');
    }
    serial_put_raw(c);
}
