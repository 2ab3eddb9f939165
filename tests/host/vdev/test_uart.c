/*
 * Host tests of the 16550A against its datasheet: reset values, transmission to the callback,
 * loopback (bytes and modem lines), the IIR's priority order and what clears each source, the
 * THR-empty interrupt when enabled and after each write, FIFO mode with trigger levels and the
 * character timeout (four character times at the programmed speed), the divisor latch, the
 * receiver's capacity, overrun, and IRQ 4 gated by OUT2.
 */
#include "vdev_test.h"

#include <vdev/uart.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

typedef struct wire {
    uint8_t bytes[64];
    size_t count;
} wire_t;

static void wire_put(void *context, uint8_t byte)
{
    wire_t *w = context;

    w->bytes[w->count++ % 64] = byte;
}

static void setup(vdev_uart_t *u, line_recorder_t *rec, wire_t *w)
{
    vdev_line_t line;

    *rec = (line_recorder_t){0};
    memset(w, 0, sizeof(*w));
    line = line_recorder_line(rec, 4);
    vdev_uart_init(u, &line, wire_put, w);
}

static void reset_values(void **state)
{
    vdev_uart_t u;
    line_recorder_t rec;
    wire_t w;

    (void)state;
    setup(&u, &rec, &w);
    assert_int_equal(vdev_uart_read(&u, 1, 0), 0x00);
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x01);
    assert_int_equal(vdev_uart_read(&u, 3, 0), 0x03);
    assert_int_equal(vdev_uart_read(&u, 4, 0), 0x00);
    assert_int_equal(vdev_uart_read(&u, 5, 0), 0x60);
    assert_int_equal(vdev_uart_read(&u, 6, 0), 0xb0);
    assert_int_equal(vdev_uart_read(&u, 7, 0), 0x00);
    vdev_uart_write(&u, 7, 0x5a, 0);
    assert_int_equal(vdev_uart_read(&u, 7, 0), 0x5a);
    assert_false(rec.level[4]);
}

static void transmit_and_loopback(void **state)
{
    vdev_uart_t u;
    line_recorder_t rec;
    wire_t w;

    (void)state;
    setup(&u, &rec, &w);
    vdev_uart_write(&u, 0, 'h', 0);
    vdev_uart_write(&u, 0, 'i', 0);
    assert_int_equal(w.count, 2);
    assert_memory_equal(w.bytes, "hi", 2);
    assert_int_equal(vdev_uart_read(&u, 5, 0) & 0x60, 0x60); /* THRE and TEMT at once */
    vdev_uart_write(&u, 4, 0x10, 0);                         /* loopback */
    vdev_uart_write(&u, 0, 'x', 0);
    assert_int_equal(w.count, 2);
    assert_int_equal(vdev_uart_read(&u, 5, 0) & 0x01, 0x01);
    assert_int_equal(vdev_uart_read(&u, 0, 0), 'x');
    assert_int_equal(vdev_uart_read(&u, 5, 0) & 0x01, 0x00);
    /* Modem lines in loopback: RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD. */
    vdev_uart_read(&u, 6, 0);
    vdev_uart_write(&u, 4, 0x1f, 0);
    assert_int_equal(vdev_uart_read(&u, 6, 0), 0xf0 | 0x0b); /* DCTS, DDSR, DDCD; RI rose */
    vdev_uart_write(&u, 4, 0x1b, 0);                         /* OUT1 off: RI's trailing edge */
    assert_int_equal(vdev_uart_read(&u, 6, 0), 0xb0 | 0x04);
    assert_int_equal(vdev_uart_receive(&u, (const uint8_t *)"z", 1, 0), 0); /* disconnected */
}

static void iir_priorities(void **state)
{
    vdev_uart_t u;
    line_recorder_t rec;
    wire_t w;

    (void)state;
    setup(&u, &rec, &w);
    vdev_uart_write(&u, 4, 0x1a, 0);                  /* loopback, RTS, OUT2 */
    vdev_uart_write(&u, 0, 'a', 0);                   /* fills the holding register */
    vdev_uart_write(&u, 0, 'b', 0);                   /* overrun */
    vdev_uart_write(&u, 1, 0x0f, 0);                  /* every interrupt */
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x06); /* line status first */
    assert_int_equal(vdev_uart_read(&u, 5, 0) & 0x03, 0x03);
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x04); /* then received data */
    assert_int_equal(vdev_uart_read(&u, 0, 0), 'a');
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x02); /* then THR empty: cleared by this read */
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x00); /* then modem status */
    vdev_uart_read(&u, 6, 0);
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x01);
}

static void thre_interrupt_and_out2(void **state)
{
    vdev_uart_t u;
    line_recorder_t rec;
    wire_t w;

    (void)state;
    setup(&u, &rec, &w);
    vdev_uart_write(&u, 1, 0x02, 0); /* ETBEI while THR is empty: at once */
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0x02);
    assert_false(rec.level[4]); /* OUT2 is off: the PC's IRQ 4 stays low */
    vdev_uart_write(&u, 4, 0x08, 0);
    assert_false(rec.level[4]); /* the IIR read cleared it */
    vdev_uart_write(&u, 0, 'q', 0);
    assert_true(rec.level[4]); /* empty again after the write */
    vdev_uart_write(&u, 1, 0x00, 0);
    assert_false(rec.level[4]);
    vdev_uart_write(&u, 1, 0x02, 0);
    assert_true(rec.level[4]);
    vdev_uart_write(&u, 4, 0x18, 0); /* loopback: the pin is cut off */
    assert_false(rec.level[4]);
}

static void fifo_trigger_and_timeout(void **state)
{
    vdev_uart_t u;
    line_recorder_t rec;
    wire_t w;
    const uint8_t bytes[20] = "0123456789abcdefghi";
    uint64_t char_ns = (10ull * 16 * 1 * 1000000000ull + 1843199) / 1843200;

    (void)state;
    setup(&u, &rec, &w);
    vdev_uart_write(&u, 3, 0x83, 0); /* DLAB */
    vdev_uart_write(&u, 0, 0x01, 0); /* 115200 baud */
    vdev_uart_write(&u, 1, 0x00, 0);
    assert_int_equal(vdev_uart_read(&u, 0, 0), 0x01);
    vdev_uart_write(&u, 3, 0x03, 0);
    vdev_uart_write(&u, 2, 0xc7, 0); /* FIFO on, both reset, trigger 14 */
    vdev_uart_write(&u, 4, 0x08, 0);
    vdev_uart_write(&u, 1, 0x01, 0);
    assert_int_equal(vdev_uart_read(&u, 2, 0), 0xc1);
    assert_int_equal(vdev_uart_receive_room(&u), 16);
    assert_int_equal(vdev_uart_receive(&u, bytes, 13, 1000), 13);
    assert_int_equal(vdev_uart_read(&u, 2, 1000), 0xc1);
    assert_int_equal(vdev_uart_next_deadline(&u, 1000), 1000 + 4 * char_ns);
    assert_int_equal(vdev_uart_read(&u, 2, 1000 + 4 * char_ns - 1), 0xc1);
    vdev_uart_advance(&u, 1000 + 4 * char_ns);
    assert_true(rec.level[4]);
    assert_int_equal(vdev_uart_read(&u, 2, 1000 + 4 * char_ns), 0xcc);  /* character timeout */
    assert_int_equal(vdev_uart_receive(&u, bytes + 13, 7, 2000000), 3); /* 16 fit */
    assert_int_equal(vdev_uart_read(&u, 2, 2000000), 0xc4);             /* at the trigger */
    for (unsigned i = 0; i < 16; i++) {
        assert_int_equal(vdev_uart_read(&u, 0, 2000000), bytes[i]);
    }
    assert_int_equal(vdev_uart_read(&u, 5, 2000000) & 0x01, 0);
    assert_false(rec.level[4]);
    /* Without the FIFO the receiver holds one byte. */
    vdev_uart_write(&u, 2, 0x00, 2000000);
    assert_int_equal(vdev_uart_read(&u, 2, 2000000), 0x01);
    assert_int_equal(vdev_uart_receive(&u, bytes, 5, 2000000), 1);
    assert_int_equal(vdev_uart_read(&u, 2, 2000000), 0x04);
    assert_int_equal(vdev_uart_next_deadline(&u, 2000000), VDEV_NO_DEADLINE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(reset_values),
            cmocka_unit_test(transmit_and_loopback),
            cmocka_unit_test(iir_priorities),
            cmocka_unit_test(thre_interrupt_and_out2),
            cmocka_unit_test(fifo_trigger_and_timeout),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
