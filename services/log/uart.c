/*
 * COM1 for the log service (uart.h). Every port access is a system call, so the transmitter's
 * state is read once per FIFO's worth of bytes, not once per byte.
 */
#include "uart.h"

#define UART_DATA         0
#define UART_INT_ENABLE   1
#define UART_FIFO_CONTROL 2
#define UART_INT_ID       2
#define UART_LINE_CONTROL 3
#define UART_MODEM_CTRL   4
#define UART_LINE_STATUS  5
#define LCR_DIVISOR_LATCH 0x80
#define LCR_8N1           0x03
#define FCR_ENABLE_CLEAR  0x07
#define MCR_DTR_RTS_OUT2  0x0b
#define IER_RX_AVAILABLE  0x01
#define LSR_RX_READY      0x01
#define LSR_TX_EMPTY      0x20
#define IIR_FIFO_ENABLED  0xc0
#define FIFO_DEPTH        16
#define SPIN_LIMIT        100000

static seL4_CPtr port_cap;
static seL4_Word port_base;
static unsigned tx_depth = 1;
static unsigned tx_room;

static void out8(seL4_Word reg, seL4_Uint8 value)
{
    seL4_X86_IOPort_Out8(port_cap, port_base + reg, value);
}

static seL4_Uint8 in8(seL4_Word reg)
{
    return (seL4_Uint8)seL4_X86_IOPort_In8(port_cap, port_base + reg).result;
}

void uart_init(seL4_CPtr ports, seL4_Word base)
{
    port_cap = ports;
    port_base = base;
    out8(UART_INT_ENABLE, 0);
    out8(UART_LINE_CONTROL, LCR_DIVISOR_LATCH);
    out8(UART_DATA, 1); /* divisor 1: 115200 baud */
    out8(UART_INT_ENABLE, 0);
    out8(UART_LINE_CONTROL, LCR_8N1);
    out8(UART_FIFO_CONTROL, FCR_ENABLE_CLEAR);
    out8(UART_MODEM_CTRL, MCR_DTR_RTS_OUT2);
    tx_depth = (in8(UART_INT_ID) & IIR_FIFO_ENABLED) == IIR_FIFO_ENABLED ? FIFO_DEPTH : 1;
    tx_room = 0;
    out8(UART_INT_ENABLE, IER_RX_AVAILABLE);
}

static void put_raw(char c)
{
    for (unsigned spins = 0; tx_room == 0 && spins < SPIN_LIMIT; spins++) {
        if (in8(UART_LINE_STATUS) & LSR_TX_EMPTY) {
            tx_room = tx_depth;
        }
    }
    if (tx_room > 0) {
        tx_room--;
    }
    out8(UART_DATA, (seL4_Uint8)c);
}

void uart_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\n') {
            put_raw('\r');
        }
        put_raw(text[i]);
    }
}

size_t uart_read(char *out, size_t max)
{
    size_t n = 0;

    while (n < max && (in8(UART_LINE_STATUS) & LSR_RX_READY)) {
        out[n++] = (char)in8(UART_DATA);
    }
    return n;
}
