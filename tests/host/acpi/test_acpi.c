/*
 * Host tests of lib/acpi's RSDP, table headers and root tables on synthetic memory: every
 * refusal with its error and the field it names (signature, both checksums, lengths at and past
 * their limits, entries that are null, point into the root table or to a root table, repeat, or
 * are broken), truncation past ACPI_TABLES_MAX, and reads only where the tables are.
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

#define RSDP_AT 0xe0000u
#define ROOT_AT 0x100000u
#define TABLE_A 0x101000u
#define TABLE_B 0x102000u
#define TABLE_C 0x103000u

static void expect_where(const acpi_where_t *where, uint64_t address, const char *signature,
                         uint32_t offset)
{
    assert_int_equal(where->address, address);
    assert_string_equal(where->signature, signature);
    assert_int_equal(where->offset, offset);
}

/* ---- RSDP --------------------------------------------------------------------------------- */

static void test_rsdp_bytes(void **state)
{
    uint8_t bytes[64];
    acpi_rsdp_t rsdp;
    acpi_where_t where;

    (void)state;
    test_rsdp(bytes, 0, 0x7fe1234, 0);
    assert_int_equal(acpi_rsdp_parse(bytes, 20, &rsdp, &where), ACPI_OK);
    assert_int_equal(rsdp.revision, 0);
    assert_int_equal(rsdp.rsdt_address, 0x7fe1234);
    assert_int_equal(rsdp.xsdt_address, 0);
    assert_int_equal(rsdp.length, 20);
    assert_string_equal(rsdp.oem_id, "BEAML4");
    assert_int_equal(acpi_rsdp_parse(bytes, 19, &rsdp, &where), ACPI_ERR_LENGTH);
    test_rsdp(bytes, 2, 0x7fe1234, 0x123456789ull);
    assert_int_equal(acpi_rsdp_parse(bytes, 36, &rsdp, NULL), ACPI_OK);
    assert_int_equal(rsdp.revision, 2);
    assert_int_equal(rsdp.xsdt_address, 0x123456789ull);
    assert_int_equal(rsdp.length, 36);
    assert_int_equal(acpi_rsdp_parse(bytes, 35, &rsdp, &where), ACPI_ERR_LENGTH);
    /* Revision 1 is read as 1.0. */
    test_rsdp(bytes, 1, 0x1000, 0);
    assert_int_equal(acpi_rsdp_parse(bytes, 20, &rsdp, NULL), ACPI_OK);
    assert_int_equal(rsdp.length, 20);
}

static void test_rsdp_bytes_refused(void **state)
{
    uint8_t bytes[64] = {0};
    acpi_rsdp_t rsdp;
    acpi_where_t where;

    (void)state;
    test_rsdp(bytes, 0, 0x1000, 0);
    bytes[7] = 'X';
    assert_int_equal(acpi_rsdp_parse(bytes, 20, &rsdp, &where), ACPI_ERR_SIGNATURE);
    expect_where(&where, 0, "RSDP", 0);
    test_rsdp(bytes, 0, 0x1000, 0);
    bytes[19]++;
    assert_int_equal(acpi_rsdp_parse(bytes, 20, &rsdp, &where), ACPI_ERR_CHECKSUM);
    expect_where(&where, 0, "RSDP", 8);
    test_rsdp(bytes, 2, 0x1000, 0x2000);
    bytes[30]++; /* past the first 20 bytes: only the extended checksum sees it */
    assert_int_equal(acpi_rsdp_parse(bytes, 36, &rsdp, &where), ACPI_ERR_CHECKSUM);
    expect_where(&where, 0, "RSDP", 32);
    /* The length field: 36 to 64, and inside what was given. */
    static const uint32_t lengths[] = {0, 20, 35, 65, 0xffffffffu};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        test_rsdp(bytes, 2, 0x1000, 0x2000);
        test_put32(bytes + 20, lengths[i]);
        assert_int_equal(acpi_rsdp_parse(bytes, 64, &rsdp, &where), ACPI_ERR_LENGTH);
        expect_where(&where, 0, "RSDP", 20);
    }
    test_rsdp(bytes, 2, 0x1000, 0x2000);
    test_put32(bytes + 20, 40); /* a longer structure, extended checksum over 40 bytes */
    assert_int_equal(acpi_rsdp_parse(bytes, 40, &rsdp, NULL), ACPI_ERR_CHECKSUM);
    bytes[36] = (uint8_t)(0x100 - 40 + 36); /* make up for the changed length field */
    assert_int_equal(acpi_rsdp_parse(bytes, 40, &rsdp, NULL), ACPI_OK);
    assert_int_equal(acpi_rsdp_parse(bytes, 39, &rsdp, NULL), ACPI_ERR_LENGTH);
    assert_int_equal(acpi_rsdp_parse(NULL, 36, &rsdp, NULL), ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_rsdp_parse(bytes, 36, NULL, NULL), ACPI_ERR_ARGUMENT);
}

/* From memory: only the bytes the revision says exist are read. */
static void test_rsdp_from_memory(void **state)
{
    test_memory_t memory;
    uint8_t bytes[64];
    acpi_rsdp_t rsdp;
    acpi_where_t where;

    (void)state;
    test_memory_init(&memory);
    acpi_memory_t view = test_memory_view(&memory);
    test_memory_add(&memory, RSDP_AT, bytes, test_rsdp(bytes, 0, ROOT_AT, 0));
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, &where), ACPI_OK);
    assert_int_equal(rsdp.rsdt_address, ROOT_AT);
    assert_int_equal(memory.failed_reads, 0);
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT + 16, &rsdp, &where), ACPI_ERR_READ);
    expect_where(&where, RSDP_AT + 16, "RSDP", 0);
    test_memory_free(&memory);
    /* A 2.0 RSDP cut after 20 bytes, then whole, then with a longer length field. */
    test_rsdp(bytes, 2, ROOT_AT, 0x200000);
    test_memory_add(&memory, RSDP_AT, bytes, 20);
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, &where), ACPI_ERR_READ);
    expect_where(&where, RSDP_AT, "RSDP", 20);
    test_memory_free(&memory);
    test_memory_add(&memory, RSDP_AT, bytes, 36);
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, &where), ACPI_OK);
    assert_int_equal(rsdp.xsdt_address, 0x200000);
    test_memory_free(&memory);
    test_put32(bytes + 20, 48);
    bytes[32] = (uint8_t)(bytes[32] + 36 - 48);
    test_memory_add(&memory, RSDP_AT, bytes, 36);
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, &where), ACPI_ERR_READ);
    expect_where(&where, RSDP_AT, "RSDP", 36);
    test_memory_free(&memory);
    memset(bytes + 36, 0, 12);
    test_memory_add(&memory, RSDP_AT, bytes, 48);
    assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, &where), ACPI_OK);
    assert_int_equal(rsdp.length, 48);
    /* A range that would wrap never reaches the callback. */
    unsigned long reads = memory.reads;
    assert_int_equal(acpi_rsdp_read(&view, UINT64_MAX - 10, &rsdp, &where), ACPI_ERR_READ);
    assert_int_equal(memory.reads, reads);
    assert_int_equal(acpi_rsdp_read(NULL, RSDP_AT, &rsdp, &where), ACPI_ERR_ARGUMENT);
    test_memory_free(&memory);
}

/* ---- table headers ------------------------------------------------------------------------ */

static void test_table_header_checks(void **state)
{
    test_memory_t memory;
    uint8_t table[128] = {0};
    acpi_header_t header;
    acpi_where_t where;

    (void)state;
    test_memory_init(&memory);
    acpi_memory_t view = test_memory_view(&memory);
    size_t length = test_table(table, "HPET", 1, "0123456789abcdefghij", 20);
    uint8_t *copy = test_memory_add(&memory, TABLE_A, table, length);
    assert_int_equal(acpi_table_header(&view, TABLE_A, "HPET", &header, &where), ACPI_OK);
    assert_string_equal(header.signature, "HPET");
    assert_int_equal(header.length, 56);
    assert_int_equal(header.revision, 1);
    assert_string_equal(header.oem_id, "BEAML4");
    assert_string_equal(header.oem_table_id, "TESTTBL ");
    assert_int_equal(acpi_table_header(&view, TABLE_A, NULL, &header, &where), ACPI_OK);
    assert_int_equal(acpi_table_header(&view, TABLE_A, "APIC", &header, &where),
                     ACPI_ERR_SIGNATURE);
    expect_where(&where, TABLE_A, "APIC", 0);
    assert_int_equal(acpi_table_header(&view, TABLE_A, "APC", &header, &where), ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_table_header(&view, TABLE_A, "APICS", &header, &where),
                     ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_table_header(&view, 0, NULL, &header, &where), ACPI_ERR_NULL_ADDRESS);
    assert_int_equal(acpi_table_header(&view, TABLE_B, NULL, &header, &where), ACPI_ERR_READ);
    copy[40]++;
    assert_int_equal(acpi_table_header(&view, TABLE_A, NULL, &header, &where), ACPI_ERR_CHECKSUM);
    expect_where(&where, TABLE_A, "HPET", 9);
    copy[40]--;
    /* Lengths: below the header, past the readable bytes, above the maximum. */
    static const struct {
        uint32_t length;
        acpi_error_t error;
    } lengths[] = {{0, ACPI_ERR_LENGTH},
                   {35, ACPI_ERR_LENGTH},
                   {57, ACPI_ERR_READ},
                   {ACPI_TABLE_LENGTH_MAX + 1, ACPI_ERR_LENGTH},
                   {0xffffffffu, ACPI_ERR_LENGTH}};
    for (size_t i = 0; i < sizeof(lengths) / sizeof(lengths[0]); i++) {
        test_put32(copy + 4, lengths[i].length);
        assert_int_equal(acpi_table_header(&view, TABLE_A, NULL, &header, &where),
                         lengths[i].error);
    }
    test_put32(copy + 4, 36); /* a bare header is a table: its checksum now fails */
    assert_int_equal(acpi_table_header(&view, TABLE_A, NULL, &header, &where), ACPI_ERR_CHECKSUM);
    test_table_fix(copy);
    assert_int_equal(acpi_table_header(&view, TABLE_A, NULL, &header, &where), ACPI_OK);
    test_memory_free(&memory);
}

/* ---- root tables -------------------------------------------------------------------------- */

/* Three small tables at TABLE_A, B, C. */
static void add_tables(test_memory_t *memory)
{
    uint8_t table[64];
    static const char *const signatures[] = {"APIC", "FACP", "HPET"};

    for (unsigned i = 0; i < 3; i++) {
        test_memory_add(memory, TABLE_A + i * 0x1000u, table,
                        test_table(table, signatures[i], 1, "xyzw", 4));
    }
}

/* A root table listing entries (4 or 8 bytes each) at ROOT_AT; returns the copy in memory. */
static uint8_t *add_root(test_memory_t *memory, bool xsdt, const uint64_t *entries, size_t count)
{
    uint8_t body[8 * 64];
    uint8_t table[36 + sizeof(body)];
    size_t size = xsdt ? 8 : 4;

    for (size_t i = 0; i < count; i++) {
        if (xsdt) {
            test_put64(body + i * 8, entries[i]);
        } else {
            test_put32(body + i * 4, (uint32_t)entries[i]);
        }
    }
    size_t length = test_table(table, xsdt ? "XSDT" : "RSDT", 1, body, count * size);
    return test_memory_add(memory, ROOT_AT, table, length);
}

static void test_rsdt_and_xsdt(void **state)
{
    test_memory_t memory;
    static const uint64_t entries[] = {TABLE_A, TABLE_B, TABLE_C};
    uint8_t bytes[36];
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    uint64_t address;

    (void)state;
    for (int xsdt = 0; xsdt <= 1; xsdt++) {
        test_memory_init(&memory);
        acpi_memory_t view = test_memory_view(&memory);
        add_tables(&memory);
        add_root(&memory, xsdt, entries, 3);
        test_memory_add(&memory, RSDP_AT, bytes,
                        test_rsdp(bytes, xsdt ? 2 : 0, xsdt ? 0xdead000 : ROOT_AT, ROOT_AT));
        assert_int_equal(acpi_rsdp_read(&view, RSDP_AT, &rsdp, NULL), ACPI_OK);
        assert_int_equal(acpi_root_read(&view, &rsdp, &root, NULL), ACPI_OK);
        assert_int_equal(root.xsdt, xsdt);
        assert_int_equal(root.count, 3);
        assert_int_equal(root.entries, 3);
        assert_false(root.truncated);
        for (unsigned i = 0; i < 3; i++) {
            assert_int_equal(root.tables[i].status, ACPI_OK);
            assert_int_equal(root.tables[i].header.address, entries[i]);
        }
        assert_string_equal(root.tables[1].header.signature, "FACP");
        assert_int_equal(acpi_find_table(&root, "HPET", 0, &address), ACPI_OK);
        assert_int_equal(address, TABLE_C);
        assert_int_equal(acpi_find_table(&root, "HPET", 1, &address), ACPI_ERR_NOT_FOUND);
        assert_int_equal(acpi_find_table(&root, "SSDT", 0, &address), ACPI_ERR_NOT_FOUND);
        assert_int_equal(acpi_find_table(&root, "HPE", 0, &address), ACPI_ERR_ARGUMENT);
        assert_int_equal(memory.failed_reads, 0);
        test_memory_free(&memory);
    }
}

/* Lengths that are not a header plus whole entries. */
static void test_root_entry_size(void **state)
{
    test_memory_t memory;
    static const uint64_t entries[] = {TABLE_A, TABLE_B};
    acpi_root_t root;
    acpi_where_t where;

    (void)state;
    for (int xsdt = 0; xsdt <= 1; xsdt++) {
        for (uint32_t extra = 1; extra < (xsdt ? 8u : 4u); extra++) {
            test_memory_init(&memory);
            acpi_memory_t view = test_memory_view(&memory);
            add_tables(&memory);
            uint8_t table[64] = {0};
            memcpy(table, add_root(&memory, xsdt, entries, 2), 36 + 2 * (xsdt ? 8u : 4u));
            test_memory_free(&memory);
            test_put32(table + 4, 36 + (xsdt ? 8u : 4u) + extra);
            test_table_fix(table);
            test_memory_add(&memory, ROOT_AT, table, sizeof(table));
            assert_int_equal(acpi_root_read_at(&view, ROOT_AT, xsdt, &root, &where),
                             ACPI_ERR_ENTRY_SIZE);
            expect_where(&where, ROOT_AT, xsdt ? "XSDT" : "RSDT", 4);
            test_memory_free(&memory);
        }
    }
}

static void test_root_entries_checked_one_by_one(void **state)
{
    test_memory_t memory;
    acpi_root_t root;
    uint64_t address;

    (void)state;
    test_memory_init(&memory);
    acpi_memory_t view = test_memory_view(&memory);
    add_tables(&memory);
    /* A second root table, and a table with a bad checksum. */
    uint8_t table[64];
    test_memory_add(&memory, 0x104000, table, test_table(table, "RSDT", 1, "", 0));
    test_table(table, "SSDT", 1, "abcd", 4);
    table[36]++;
    test_memory_add(&memory, 0x105000, table, 40);
    const uint64_t entries[] = {TABLE_A, 0,        ROOT_AT,  ROOT_AT + 8, 0x104000,
                                TABLE_A, 0x105000, 0x106000, TABLE_C};
    const acpi_error_t expected[] = {ACPI_OK,           ACPI_ERR_NULL_ADDRESS, ACPI_ERR_LOOP,
                                     ACPI_ERR_LOOP,     ACPI_ERR_LOOP,         ACPI_ERR_DUPLICATE,
                                     ACPI_ERR_CHECKSUM, ACPI_ERR_READ,         ACPI_OK};
    add_root(&memory, false, entries, 9);
    assert_int_equal(acpi_root_read_at(&view, ROOT_AT, false, &root, NULL), ACPI_OK);
    assert_int_equal(root.count, 9);
    for (unsigned i = 0; i < 9; i++) {
        if (root.tables[i].status != expected[i]) {
            fail_msg("entry %u: %s, expected %s", i, acpi_error_string(root.tables[i].status),
                     acpi_error_string(expected[i]));
        }
        assert_int_equal(root.tables[i].header.address, entries[i]);
    }
    /* Broken entries are never found, the good ones still are. */
    assert_int_equal(acpi_find_table(&root, "SSDT", 0, &address), ACPI_ERR_NOT_FOUND);
    assert_int_equal(acpi_find_table(&root, "RSDT", 0, &address), ACPI_ERR_NOT_FOUND);
    assert_int_equal(acpi_find_table(&root, "APIC", 0, &address), ACPI_OK);
    assert_int_equal(acpi_find_table(&root, "APIC", 1, &address), ACPI_ERR_NOT_FOUND);
    assert_int_equal(acpi_find_table(&root, "HPET", 0, &address), ACPI_OK);
    test_memory_free(&memory);
}

/* An XSDT listing an RSDT (and the other way round) is a loop, not a table. */
static void test_root_tables_listing_each_other(void **state)
{
    test_memory_t memory;
    acpi_root_t root;
    uint8_t table[64];

    (void)state;
    test_memory_init(&memory);
    acpi_memory_t view = test_memory_view(&memory);
    uint8_t body[8];
    test_put32(body, ROOT_AT);
    test_memory_add(&memory, TABLE_B, table, test_table(table, "RSDT", 1, body, 4));
    const uint64_t entries[] = {TABLE_B};
    add_root(&memory, true, entries, 1);
    assert_int_equal(acpi_root_read_at(&view, ROOT_AT, true, &root, NULL), ACPI_OK);
    assert_int_equal(root.tables[0].status, ACPI_ERR_LOOP);
    assert_int_equal(acpi_root_read_at(&view, TABLE_B, false, &root, NULL), ACPI_OK);
    assert_int_equal(root.tables[0].status, ACPI_ERR_LOOP);
    /* The wrong kind of root at an address. */
    assert_int_equal(acpi_root_read_at(&view, TABLE_B, true, &root, NULL), ACPI_ERR_SIGNATURE);
    test_memory_free(&memory);
}

static void test_root_truncated(void **state)
{
    test_memory_t memory;
    uint64_t entries[40];
    acpi_root_t root;

    (void)state;
    test_memory_init(&memory);
    acpi_memory_t view = test_memory_view(&memory);
    add_tables(&memory);
    for (unsigned i = 0; i < 40; i++) {
        entries[i] = i < 39 ? TABLE_A : TABLE_C;
    }
    add_root(&memory, true, entries, 40);
    assert_int_equal(acpi_root_read_at(&view, ROOT_AT, true, &root, NULL), ACPI_OK);
    assert_int_equal(root.entries, 40);
    assert_int_equal(root.count, ACPI_TABLES_MAX);
    assert_true(root.truncated);
    assert_int_equal(root.tables[1].status, ACPI_ERR_DUPLICATE);
    test_memory_free(&memory);
}

static void test_arguments_and_strings(void **state)
{
    acpi_root_t root;
    acpi_rsdp_t rsdp = {0};
    uint64_t address;

    (void)state;
    assert_int_equal(acpi_root_read(NULL, NULL, &root, NULL), ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_root_read_at(NULL, ROOT_AT, false, &root, NULL), ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_root_read(NULL, &rsdp, NULL, NULL), ACPI_ERR_ARGUMENT);
    assert_int_equal(acpi_find_table(NULL, "APIC", 0, &address), ACPI_ERR_ARGUMENT);
    for (int i = 0; i < ACPI_ERROR_COUNT; i++) {
        assert_true(strlen(acpi_error_string((acpi_error_t)i)) > 3);
        for (int j = 0; j < i; j++) {
            assert_string_not_equal(acpi_error_string((acpi_error_t)i),
                                    acpi_error_string((acpi_error_t)j));
        }
    }
    assert_string_equal(acpi_error_string(ACPI_ERROR_COUNT), "unknown error");
    /* The buffer callback: inside, at the edge, outside. */
    uint8_t bytes[16] = {1, 2, 3};
    uint8_t out[16];
    acpi_buffer_t buffer = {.bytes = bytes, .size = sizeof(bytes), .base = 0x1000};
    assert_int_equal(acpi_buffer_read(&buffer, 0x1000, out, 16), 0);
    assert_int_equal(out[2], 3);
    assert_int_equal(acpi_buffer_read(&buffer, 0x1010, out, 0), 0);
    assert_int_not_equal(acpi_buffer_read(&buffer, 0x1001, out, 16), 0);
    assert_int_not_equal(acpi_buffer_read(&buffer, 0xfff, out, 1), 0);
    assert_int_not_equal(acpi_buffer_read(&buffer, 0x1011, out, 0), 0);
    assert_int_not_equal(acpi_buffer_read(NULL, 0x1000, out, 1), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_rsdp_bytes),
            cmocka_unit_test(test_rsdp_bytes_refused),
            cmocka_unit_test(test_rsdp_from_memory),
            cmocka_unit_test(test_table_header_checks),
            cmocka_unit_test(test_rsdt_and_xsdt),
            cmocka_unit_test(test_root_entry_size),
            cmocka_unit_test(test_root_entries_checked_one_by_one),
            cmocka_unit_test(test_root_tables_listing_each_other),
            cmocka_unit_test(test_root_truncated),
            cmocka_unit_test(test_arguments_and_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
