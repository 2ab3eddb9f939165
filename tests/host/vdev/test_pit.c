/*
 * Host tests of the 8254 against its datasheet, with time: counts read back (live, latched,
 * read-back) equal N - ticks(now) for an independent tick count (1.193182 MHz = 105/88 MHz,
 * computed here with __int128); mode 2 and mode 3 periods and IRQ 0 edges at the right
 * nanosecond; mode 3's half periods on OUT; mode 0 and mode 4 single edges; the status byte;
 * LSB, MSB and BCD access; a new count at the end of a period; channel 2 gated through port
 * 0x61, OUT2 rising at the tick the count runs out, as a TSC calibration loop sees it; the
 * refresh toggle; one coalesced edge when advance comes late.
 */
#include "vdev_test.h"

#include <vdev/pit.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

/* Independent of lib/vdev: whole 8254 ticks in `ns` nanoseconds, and the first ns of tick k. */
static uint64_t ticks(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * 105u) / 88000u);
}

static uint64_t tick_time(uint64_t k)
{
    return (uint64_t)(((unsigned __int128)k * 88000u + 104u) / 105u);
}

static void setup(vdev_pit_t *pit, line_recorder_t *rec)
{
    vdev_line_t line;

    *rec = (line_recorder_t){0};
    line = line_recorder_line(rec, 0);
    vdev_pit_init(pit, &line);
}

static void program(vdev_pit_t *pit, unsigned channel, unsigned mode, uint16_t count, uint64_t now)
{
    vdev_pit_write(pit, 3, (uint8_t)(channel << 6 | 0x30 | mode << 1), now);
    vdev_pit_write(pit, channel, (uint8_t)count, now);
    vdev_pit_write(pit, channel, (uint8_t)(count >> 8), now);
}

static uint16_t latch_and_read(vdev_pit_t *pit, unsigned channel, uint64_t now, uint64_t later)
{
    uint16_t value;

    vdev_pit_write(pit, 3, (uint8_t)(channel << 6), now); /* counter latch */
    value = vdev_pit_read(pit, channel, later);
    return (uint16_t)(value | vdev_pit_read(pit, channel, later) << 8);
}

static void mode2_period_and_irq0(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;
    const uint16_t n = 1193; /* about 1 ms */
    const uint64_t start = 5000;

    (void)state;
    setup(&pit, &rec);
    program(&pit, 0, 2, n, start);
    assert_true(rec.level[0]);
    for (uint64_t k = 1; k <= 50; k++) {
        uint64_t edge = start + tick_time(k * n);

        assert_int_equal(vdev_pit_next_deadline(&pit, edge - 1), edge);
        vdev_pit_advance(&pit, edge - 1);
        assert_int_equal(rec.rises[0], k); /* the rise when the line was set up, then k-1 */
        vdev_pit_advance(&pit, edge);
        assert_int_equal(rec.rises[0], k + 1);
        assert_true(rec.level[0]);
    }
    assert_int_equal(pit.irq0_edges, 50);
}

static void counts_agree_with_time(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;
    const uint16_t n = 0xffff;
    test_random_t r = {99};

    (void)state;
    setup(&pit, &rec);
    program(&pit, 0, 2, n, 0);
    for (unsigned i = 0; i < 20000; i++) {
        uint64_t now = test_random_below(&r, 200000000ull);
        uint16_t expected = (uint16_t)(n - ticks(now) % n);

        /* Latched at `now`, read much later: the value of `now`. */
        assert_int_equal(latch_and_read(&pit, 0, now, now), expected);
    }
    /* The live count in LSB-then-MSB order. */
    program(&pit, 2, 0, 50000, 1000000);
    vdev_pit_port61_write(&pit, 0x01, 1000000);
    assert_int_equal(vdev_pit_count(&pit, 2, 1000000 + tick_time(123)), 50000 - 123);
    assert_int_equal(vdev_pit_count(&pit, 2, 1000000 + tick_time(123) - 1), 50000 - 122);
}

static void mode3_square_wave(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;
    const uint16_t n = 1000;

    (void)state;
    setup(&pit, &rec);
    program(&pit, 2, 3, n, 0);
    vdev_pit_port61_write(&pit, 0x01, 0);
    for (uint64_t k = 0; k < 3 * n; k++) {
        bool high = k % n < n / 2;
        bool out = (vdev_pit_port61_read(&pit, tick_time(k)) & 0x20) != 0;

        if (out != high) {
            fail_msg("tick %llu: OUT %d, expected %d", (unsigned long long)k, out, high);
        }
    }
    /* The count goes down by two, twice per period. */
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(10)), n - 20);
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(n / 2 + 10)), n - 20);
    /* IRQ 0 in mode 3: one edge per period, like mode 2. */
    program(&pit, 0, 3, n, 0);
    vdev_pit_advance(&pit, tick_time(10 * n));
    assert_int_equal(pit.irq0_edges, 1); /* coalesced: one late advance, one edge */
    assert_int_equal(vdev_pit_next_deadline(&pit, tick_time(10 * n)), tick_time(11 * n));
}

static void mode0_and_mode4_single_edges(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;

    (void)state;
    setup(&pit, &rec);
    program(&pit, 0, 0, 100, 0);
    assert_false(rec.level[0]); /* mode 0: OUT low from the control word */
    assert_int_equal(vdev_pit_next_deadline(&pit, 0), tick_time(100));
    vdev_pit_advance(&pit, tick_time(100) - 1);
    assert_false(rec.level[0]);
    vdev_pit_advance(&pit, tick_time(100));
    assert_true(rec.level[0]);
    assert_int_equal(rec.rises[0], 1);
    assert_int_equal(vdev_pit_next_deadline(&pit, tick_time(100)), VDEV_NO_DEADLINE);
    /* It keeps counting down past zero, wrapping. */
    assert_int_equal(vdev_pit_count(&pit, 0, tick_time(101)), 0xffff);
    program(&pit, 0, 4, 100, 1000000);
    assert_int_equal(vdev_pit_next_deadline(&pit, 1000000), 1000000 + tick_time(101));
    vdev_pit_advance(&pit, 1000000 + tick_time(101));
    assert_int_equal(pit.irq0_edges, 2);
    assert_int_equal(vdev_pit_next_deadline(&pit, 1000000 + tick_time(101)), VDEV_NO_DEADLINE);
}

static void status_and_read_back(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;

    (void)state;
    setup(&pit, &rec);
    vdev_pit_write(&pit, 3, 0xb4, 0); /* channel 2, LSB/MSB, mode 2, binary */
    vdev_pit_write(&pit, 3, 0xe8, 0); /* read-back: status of channel 2 */
    assert_int_equal(vdev_pit_read(&pit, 2, 0), 0x40 | 0x80 | 0x30 | 0x04); /* null count */
    vdev_pit_write(&pit, 2, 0x00, 0);
    vdev_pit_write(&pit, 2, 0x10, 0);      /* 0x1000, gate low: not counting */
    vdev_pit_write(&pit, 3, 0xc8, 100000); /* count and status */
    assert_int_equal(vdev_pit_read(&pit, 2, 200000), 0xb4);
    assert_int_equal(vdev_pit_read(&pit, 2, 200000), 0x00);
    assert_int_equal(vdev_pit_read(&pit, 2, 200000), 0x10);
    /* A second latch before the first is read is ignored. */
    vdev_pit_port61_write(&pit, 0x01, 0);
    vdev_pit_write(&pit, 3, 0x80, tick_time(5));
    vdev_pit_write(&pit, 3, 0x80, tick_time(50));
    assert_int_equal(vdev_pit_read(&pit, 2, tick_time(60)), (0x1000 - 5) & 0xff);
    assert_int_equal(vdev_pit_read(&pit, 2, tick_time(60)), (0x1000 - 5) >> 8);
    /* The control word register cannot be read. */
    assert_int_equal(vdev_pit_read(&pit, 3, 0), 0xff);
}

static void access_modes_and_bcd(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;

    (void)state;
    setup(&pit, &rec);
    vdev_pit_port61_write(&pit, 0x01, 0);
    vdev_pit_write(&pit, 3, 0x90, 0); /* channel 2, LSB only, mode 0 */
    vdev_pit_write(&pit, 2, 200, 0);
    assert_int_equal(vdev_pit_read(&pit, 2, tick_time(50)), 150);
    assert_int_equal(vdev_pit_read(&pit, 2, tick_time(51)), 149);
    vdev_pit_write(&pit, 3, 0xa0, 0); /* MSB only */
    vdev_pit_write(&pit, 2, 0x02, 0);
    assert_int_equal(vdev_pit_read(&pit, 2, tick_time(1)), 0x01); /* 0x1ff */
    vdev_pit_write(&pit, 3, 0xb1, 0);                             /* LSB/MSB, mode 0, BCD */
    vdev_pit_write(&pit, 2, 0x00, 0);
    vdev_pit_write(&pit, 2, 0x10, 0); /* 1000 in BCD */
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(10)), 0x0990);
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(1001)), 0x9999); /* wraps at 10000 */
    vdev_pit_write(&pit, 3, 0xb1, 0);
    vdev_pit_write(&pit, 2, 0x00, 0);
    vdev_pit_write(&pit, 2, 0x00, 0); /* 0 is 10000 in BCD */
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(1)), 0x9999);
}

static void new_count_at_period_end(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;

    (void)state;
    setup(&pit, &rec);
    program(&pit, 0, 2, 1000, 0);
    vdev_pit_write(&pit, 0, 0xf4, tick_time(300));
    vdev_pit_write(&pit, 0, 0x01, tick_time(300)); /* 500, in the middle of a period */
    assert_int_equal(vdev_pit_count(&pit, 0, tick_time(400)), 600);
    assert_int_equal(vdev_pit_next_deadline(&pit, tick_time(400)), tick_time(1000));
    vdev_pit_advance(&pit, tick_time(1000));
    assert_int_equal(pit.irq0_edges, 1);
    assert_int_equal(vdev_pit_count(&pit, 0, tick_time(1100)), 400);
    vdev_pit_advance(&pit, tick_time(1500));
    assert_int_equal(pit.irq0_edges, 2);
}

static void channel2_calibration_loop(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;
    const uint16_t n = 0xffff;
    const uint64_t gate_at = 777777;
    uint64_t t;

    (void)state;
    setup(&pit, &rec);
    /* Linux's pit_calibrate_tsc: gate low, mode 0, count, gate high, poll OUT2. */
    vdev_pit_port61_write(&pit, (uint8_t)(vdev_pit_port61_read(&pit, 0) & ~0x02) & ~0x01, 0);
    program(&pit, 2, 0, n, 1000);
    assert_int_equal(vdev_pit_count(&pit, 2, 500000), 0xffff); /* gate low: frozen */
    vdev_pit_port61_write(&pit, 0x01, gate_at);
    for (t = gate_at; t < gate_at + 100000000ull; t += 997) {
        if (vdev_pit_port61_read(&pit, t) & 0x20) {
            break;
        }
    }
    assert_true(t >= gate_at + tick_time(n));
    assert_true(t < gate_at + tick_time(n) + 997);
    assert_false(vdev_pit_port61_read(&pit, gate_at + tick_time(n) - 1) & 0x20);
    assert_true(vdev_pit_port61_read(&pit, gate_at + tick_time(n)) & 0x20);
    /* Gate low pauses mode 0, gate high resumes it. */
    program(&pit, 2, 0, 1000, 0);
    vdev_pit_port61_write(&pit, 0x01, 0);
    vdev_pit_port61_write(&pit, 0x00, tick_time(100));
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(500)), 900);
    vdev_pit_port61_write(&pit, 0x01, tick_time(500));
    assert_int_equal(vdev_pit_count(&pit, 2, tick_time(600)), 800);
    /* Mode 1: counting starts at the gate's rising edge, OUT low until the count runs out. */
    program(&pit, 2, 1, 100, 0);
    assert_true(vdev_pit_port61_read(&pit, 0) & 0x20);
    vdev_pit_port61_write(&pit, 0x00, 10);
    vdev_pit_port61_write(&pit, 0x01, 20);
    assert_false(vdev_pit_port61_read(&pit, 20 + tick_time(99)) & 0x20);
    assert_true(vdev_pit_port61_read(&pit, 20 + tick_time(100)) & 0x20);
}

static void port61_bits(void **state)
{
    vdev_pit_t pit;
    line_recorder_t rec;

    (void)state;
    setup(&pit, &rec);
    vdev_pit_port61_write(&pit, 0xff, 0);
    assert_int_equal(vdev_pit_port61_read(&pit, 0) & 0x0f, 0x0f);
    assert_int_equal(vdev_pit_port61_read(&pit, 0) & 0xc0, 0);
    assert_int_equal(vdev_pit_port61_read(&pit, 15084) & 0x10, 0x00);
    assert_int_equal(vdev_pit_port61_read(&pit, 15085) & 0x10, 0x10);
    assert_int_equal(vdev_pit_port61_read(&pit, 30170) & 0x10, 0x00);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(mode2_period_and_irq0),
            cmocka_unit_test(counts_agree_with_time),
            cmocka_unit_test(mode3_square_wave),
            cmocka_unit_test(mode0_and_mode4_single_edges),
            cmocka_unit_test(status_and_read_back),
            cmocka_unit_test(access_modes_and_bcd),
            cmocka_unit_test(new_count_at_period_end),
            cmocka_unit_test(channel2_calibration_loop),
            cmocka_unit_test(port61_bits),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
