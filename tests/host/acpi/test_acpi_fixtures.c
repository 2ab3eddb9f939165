/*
 * lib/acpi on real firmware tables: QEMU q35 (qboot), QEMU i440FX (SeaBIOS) and Bochs, dumped
 * from their memory (fixtures/NAME.acpi, made by fixtures/make-fixture.py). Each must parse
 * completely, with the values those machines are known to have, reading only the fixture's
 * regions. Then every
 * byte of every table is changed in turn, and every region cut short: the table at fault must be
 * refused (checksum, length, signature or a failed read), never crash or be read past its end.
 *   test_acpi_fixtures FIXTURE_DIR
 */
#include "acpi_test_memory.h"

#include <acpi/acpi.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char *fixture_dir = "tests/host/acpi/fixtures";

typedef struct {
    const char *file;
    size_t tables;
    uint8_t fadt_revision;
    uint16_t pm1a_control;
    uint16_t pm_timer;
    uint8_t ioapic_id;
    size_t overrides;
    bool reset_supported;
} machine_t;

static const machine_t machines[] = {
        {"qemu-q35-qboot.acpi", 5, 3, 0x604, 0x608, 0, 5, true},
        {"qemu-pc-seabios.acpi", 4, 1, 0x604, 0x608, 0, 5, false},
        {"bochs.acpi", 4, 1, 0xb004, 0xb008, 1, 1, false},
};

static void load(test_memory_t *memory, const machine_t *machine)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", fixture_dir, machine->file);
    test_memory_init(memory);
    assert_true(test_memory_load(memory, path));
}

/* Every table reachable from the RSDP, parsed; returns the first error. */
static acpi_error_t parse_all(test_memory_t *memory, acpi_madt_t *madt, acpi_fadt_t *fadt,
                              acpi_hpet_t *hpet, acpi_sleep_type_t *sleep, acpi_root_t *root)
{
    acpi_memory_t view = test_memory_view(memory);
    acpi_rsdp_t rsdp;
    uint64_t address;
    acpi_error_t error = acpi_rsdp_read(&view, memory->rsdp, &rsdp, NULL);

    if (error == ACPI_OK) {
        error = acpi_root_read(&view, &rsdp, root, NULL);
    }
    for (size_t i = 0; error == ACPI_OK && i < root->count; i++) {
        error = root->tables[i].status;
    }
    if (error == ACPI_OK) {
        error = acpi_find_table(root, "APIC", 0, &address);
    }
    if (error == ACPI_OK) {
        error = acpi_madt_read(&view, address, madt, NULL);
    }
    if (error == ACPI_OK) {
        error = acpi_find_table(root, "HPET", 0, &address);
    }
    if (error == ACPI_OK) {
        error = acpi_hpet_read(&view, address, hpet, NULL);
    }
    if (error == ACPI_OK) {
        error = acpi_find_table(root, "FACP", 0, &address);
    }
    if (error == ACPI_OK) {
        error = acpi_fadt_read(&view, address, fadt, NULL);
    }
    if (error == ACPI_OK) {
        error = acpi_sleep_type_s5(&view, fadt->dsdt, sleep, NULL);
    }
    return error;
}

static void test_machine(void **state)
{
    const machine_t *machine = *state;
    test_memory_t memory;
    acpi_madt_t madt;
    acpi_fadt_t fadt;
    acpi_hpet_t hpet;
    acpi_sleep_type_t sleep;
    acpi_root_t root;

    load(&memory, machine);
    assert_int_equal(parse_all(&memory, &madt, &fadt, &hpet, &sleep, &root), ACPI_OK);
    assert_int_equal(memory.failed_reads, 0);
    assert_false(root.xsdt);
    assert_int_equal(root.count, machine->tables);
    /* One processor, one IOAPIC, the ISA overrides, LINT1 as NMI on every processor. */
    assert_int_equal(madt.lapic_address, 0xfee00000u);
    assert_true(madt.pcat_compat);
    assert_int_equal(madt.lapic_count, 1);
    assert_true(madt.lapics[0].enabled);
    assert_int_equal(madt.ioapic_count, 1);
    assert_int_equal(madt.ioapics[0].id, machine->ioapic_id);
    assert_int_equal(madt.ioapics[0].address, 0xfec00000u);
    assert_int_equal(madt.ioapics[0].gsi_base, 0);
    assert_int_equal(madt.override_count, machine->overrides);
    assert_int_equal(madt.overrides[0].source, 0);
    assert_int_equal(madt.overrides[0].gsi, 2);
    if (machine->overrides > 1) {
        assert_int_equal(madt.overrides[1].source, 5);
        assert_int_equal(madt.overrides[1].trigger, ACPI_TRIGGER_LEVEL);
        assert_int_equal(madt.overrides[1].polarity, ACPI_POLARITY_HIGH);
        assert_int_equal(madt.lapic_nmi_count, 1);
        assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
        assert_int_equal(madt.lapic_nmis[0].lint, 1);
    }
    assert_int_equal(hpet.base_address, 0xfed00000u);
    assert_int_equal(hpet.vendor_id, 0x8086);
    assert_int_equal(hpet.comparators, 3);
    assert_int_equal(fadt.revision, machine->fadt_revision);
    assert_int_equal(fadt.sci_interrupt, 9);
    assert_int_equal(fadt.pm1a_control.space, ACPI_SPACE_IO);
    assert_int_equal(fadt.pm1a_control.address, machine->pm1a_control);
    assert_int_equal(fadt.pm1a_event.address, machine->pm1a_control - 4u);
    assert_int_equal(fadt.pm_timer.address, machine->pm_timer);
    assert_int_equal(fadt.pm_timer.bit_width, 32);
    assert_int_equal(fadt.reset_supported, machine->reset_supported);
    if (machine->reset_supported) {
        assert_int_equal(fadt.reset_register.address, 0xcf9);
        assert_int_equal(fadt.reset_value, 0x0f);
    }
    assert_int_equal(sleep.type_a, 0);
    assert_int_equal(sleep.type_b, 0);
    printf("%s: %zu tables, %lu reads, DSDT %#llx\n", machine->file, root.count, memory.reads,
           (unsigned long long)fadt.dsdt);
    test_memory_free(&memory);
}

/* Each byte of each table changed: the parse of everything must fail, and never crash. */
static void test_machine_every_byte_changed(void **state)
{
    const machine_t *machine = *state;
    test_memory_t memory;
    acpi_madt_t madt;
    acpi_fadt_t fadt;
    acpi_hpet_t hpet;
    acpi_sleep_type_t sleep;
    acpi_root_t root;
    unsigned long changes = 0;

    load(&memory, machine);
    for (size_t r = 0; r < memory.count; r++) {
        test_region_t *region = &memory.regions[r];
        bool facs = region->size >= 4 && memcmp(region->bytes, "FACS", 4) == 0;
        for (size_t i = 0; i < region->size && !facs; i++) {
            uint8_t saved = region->bytes[i];
            for (unsigned bit = 0; bit < 8; bit += 3) {
                region->bytes[i] = (uint8_t)(saved ^ (1u << bit));
                acpi_error_t error = parse_all(&memory, &madt, &fadt, &hpet, &sleep, &root);
                if (error == ACPI_OK) {
                    fail_msg("%s: region %#llx byte %zu bit %u changed, still accepted",
                             machine->file, (unsigned long long)region->address, i, bit);
                }
                changes++;
            }
            region->bytes[i] = saved;
        }
    }
    printf("%s: %lu changed bytes, every one refused\n", machine->file, changes);
    test_memory_free(&memory);
}

/* Each region cut by 1 to 64 bytes (the FACS is never read). */
static void test_machine_regions_cut(void **state)
{
    const machine_t *machine = *state;
    test_memory_t memory;
    acpi_madt_t madt;
    acpi_fadt_t fadt;
    acpi_hpet_t hpet;
    acpi_sleep_type_t sleep;
    acpi_root_t root;

    load(&memory, machine);
    for (size_t r = 0; r < memory.count; r++) {
        test_region_t *region = &memory.regions[r];
        size_t size = region->size;
        if (size >= 4 && memcmp(region->bytes, "FACS", 4) == 0) {
            continue;
        }
        for (size_t cut = 1; cut <= 64 && cut <= size; cut++) {
            region->size = size - cut;
            acpi_error_t error = parse_all(&memory, &madt, &fadt, &hpet, &sleep, &root);
            if (error == ACPI_OK || memory.failed_reads == 0) {
                fail_msg("%s: region %#llx cut by %zu: %s", machine->file,
                         (unsigned long long)region->address, cut, acpi_error_string(error));
            }
            memory.failed_reads = 0;
        }
        region->size = size;
    }
    test_memory_free(&memory);
}

int main(int argc, char **argv)
{
    struct CMUnitTest tests[3 * sizeof(machines) / sizeof(machines[0])];
    size_t count = 0;

    if (argc > 1) {
        fixture_dir = argv[1];
    }
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        void *state = (void *)&machines[i];
        tests[count++] = (struct CMUnitTest){"machine", test_machine, NULL, NULL, state};
        tests[count++] = (struct CMUnitTest){"every_byte_changed", test_machine_every_byte_changed,
                                             NULL, NULL, state};
        tests[count++] =
                (struct CMUnitTest){"regions_cut", test_machine_regions_cut, NULL, NULL, state};
    }
    return _cmocka_run_group_tests("acpi_fixtures", tests, count, NULL, NULL);
}
