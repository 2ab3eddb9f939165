/*
 * Host tests of ACPI discovery (RSDP from the loader, the EBDA or the BIOS area; RSDT/XSDT walk
 * with checksums; tables outside the memory map refused), the MADT parser (every entry type,
 * every malformed length) and CRC-32 against zlib's.
 */
#include "fake_phys.h"
#include "tests.h"
#include <arch/acpi.h>
#include <arch/crc32.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <zlib.h>

#define MEMORY_SIZE (2u << 20)
#define RSDP_AT     0xf5a40
#define ROOT_AT     0x1e0000
#define FACP_AT     0x1e0100
#define MADT_AT     0x1e0400
#define BAD_AT      0x1e0800
#define DSDT_AT     0x1e1000

static boot_params_t params;
static acpi_info_t info;

static void checksum_fix(uint64_t at, size_t length, size_t field)
{
    uint8_t sum = 0;
    fake_memory[at + field] = 0;
    for (size_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + fake_memory[at + i]);
    }
    fake_memory[at + field] = (uint8_t)(0x100 - sum);
}

static void table_header(uint64_t at, const char *signature, uint32_t length)
{
    memcpy(fake_memory + at, signature, 4);
    fake_put32(at + 4, length);
    fake_put8(at + 8, 1);
    memcpy(fake_memory + at + 10, "BEAML4", 6);
}

static void rsdp_write(uint64_t at, uint8_t revision, uint64_t root)
{
    memcpy(fake_memory + at, "RSD PTR ", 8);
    memcpy(fake_memory + at + 9, "BEAML4", 6);
    fake_put8(at + 15, revision);
    if (revision >= 2) {
        fake_put32(at + 20, 36);
        fake_put64(at + 24, root);
    } else {
        fake_put32(at + 16, (uint32_t)root);
    }
    checksum_fix(at, 20, 8);
    if (revision >= 2) {
        checksum_fix(at, 36, 32);
    }
}

/* A MADT with one entry of every type the parser knows, and one it does not. */
static uint32_t madt_write(uint64_t at)
{
    uint64_t e = at + 44;
    table_header(at, "APIC", 0);
    fake_put32(at + 36, 0xfee00000);
    fake_put32(at + 40, 1);
    const uint8_t entries[][16] = {
            {0, 8, 0, 0, 1, 0, 0, 0},
            {0, 8, 1, 2, 0, 0, 0, 0},
            {1, 12, 1, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0},
            {2, 10, 0, 0, 2, 0, 0, 0, 0, 0},
            {2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0},
            {3, 8, 0x05, 0, 23, 0, 0, 0},
            {4, 6, 0xff, 0x05, 0, 1},
            {5, 12, 0, 0, 0x00, 0x00, 0xe0, 0xfe, 0, 0, 0, 0},
            {9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 5, 0, 0, 0},
            {0x7f, 4, 0, 0},
    };
    for (size_t i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
        memcpy(fake_memory + e, entries[i], entries[i][1]);
        e += entries[i][1];
    }
    uint32_t length = (uint32_t)(e - at);
    fake_put32(at + 4, length);
    checksum_fix(at, length, 9);
    return length;
}

static void firmware_build(uint8_t revision)
{
    static memory_map_builder_t builder;

    fake_memory_reset(MEMORY_SIZE);
    memset(&params, 0, sizeof(params));
    memory_map_builder_init(&builder);
    memory_map_builder_add(&builder, 0, 0x9fc00, MEMORY_USABLE);
    memory_map_builder_add(&builder, 0xf0000, 0x10000, MEMORY_RESERVED);
    memory_map_builder_add(&builder, 0x100000, 0xe0000, MEMORY_USABLE);
    memory_map_builder_add(&builder, 0x1e0000, 0x20000, MEMORY_ACPI_RECLAIMABLE);
    memory_map_normalise(&builder, &params.memory_map);

    size_t entry = revision >= 2 ? 8 : 4;
    const uint64_t targets[4] = {FACP_AT, MADT_AT, BAD_AT, 0x300000 /* outside the map */};
    uint32_t root_length = (uint32_t)(36 + 4 * entry);
    table_header(ROOT_AT, revision >= 2 ? "XSDT" : "RSDT", root_length);
    for (size_t i = 0; i < 4; i++) {
        if (entry == 8) {
            fake_put64(ROOT_AT + 36 + i * 8, targets[i]);
        } else {
            fake_put32(ROOT_AT + 36 + i * 4, (uint32_t)targets[i]);
        }
    }
    checksum_fix(ROOT_AT, root_length, 9);
    table_header(FACP_AT, "FACP", 116);
    fake_put32(FACP_AT + 40, DSDT_AT);
    checksum_fix(FACP_AT, 116, 9);
    table_header(DSDT_AT, "DSDT", 50);
    checksum_fix(DSDT_AT, 50, 9);
    madt_write(MADT_AT);
    table_header(BAD_AT, "HPET", 56);
    checksum_fix(BAD_AT, 56, 9);
    fake_memory[BAD_AT + 40] ^= 1; /* now its checksum fails */
    rsdp_write(RSDP_AT, revision, ROOT_AT);
}

static platform_error_t run_acpi(void)
{
    memset(&info, 0, sizeof(info));
    platform_error_t error = acpi_init(&params, &info, true);
    fake_copies_free();
    return error;
}

static void test_acpi_rsdt_walk(void **state)
{
    (void)state;
    firmware_build(0);
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, RSDP_AT);
    assert_false(info.using_xsdt);
    assert_string_equal(info.oem_id, "BEAML4");
    assert_int_equal(info.table_count, 3);
    assert_string_equal(info.tables[0].signature, "FACP");
    assert_string_equal(info.tables[1].signature, "DSDT");
    assert_int_equal(info.tables[1].phys, DSDT_AT);
    assert_string_equal(info.tables[2].signature, "APIC");
    assert_int_equal(info.bad_tables, 2); /* bad checksum, and outside the memory map */
    assert_true(info.madt_found);
    assert_int_equal(info.madt.processor_count, 3);
}

/* The DSDT is checked and listed only when asked for (the full summary); the rest is the same. */
static void test_acpi_dsdt_only_when_asked(void **state)
{
    (void)state;
    for (int broken = 0; broken <= 1; broken++) {
        firmware_build(0);
        if (broken) {
            fake_memory[DSDT_AT + 40] ^= 1; /* its checksum fails */
        }
        memset(&info, 0, sizeof(info));
        assert_int_equal(acpi_init(&params, &info, false), PLATFORM_OK);
        fake_copies_free();
        assert_int_equal(info.table_count, 2);
        assert_string_equal(info.tables[0].signature, "FACP");
        assert_string_equal(info.tables[1].signature, "APIC");
        assert_int_equal(info.bad_tables, 2);
        assert_true(info.madt_found);

        assert_int_equal(run_acpi(), PLATFORM_OK); /* with the DSDT */
        assert_int_equal(info.table_count, broken ? 2 : 3);
        assert_int_equal(info.bad_tables, broken ? 3 : 2);
    }
}

static void test_acpi_xsdt_and_loader_pointer(void **state)
{
    (void)state;
    firmware_build(2);
    memset(fake_memory + RSDP_AT, 0, 36); /* not in the BIOS area: only the loader knows it */
    rsdp_write(0x1f0000, 2, ROOT_AT);
    params.rsdp_phys = 0x1f0000;
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_true(info.using_xsdt);
    assert_int_equal(info.rsdp_revision, 2);
    assert_int_equal(info.rsdp_phys, 0x1f0000);
    assert_int_equal(info.table_count, 3);

    params.rsdp_phys = 0x1f0010; /* the loader points at garbage */
    assert_int_equal(run_acpi(), PLATFORM_ERROR_CHECKSUM);
    params.rsdp_phys = 0x300000; /* or outside the memory map */
    assert_int_equal(run_acpi(), PLATFORM_ERROR_CHECKSUM);
}

static void test_acpi_ebda_and_copy(void **state)
{
    (void)state;
    firmware_build(0);
    memset(fake_memory + RSDP_AT, 0, 20);
    fake_put16(0x40e, 0x9fc0);
    rsdp_write(0x9fc00 + 0x40, 0, ROOT_AT);
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, 0x9fc40);

    /* A multiboot2 copy: used, with its own address, when the BIOS areas hold no RSDP. */
    memcpy(params.rsdp_copy, fake_memory + 0x9fc40, 20);
    memset(fake_memory + 0x9fc40, 0, 20);
    params.rsdp_copy_valid = true;
    params.rsdp_phys = 0x12340;
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, 0x12340);
    params.rsdp_copy[3] ^= 1;
    assert_int_equal(run_acpi(), PLATFORM_ERROR_CHECKSUM);
}

static void test_acpi_failures(void **state)
{
    (void)state;
    firmware_build(0);
    fake_memory[RSDP_AT + 8] ^= 1;
    assert_int_equal(run_acpi(), PLATFORM_ERROR_NOT_FOUND);

    firmware_build(2);
    fake_memory[RSDP_AT + 32] ^= 1; /* extended checksum only */
    assert_int_equal(run_acpi(), PLATFORM_ERROR_NOT_FOUND);

    firmware_build(0);
    fake_memory[ROOT_AT + 20] ^= 1;
    assert_int_equal(run_acpi(), PLATFORM_ERROR_CHECKSUM);

    firmware_build(0);
    fake_put32(ROOT_AT + 4, 0x7fffffff); /* absurd root length */
    assert_int_equal(run_acpi(), PLATFORM_ERROR_MALFORMED);

    firmware_build(0);
    memcpy(fake_memory + MADT_AT, "APIX", 4);
    checksum_fix(MADT_AT, fake_memory[MADT_AT + 4] | (fake_memory[MADT_AT + 5] << 8), 9);
    assert_int_equal(run_acpi(), PLATFORM_ERROR_NOT_FOUND);
}

/*
 * An IOAPIC whose register page the MADT puts in usable RAM is refused: the kernel would write its
 * redirection entries into memory it hands out or holds itself. Outside the map or in a reserved
 * region (where firmware often lists the IOAPIC page) it is accepted.
 */
static void test_acpi_ioapic_in_ram_refused(void **state)
{
    (void)state;
    const uint64_t address_field = MADT_AT + 44 + 8 + 8 + 4; /* the third entry is the IOAPIC */
    const struct {
        uint32_t address;
        platform_error_t expected;
    } cases[] = {
            {0xfec00000, PLATFORM_OK},            /* outside every region */
            {0xf8000, PLATFORM_OK},               /* reserved */
            {0x150000, PLATFORM_ERROR_MALFORMED}, /* usable */
            {0x9f800, PLATFORM_ERROR_MALFORMED},  /* its page overlaps the end of usable RAM */
            {0x1e1000, PLATFORM_OK},              /* ACPI reclaimable */
            {0x1dfff0, PLATFORM_ERROR_MALFORMED}, /* the page below it is usable */
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        firmware_build(0);
        uint32_t length = fake_memory[MADT_AT + 4] | (fake_memory[MADT_AT + 5] << 8);
        fake_put32(address_field, cases[i].address);
        checksum_fix(MADT_AT, length, 9);
        if (run_acpi() != cases[i].expected) {
            fail_msg("IOAPIC at %#x: %s, want %s", cases[i].address,
                     platform_error_name(acpi_init(&params, &info, true)),
                     platform_error_name(cases[i].expected));
        }
    }
}

/*
 * The BIOS area is searched F segment first; a signature off the 16-byte grid, or one without a
 * valid structure behind it, does not stop the search.
 */
static void test_acpi_rsdp_search_order(void **state)
{
    (void)state;
    firmware_build(0);
    rsdp_write(0xe0010, 0, ROOT_AT + 1); /* would fail the root table if chosen */
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, RSDP_AT);

    memset(fake_memory + RSDP_AT, 0, 20);
    memset(fake_memory + 0xe0010, 0, 20);
    rsdp_write(0xf1008, 0, ROOT_AT);              /* 8-byte aligned only */
    memcpy(fake_memory + 0xf2000, "RSD PTR ", 8); /* a signature and nothing valid after it */
    rsdp_write(0xe8000, 0, ROOT_AT);
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, 0xe8000);

    /* A signature in the very last candidate slot of the area is still found. */
    memset(fake_memory + 0xe8000, 0, 20);
    rsdp_write(0xfffe0, 0, ROOT_AT);
    assert_int_equal(run_acpi(), PLATFORM_OK);
    assert_int_equal(info.rsdp_phys, 0xfffe0);
}

/* The word-wise checksum against a byte loop, with buffers of exactly their length (ASan). */
static void test_checksum_matches_bytewise(void **state)
{
    (void)state;
    srand(11);
    for (int round = 0; round < 3000; round++) {
        size_t length = (size_t)rand() % 5000;
        uint8_t *buffer = malloc(length + 1);
        uint8_t fill = (uint8_t)(round % 3 == 0 ? 0xff : 0);
        uint8_t sum = 0;
        assert_non_null(buffer);
        for (size_t i = 0; i < length; i++) {
            buffer[i] = round % 3 == 0 ? fill : (uint8_t)rand();
            sum = (uint8_t)(sum + buffer[i]);
        }
        assert_int_equal(acpi_checksum_ok(buffer, length), sum == 0);
        if (length > 0 && round % 2 == 1) {
            buffer[(size_t)rand() % length] -= sum; /* now it sums to zero */
            assert_true(acpi_checksum_ok(buffer, length));
        }
        free(buffer);
    }
    /* All 0xff: 256 * k bytes sum to zero, one byte fewer does not (lanes must not overflow). */
    for (size_t length = 256; length <= 8192; length += 256) {
        uint8_t *buffer = malloc(length);
        assert_non_null(buffer);
        memset(buffer, 0xff, length);
        assert_true(acpi_checksum_ok(buffer, length));
        assert_false(acpi_checksum_ok(buffer, length - 1));
        free(buffer);
    }
}

static void test_madt_entries(void **state)
{
    (void)state;
    madt_info_t madt;
    fake_memory_reset(0x1000);
    uint32_t length = madt_write(0);

    assert_int_equal(madt_parse(fake_memory, length, &madt), PLATFORM_OK);
    assert_int_equal(madt.lapic_address, 0xfee00000);
    assert_int_equal(madt.flags, 1);
    assert_int_equal(madt.processor_count, 3);
    assert_true(madt.processors[0].enabled);
    assert_false(madt.processors[1].enabled);
    assert_int_equal(madt.processors[1].apic_id, 2);
    assert_true(madt.processors[2].x2apic_entry);
    assert_int_equal(madt.processors[2].apic_id, 0x100);
    assert_int_equal(madt.processors[2].acpi_uid, 5);
    assert_int_equal(madt.ioapic_count, 1);
    assert_int_equal(madt.ioapics[0].address, 0xfec00000);
    assert_int_equal(madt.override_count, 2);
    assert_int_equal(madt.overrides[0].gsi, 2);
    assert_int_equal(madt.overrides[1].flags & MADT_TRIGGER_MASK, MADT_TRIGGER_LEVEL);
    assert_int_equal(madt.nmi_count, 2);
    assert_int_equal(madt.nmis[0].kind, MADT_NMI_SOURCE);
    assert_int_equal(madt.nmis[0].gsi, 23);
    assert_int_equal(madt.nmis[1].kind, MADT_NMI_LAPIC);
    assert_int_equal(madt.nmis[1].acpi_uid, 0xffffffffu);
    assert_int_equal(madt.nmis[1].lint, 1);
    assert_int_equal(madt.unknown_entries, 1);
}

static void test_madt_malformed(void **state)
{
    (void)state;
    madt_info_t madt;
    uint32_t length;

    fake_memory_reset(0x1000);
    length = madt_write(0);
    assert_int_equal(madt_parse(fake_memory, length - 1, &madt), PLATFORM_ERROR_MALFORMED);
    assert_int_equal(madt_parse(fake_memory, 40, &madt), PLATFORM_ERROR_MALFORMED);

    fake_memory[44 + 1] = 0; /* first entry of length 0 */
    assert_int_equal(madt_parse(fake_memory, length, &madt), PLATFORM_ERROR_MALFORMED);
    length = madt_write(0);
    fake_memory[44 + 1] = 6; /* a LAPIC entry shorter than its 8 bytes */
    assert_int_equal(madt_parse(fake_memory, length, &madt), PLATFORM_ERROR_MALFORMED);
    length = madt_write(0);
    fake_memory[length - 4 + 1] = 5; /* the last entry runs past the table */
    assert_int_equal(madt_parse(fake_memory, length, &madt), PLATFORM_ERROR_MALFORMED);

    /* More IOAPICs than the table holds. */
    fake_memory_reset(0x1000);
    table_header(0, "APIC", 0);
    for (int i = 0; i <= MADT_IOAPICS_MAX; i++) {
        uint8_t entry[12] = {1, 12, (uint8_t)i, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0};
        memcpy(fake_memory + 44 + i * 12, entry, 12);
    }
    length = 44 + (MADT_IOAPICS_MAX + 1) * 12;
    fake_put32(4, length);
    assert_int_equal(madt_parse(fake_memory, length, &madt), PLATFORM_ERROR_TOO_MANY);

    /* Random corruption: any verdict, but never a read past the table (ASan). */
    srand(5);
    for (int round = 0; round < 5000; round++) {
        fake_memory_reset(0x1000);
        length = madt_write(0);
        uint8_t *copy = malloc(length);
        memcpy(copy, fake_memory, length);
        for (int flips = 1 + rand() % 4; flips > 0; flips--) {
            copy[36 + rand() % (length - 36)] = (uint8_t)rand();
        }
        (void)madt_parse(copy, length, &madt);
        free(copy);
    }
}

static void test_rsdp_validate(void **state)
{
    (void)state;
    fake_memory_reset(0x1000);
    rsdp_write(0x100, 2, 0x1234);
    assert_int_equal(acpi_rsdp_validate(fake_memory + 0x100, 36), 36);
    assert_int_equal(acpi_rsdp_validate(fake_memory + 0x100, 20), 0); /* v2 needs 36 bytes */
    rsdp_write(0x200, 0, 0x1234);
    assert_int_equal(acpi_rsdp_validate(fake_memory + 0x200, 20), 20);
    fake_memory[0x200] = 'X';
    assert_int_equal(acpi_rsdp_validate(fake_memory + 0x200, 20), 0);
}

static void test_crc32_matches_zlib(void **state)
{
    (void)state;
    static uint8_t buffer[70001];

    assert_int_equal(crc32_update(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);
    assert_int_equal(crc32_update(0, buffer, 0), 0);
    srand(3);
    for (int round = 0; round < 200; round++) {
        size_t length = (size_t)rand() % sizeof(buffer);
        for (size_t i = 0; i < length; i++) {
            buffer[i] = (uint8_t)rand();
        }
        size_t split = length == 0 ? 0 : (size_t)rand() % length;
        uint32_t ours =
                crc32_update(crc32_update(0, buffer, split), buffer + split, length - split);
        assert_int_equal(ours, (uint32_t)crc32(0, buffer, (uInt)length));
    }
}

int test_acpi_run(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_acpi_rsdt_walk),
            cmocka_unit_test(test_acpi_dsdt_only_when_asked),
            cmocka_unit_test(test_acpi_xsdt_and_loader_pointer),
            cmocka_unit_test(test_acpi_ebda_and_copy),
            cmocka_unit_test(test_acpi_failures),
            cmocka_unit_test(test_acpi_ioapic_in_ram_refused),
            cmocka_unit_test(test_acpi_rsdp_search_order),
            cmocka_unit_test(test_checksum_matches_bytewise),
            cmocka_unit_test(test_madt_entries),
            cmocka_unit_test(test_madt_malformed),
            cmocka_unit_test(test_rsdp_validate),
            cmocka_unit_test(test_crc32_matches_zlib),
    };
    return cmocka_run_group_tests_name("acpi, madt, crc32", tests, NULL, NULL);
}
