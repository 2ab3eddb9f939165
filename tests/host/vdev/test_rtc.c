/*
 * Host tests of the RTC against the MC146818A datasheet: the calendar against the C library's
 * gmtime_r, BCD and binary, 24- and 12-hour formats, the century register, UIP's window and the
 * registers it keeps stable, periodic, alarm (with don't-care fields) and update-ended
 * interrupts with their deadlines, register C's read clearing IRQ 8, SET freezing the clock and
 * clearing UIE, time writes keeping the second's phase, CMOS RAM and the memory size fields.
 */
#include "vdev_test.h"

#include "calendar.h"

#include <vdev/rtc.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>
#include <cmocka.h>

#define S             1000000000ull
#define NEW_YEAR_2026 1767225600 /* 2026-01-01 00:00:00 UTC, a Thursday */

static void setup(vdev_rtc_t *rtc, line_recorder_t *rec)
{
    vdev_line_t line;

    *rec = (line_recorder_t){0};
    line = line_recorder_line(rec, 8);
    vdev_rtc_init(rtc, NEW_YEAR_2026, &line);
}

static uint8_t reg(vdev_rtc_t *rtc, unsigned index, uint64_t now)
{
    vdev_rtc_write(rtc, 0, (uint8_t)(index | 0x80), now); /* with the NMI mask bit */
    return vdev_rtc_read(rtc, 1, now);
}

static void set_reg(vdev_rtc_t *rtc, unsigned index, uint8_t value, uint64_t now)
{
    vdev_rtc_write(rtc, 0, (uint8_t)index, now);
    vdev_rtc_write(rtc, 1, value, now);
}

static void calendar_matches_gmtime(void **state)
{
    test_random_t r = {2026};

    (void)state;
    for (unsigned i = 0; i < 200000; i++) {
        int64_t seconds = (int64_t)test_random_below(&r, 4102444800ull); /* 1970-2099 */
        time_t t = (time_t)seconds;
        struct tm tm;
        vdev_date_t d;

        gmtime_r(&t, &tm);
        vdev_seconds_to_date(seconds, &d);
        assert_int_equal(d.year, (unsigned)tm.tm_year + 1900);
        assert_int_equal(d.month, (unsigned)tm.tm_mon + 1);
        assert_int_equal(d.day, (unsigned)tm.tm_mday);
        assert_int_equal(d.hour, (unsigned)tm.tm_hour);
        assert_int_equal(d.minute, (unsigned)tm.tm_min);
        assert_int_equal(d.second, (unsigned)tm.tm_sec);
        assert_int_equal(d.weekday, (unsigned)tm.tm_wday);
        assert_int_equal(vdev_date_to_seconds(&d), seconds);
    }
    /* Times outside years 1-9999 are taken as the nearest end, without looping or overflowing. */
    vdev_date_t d;
    vdev_seconds_to_date(INT64_MIN, &d);
    assert_int_equal(d.year, 1);
    assert_int_equal(d.month, 1);
    assert_int_equal(d.day, 1);
    vdev_seconds_to_date(INT64_MAX, &d);
    assert_int_equal(d.year, 9999);
    assert_int_equal(d.month, 12);
    assert_int_equal(d.day, 31);
    assert_int_equal(d.second, 59);
    vdev_seconds_to_date(-1, &d);
    assert_int_equal(d.year, 1969);
    assert_int_equal(d.weekday, 3); /* 1969-12-31, a Wednesday */
    assert_int_equal(vdev_days_in_month(2000, 2), 29);
    assert_int_equal(vdev_days_in_month(2100, 2), 28);
    assert_int_equal(vdev_days_in_month(2024, 2), 29);
}

static void wall_time_out_of_range(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    vdev_line_t line = line_recorder_line(&rec, 8);

    (void)state;
    vdev_rtc_init(&rtc, INT64_MAX, &line);
    assert_int_equal(reg(&rtc, 0x09, UINT64_MAX), 0x99);
    assert_int_equal(reg(&rtc, 0x32, UINT64_MAX), 0x99);
    vdev_rtc_init(&rtc, INT64_MIN, &line);
    assert_int_equal(reg(&rtc, 0x32, 0), 0x00);
    assert_int_equal(reg(&rtc, 0x09, 0), 0x01);
}

static void formats(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    const uint64_t t = 13 * 3600 * S + 2 * 60 * S + 3 * S + S / 2; /* 13:02:03.5 */

    (void)state;
    setup(&rtc, &rec);
    assert_int_equal(reg(&rtc, 0x0b, 0), 0x02); /* 24-hour BCD */
    assert_int_equal(reg(&rtc, 0x00, t), 0x03);
    assert_int_equal(reg(&rtc, 0x02, t), 0x02);
    assert_int_equal(reg(&rtc, 0x04, t), 0x13);
    assert_int_equal(reg(&rtc, 0x06, t), 0x05); /* Thursday: Sunday is 1 */
    assert_int_equal(reg(&rtc, 0x07, t), 0x01);
    assert_int_equal(reg(&rtc, 0x08, t), 0x01);
    assert_int_equal(reg(&rtc, 0x09, t), 0x26);
    assert_int_equal(reg(&rtc, 0x32, t), 0x20);
    set_reg(&rtc, 0x0b, 0x06, t); /* binary, 24-hour */
    assert_int_equal(reg(&rtc, 0x04, t), 13);
    assert_int_equal(reg(&rtc, 0x09, t), 26);
    assert_int_equal(reg(&rtc, 0x32, t), 20);
    set_reg(&rtc, 0x0b, 0x04, t); /* binary, 12-hour */
    assert_int_equal(reg(&rtc, 0x04, t), 0x81);
    assert_int_equal(reg(&rtc, 0x04, 11 * 3600 * S), 11);
    set_reg(&rtc, 0x0b, 0x00, t); /* BCD, 12-hour */
    assert_int_equal(reg(&rtc, 0x04, t), 0x81);
    assert_int_equal(reg(&rtc, 0x04, 0), 0x12);             /* midnight is 12 AM */
    assert_int_equal(reg(&rtc, 0x04, 12 * 3600 * S), 0x92); /* noon is 12 PM */
    assert_int_equal(reg(&rtc, 0x0d, t), 0x80);
}

static void uip_window(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    test_random_t r = {8};

    (void)state;
    setup(&rtc, &rec);
    assert_int_equal(reg(&rtc, 0x0a, 5 * S - VDEV_RTC_UIP_NS - 1), 0x26);
    assert_int_equal(reg(&rtc, 0x0a, 5 * S - VDEV_RTC_UIP_NS), 0xa6);
    assert_int_equal(reg(&rtc, 0x00, 5 * S - 1), 0x04);
    assert_int_equal(reg(&rtc, 0x0a, 5 * S), 0x26);
    assert_int_equal(reg(&rtc, 0x00, 5 * S), 0x05);
    /* Whenever UIP reads 0, the time registers hold still for at least 244 us. */
    for (unsigned i = 0; i < 100000; i++) {
        uint64_t t = test_random_below(&r, 100 * S);

        if (reg(&rtc, 0x0a, t) & 0x80) {
            continue;
        }
        assert_int_equal(reg(&rtc, 0x00, t), reg(&rtc, 0x00, t + 244000));
    }
}

static void periodic_interrupt(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    uint64_t deadline;

    (void)state;
    setup(&rtc, &rec);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 0), VDEV_NO_DEADLINE);
    set_reg(&rtc, 0x0b, 0x42, 0); /* PIE, at 1024 Hz (register A 0x26) */
    deadline = vdev_rtc_next_deadline(&rtc, 0);
    assert_int_equal(deadline, 976563); /* 32 ticks of 32.768 kHz, rounded up */
    vdev_rtc_advance(&rtc, deadline - 1);
    assert_false(rec.level[8]);
    vdev_rtc_advance(&rtc, deadline);
    assert_true(rec.level[8]);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, deadline), VDEV_NO_DEADLINE);
    assert_int_equal(reg(&rtc, 0x0c, deadline), 0xc0);
    assert_false(rec.level[8]);
    assert_int_equal(reg(&rtc, 0x0c, deadline), 0x00);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, deadline), 2 * 976562 + 1);
    /* Rate 15: 2 Hz. The flag is set without the enable too, and IRQ 8 stays low. */
    set_reg(&rtc, 0x0b, 0x02, deadline);
    set_reg(&rtc, 0x0a, 0x2f, S);
    reg(&rtc, 0x0c, S);
    assert_int_equal(reg(&rtc, 0x0c, S + S / 2), 0x40);     /* PF, no IRQF */
    assert_int_equal(reg(&rtc, 0x0c, 2 * S + S / 2), 0x50); /* PF and UF (a second passed) */
    assert_false(rec.level[8]);
    assert_int_equal(rec.rises[8], 1);
}

static void update_and_alarm_interrupts(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;

    (void)state;
    setup(&rtc, &rec);
    set_reg(&rtc, 0x0a, 0x20, 0);   /* no periodic rate: PF would be set too otherwise */
    set_reg(&rtc, 0x0b, 0x12, 100); /* UIE */
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 100), S);
    vdev_rtc_advance(&rtc, S);
    assert_true(rec.level[8]);
    assert_int_equal(reg(&rtc, 0x0c, S), 0x90);
    /* An alarm at 00:00:05: AF with UF at that second. */
    set_reg(&rtc, 0x01, 0x05, S);
    set_reg(&rtc, 0x03, 0x00, S);
    set_reg(&rtc, 0x05, 0x00, S);
    set_reg(&rtc, 0x0b, 0x22, S); /* AIE only */
    assert_int_equal(vdev_rtc_next_deadline(&rtc, S), 5 * S);
    vdev_rtc_advance(&rtc, 5 * S);
    assert_int_equal(reg(&rtc, 0x0c, 5 * S), 0xb0);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 5 * S), 86405 * S); /* tomorrow */
    /* Don't-care hours and minutes: every minute at :30. */
    set_reg(&rtc, 0x01, 0x30, 5 * S);
    set_reg(&rtc, 0x03, 0xc0, 5 * S);
    set_reg(&rtc, 0x05, 0xff, 5 * S);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 5 * S), 30 * S);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 30 * S), 90 * S);
    /* An alarm that never matches: no deadline. */
    set_reg(&rtc, 0x05, 0x25, 5 * S);
    assert_int_equal(vdev_rtc_next_deadline(&rtc, 5 * S), VDEV_NO_DEADLINE);
    /* The flag without the enable, found when register C is read. */
    set_reg(&rtc, 0x0b, 0x02, 5 * S);
    set_reg(&rtc, 0x05, 0xc0, 5 * S);
    reg(&rtc, 0x0c, 5 * S);
    assert_int_equal(reg(&rtc, 0x0c, 40 * S), 0x30);
}

static void set_and_time_writes(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    const uint64_t t = 10 * S + S / 4;

    (void)state;
    setup(&rtc, &rec);
    set_reg(&rtc, 0x0b, 0x12, 0); /* UIE */
    set_reg(&rtc, 0x0b, 0x92, t); /* SET: UIE is cleared, the clock holds */
    assert_int_equal(reg(&rtc, 0x0b, t), 0x82);
    assert_int_equal(reg(&rtc, 0x00, t + 5 * S), 0x10);
    set_reg(&rtc, 0x09, 0x99, t);
    set_reg(&rtc, 0x08, 0x12, t);
    set_reg(&rtc, 0x07, 0x31, t);
    set_reg(&rtc, 0x04, 0x23, t);
    set_reg(&rtc, 0x02, 0x59, t);
    set_reg(&rtc, 0x00, 0x58, t);
    set_reg(&rtc, 0x32, 0x20, t);
    assert_int_equal(reg(&rtc, 0x00, t + 3 * S), 0x58);
    set_reg(&rtc, 0x0b, 0x02, t + 3 * S); /* released: it runs from 2099-12-31 23:59:58 */
    assert_int_equal(vdev_rtc_wall_seconds(&rtc, t + 3 * S), 4102444798);
    assert_int_equal(reg(&rtc, 0x00, t + 5 * S), 0x00);
    assert_int_equal(reg(&rtc, 0x09, t + 5 * S), 0x00);
    assert_int_equal(reg(&rtc, 0x32, t + 5 * S), 0x21);
    assert_int_equal(reg(&rtc, 0x06, t + 5 * S), 0x06); /* 2100-01-01 is a Friday */
    /* Released at t + 3 s, the clock's seconds begin at x.25 s; a write keeps that phase. */
    set_reg(&rtc, 0x00, 0x30, 100 * S + S / 2);
    assert_int_equal(reg(&rtc, 0x00, 101 * S + S / 4 - 1), 0x30);
    assert_int_equal(reg(&rtc, 0x00, 101 * S + S / 4), 0x31);
    /* Out-of-range values are clamped; the weekday can be shifted. */
    set_reg(&rtc, 0x08, 0x13, 101 * S);
    assert_int_equal(reg(&rtc, 0x08, 101 * S), 0x12);
    set_reg(&rtc, 0x06, 0x01, 101 * S);
    assert_int_equal(reg(&rtc, 0x06, 101 * S), 0x01);
    assert_int_equal(reg(&rtc, 0x06, 101 * S + 86400 * S), 0x02);
}

static void cmos_ram(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;

    (void)state;
    setup(&rtc, &rec);
    for (unsigned i = 0x0e; i < 0x80; i++) {
        if (i != 0x32) {
            set_reg(&rtc, i, (uint8_t)(i ^ 0x5a), 0);
        }
    }
    for (unsigned i = 0x0e; i < 0x80; i++) {
        if (i != 0x32) {
            assert_int_equal(reg(&rtc, i, 0), (uint8_t)(i ^ 0x5a));
        }
    }
    set_reg(&rtc, 0x0c, 0xff, 0); /* read-only */
    set_reg(&rtc, 0x0d, 0x00, 0);
    assert_int_equal(reg(&rtc, 0x0d, 0), 0x80);
    assert_int_equal(vdev_rtc_read(&rtc, 0, 0), 0xff);
    vdev_rtc_set_memory(&rtc, 256ull << 20, 1ull << 30);
    assert_int_equal(reg(&rtc, 0x15, 0) | reg(&rtc, 0x16, 0) << 8, 640);
    assert_int_equal(reg(&rtc, 0x17, 0) | reg(&rtc, 0x18, 0) << 8, 0xffff);
    assert_int_equal(reg(&rtc, 0x30, 0) | reg(&rtc, 0x31, 0) << 8, 0xffff);
    assert_int_equal(reg(&rtc, 0x34, 0) | reg(&rtc, 0x35, 0) << 8, 3840);
    assert_int_equal(reg(&rtc, 0x5b, 0) | reg(&rtc, 0x5c, 0) << 8 | reg(&rtc, 0x5d, 0) << 16,
                     16384);
    vdev_rtc_set_memory(&rtc, 32ull << 20, 0);
    assert_int_equal(reg(&rtc, 0x17, 0) | reg(&rtc, 0x18, 0) << 8, 31 * 1024);
    assert_int_equal(reg(&rtc, 0x34, 0) | reg(&rtc, 0x35, 0) << 8, 256);
}

static void deadlines_lie_ahead(void **state)
{
    vdev_rtc_t rtc;
    line_recorder_t rec;
    test_random_t r = {5};
    uint64_t now = 0;

    (void)state;
    setup(&rtc, &rec);
    for (unsigned i = 0; i < 20000; i++) {
        uint64_t deadline;

        now += test_random_below(&r, S / 3);
        if (test_random_below(&r, 4) == 0) {
            set_reg(&rtc, 0x0b, (uint8_t)(test_random_next(&r) & 0x76), now);
            set_reg(&rtc, 0x0a, (uint8_t)(0x20 | test_random_below(&r, 16)), now);
            set_reg(&rtc, 0x01, (uint8_t)test_random_below(&r, 0x60), now);
        }
        if (test_random_below(&r, 3) == 0) {
            reg(&rtc, 0x0c, now);
        }
        vdev_rtc_advance(&rtc, now);
        deadline = vdev_rtc_next_deadline(&rtc, now);
        assert_true(deadline > now);
        assert_int_equal(rec.level[8], (rtc.reg_c & 0x80) != 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(calendar_matches_gmtime),
            cmocka_unit_test(wall_time_out_of_range),
            cmocka_unit_test(formats),
            cmocka_unit_test(uip_window),
            cmocka_unit_test(periodic_interrupt),
            cmocka_unit_test(update_and_alarm_interrupts),
            cmocka_unit_test(set_and_time_writes),
            cmocka_unit_test(cmos_ram),
            cmocka_unit_test(deadlines_lie_ahead),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
