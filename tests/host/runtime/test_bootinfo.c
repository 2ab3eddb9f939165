/*
 * Host tests of lib/runtime/bootinfo.c: finding extra boot info chunks (present, absent,
 * malformed lengths, chunks running past extraLen), the command line and its options, and the
 * TSC frequency with its MHz fallback.
 */
#include <runtime/bootinfo.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fake_bootinfo.h"

static fake_bootinfo_t boot __attribute__((aligned(FAKE_BOOTINFO_PAGE)));

static void test_find_present_and_absent(void **state)
{
    seL4_X86_TSC_Freq freq = {.hz = 2400000000ull, .mhz = 2400};
    seL4_X86_ACPI_RSDP rsdp = {.paddr = 0xf52e0};
    seL4_Word length = 0;
    const seL4_X86_ACPI_RSDP *found;

    (void)state;
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_Padding, "pad", 3, 0);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 0);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_ACPI_RSDP, &rsdp, sizeof(rsdp), 0);
    found = bootinfo_find_extra(&boot.info, seL4_BootInfo_X86_ACPI_RSDP, &length);
    assert_non_null(found);
    assert_int_equal(found->paddr, 0xf52e0);
    assert_true(length >= sizeof(rsdp));
    assert_null(bootinfo_find_extra(&boot.info, seL4_BootInfo_X86_Framebuffer, NULL));
    assert_int_equal(bootinfo_tsc_hz(&boot.info), 2400000000ull);
}

static void test_malformed_chunks_end_the_walk(void **state)
{
    seL4_X86_TSC_Freq freq = {.hz = 1000000000ull, .mhz = 1000};

    (void)state;
    /* A zero-length header would loop forever if believed. */
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_Padding, "", 0, 0);
    ((seL4_BootInfoHeader *)(boot.bytes + FAKE_BOOTINFO_PAGE))->len = 0;
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 0);
    assert_null(bootinfo_find_extra(&boot.info, seL4_BootInfo_X86_TSC_Freq, NULL));

    /* A chunk claiming more bytes than extraLen holds is not read. */
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 4096);
    assert_null(bootinfo_find_extra(&boot.info, seL4_BootInfo_X86_TSC_Freq, NULL));
    assert_int_equal(bootinfo_tsc_hz(&boot.info), 0);

    /* extraLen shorter than one header: nothing at all. */
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 0);
    boot.info.extraLen = sizeof(seL4_BootInfoHeader) - 1;
    assert_null(bootinfo_find_extra(&boot.info, seL4_BootInfo_X86_TSC_Freq, NULL));
}

static void test_tsc_mhz_fallback_and_short_payload(void **state)
{
    seL4_X86_TSC_Freq freq = {.hz = 0, .mhz = 3000};

    (void)state;
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, sizeof(freq), 0);
    assert_int_equal(bootinfo_tsc_hz(&boot.info), 3000000000ull);
    fake_bootinfo_reset(&boot);
    fake_bootinfo_add(&boot, seL4_BootInfo_X86_TSC_Freq, &freq, 4,
                      0); /* too short for the payload type */
    assert_int_equal(bootinfo_tsc_hz(&boot.info), 0);
}

static void test_command_line_options(void **state)
{
    static const char line[] = "  console=com1 exit_after_boot  verbose";

    (void)state;
    fake_bootinfo_reset(&boot);
    assert_string_equal(bootinfo_command_line(&boot.info), "");
    assert_false(bootinfo_has_option(&boot.info, "exit_after_boot"));
    fake_bootinfo_add(&boot, seL4_BootInfo_CommandLine, line, sizeof(line), 0);
    assert_string_equal(bootinfo_command_line(&boot.info), line);
    assert_true(bootinfo_has_option(&boot.info, "exit_after_boot"));
    assert_true(bootinfo_has_option(&boot.info, "verbose"));
    assert_true(bootinfo_has_option(&boot.info, "console=com1"));
    assert_false(bootinfo_has_option(&boot.info, "exit"));       /* a prefix is not a word */
    assert_false(bootinfo_has_option(&boot.info, "after_boot")); /* nor a suffix */
    assert_false(bootinfo_has_option(&boot.info, "console"));
    assert_false(bootinfo_has_option(&boot.info, ""));
}

static void test_command_line_must_be_terminated(void **state)
{
    static const char unterminated[8] = {'e', 'x', 'i', 't', '_', 'a', 'f', 't'};

    (void)state;
    fake_bootinfo_reset(&boot);
    /* Eight bytes fill the chunk exactly: no padding, so no NUL anywhere in the payload. */
    fake_bootinfo_add(&boot, seL4_BootInfo_CommandLine, unterminated, sizeof(unterminated), 0);
    assert_string_equal(bootinfo_command_line(&boot.info), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_find_present_and_absent),
            cmocka_unit_test(test_malformed_chunks_end_the_walk),
            cmocka_unit_test(test_tsc_mhz_fallback_and_short_payload),
            cmocka_unit_test(test_command_line_options),
            cmocka_unit_test(test_command_line_must_be_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
