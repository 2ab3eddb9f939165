/*
 * Host tests of bench/ipc/stats.c against a reference built on qsort: minimum, percentiles,
 * median and median absolute deviation, on small hand-checked inputs and on random data.
 */
#include "../../../bench/ipc/stats.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static int compare(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a;
    uint64_t y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void reference(const uint64_t *in, size_t n, sample_stats_t *out)
{
    uint64_t *sorted = malloc(n * sizeof(*sorted));
    uint64_t *dev = malloc(n * sizeof(*dev));

    memcpy(sorted, in, n * sizeof(*sorted));
    qsort(sorted, n, sizeof(*sorted), compare);
    out->min = sorted[0];
    out->p10 = sorted[(n - 1) * 10 / 100];
    out->median = sorted[(n - 1) / 2];
    out->p90 = sorted[(n - 1) * 90 / 100];
    for (size_t i = 0; i < n; i++) {
        dev[i] = sorted[i] > out->median ? sorted[i] - out->median : out->median - sorted[i];
    }
    qsort(dev, n, sizeof(*dev), compare);
    out->mad = dev[(n - 1) / 2];
    free(sorted);
    free(dev);
}

static void test_small_known(void **state)
{
    uint64_t samples[] = {9, 1, 5, 3, 7};
    uint64_t scratch[5];
    sample_stats_t s;

    (void)state;
    stats_compute(samples, scratch, 5, &s);
    assert_int_equal(s.min, 1);
    assert_int_equal(s.median, 5);
    assert_int_equal(s.p10, 1);
    assert_int_equal(s.p90, 7);
    assert_int_equal(s.mad, 2); /* deviations 4 4 2 2 0 */
    for (int i = 0; i < 4; i++) {
        assert_true(samples[i] <= samples[i + 1]);
    }
}

static void test_single_sample(void **state)
{
    uint64_t samples[] = {42};
    uint64_t scratch[1];
    sample_stats_t s;

    (void)state;
    stats_compute(samples, scratch, 1, &s);
    assert_int_equal(s.min, 42);
    assert_int_equal(s.median, 42);
    assert_int_equal(s.p90, 42);
    assert_int_equal(s.mad, 0);
}

static void test_random_against_qsort(void **state)
{
    enum { N = 10007 };
    static uint64_t samples[N];
    static uint64_t scratch[N];
    sample_stats_t got;
    sample_stats_t want;

    (void)state;
    srand(1234);
    for (int round = 0; round < 20; round++) {
        size_t n = 1 + (size_t)rand() % N;
        for (size_t i = 0; i < n; i++) {
            /* Many duplicates in some rounds, wide values in others. */
            samples[i] = round % 2 ? (uint64_t)(rand() % 50) : ((uint64_t)rand() << 20) ^ rand();
        }
        reference(samples, n, &want);
        stats_compute(samples, scratch, n, &got);
        assert_int_equal(got.min, want.min);
        assert_int_equal(got.p10, want.p10);
        assert_int_equal(got.median, want.median);
        assert_int_equal(got.p90, want.p90);
        assert_int_equal(got.mad, want.mad);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_small_known),
            cmocka_unit_test(test_single_sample),
            cmocka_unit_test(test_random_against_qsort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
