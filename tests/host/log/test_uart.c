/*
 * The log service's COM1 driver (services/log/uart.c) against a model of a 16550 with FIFOs:
 * a line at the other end that reads or stops reading, received bytes arriving at any time, the
 * interrupt line the OR of "bytes received" and "transmitter empty" as the 16550 computes it
 * (reading the identification register clears a reported "transmitter empty", writing the data
 * register clears it too), and a transmit FIFO that, written when full, loses a byte as QEMU's
 * does. Checked: output in order and whole while the line reads; a line that stops reading
 * costs a bounded number of port accesses per write, overwrites nothing, and the ring's overflow
 * is counted exactly; the interrupt work always leaves the line low (the next event is an edge);
 * received bytes are all taken.
 */
#include <sel4/functions.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define FIFO    16
#define OUT_MAX (200u * 1024u)
#define BASE    0x3f8
#define IER_RX  0x01u
#define IER_TX  0x02u

static struct {
    uint8_t lcr; /* bit 7: ports 0 and 1 are the divisor latch */
    uint8_t ier;
    uint8_t tx[FIFO];
    unsigned tx_count;
    int thr_pending; /* the 16550's "transmitter empty" interrupt, until IIR read or THR write */
    uint8_t rx[4096];
    unsigned rx_head, rx_tail;
    int reading; /* the other end takes what the FIFO sends */
    uint8_t out[OUT_MAX];
    size_t out_length;
    unsigned overwritten; /* bytes written into a full transmit FIFO */
    unsigned long accesses;
    unsigned flood;      /* bytes still to arrive, one as each is read */
    int irq_level;       /* the interrupt line as last seen */
    unsigned long edges; /* its rises */
} uart;

static void model_reset(void)
{
    memset(&uart, 0, sizeof(uart));
    uart.reading = 1;
    uart.thr_pending = 0;
}

/* The line takes the FIFO's bytes (QEMU sends at once when the other end reads). */
static void model_transmit(void)
{
    if (!uart.reading || uart.tx_count == 0) {
        return;
    }
    for (unsigned i = 0; i < uart.tx_count && uart.out_length < OUT_MAX; i++) {
        uart.out[uart.out_length++] = uart.tx[i];
    }
    uart.tx_count = 0;
    uart.thr_pending = 1;
}

static int model_irq(void)
{
    int rx = (uart.ier & IER_RX) && uart.rx_head != uart.rx_tail;
    int tx = (uart.ier & IER_TX) && uart.thr_pending;
    return rx || tx;
}

/* After each access: an edge-triggered controller sees only the line's rises. */
static void model_line(void)
{
    int level = model_irq();

    if (level && !uart.irq_level) {
        uart.edges++;
    }
    uart.irq_level = level;
}

static seL4_X86_IOPort_In8_t fake_in8(seL4_X86_IOPort service, seL4_Uint16 port)
{
    seL4_X86_IOPort_In8_t r = {.error = seL4_NoError, .result = 0};

    (void)service;
    uart.accesses++;
    model_transmit();
    switch (port - BASE) {
    case 0:
        if (uart.rx_head != uart.rx_tail) {
            r.result = uart.rx[uart.rx_tail++ % sizeof(uart.rx)];
            if (uart.flood > 0) {
                uart.flood--;
                uart.rx[uart.rx_head % sizeof(uart.rx)] = (uint8_t)uart.rx_head;
                uart.rx_head++;
            }
        }
        break;
    case 2:
        if ((uart.ier & IER_RX) && uart.rx_head != uart.rx_tail) {
            r.result = 0xc4; /* data available */
        } else if ((uart.ier & IER_TX) && uart.thr_pending) {
            r.result = 0xc2;
            uart.thr_pending = 0;
        } else {
            r.result = 0xc1; /* FIFOs on, nothing pending */
        }
        break;
    case 5:
        r.result = (uint8_t)((uart.rx_head != uart.rx_tail ? 0x01 : 0) |
                             (uart.tx_count == 0 ? 0x60 : 0));
        break;
    default:
        break;
    }
    model_line();
    return r;
}

static seL4_Error fake_out8(seL4_X86_IOPort service, seL4_Word port, seL4_Word value)
{
    (void)service;
    uart.accesses++;
    if (port - BASE == 3) {
        uart.lcr = (uint8_t)value;
    }
    if ((uart.lcr & 0x80) && port - BASE <= 1) {
        return seL4_NoError; /* the divisor */
    }
    switch (port - BASE) {
    case 0:
        if (uart.tx_count == FIFO) {
            uart.overwritten++;
            memmove(uart.tx, uart.tx + 1, FIFO - 1);
            uart.tx_count--;
        }
        uart.tx[uart.tx_count++] = (uint8_t)value;
        uart.thr_pending = 0;
        break;
    case 1:
        /* Enabling the interrupt with the transmitter empty raises it at once. */
        if ((value & IER_TX) && !(uart.ier & IER_TX) && uart.tx_count == 0) {
            uart.thr_pending = 1;
        }
        uart.ier = (uint8_t)value;
        break;
    default:
        break;
    }
    model_transmit();
    model_line();
    return seL4_NoError;
}

#define seL4_X86_IOPort_In8  fake_in8
#define seL4_X86_IOPort_Out8 fake_out8
#include "uart.c"

static char received[8192];
static size_t received_length;
static size_t take_max = sizeof(received);

static void take(void *context)
{
    size_t room = sizeof(received) - received_length;

    (void)context;
    received_length += uart_read(received + received_length, room < take_max ? room : take_max);
}

/* The kernel's part: an edge signals the handler; one that comes before the acknowledgement
 * is held and signals it again after. The handler must never leave the line high without an
 * edge during its run: that interrupt would never come. */
static void run_interrupts(void)
{
    int signalled = model_irq();

    for (int i = 0; i < 100000 && signalled; i++) {
        unsigned long seen = uart.edges;
        uart_service(take, NULL);
        signalled = uart.edges != seen;
        assert_true(signalled || !model_irq());
    }
    assert_false(model_irq());
}

static void start(void)
{
    model_reset();
    tx_head = tx_tail = tx_dropped = 0;
    received_length = 0;
    take_max = sizeof(received);
    uart_init(1, BASE);
    assert_int_equal(uart.ier, IER_RX);
}

static void test_lines_out_whole_and_in_order(void **state)
{
    char text[1000];
    (void)state;
    start();
    for (size_t i = 0; i < sizeof(text); i++) {
        text[i] = (char)('a' + i % 26);
    }
    text[500] = '\n';
    uart_write(text, sizeof(text));
    run_interrupts();
    assert_int_equal(uart.out_length, sizeof(text) + 1);
    assert_memory_equal(uart.out, text, 500);
    assert_memory_equal(uart.out + 500, "\r\n", 2);
    assert_memory_equal(uart.out + 502, text + 501, sizeof(text) - 501);
    assert_int_equal(uart.overwritten, 0);
    assert_int_equal(uart_dropped(), 0);
    assert_int_equal(uart.ier, IER_RX); /* nothing waits: no transmit interrupt */
}

static void test_stalled_line_costs_little_and_loses_nothing_queued(void **state)
{
    static char chunk[4096];
    size_t queued = 0;
    (void)state;
    start();
    uart.reading = 0;
    memset(chunk, 'x', sizeof(chunk));
    for (unsigned i = 0; i < 30; i++) {
        unsigned long before = uart.accesses;
        chunk[0] = (char)('A' + i);
        uart_write(chunk, sizeof(chunk));
        queued += sizeof(chunk);
        /* One look at the transmitter and the interrupt enable: no waiting for the line. */
        assert_true(uart.accesses - before <= FIFO + 3);
    }
    assert_int_equal(uart.overwritten, 0);
    /* The ring full, and the FIFO's first 16 bytes (sent before the line stopped draining). */
    assert_int_equal(uart_dropped(), queued - UART_TX_BYTES - FIFO);
    assert_int_equal(uart.ier, IER_RX | IER_TX);
    uart.reading = 1;
    model_transmit();
    run_interrupts();
    assert_int_equal(uart.out_length, UART_TX_BYTES + FIFO);
    for (unsigned i = 0; i < (UART_TX_BYTES + FIFO) / sizeof(chunk); i++) {
        assert_int_equal(uart.out[i * sizeof(chunk)], 'A' + i);
    }
    assert_int_equal(uart.overwritten, 0);
    assert_int_equal(uart.ier, IER_RX);
}

static void test_received_bytes_taken_while_sending(void **state)
{
    char text[300];
    (void)state;
    start();
    memset(text, 'o', sizeof(text));
    uart.reading = 0;
    uart_write(text, sizeof(text));
    for (unsigned i = 0; i < 100; i++) {
        uart.rx[uart.rx_head++ % sizeof(uart.rx)] = (uint8_t)i;
    }
    uart.reading = 1;
    model_transmit();
    run_interrupts();
    assert_int_equal(received_length, 100);
    for (unsigned i = 0; i < 100; i++) {
        assert_int_equal((uint8_t)received[i], i);
    }
    assert_int_equal(uart.out_length, sizeof(text));
}

/* Input that keeps coming as fast as it is read, taken a few bytes a round: the handler stops
 * after its rounds with the line still high, and must make it rise again. */
static void test_input_flood_keeps_interrupting(void **state)
{
    (void)state;
    start();
    take_max = 8;
    uart.flood = 5000;
    uart.rx[uart.rx_head++] = 0;
    model_line();
    run_interrupts();
    assert_int_equal(received_length, 5001);
    for (unsigned i = 0; i < 5001; i++) {
        assert_int_equal((uint8_t)received[i], (uint8_t)i);
    }
}

static void test_flush_drains_or_gives_up(void **state)
{
    char text[5000];
    (void)state;
    start();
    memset(text, 'f', sizeof(text));
    uart.reading = 0;
    uart_write(text, sizeof(text));
    uart_flush(); /* the line never reads: it must come back */
    assert_true(uart.out_length == 0);
    uart.reading = 1;
    uart_flush();
    assert_int_equal(uart.out_length, sizeof(text));
    assert_int_equal(uart.ier, IER_RX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_lines_out_whole_and_in_order),
            cmocka_unit_test(test_stalled_line_costs_little_and_loses_nothing_queued),
            cmocka_unit_test(test_received_bytes_taken_while_sending),
            cmocka_unit_test(test_input_flood_keeps_interrupting),
            cmocka_unit_test(test_flush_drains_or_gives_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
