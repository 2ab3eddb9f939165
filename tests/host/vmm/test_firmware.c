/*
 * The guest's firmware tables (services/vmm/firmware.c), read back as a guest would: the RSDP
 * found by scanning 0xE0000-0xFFFFF on 16-byte boundaries, then every table through lib/acpi's
 * parsers, which check lengths and checksums; the FADT's power-off path matches what lib/vdev's
 * power device ends the VM on; nothing lands outside the BIOS area and the BIOS data area.
 */
#include "firmware.h"
#include "guest_image.h"
#include "layout.h"
#include <acpi/acpi.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <vdev/power.h>

#include <cmocka.h>

static int ram_read(void *context, uint64_t address, void *out, size_t length)
{
    return pv_memory_read(context, gpa(address), out, length) ? 0 : -1;
}

/* The first valid RSDP on a 16-byte boundary of the BIOS area, as a scanning guest finds it. */
static uint64_t rsdp_scan(const pv_memory_t *ram, acpi_rsdp_t *rsdp)
{
    for (uint64_t at = 0xe0000; at < 0x100000; at += 16) {
        if (memcmp(ram->base + at, "RSD PTR ", 8) == 0 &&
            acpi_rsdp_parse(ram->base + at, 0x100000 - at, rsdp, NULL) == ACPI_OK) {
            return at;
        }
    }
    return 0;
}

static void test_tables_as_a_guest_reads_them(void **state)
{
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    acpi_memory_t memory = {.read = ram_read, .ctx = &ram};
    acpi_rsdp_t rsdp, given;
    acpi_root_t root;
    acpi_fadt_t fadt;
    acpi_madt_t madt;
    acpi_sleep_type_t s5;
    uint64_t rsdp_address = 0, fadt_address, madt_address;

    (void)state;
    assert_int_equal(firmware_write(&ram, 1, &rsdp_address), VDEV_ACPI_OK);
    /* A scan finds one; the legacy copy and the address PVH passes hold the same. */
    assert_int_not_equal(rsdp_scan(&ram, &rsdp), 0);
    assert_int_equal(acpi_rsdp_read(&memory, rsdp_address, &given, NULL), ACPI_OK);
    assert_int_equal(given.xsdt_address, rsdp.xsdt_address);
    assert_int_equal(acpi_rsdp_read(&memory, GUEST_ACPI_LEGACY_RSDP, &given, NULL), ACPI_OK);
    assert_int_equal(given.xsdt_address, rsdp.xsdt_address);
    assert_true(rsdp.revision >= 2);
    assert_int_equal(acpi_root_read(&memory, &rsdp, &root, NULL), ACPI_OK);
    assert_true(root.xsdt);
    assert_int_equal(acpi_find_table(&root, "FACP", 0, &fadt_address), ACPI_OK);
    assert_int_equal(acpi_find_table(&root, "APIC", 0, &madt_address), ACPI_OK);
    assert_int_equal(acpi_fadt_read(&memory, fadt_address, &fadt, NULL), ACPI_OK);
    assert_int_equal(fadt.pm1a_control.address, VDEV_PM_BASE + VDEV_PM1_CNT_OFFSET);
    assert_true(fadt.reset_supported);
    assert_int_equal(fadt.reset_register.address, VDEV_RESET_PORT);
    assert_int_equal(acpi_sleep_type_s5(&memory, fadt.dsdt, &s5, NULL), ACPI_OK);
    assert_int_equal(s5.type_a, VDEV_POWER_SLP_TYP_S5);
    assert_int_equal(acpi_madt_read(&memory, madt_address, &madt, NULL), ACPI_OK);
    assert_int_equal(madt.lapic_count, 1);
    assert_int_equal(madt.lapic_address, 0xfee00000);
    assert_int_equal(madt.ioapic_count, 1);
    assert_int_equal(madt.ioapics[0].address, 0xfec00000);
    assert_true(madt.pcat_compat);
    /* The BIOS data area points at the EBDA. */
    assert_int_equal(ram.base[0x40e] | ram.base[0x40f] << 8, 0x9fc0);
    /* Nothing else written: below the BIOS area only the BDA's word, nothing above it. */
    for (uint64_t i = 0; i < 0xe0000; i++) {
        if (i != 0x40e && i != 0x40f) {
            assert_int_equal(ram.base[i], 0);
        }
    }
    for (uint64_t i = 0x100000; i < ram.size; i++) {
        assert_int_equal(ram.base[i], 0);
    }
    test_ram_free(&ram);
}

static void test_more_processors(void **state)
{
    pv_memory_t ram = test_ram_new(4 * TEST_MIB);
    acpi_memory_t memory = {.read = ram_read, .ctx = &ram};
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    acpi_madt_t madt;
    uint64_t rsdp_address, madt_address;

    (void)state;
    assert_int_equal(firmware_write(&ram, 4, &rsdp_address), VDEV_ACPI_OK);
    assert_int_equal(acpi_rsdp_read(&memory, rsdp_address, &rsdp, NULL), ACPI_OK);
    assert_int_equal(acpi_root_read(&memory, &rsdp, &root, NULL), ACPI_OK);
    assert_int_equal(acpi_find_table(&root, "APIC", 0, &madt_address), ACPI_OK);
    assert_int_equal(acpi_madt_read(&memory, madt_address, &madt, NULL), ACPI_OK);
    assert_int_equal(madt.lapic_count, 4);
    assert_int_equal(firmware_write(&ram, 0, &rsdp_address), VDEV_ACPI_ERR_ARGUMENT);
    test_ram_free(&ram);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_tables_as_a_guest_reads_them),
            cmocka_unit_test(test_more_processors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
