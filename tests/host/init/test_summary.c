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

#include "../runtime/fake_bootinfo.h"

static fake_bootinfo_t boot __attribute__((aligned(FAKE_BOOTINFO_PAGE)));

static void boot_setup_times(seL4_Uint64 hz, seL4_Uint64 entry_tsc, seL4_Uint64 root_tsc,
                             seL4_Uint64 entry_ns)
{
    seL4_X86_TSC_Freq freq = {.hz = hz, .mhz = (seL4_Uint32)(hz / 1000000)};
    seL4_BootTimes times = {
            .kernelEntryTSC = entry_tsc, .rootTaskTSC = root_tsc, .kernelEntryNs = entry_ns};

    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 0);
    fake_bootinfo_add(&boot, seL4_BootInfo_BootTimes, &times, sizeof(times), 0);
}

static void boot_setup(seL4_Uint64 hz, seL4_Uint64 root_tsc)
{
    boot_setup_times(hz, 0, root_tsc, 0);
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
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_ACPI_RSDP, &rsdp, sizeof(rsdp), 0);
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
    fake_bootinfo_reset(&boot);
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
            /* A kernel entry anywhere (the TSC may have started long before power-on), up to
             * about a day of cycles after it, and a few huge values. */
            seL4_Uint64 entry = ((seL4_Uint64)rand() << 31 | (seL4_Uint64)rand()) << 8;
            seL4_Uint64 delta =
                    ((seL4_Uint64)rand() << 31 | (seL4_Uint64)rand()) % (frequencies[f] * 86400);
            seL4_Uint64 entry_ns = (seL4_Uint64)rand() * 1000;
            if (i % 100 == 0) {
                entry = 0;
                delta = UINT64_MAX - (seL4_Uint64)i;
            }
            boot_setup_times(frequencies[f], entry, entry + delta, entry_ns);
            boot_summary_compute(&boot.info, &s);
            assert_true(s.has_boot_times);
            unsigned __int128 want =
                    entry_ns / 1000 + (unsigned __int128)delta * 1000000 / frequencies[f];
            assert_true(s.boot_us == (seL4_Uint64)want);
        }
    }
    /* A root-task reading before the kernel entry reading is not a time. */
    boot_setup_times(frequencies[0], 1000, 999, 0);
    boot_summary_compute(&boot.info, &s);
    assert_false(s.has_boot_times);
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
