/*
 * Host tests of the clock arithmetic: the TSC frequency a pvclock scale stands for, against an
 * independent computation of the scale (as a hypervisor derives it from a frequency) and exact
 * 128-bit references; out-of-range scales give 0. The calibrations' median against qsort's.
 */
#include "median.h" /* kernel/arch/x86/64/platform: private to the platform code */
#include "tests.h"
#include <arch/hypervisor_clock.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define NS_PER_SECOND 1000000000ull

/*
 * The scale a hypervisor would publish for hz: the largest shift that keeps the multiplier
 * 10^9 * 2^32 / (hz * 2^shift) below 2^32 (most precision), as a pair (mul, shift).
 */
static void scale_for_hz(uint64_t hz, uint32_t *mul, int8_t *shift)
{
    unsigned __int128 numerator = (unsigned __int128)NS_PER_SECOND << 32;
    int s = 31;

    while (s > -31) {
        unsigned __int128 value =
                s >= 0 ? numerator / ((unsigned __int128)hz << s) : (numerator << -s) / hz;
        if (value >= (1ull << 31) && value < (1ull << 32)) {
            break;
        }
        s--;
    }
    *shift = (int8_t)s;
    *mul = (uint32_t)(s >= 0 ? numerator / ((unsigned __int128)hz << s) : (numerator << -s) / hz);
}

/* Exact floor(10^9 * 2^32 / (mul * 2^shift)). */
static uint64_t reference_hz(uint32_t mul, int8_t shift)
{
    unsigned __int128 numerator = (unsigned __int128)NS_PER_SECOND << 32;
    if (shift >= 0) {
        return (uint64_t)(numerator / ((unsigned __int128)mul << shift));
    }
    return (uint64_t)((numerator << -shift) / mul);
}

static void test_pvclock_round_trip(void **state)
{
    (void)state;
    srand(7);
    for (int i = 0; i < 100000; i++) {
        /* 1 MHz to about 17 GHz. */
        uint64_t hz = 1000000ull + ((uint64_t)rand() << 3) + (uint64_t)(rand() & 7);
        uint32_t mul;
        int8_t shift;
        scale_for_hz(hz, &mul, &shift);
        uint64_t got = pvclock_scale_to_hz(mul, shift);
        assert_int_equal(got, reference_hz(mul, shift));
        /* The multiplier keeps 31 significant bits: the frequency comes back within 2^-30. */
        uint64_t error = got > hz ? got - hz : hz - got;
        assert_true(error <= hz / (1ull << 30) + 1);
        /* Converting one second's worth of ticks the way a pvclock reader does gives 1 s. */
        unsigned __int128 ticks = shift >= 0 ? (unsigned __int128)got << shift : got >> -shift;
        uint64_t ns = (uint64_t)((ticks * mul) >> 32);
        assert_true(ns <= NS_PER_SECOND && NS_PER_SECOND - ns <= NS_PER_SECOND / (1ull << 29));
    }
}

static void test_pvclock_known_and_invalid(void **state)
{
    (void)state;
    /* mul = 2^31, shift 0: half a nanosecond per tick, 2 GHz. */
    assert_int_equal(pvclock_scale_to_hz(1u << 31, 0), 2000000000ull);
    /* The same tick length written with shift 1 and half the multiplier. */
    assert_int_equal(pvclock_scale_to_hz(1u << 30, 1), 2000000000ull);
    assert_int_equal(pvclock_scale_to_hz(1u << 31, -1), 4000000000ull);
    assert_int_equal(pvclock_scale_to_hz(0, 0), 0);
    assert_int_equal(pvclock_scale_to_hz(1, 32), 0);
    assert_int_equal(pvclock_scale_to_hz(1, -32), 0);
    /* 10^9 * 2^63 does not fit 64 bits. */
    assert_int_equal(pvclock_scale_to_hz(1, -31), 0);
    assert_int_equal(pvclock_scale_to_hz(0xffffffffu, 31), reference_hz(0xffffffffu, 31));
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Every count up to the maximum, with duplicates and extremes; the input stays as it was. */
static void test_median_matches_qsort(void **state)
{
    (void)state;
    srand(3);
    for (int round = 0; round < 100000; round++) {
        uint64_t values[MEDIAN_COUNT_MAX] = {0};
        uint64_t before[MEDIAN_COUNT_MAX] = {0};
        uint64_t sorted[MEDIAN_COUNT_MAX] = {0};
        size_t count = 1 + (size_t)rand() % MEDIAN_COUNT_MAX;
        for (size_t i = 0; i < count; i++) {
            int kind = rand() % 4;
            values[i] = kind == 0   ? (uint64_t)(rand() % 4)
                        : kind == 1 ? UINT64_MAX - (uint64_t)(rand() % 2)
                                    : ((uint64_t)rand() << 33) ^ (uint64_t)rand();
        }
        memcpy(before, values, sizeof(values));
        memcpy(sorted, values, sizeof(values));
        qsort(sorted, count, sizeof(sorted[0]), compare_u64);
        assert_true(median_u64(values, count) == sorted[count / 2]);
        assert_memory_equal(values, before, count * sizeof(values[0]));
    }
}

int test_clock_run(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_pvclock_round_trip),
            cmocka_unit_test(test_pvclock_known_and_invalid),
            cmocka_unit_test(test_median_matches_qsort),
    };
    return cmocka_run_group_tests_name("clock arithmetic", tests, NULL, NULL);
}
