/*
 * Host tests of services/init/summary.c: memory totals by kind, counts, RSDP, and the boot time
 * in microseconds checked against a 128-bit reference over many TSC values and frequencies.
 */
#include "../../../services/init/summary.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define PAGE 4096

static union {
    seL4_BootInfo info;
    unsigned char bytes[2 * PAGE];
} boot __attribute__((aligned(PAGE)));

static size_t extra_used;

static void chunk_add(seL4_Word id, const void *payload, size_t size)
{
    seL4_BootInfoHeader *header = (seL4_BootInfoHeader *)(boot.bytes + PAGE + extra_used);
    size_t total = (sizeof(*header) + size + 7) & ~(size_t)7;

    header->id = id;
    header->len = total;
    memcpy(header + 1, payload, size);
    extra_used += total;
    boot.info.extraLen = extra_used;
}

static void boot_setup(seL4_Uint64 hz, seL4_Uint64 root_tsc)
{
    seL4_X86_TSC_Freq freq = {.hz = hz, .mhz = (seL4_Uint32)(hz / 1000000)};
    seL4_BootTimes times = {.kernelEntryTSC = root_tsc / 2, .rootTaskTSC = root_tsc};

    memset(&boot, 0, sizeof(boot));
    extra_used = 0;
    chunk_add(seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq));
    chunk_add(seL4_BootInfo_BootTimes, &times, sizeof(times));
}

static void test_memory_totals(void **state)
{
    static const struct {
        seL4_Uint8 bits;
        seL4_Uint8 device;
    } list[] = {{20, 0}, {12, 0}, {27, 0}, {30, 1}, {16, 1}, {4, 0}};
    seL4_X86_ACPI_RSDP rsdp = {.paddr = 0xe0000};
    boot_summary_t s;

    (void)state;
    boot_setup(1000000000ull, 0);
    chunk_add(seL4_BootInfo_X86_ACPI_RSDP, &rsdp, sizeof(rsdp));
    boot.info.untyped.start = 100;
    boot.info.untyped.end = 100 + sizeof(list) / sizeof(list[0]);
    boot.info.empty.start = 200;
    boot.info.empty.end = 4096;
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++) {
        boot.info.untypedList[i].sizeBits = list[i].bits;
        boot.info.untypedList[i].isDevice = list[i].device;
    }
    boot_summary_compute(&boot.info, &s);
    assert_int_equal(s.ram_bytes, (1ull << 20) + (1ull << 12) + (1ull << 27) + (1ull << 4));
    assert_int_equal(s.device_bytes, (1ull << 30) + (1ull << 16));
    assert_int_equal(s.untypeds, 6);
    assert_int_equal(s.empty_slots, 4096 - 200);
    assert_int_equal(s.tsc_hz, 1000000000ull);
    assert_true(s.has_rsdp);
    assert_int_equal(s.rsdp_paddr, 0xe0000);
}

static void test_missing_chunks(void **state)
{
    boot_summary_t s;

    (void)state;
    memset(&boot, 0, sizeof(boot));
    boot_summary_compute(&boot.info, &s);
    assert_int_equal(s.tsc_hz, 0);
    assert_false(s.has_rsdp);
    assert_false(s.has_boot_times); /* no frequency, so no time either */
}

static void test_boot_time_against_reference(void **state)
{
    static const seL4_Uint64 frequencies[] = {1000000ull, 1999999999ull, 2400000000ull,
                                              3000000000ull, 4999999937ull};
    boot_summary_t s;

    (void)state;
    srand(99);
    for (size_t f = 0; f < sizeof(frequencies) / sizeof(frequencies[0]); f++) {
        for (int i = 0; i < 1000; i++) {
            /* Up to about a day of cycles, and a few huge values. */
            seL4_Uint64 tsc =
                    ((seL4_Uint64)rand() << 31 | (seL4_Uint64)rand()) % (frequencies[f] * 86400);
            if (i % 100 == 0) {
                tsc = UINT64_MAX - (seL4_Uint64)i;
            }
            boot_setup(frequencies[f], tsc);
            boot_summary_compute(&boot.info, &s);
            assert_true(s.has_boot_times);
            unsigned __int128 want = (unsigned __int128)tsc * 1000000 / frequencies[f];
            assert_true(s.boot_us == (seL4_Uint64)want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_memory_totals),
            cmocka_unit_test(test_missing_chunks),
            cmocka_unit_test(test_boot_time_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
