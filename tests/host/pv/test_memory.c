/*
 * Host tests of lib/pv's guest memory accessors: every range at and past the end of RAM, ranges
 * whose end wraps around 2^64, empty ranges, misaligned compare-and-exchange, and a lost race
 * reported with the value found.
 */
#include <pv/memory.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#define RAM 0x4000u

static uint8_t ram[RAM] __attribute__((aligned(4096)));
static const pv_memory_t memory = {.base = ram, .size = RAM};

static void test_bounds(void **state)
{
    uint8_t buffer[16];

    (void)state;
    assert_true(pv_memory_contains(&memory, gpa(0), RAM));
    assert_true(pv_memory_contains(&memory, gpa(RAM), 0));
    assert_false(pv_memory_contains(&memory, gpa(RAM), 1));
    assert_false(pv_memory_contains(&memory, gpa(RAM + 1), 0));
    assert_false(pv_memory_contains(&memory, gpa(1), RAM));
    assert_false(pv_memory_contains(&memory, gpa(UINT64_MAX), 2));
    assert_false(pv_memory_contains(&memory, gpa(8), UINT64_MAX));
    assert_true(pv_memory_read(&memory, gpa(RAM - 16), buffer, 16));
    assert_false(pv_memory_read(&memory, gpa(RAM - 15), buffer, 16));
    assert_null(pv_memory_span(&memory, gpa(RAM - 7), 8));
    assert_non_null(pv_memory_span(&memory, gpa(RAM - 8), 8));
}

static void test_round_trip(void **state)
{
    uint64_t value = 0;
    uint32_t low = 0;

    (void)state;
    memset(ram, 0xa5, sizeof(ram));
    assert_true(pv_memory_write64(&memory, gpa(0x100), 0x1122334455667788ull));
    assert_true(pv_memory_read64(&memory, gpa(0x100), &value));
    assert_int_equal(value, 0x1122334455667788ull);
    assert_true(pv_memory_read32(&memory, gpa(0x100), &low));
    assert_int_equal(low, 0x55667788u);
    assert_int_equal(ram[0x100], 0x88); /* little-endian, as the guest stores it */
    assert_int_equal(ram[0x108], 0xa5); /* nothing written past the word */
    assert_false(pv_memory_write64(&memory, gpa(RAM - 4), 1));
    assert_int_equal(ram[RAM - 4], 0xa5); /* a refused write changes nothing */
}

static void test_cmpxchg(void **state)
{
    uint64_t expected = 5;

    (void)state;
    assert_true(pv_memory_write64(&memory, gpa(0x200), 5));
    assert_true(pv_memory_cmpxchg64(&memory, gpa(0x200), &expected, 7));
    expected = 5;
    assert_false(pv_memory_cmpxchg64(&memory, gpa(0x200), &expected, 9));
    assert_int_equal(expected, 7); /* the value found */
    expected = 7;
    assert_false(pv_memory_cmpxchg64(&memory, gpa(0x204), &expected, 9)); /* misaligned */
    assert_false(pv_memory_cmpxchg64(&memory, gpa(RAM), &expected, 9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_bounds),
            cmocka_unit_test(test_round_trip),
            cmocka_unit_test(test_cmpxchg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
