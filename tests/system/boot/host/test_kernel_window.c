/*
 * Host tests of the kernel window's reach (kernel_window_span): against a 128-bit reference for
 * tops of RAM all over the 64-bit range, the top of the address space and the CPU's physical
 * address width included; the result is always GiB aligned, at least 4 GiB, within one PML4 slot
 * and within the CPU's width.
 */
#include "tests.h"
#include <arch/kernel_window.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <cmocka.h>

#define GIB (1ull << 30)

/* Round up in 128 bits (never wraps), then cap: the reach the window's documentation states. */
static uint64_t reference_span(uint64_t usable_top, unsigned bits)
{
    unsigned __int128 top = ((unsigned __int128)usable_top + GIB - 1) / GIB * GIB;
    unsigned __int128 width =
            bits >= 64 ? (unsigned __int128)1 << 64 : (unsigned __int128)1 << bits;

    if (top > KERNEL_WINDOW_MAX_BYTES) {
        top = KERNEL_WINDOW_MAX_BYTES;
    }
    if (top > width) {
        top = width / GIB * GIB;
    }
    return top < 4 * GIB ? 4 * GIB : (uint64_t)top;
}

static void check_span(uint64_t usable_top, unsigned bits)
{
    uint64_t span = kernel_window_span(usable_top, bits);

    if (span != reference_span(usable_top, bits)) {
        fail_msg("usable_top %#llx, %u bits: span %#llx, want %#llx",
                 (unsigned long long)usable_top, bits, (unsigned long long)span,
                 (unsigned long long)reference_span(usable_top, bits));
    }
    assert_true(span % GIB == 0);
    assert_true(span >= 4 * GIB && span <= KERNEL_WINDOW_MAX_BYTES);
}

static const unsigned widths[] = {36, 39, 40, 46, 48, 52, 63, 64};

static void test_span_edges(void **state)
{
    (void)state;
    const uint64_t tops[] = {0,
                             1,
                             256ull << 20,
                             4 * GIB - 1,
                             4 * GIB,
                             4 * GIB + 1,
                             5 * GIB,
                             64 * GIB + 4096,
                             KERNEL_WINDOW_MAX_BYTES - 4096,
                             KERNEL_WINDOW_MAX_BYTES,
                             KERNEL_WINDOW_MAX_BYTES + 1,
                             1ull << 52,
                             1ull << 63,
                             UINT64_MAX - GIB + 1,
                             UINT64_MAX - GIB + 2,
                             UINT64_MAX - 4095,
                             UINT64_MAX};

    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
        for (size_t t = 0; t < sizeof(tops) / sizeof(tops[0]); t++) {
            check_span(tops[t], widths[w]);
        }
    }
}

/* RAM the map claims beyond the CPU's width is left out (36 bits: 64 GiB). */
static void test_span_stops_at_the_physical_width(void **state)
{
    (void)state;
    assert_int_equal(kernel_window_span(100 * GIB, 36), 64 * GIB);
    assert_int_equal(kernel_window_span(100 * GIB, 40), 100 * GIB);
    assert_int_equal(kernel_window_span(UINT64_MAX - 4095, 46), KERNEL_WINDOW_MAX_BYTES);
}

static void test_span_random(void **state)
{
    (void)state;
    srand(11);
    for (int i = 0; i < 200000; i++) {
        uint64_t top = ((uint64_t)rand() << 62) ^ ((uint64_t)rand() << 31) ^ (uint64_t)rand();
        unsigned shift = (unsigned)rand() % 64;
        check_span(top >> shift, widths[(unsigned)rand() % (sizeof(widths) / sizeof(widths[0]))]);
    }
}

int test_kernel_window_run(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_span_edges),
            cmocka_unit_test(test_span_stops_at_the_physical_width),
            cmocka_unit_test(test_span_random),
    };
    return cmocka_run_group_tests_name("kernel window", tests, NULL, NULL);
}
