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
#define IER_TX_EMPTY      0x02
#define IIR_NONE_PENDING  0x01
#define LSR_RX_READY      0x01
#define LSR_TX_EMPTY      0x20
#define IIR_FIFO_ENABLED  0xc0
#define FIFO_DEPTH        16
/* Rounds of uart_service before it gives up on a UART that never says "nothing pending". */
#define SERVICE_ROUNDS 64
/* Transmitter polls of uart_flush without progress before it gives up on the line. */
#define FLUSH_POLLS 1000000

static seL4_CPtr port_cap;
static seL4_Word port_base;
static unsigned tx_depth = 1;
static seL4_Uint8 int_enable;
static char tx_ring[UART_TX_BYTES];
static uint64_t tx_head; /* bytes queued since the start */
static uint64_t tx_tail; /* bytes handed to the transmitter */
static uint64_t tx_dropped;

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
    int_enable = IER_RX_AVAILABLE;
    out8(UART_INT_ENABLE, int_enable);
}

static void set_int_enable(seL4_Uint8 value)
{
    if (value != int_enable) {
        int_enable = value;
        out8(UART_INT_ENABLE, value);
    }
}

/* A FIFO's worth to the transmitter when it is empty; its interrupt on while bytes wait (the
 * 16550 raises it at once when enabled with the transmitter empty, and again each time the
 * FIFO empties), off when the ring is empty. Returns whether bytes went out. */
static bool tx_pump(void)
{
    bool sent = false;

    if (tx_head != tx_tail && (in8(UART_LINE_STATUS) & LSR_TX_EMPTY)) {
        for (unsigned n = 0; n < tx_depth && tx_tail != tx_head; n++, tx_tail++) {
            out8(UART_DATA, (seL4_Uint8)tx_ring[tx_tail % UART_TX_BYTES]);
        }
        sent = true;
    }
    set_int_enable(tx_head != tx_tail ? IER_RX_AVAILABLE | IER_TX_EMPTY : IER_RX_AVAILABLE);
    return sent;
}

static void tx_put(char c)
{
    if (tx_head - tx_tail == UART_TX_BYTES) {
        tx_dropped++;
        return;
    }
    tx_ring[tx_head++ % UART_TX_BYTES] = c;
}

void uart_write(const char *text, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        if (text[i] == '\n') {
            tx_put('\r');
        }
        tx_put(text[i]);
    }
    tx_pump();
}

size_t uart_read(char *out, size_t max)
{
    size_t n = 0;

    while (n < max && (in8(UART_LINE_STATUS) & LSR_RX_READY)) {
        out[n++] = (char)in8(UART_DATA);
    }
    return n;
}

void uart_service(void (*receive)(void *context), void *context)
{
    for (unsigned round = 0; round < SERVICE_ROUNDS; round++) {
        /* Reading the identification clears a pending "transmitter empty": the pump below
         * reads the line status itself, so no room goes unused. */
        if (in8(UART_INT_ID) & IIR_NONE_PENDING) {
            return;
        }
        if (in8(UART_LINE_STATUS) & LSR_RX_READY) {
            receive(context);
        }
        tx_pump();
    }
    /* Still pending after the rounds (a long queue draining as fast as it is fed, or a flood of
     * input): the line is high and would stay so, and an edge-triggered line that never falls
     * never interrupts again. Masking and unmasking makes it fall and rise: a new edge, which
     * the kernel holds until the caller's acknowledgement, and the work goes on from there
     * after the event loop has served the others. */
    out8(UART_INT_ENABLE, 0);
    out8(UART_INT_ENABLE, int_enable);
}

void uart_flush(void)
{
    for (unsigned polls = 0; tx_head != tx_tail && polls < FLUSH_POLLS; polls++) {
        if (tx_pump()) {
            polls = 0;
        }
    }
}

uint64_t uart_dropped(void)
{
    return tx_dropped;
}
