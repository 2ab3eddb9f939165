/*
 * Polled 16550 UART driver for COM1, the kernel console. Never enables UART interrupts: the
 * line belongs to user space once the log service runs.
 */
#include <arch/io.h>
#include <arch/serial.h>
#include <stdbool.h>

#define UART_DATA         0
#define UART_INT_ENABLE   1
#define UART_DIVISOR_LOW  0
#define UART_DIVISOR_HIGH 1
#define UART_FIFO_CONTROL 2 /* write */
#define UART_INT_ID       2 /* read */
#define UART_LINE_CONTROL 3
#define UART_MODEM_CTRL   4
#define UART_LINE_STATUS  5

#define LCR_8N1           0x03
#define LCR_DIVISOR_LATCH 0x80
#define FCR_ENABLE_CLEAR  0x07
#define MCR_DTR_RTS_OUT2  0x0b
#define LSR_TX_EMPTY      0x20 /* holding register (or FIFO) empty */
#define LSR_TX_IDLE       0x40 /* ... and the shift register too: everything is on the line */
#define IIR_FIFO_ENABLED  0xc0
#define UART_FIFO_DEPTH   16 /* 16550A transmit FIFO */

/*
 * Bytes that may still be written without looking at the line status: the transmitter was seen
 * empty, and a 16550A's FIFO then takes 16 bytes (an 8250 without FIFO takes one). Polling once
 * per FIFO-full rather than once per byte matters where every port access is a VM exit.
 */
static unsigned tx_fifo_depth = 1;
static unsigned tx_room;

void serial_init(void)
{
    io_out8(SERIAL_COM1_PORT + UART_INT_ENABLE, 0);
    io_out8(SERIAL_COM1_PORT + UART_LINE_CONTROL, LCR_DIVISOR_LATCH);
    io_out8(SERIAL_COM1_PORT + UART_DIVISOR_LOW, 1); /* 115200 / 1 */
    io_out8(SERIAL_COM1_PORT + UART_DIVISOR_HIGH, 0);
    io_out8(SERIAL_COM1_PORT + UART_LINE_CONTROL, LCR_8N1);
    io_out8(SERIAL_COM1_PORT + UART_FIFO_CONTROL, FCR_ENABLE_CLEAR);
    io_out8(SERIAL_COM1_PORT + UART_MODEM_CTRL, MCR_DTR_RTS_OUT2);
    bool fifo = (io_in8(SERIAL_COM1_PORT + UART_INT_ID) & IIR_FIFO_ENABLED) == IIR_FIFO_ENABLED;
    tx_fifo_depth = fifo ? UART_FIFO_DEPTH : 1;
    tx_room = 0;
}

static void serial_put_raw(char c)
{
    /* Bounded wait: a missing UART must not hang the kernel. */
    for (unsigned spins = 0; tx_room == 0 && spins < 100000; spins++) {
        if (io_in8(SERIAL_COM1_PORT + UART_LINE_STATUS) & LSR_TX_EMPTY) {
            tx_room = tx_fifo_depth;
            break;
        }
        cpu_pause();
    }
    if (tx_room > 0) {
        tx_room--;
    }
    io_out8(SERIAL_COM1_PORT + UART_DATA, (unsigned char)c);
}

void serial_flush(void)
{
    for (unsigned spins = 0; spins < 100000; spins++) {
        if (io_in8(SERIAL_COM1_PORT + UART_LINE_STATUS) & LSR_TX_IDLE) {
            tx_room = tx_fifo_depth;
            return;
        }
        cpu_pause();
    }
}

void serial_putc(char c)
{
    if (c == '\n') {
        serial_put_raw('\r');
    }
    serial_put_raw(c);
    /* A whole line is on the wire before anything else happens: whoever powers the machine
     * off next (user space through an I/O port, say) cannot cut it short. */
    if (c == '\n') {
        serial_flush();
    }
}
