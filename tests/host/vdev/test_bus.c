/*
 * Host tests of the dispatcher and the shared arithmetic: 128-bit muldiv against the
 * compiler's __int128 on random operands; one call per access that fits a device, splitting of
 * wide and straddling accesses in ascending address order, all-ones and dropped writes where
 * nobody claims a byte (counted once per access), refused widths, overlapping registrations,
 * moving and disabling ranges, the ends of the port and address spaces.
 */
#include "vdev_test.h"

#include <vdev/bus.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

typedef struct call {
    bool write;
    uint64_t offset;
    unsigned size;
    uint64_t value;
} call_t;

typedef struct fake_device {
    uint8_t bytes[64];
    call_t calls[64];
    unsigned count;
} fake_device_t;

static uint64_t fake_read(void *d, uint64_t offset, unsigned size, uint64_t now)
{
    fake_device_t *f = d;
    uint64_t value = 0;

    (void)now;
    for (unsigned i = 0; i < size; i++) {
        value |= (uint64_t)f->bytes[(offset + i) % sizeof(f->bytes)] << (8 * i);
    }
    f->calls[f->count++ % 64] = (call_t){false, offset, size, value};
    /* Bits above the access must not reach the guest: set them. */
    return value | (size < 8 ? ~0ull << (8 * size) : 0);
}

static void fake_write(void *d, uint64_t offset, unsigned size, uint64_t value, uint64_t now)
{
    fake_device_t *f = d;

    (void)now;
    for (unsigned i = 0; i < size; i++) {
        f->bytes[(offset + i) % sizeof(f->bytes)] = (uint8_t)(value >> (8 * i));
    }
    f->calls[f->count++ % 64] = (call_t){true, offset, size, value};
}

static const vdev_bus_ops_t fake_ops = {.read = fake_read, .write = fake_write};

static void muldiv_matches_int128(void **state)
{
    test_random_t r = {0x1234567887654321ull};

    (void)state;
    for (unsigned i = 0; i < 200000; i++) {
        uint64_t a = test_random_next(&r) >> test_random_below(&r, 64);
        uint64_t b = test_random_next(&r) >> test_random_below(&r, 64);
        uint64_t c = (test_random_next(&r) >> test_random_below(&r, 64)) | 1;
        unsigned __int128 product = (unsigned __int128)a * b;
        unsigned __int128 q = product / c;
        unsigned __int128 qc = (product + c - 1) / c;

        assert_int_equal(vdev_muldiv(a, b, c), q > UINT64_MAX ? UINT64_MAX : (uint64_t)q);
        assert_int_equal(vdev_muldiv_ceil(a, b, c), qc > UINT64_MAX ? UINT64_MAX : (uint64_t)qc);
    }
    assert_int_equal(vdev_muldiv(1, 1, 0), UINT64_MAX);
    assert_int_equal(vdev_muldiv(UINT64_MAX, UINT64_MAX, UINT64_MAX), UINT64_MAX);
    assert_int_equal(vdev_muldiv(UINT64_MAX, 3, 4), 0xbfffffffffffffffull);
}

static void setup_bus(vdev_bus_t *bus, fake_device_t *a, fake_device_t *b)
{
    memset(a, 0, sizeof(*a));
    memset(b, 0, sizeof(*b));
    for (unsigned i = 0; i < 64; i++) {
        a->bytes[i] = (uint8_t)(0x10 + i);
        b->bytes[i] = (uint8_t)(0x80 + i);
    }
    vdev_bus_init(bus);
    assert_int_equal(vdev_bus_add_io(bus, 0x100, 4, 4, &fake_ops, a, "a", NULL),
                     VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_bus_add_io(bus, 0x104, 2, 1, &fake_ops, b, "b", NULL),
                     VDEV_BUS_REGISTERED);
}

static void whole_access_is_one_call(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v;

    (void)state;
    setup_bus(&bus, &a, &b);
    assert_int_equal(vdev_io_in(&bus, 0x101, 2, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0x1211);
    assert_int_equal(a.count, 1);
    assert_int_equal(a.calls[0].offset, 1);
    assert_int_equal(a.calls[0].size, 2);
    assert_int_equal(vdev_io_out(&bus, 0x100, 4, 0xdeadbeef, 0), VDEV_BUS_OK);
    assert_int_equal(a.count, 2);
    assert_int_equal(a.calls[1].value, 0xdeadbeef);
    assert_int_equal(bus.stats.split, 0);
}

static void wide_access_split_to_device_width(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v;

    (void)state;
    setup_bus(&bus, &a, &b);
    /* b takes bytes only: a 16-bit IN becomes two byte reads, low address first. */
    assert_int_equal(vdev_io_in(&bus, 0x104, 2, &v, 0), VDEV_BUS_OK);
    assert_int_equal(v, 0x8180);
    assert_int_equal(b.count, 2);
    assert_int_equal(b.calls[0].offset, 0);
    assert_int_equal(b.calls[1].offset, 1);
    assert_int_equal(vdev_io_out(&bus, 0x104, 2, 0xa55a, 0), VDEV_BUS_OK);
    assert_int_equal(b.calls[2].value, 0x5a);
    assert_int_equal(b.calls[3].value, 0xa5);
    assert_int_equal(bus.stats.split, 2);
}

static void straddling_access_split_into_bytes(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v;

    (void)state;
    setup_bus(&bus, &a, &b);
    /* 0x103 (a), 0x104 and 0x105 (b), 0x106 (nobody). */
    assert_int_equal(vdev_io_in(&bus, 0x103, 4, &v, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(v, 0xff818013);
    assert_int_equal(a.count, 1);
    assert_int_equal(a.calls[0].size, 1);
    assert_int_equal(b.count, 2);
    assert_int_equal(bus.stats.unclaimed_reads, 1);
    assert_int_equal(vdev_io_out(&bus, 0x103, 4, 0x44332211, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(a.bytes[3], 0x11);
    assert_int_equal(b.bytes[0], 0x22);
    assert_int_equal(b.bytes[1], 0x33);
    assert_int_equal(bus.stats.unclaimed_writes, 1);
}

static void unclaimed_reads_all_ones(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v;
    uint64_t w;

    (void)state;
    setup_bus(&bus, &a, &b);
    for (unsigned size = 1; size <= 4; size *= 2) {
        assert_int_equal(vdev_io_in(&bus, 0x200, size, &v, 0), VDEV_BUS_UNCLAIMED);
        assert_int_equal(v, size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1);
    }
    assert_int_equal(vdev_io_out(&bus, 0x200, 1, 0, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(bus.stats.unclaimed_reads, 3);
    assert_int_equal(bus.stats.unclaimed_writes, 1);
    assert_int_equal(vdev_mmio_read(&bus, 0x1000, 8, &w, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(w, UINT64_MAX);
    assert_int_equal(bus.stats.split, 0);
}

static void bad_widths_refused(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v = 0;
    uint64_t w = 0;
    const unsigned widths[] = {0, 3, 5, 6, 7, 16};

    (void)state;
    setup_bus(&bus, &a, &b);
    for (unsigned i = 0; i < sizeof(widths) / sizeof(widths[0]); i++) {
        assert_int_equal(vdev_io_in(&bus, 0x100, widths[i], &v, 0), VDEV_BUS_BAD_WIDTH);
        assert_int_equal(v, UINT32_MAX);
        assert_int_equal(vdev_io_out(&bus, 0x100, widths[i], 0, 0), VDEV_BUS_BAD_WIDTH);
        assert_int_equal(vdev_mmio_read(&bus, 0x100, widths[i], &w, 0), VDEV_BUS_BAD_WIDTH);
        assert_int_equal(w, UINT64_MAX);
    }
    /* 8-byte port accesses do not exist. */
    assert_int_equal(vdev_io_in(&bus, 0x100, 8, &v, 0), VDEV_BUS_BAD_WIDTH);
    assert_int_equal(a.count, 0);
    assert_int_equal(bus.stats.bad_width, 3 * 6 + 1);
}

static void space_ends(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint32_t v;
    uint64_t w;

    (void)state;
    setup_bus(&bus, &a, &b);
    assert_int_equal(vdev_bus_add_io(&bus, 0xfffe, 2, 4, &fake_ops, &a, "end", NULL),
                     VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_bus_add_io(&bus, 0xffff, 2, 4, &fake_ops, &a, "past", NULL),
                     VDEV_BUS_ERR_RANGE);
    /* A dword at 0xfffe: two bytes claimed, two past the port space. */
    assert_int_equal(vdev_io_in(&bus, 0xfffe, 4, &v, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(v >> 16, 0xffff);
    assert_int_equal(vdev_bus_add_mmio(&bus, UINT64_MAX - 3, 4, 8, &fake_ops, &b, "top", NULL),
                     VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_mmio_read(&bus, UINT64_MAX - 3, 8, &w, 0), VDEV_BUS_UNCLAIMED);
    assert_int_equal(w, 0xffffffff83828180ull);
    assert_int_equal(vdev_mmio_read(&bus, UINT64_MAX, 1, &w, 0), VDEV_BUS_OK);
    assert_int_equal(w, 0x83);
}

static void registration_rules(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    unsigned handle;
    const vdev_bus_ops_t half = {.read = fake_read, .write = NULL};
    uint64_t w;

    (void)state;
    setup_bus(&bus, &a, &b);
    assert_int_equal(vdev_bus_add_io(&bus, 0x103, 1, 1, &fake_ops, &a, "x", NULL),
                     VDEV_BUS_ERR_OVERLAP);
    assert_int_equal(vdev_bus_add_io(&bus, 0x300, 0, 1, &fake_ops, &a, "x", NULL),
                     VDEV_BUS_ERR_RANGE);
    assert_int_equal(vdev_bus_add_io(&bus, 0x300, 1, 3, &fake_ops, &a, "x", NULL),
                     VDEV_BUS_ERR_ARGUMENT);
    assert_int_equal(vdev_bus_add_io(&bus, 0x300, 1, 1, &half, &a, "x", NULL),
                     VDEV_BUS_ERR_ARGUMENT);
    assert_int_equal(vdev_bus_add_mmio(&bus, 0x1000, 0x1000, 4, &fake_ops, &a, "m", &handle),
                     VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_bus_add_mmio(&bus, 0x3000, 0x1000, 4, &fake_ops, &b, "n", NULL),
                     VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_bus_move_mmio(&bus, handle, 0x3800), VDEV_BUS_ERR_OVERLAP);
    assert_int_equal(vdev_bus_find_mmio(&bus, 0x1000)->device, &a);
    assert_int_equal(vdev_bus_move_mmio(&bus, handle, 0x8000), VDEV_BUS_REGISTERED);
    assert_null(vdev_bus_find_mmio(&bus, 0x1000));
    assert_int_equal(vdev_mmio_read(&bus, 0x8004, 4, &w, 0), VDEV_BUS_OK);
    assert_int_equal(w, 0x17161514);
    assert_int_equal(vdev_bus_set_mmio_enabled(&bus, handle, false), VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_mmio_read(&bus, 0x8004, 4, &w, 0), VDEV_BUS_UNCLAIMED);
    /* Disabled, it may be moved over another range, but not enabled there. */
    assert_int_equal(vdev_bus_move_mmio(&bus, handle, 0x3000), VDEV_BUS_REGISTERED);
    assert_int_equal(vdev_bus_set_mmio_enabled(&bus, handle, true), VDEV_BUS_ERR_OVERLAP);
    assert_int_equal(vdev_bus_set_mmio_enabled(&bus, 99, true), VDEV_BUS_ERR_HANDLE);
    for (unsigned i = 2; i < VDEV_BUS_RANGES; i++) {
        assert_int_equal(
                vdev_bus_add_io(&bus, (uint16_t)(0x1000 + i), 1, 1, &fake_ops, &a, "f", NULL),
                VDEV_BUS_REGISTERED);
    }
    assert_int_equal(vdev_bus_add_io(&bus, 0x2000, 1, 1, &fake_ops, &a, "f", NULL),
                     VDEV_BUS_ERR_FULL);
}

static void random_accesses_against_byte_model(void **state)
{
    vdev_bus_t bus;
    fake_device_t a, b;
    uint8_t model_a[64], model_b[64];
    test_random_t r = {77};

    (void)state;
    setup_bus(&bus, &a, &b);
    memcpy(model_a, a.bytes, sizeof(model_a));
    memcpy(model_b, b.bytes, sizeof(model_b));
    for (unsigned i = 0; i < 100000; i++) {
        uint16_t port = (uint16_t)(0xfe + test_random_below(&r, 12));
        unsigned size = 1u << test_random_below(&r, 3);
        uint32_t value = (uint32_t)test_random_next(&r);
        uint32_t got;

        if (test_random_below(&r, 2)) {
            vdev_io_out(&bus, port, size, value, 0);
            for (unsigned k = 0; k < size; k++) {
                unsigned p = port + k;
                if (p >= 0x100 && p < 0x104) {
                    model_a[p - 0x100] = (uint8_t)(value >> (8 * k));
                } else if (p >= 0x104 && p < 0x106) {
                    model_b[p - 0x104] = (uint8_t)(value >> (8 * k));
                }
            }
        } else {
            uint32_t expected = 0;

            vdev_io_in(&bus, port, size, &got, 0);
            for (unsigned k = 0; k < size; k++) {
                unsigned p = port + k;
                uint8_t byte = p >= 0x100 && p < 0x104   ? model_a[p - 0x100]
                               : p >= 0x104 && p < 0x106 ? model_b[p - 0x104]
                                                         : 0xff;
                expected |= (uint32_t)byte << (8 * k);
            }
            assert_int_equal(got, expected);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(muldiv_matches_int128),
            cmocka_unit_test(whole_access_is_one_call),
            cmocka_unit_test(wide_access_split_to_device_width),
            cmocka_unit_test(straddling_access_split_into_bytes),
            cmocka_unit_test(unclaimed_reads_all_ones),
            cmocka_unit_test(bad_widths_refused),
            cmocka_unit_test(space_ends),
            cmocka_unit_test(registration_rules),
            cmocka_unit_test(random_accesses_against_byte_model),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
