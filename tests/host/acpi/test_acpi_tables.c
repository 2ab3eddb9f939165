/*
 * Host tests of lib/acpi's MADT, HPET, FADT and \_S5 readers on synthetic tables: every entry
 * type decoded, interrupt flags in all their values, unknown entries skipped, every malformed
 * entry refused at its offset, arrays that overflow marked truncated; the FADT's 1.0 and 2.0+
 * forms, its pointers and field checks; the \_S5 package in its AML forms.
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

#define TABLE_AT 0x200000u
#define BODY_MAX 2048

typedef struct {
    uint8_t body[BODY_MAX];
    size_t size;
} body_t;

static void body_add(body_t *body, const void *bytes, size_t size)
{
    assert_true(body->size + size <= BODY_MAX);
    memcpy(body->body + body->size, bytes, size);
    body->size += size;
}

/* The MADT's fixed part: LAPIC address 0xfee00000, PC-AT flag set. */
static void madt_start(body_t *body)
{
    uint8_t fixed[8];

    body->size = 0;
    test_put32(fixed, 0xfee00000u);
    test_put32(fixed + 4, 1);
    body_add(body, fixed, 8);
}

/* A table of body at TABLE_AT in fresh memory. */
static acpi_memory_t place(test_memory_t *memory, const char *signature, uint8_t revision,
                           const body_t *body)
{
    static uint8_t table[36 + BODY_MAX];

    test_memory_init(memory);
    test_memory_add(memory, TABLE_AT, table,
                    test_table(table, signature, revision, body->body, body->size));
    return test_memory_view(memory);
}

static acpi_error_t madt_of(const body_t *body, acpi_madt_t *madt, acpi_where_t *where)
{
    test_memory_t memory;
    acpi_memory_t view = place(&memory, "APIC", 4, body);

    memset(madt, 0x5a, sizeof(*madt));
    acpi_error_t error = acpi_madt_read(&view, TABLE_AT, madt, where);
    assert_int_equal(memory.failed_reads, error == ACPI_ERR_READ ? memory.failed_reads : 0);
    test_memory_free(&memory);
    return error;
}

/* ---- MADT --------------------------------------------------------------------------------- */

static void test_madt_every_entry_type(void **state)
{
    static const uint8_t entries[] = {
            0,    8,  0,    0,    1,    0,    0,    0, /* LAPIC uid 0 id 0 enabled */
            0,    8,  1,    2,    2,    0,    0,    0, /* LAPIC uid 1 id 2 online-capable */
            0,    8,  2,    4,    0,    0,    0,    0, /* LAPIC disabled */
            9,    16, 0,    0,    0x10, 1,    0,    0,    1,    0,    0, 0, 7,
            0,    0,  0, /* x2APIC id 0x110 uid 7 */
            1,    12, 3,    0,    0,    0,    0xc0, 0xfe, 24,   0,    0, 0, /* IOAPIC 3 at 0xfec00000 GSI 24 */
            2,    10, 0,    0,    2,    0,    0,    0,    0,    0, /* IRQ 0 -> GSI 2, bus defaults */
            2,    10, 0,    9,    9,    0,    0,    0,    0x0d, 0, /* IRQ 9: level, active high */
            2,    10, 0,    10,   10,   0,    0,    0,    0x0f, 0, /* level, active low */
            2,    10, 0,    11,   11,   0,    0,    0,    0x06, 0, /* reserved polarity, edge */
            2,    10, 0,    12,   12,   0,    0,    0,    0x0b, 0, /* reserved trigger, active low */
            3,    8,  0x05, 0,    0x20, 0,    0,    0,             /* NMI source GSI 32 */
            4,    6,  0xff, 0x05, 0,    1,                         /* LAPIC NMI, all, LINT1 */
            4,    6,  1,    0,    0,    0,                         /* LAPIC NMI, uid 1, LINT0 */
            10,   12, 0x0d, 0,    0xff, 0xff, 0xff, 0xff, 1,    0,    0, 0, /* x2APIC NMI, all */
            0x7f, 3,  0xaa,                                                 /* unknown, skipped */
            5,    12, 0,    0,    0,    0,    0xe0, 0xfe, 1,    0,    0, 0, /* LAPIC address 0x1fee00000 */
            0,    10, 5,    6,    1,    0,    0,    0,    0xee, 0xee, /* a longer LAPIC: fine */
    };
    body_t body = {.size = 0};
    acpi_madt_t madt;

    (void)state;
    madt_start(&body);
    body_add(&body, entries, sizeof(entries));
    assert_int_equal(madt_of(&body, &madt, NULL), ACPI_OK);
    assert_true(madt.pcat_compat);
    assert_int_equal(madt.lapic_address, 0x1fee00000ull);
    assert_true(madt.lapic_address_overridden);
    assert_int_equal(madt.lapic_count, 5);
    assert_true(madt.lapics[0].enabled);
    assert_false(madt.lapics[1].enabled);
    assert_true(madt.lapics[1].online_capable);
    assert_int_equal(madt.lapics[1].apic_id, 2);
    assert_false(madt.lapics[2].enabled || madt.lapics[2].online_capable);
    assert_true(madt.lapics[3].x2apic);
    assert_int_equal(madt.lapics[3].apic_id, 0x110);
    assert_int_equal(madt.lapics[3].uid, 7);
    assert_int_equal(madt.lapics[4].apic_id, 6);
    assert_int_equal(madt.ioapic_count, 1);
    assert_int_equal(madt.ioapics[0].id, 3);
    assert_int_equal(madt.ioapics[0].address, 0xfec00000u);
    assert_int_equal(madt.ioapics[0].gsi_base, 24);
    assert_int_equal(madt.override_count, 5);
    assert_int_equal(madt.overrides[0].gsi, 2);
    assert_int_equal(madt.overrides[0].polarity, ACPI_POLARITY_BUS);
    assert_int_equal(madt.overrides[0].trigger, ACPI_TRIGGER_BUS);
    assert_int_equal(madt.overrides[1].polarity, ACPI_POLARITY_HIGH);
    assert_int_equal(madt.overrides[1].trigger, ACPI_TRIGGER_LEVEL);
    assert_int_equal(madt.overrides[2].polarity, ACPI_POLARITY_LOW);
    assert_int_equal(madt.overrides[3].polarity, ACPI_POLARITY_RESERVED);
    assert_int_equal(madt.overrides[3].trigger, ACPI_TRIGGER_EDGE);
    assert_int_equal(madt.overrides[4].trigger, ACPI_TRIGGER_RESERVED);
    assert_int_equal(madt.overrides[4].flags, 0x0b);
    assert_int_equal(madt.nmi_source_count, 1);
    assert_int_equal(madt.nmi_sources[0].gsi, 32);
    assert_int_equal(madt.nmi_sources[0].polarity, ACPI_POLARITY_HIGH);
    assert_int_equal(madt.lapic_nmi_count, 3);
    assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
    assert_int_equal(madt.lapic_nmis[0].lint, 1);
    assert_int_equal(madt.lapic_nmis[0].trigger, ACPI_TRIGGER_EDGE);
    assert_int_equal(madt.lapic_nmis[1].uid, 1);
    assert_true(madt.lapic_nmis[2].x2apic);
    assert_int_equal(madt.lapic_nmis[2].uid, ACPI_UID_ALL);
    assert_int_equal(madt.unknown_entries, 1);
    assert_false(madt.lapics_truncated || madt.ioapics_truncated || madt.overrides_truncated);
}

/* Each malformed entry after a good one: the error and the offset it names. */
static void test_madt_malformed_entries(void **state)
{
    static const struct {
        uint8_t bytes[16];
        size_t size;
        acpi_error_t error;
        uint32_t offset; /* from the bad entry */
    } cases[] = {
            {{0x7f, 0}, 2, ACPI_ERR_ENTRY_SIZE, 1},             /* zero length */
            {{0x7f, 1, 0}, 3, ACPI_ERR_ENTRY_SIZE, 1},          /* length 1 */
            {{0, 7, 0, 0, 1, 0, 0}, 7, ACPI_ERR_ENTRY_SIZE, 1}, /* LAPIC shorter than 8 */
            {{1, 11}, 11, ACPI_ERR_ENTRY_SIZE, 1},
            {{2, 9}, 9, ACPI_ERR_ENTRY_SIZE, 1},
            {{4, 5}, 5, ACPI_ERR_ENTRY_SIZE, 1},
            {{5, 11}, 11, ACPI_ERR_ENTRY_SIZE, 1},
            {{9, 15}, 15, ACPI_ERR_ENTRY_SIZE, 1},
            {{10, 11}, 11, ACPI_ERR_ENTRY_SIZE, 1},
            {{0, 8, 0, 0, 1}, 5, ACPI_ERR_ENTRY_OUTSIDE, 0},       /* runs past the table */
            {{0, 8, 0, 0, 1, 0, 0}, 7, ACPI_ERR_ENTRY_OUTSIDE, 0}, /* by one byte */
            {{0x7f, 200}, 2, ACPI_ERR_ENTRY_OUTSIDE, 0},
            {{0x7f}, 1, ACPI_ERR_ENTRY_OUTSIDE, 0}, /* one byte left over */
    };
    static const uint8_t good[] = {0, 8, 0, 0, 1, 0, 0, 0};
    body_t body = {.size = 0};
    acpi_madt_t madt;
    acpi_where_t where;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        madt_start(&body);
        body_add(&body, good, sizeof(good));
        body_add(&body, cases[i].bytes, cases[i].size);
        acpi_error_t error = madt_of(&body, &madt, &where);
        if (error != cases[i].error) {
            fail_msg("case %zu: %s", i, acpi_error_string(error));
        }
        assert_int_equal(where.offset, 36 + 8 + 8 + cases[i].offset);
        assert_string_equal(where.signature, "APIC");
        assert_int_equal(where.address, TABLE_AT);
    }
    /* A second LAPIC address override. */
    static const uint8_t address[] = {5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 0, 0, 0, 0};
    madt_start(&body);
    body_add(&body, address, sizeof(address));
    body_add(&body, address, sizeof(address));
    assert_int_equal(madt_of(&body, &madt, &where), ACPI_ERR_DUPLICATE);
    assert_int_equal(where.offset, 36 + 8 + 12);
    /* Shorter than the fixed part; the fixed part alone is a valid MADT. */
    madt_start(&body);
    body.size = 7;
    assert_int_equal(madt_of(&body, &madt, &where), ACPI_ERR_LENGTH);
    body.size = 8;
    assert_int_equal(madt_of(&body, &madt, &where), ACPI_OK);
    assert_int_equal(madt.lapic_count, 0);
    assert_int_equal(madt.lapic_address, 0xfee00000u);
}

static void test_madt_truncated_arrays(void **state)
{
    body_t body = {.size = 0};
    acpi_madt_t madt;

    (void)state;
    madt_start(&body);
    for (unsigned i = 0; i < ACPI_LAPICS_MAX + 6; i++) {
        uint8_t lapic[8] = {0, 8, (uint8_t)i, (uint8_t)i, 1, 0, 0, 0};
        body_add(&body, lapic, sizeof(lapic));
    }
    for (unsigned i = 0; i < ACPI_IOAPICS_MAX + 1; i++) {
        uint8_t ioapic[12] = {1, 12, (uint8_t)i, 0, 0, 0, 0xc0, 0xfe, (uint8_t)(24 * i), 0, 0, 0};
        body_add(&body, ioapic, sizeof(ioapic));
    }
    for (unsigned i = 0; i < ACPI_OVERRIDES_MAX; i++) {
        uint8_t override[10] = {2, 10, 0, (uint8_t)i, (uint8_t)i, 0, 0, 0, 0, 0};
        body_add(&body, override, sizeof(override));
    }
    for (unsigned i = 0; i < ACPI_LAPIC_NMIS_MAX + 1; i++) {
        uint8_t nmi[6] = {4, 6, (uint8_t)i, 0, 0, 1};
        body_add(&body, nmi, sizeof(nmi));
    }
    for (unsigned i = 0; i < ACPI_NMI_SOURCES_MAX + 2; i++) {
        uint8_t nmi[8] = {3, 8, 0, 0, (uint8_t)i, 0, 0, 0};
        body_add(&body, nmi, sizeof(nmi));
    }
    assert_int_equal(madt_of(&body, &madt, NULL), ACPI_OK);
    assert_int_equal(madt.lapic_count, ACPI_LAPICS_MAX);
    assert_true(madt.lapics_truncated);
    assert_int_equal(madt.lapics[ACPI_LAPICS_MAX - 1].apic_id, ACPI_LAPICS_MAX - 1);
    assert_int_equal(madt.ioapic_count, ACPI_IOAPICS_MAX);
    assert_true(madt.ioapics_truncated);
    assert_int_equal(madt.override_count, ACPI_OVERRIDES_MAX);
    assert_false(madt.overrides_truncated); /* exactly full */
    assert_int_equal(madt.lapic_nmi_count, ACPI_LAPIC_NMIS_MAX);
    assert_true(madt.lapic_nmis_truncated);
    assert_int_equal(madt.nmi_source_count, ACPI_NMI_SOURCES_MAX);
    assert_true(madt.nmi_sources_truncated);
}

/* ---- HPET --------------------------------------------------------------------------------- */

static void hpet_body(body_t *body, uint8_t space, uint64_t base)
{
    body->size = 20;
    memset(body->body, 0, 20);
    test_put32(body->body, 0x8086a201u | 1u << 13 | 1u << 15);
    body->body[4] = space;
    test_put64(body->body + 8, base);
    body->body[16] = 2;
    test_put16(body->body + 17, 0x80);
    body->body[19] = 1;
}

static void test_hpet(void **state)
{
    body_t body = {.size = 0};
    test_memory_t memory;
    acpi_hpet_t hpet;
    acpi_where_t where;

    (void)state;
    hpet_body(&body, ACPI_SPACE_MEMORY, 0xfed00000u);
    acpi_memory_t view = place(&memory, "HPET", 1, &body);
    assert_int_equal(acpi_hpet_read(&view, TABLE_AT, &hpet, &where), ACPI_OK);
    assert_int_equal(hpet.base_address, 0xfed00000u);
    assert_int_equal(hpet.comparators, 3);
    assert_int_equal(hpet.hardware_revision, 1);
    assert_int_equal(hpet.vendor_id, 0x8086);
    assert_true(hpet.counter_64bit);
    assert_true(hpet.legacy_replacement);
    assert_int_equal(hpet.number, 2);
    assert_int_equal(hpet.minimum_tick, 0x80);
    assert_int_equal(hpet.page_protection, 1);
    assert_int_equal(acpi_hpet_read(&view, TABLE_AT, NULL, &where), ACPI_ERR_ARGUMENT);
    test_memory_free(&memory);
    hpet_body(&body, ACPI_SPACE_IO, 0xfed00000u);
    view = place(&memory, "HPET", 1, &body);
    assert_int_equal(acpi_hpet_read(&view, TABLE_AT, &hpet, &where), ACPI_ERR_FIELD);
    assert_int_equal(where.offset, 40);
    test_memory_free(&memory);
    hpet_body(&body, ACPI_SPACE_MEMORY, 0);
    view = place(&memory, "HPET", 1, &body);
    assert_int_equal(acpi_hpet_read(&view, TABLE_AT, &hpet, &where), ACPI_ERR_FIELD);
    assert_int_equal(where.offset, 44);
    test_memory_free(&memory);
    hpet_body(&body, ACPI_SPACE_MEMORY, 0xfed00000u);
    body.size = 19;
    view = place(&memory, "HPET", 1, &body);
    assert_int_equal(acpi_hpet_read(&view, TABLE_AT, &hpet, &where), ACPI_ERR_LENGTH);
    test_memory_free(&memory);
}

/* ---- FADT --------------------------------------------------------------------------------- */

#define DSDT_AT 0x300000u
#define FACS_AT 0x301000u

/* An ACPI 1.0 FADT body (80 bytes after the header) with I/O blocks at 0xb000. */
static void fadt_v1(body_t *body)
{
    uint8_t *b = body->body;

    body->size = 116 - 36;
    memset(b, 0, body->size);
    test_put32(b + 36 - 36, FACS_AT);
    test_put32(b + 40 - 36, DSDT_AT);
    test_put16(b + 46 - 36, 9);
    test_put32(b + 48 - 36, 0xb2);
    b[52 - 36] = 0xf1;
    b[53 - 36] = 0xf0;
    test_put32(b + 56 - 36, 0xb000);
    test_put32(b + 64 - 36, 0xb004);
    test_put32(b + 76 - 36, 0xb008);
    b[88 - 36] = 4;
    b[89 - 36] = 2;
    b[91 - 36] = 4;
    test_put32(b + 112 - 36, 1u << 8 | 1u << 10); /* TMR_VAL_EXT, RESET_REG_SUP */
}

/* The same grown to an ACPI 2.0+ FADT of 244 bytes with X_ blocks and a reset register. */
static void fadt_v3(body_t *body)
{
    uint8_t *b = body->body;

    fadt_v1(body);
    body->size = 244 - 36;
    memset(b + 80, 0, body->size - 80);
    test_put16(b + 109 - 36, 0x2);
    uint8_t reset[12] = {ACPI_SPACE_IO, 8, 0, 1, 0xf9, 0x0c};
    memcpy(b + 116 - 36, reset, 12);
    b[128 - 36] = 0x0f;
    test_put64(b + 140 - 36, DSDT_AT + 0x10000);
    uint8_t pm1a_control[12] = {ACPI_SPACE_MEMORY, 16, 0, 2, 0x04, 0x06, 0, 0xfe};
    memcpy(b + 172 - 36, pm1a_control, 12);
}

static acpi_error_t fadt_of(const body_t *body, uint8_t revision, acpi_fadt_t *fadt,
                            acpi_where_t *where)
{
    test_memory_t memory;
    acpi_memory_t view = place(&memory, "FACP", revision, body);

    memset(fadt, 0x5a, sizeof(*fadt));
    acpi_error_t error = acpi_fadt_read(&view, TABLE_AT, fadt, where);
    test_memory_free(&memory);
    return error;
}

static void test_fadt_acpi_1(void **state)
{
    body_t body = {.size = 0};
    acpi_fadt_t fadt;

    (void)state;
    fadt_v1(&body);
    assert_int_equal(fadt_of(&body, 1, &fadt, NULL), ACPI_OK); /* 116 bytes, none past read */
    assert_int_equal(fadt.length, 116);
    assert_int_equal(fadt.dsdt, DSDT_AT);
    assert_int_equal(fadt.facs, FACS_AT);
    assert_int_equal(fadt.sci_interrupt, 9);
    assert_int_equal(fadt.smi_command, 0xb2);
    assert_int_equal(fadt.acpi_enable, 0xf1);
    assert_int_equal(fadt.pm1a_event.space, ACPI_SPACE_IO);
    assert_int_equal(fadt.pm1a_event.address, 0xb000);
    assert_int_equal(fadt.pm1a_event.bit_width, 32);
    assert_int_equal(fadt.pm1b_event.address, 0);
    assert_int_equal(fadt.pm1b_event.bit_width, 0);
    assert_int_equal(fadt.pm1a_control.address, 0xb004);
    assert_int_equal(fadt.pm1a_control.bit_width, 16);
    assert_int_equal(fadt.pm_timer.address, 0xb008);
    assert_true(fadt.pm_timer_32bit);
    assert_false(fadt.hardware_reduced);
    assert_false(fadt.reset_supported); /* the flag, but no room for the register */
    assert_int_equal(fadt.boot_architecture, 0);
}

static void test_fadt_acpi_2(void **state)
{
    body_t body = {.size = 0};
    acpi_fadt_t fadt;

    (void)state;
    fadt_v3(&body);
    assert_int_equal(fadt_of(&body, 3, &fadt, NULL), ACPI_OK);
    assert_int_equal(fadt.dsdt, DSDT_AT + 0x10000); /* X_DSDT wins */
    assert_int_equal(fadt.facs, FACS_AT);           /* X_FIRMWARE_CTRL is 0 */
    assert_int_equal(fadt.pm1a_control.space, ACPI_SPACE_MEMORY);
    assert_int_equal(fadt.pm1a_control.address, 0xfe000604u);
    assert_int_equal(fadt.pm1a_control.bit_width, 16);
    assert_int_equal(fadt.pm1a_event.address, 0xb000); /* no X_ form: the port */
    assert_true(fadt.reset_supported);
    assert_int_equal(fadt.reset_register.space, ACPI_SPACE_IO);
    assert_int_equal(fadt.reset_register.address, 0xcf9);
    assert_int_equal(fadt.reset_value, 0x0f);
    assert_int_equal(fadt.boot_architecture, 2);
}

static void test_fadt_refusals(void **state)
{
    static const struct {
        uint32_t offset; /* a field set to value */
        uint64_t value;
        unsigned width;
        acpi_error_t error;
        uint32_t where;
    } cases[] = {
            {40, 0, 4, ACPI_ERR_NULL_ADDRESS, 40},
            {40, TABLE_AT + 100, 4, ACPI_ERR_LOOP, 40},
            {40, TABLE_AT - 35, 4, ACPI_ERR_LOOP, 40}, /* its header would overlap */
            {140, TABLE_AT, 8, ACPI_ERR_LOOP, 140},
            {36, TABLE_AT + 8, 4, ACPI_ERR_LOOP, 36},
            {88, 2, 1, ACPI_ERR_FIELD, 88},
            {89, 1, 1, ACPI_ERR_FIELD, 89},
            {91, 3, 1, ACPI_ERR_FIELD, 91},
            {64, 0, 4, ACPI_ERR_FIELD, 64},
            {116, 3, 1, ACPI_ERR_FIELD, 116},
            {120, 0, 4, ACPI_ERR_FIELD, 120},
    };
    body_t body = {.size = 0};
    acpi_fadt_t fadt;
    acpi_where_t where;

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fadt_v3(&body);
        test_put64(body.body + 140 - 36, 0); /* the 32-bit DSDT field counts */
        if (cases[i].offset == 64) {
            memset(body.body + 172 - 36, 0, 12); /* no PM1a control block at all */
        }
        for (unsigned b = 0; b < cases[i].width; b++) {
            body.body[cases[i].offset - 36 + b] = (uint8_t)(cases[i].value >> (8 * b));
        }
        acpi_error_t error = fadt_of(&body, 3, &fadt, &where);
        if (error != cases[i].error || where.offset != cases[i].where) {
            fail_msg("case %zu: %s at %u", i, acpi_error_string(error), where.offset);
        }
        assert_string_equal(where.signature, "FACP");
    }
    fadt_v1(&body);
    body.size = 115 - 36;
    assert_int_equal(fadt_of(&body, 1, &fadt, &where), ACPI_ERR_LENGTH);
    /* A hardware-reduced FADT needs no PM blocks. */
    fadt_v3(&body);
    memset(body.body + 56 - 36, 0, 24);
    memset(body.body + 172 - 36, 0, 12);
    memset(body.body + 76 - 36, 0, 4);
    test_put32(body.body + 112 - 36, 1u << 20);
    assert_int_equal(fadt_of(&body, 5, &fadt, &where), ACPI_OK);
    assert_true(fadt.hardware_reduced);
    assert_int_equal(fadt.pm1a_control.address, 0);
}

/* ---- \_S5 --------------------------------------------------------------------------------- */

static acpi_error_t s5_of(const void *aml, size_t size, size_t at, acpi_sleep_type_t *sleep,
                          acpi_where_t *where)
{
    body_t body = {.size = 0};
    test_memory_t memory;

    memset(body.body, 0xa3, sizeof(body.body)); /* no "_S5_" in the filler */
    body.size = at + size;
    assert_true(body.size <= BODY_MAX);
    memcpy(body.body + at, aml, size);
    acpi_memory_t view = place(&memory, "DSDT", 2, &body);
    acpi_error_t error = acpi_sleep_type_s5(&view, TABLE_AT, sleep, where);
    test_memory_free(&memory);
    return error;
}

static void test_s5_forms(void **state)
{
    static const uint8_t qemu[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0};
    static const uint8_t rooted[] = {0x08, '\\', '_',  'S',  '5',  '_', 0x12, 0x08,
                                     0x04, 0x0a, 0x07, 0x0a, 0x05, 0,   0};
    static const uint8_t words[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x0a, 0x02,
                                    0x0b, 0x03, 0x00, 0x0c, 0x01, 0,    0,    0};
    static const uint8_t long_length[] = {0x08, '_',  'S',  '5',  '_',  0x12,
                                          0x46, 0x00, 0x02, 0x01, 0x0a, 0x06};
    acpi_sleep_type_t sleep;

    (void)state;
    assert_int_equal(s5_of(qemu, sizeof(qemu), 100, &sleep, NULL), ACPI_OK);
    assert_int_equal(sleep.type_a, 0);
    assert_int_equal(sleep.type_b, 0);
    assert_int_equal(s5_of(rooted, sizeof(rooted), 0, &sleep, NULL), ACPI_OK);
    assert_int_equal(sleep.type_a, 7);
    assert_int_equal(sleep.type_b, 5);
    assert_int_equal(s5_of(words, sizeof(words), 40, &sleep, NULL), ACPI_OK);
    assert_int_equal(sleep.type_a, 3);
    assert_int_equal(sleep.type_b, 1);
    /* A two-byte PkgLength (0x46 0x00 is 6) at the very end of the table. */
    assert_int_equal(s5_of(long_length, sizeof(long_length), 7, &sleep, NULL), ACPI_OK);
    assert_int_equal(sleep.type_a, 1);
    assert_int_equal(sleep.type_b, 6);
    /* Across the scan's chunk boundaries: every offset from 240 to 270. */
    for (size_t at = 240; at < 270; at++) {
        assert_int_equal(s5_of(qemu, sizeof(qemu), at, &sleep, NULL), ACPI_OK);
    }
}

static void test_s5_refusals(void **state)
{
    static const uint8_t not_name[] = {0x10, '_',  'S',  '5',  '_',  0x12, 0x06, 0x04,
                                       0,    0,    0,    0,    0x08, '_',  'S',  '5',
                                       '_',  0x12, 0x06, 0x04, 0x0a, 5,    0x0a, 5};
    static const uint8_t big[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a, 8, 0, 0};
    static const uint8_t one[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 5};
    static const uint8_t ones[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0xff, 0};
    static const uint8_t past_end[] = {0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x04, 0, 0};
    static const uint8_t cut[] = {0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x0a};
    static const uint8_t method[] = {0x08, '_', 'S', '5', '_', 0x14, 0x06, 0x04, 0, 0, 0, 0};
    acpi_sleep_type_t sleep;
    acpi_where_t where;

    (void)state;
    /* "_S5_" after something other than a NameOp is skipped; the next one counts. */
    assert_int_equal(s5_of(not_name, sizeof(not_name), 0, &sleep, NULL), ACPI_OK);
    assert_int_equal(sleep.type_a, 5);
    assert_int_equal(s5_of(big, sizeof(big), 0, &sleep, &where), ACPI_ERR_FIELD);
    assert_int_equal(where.offset, 36 + 5);
    assert_int_equal(s5_of(one, sizeof(one), 0, &sleep, &where), ACPI_ERR_FIELD);
    assert_int_equal(s5_of(ones, sizeof(ones), 0, &sleep, &where), ACPI_ERR_FIELD);
    assert_int_equal(s5_of(past_end, sizeof(past_end), 0, &sleep, &where), ACPI_ERR_FIELD);
    assert_int_equal(s5_of(cut, sizeof(cut), 0, &sleep, &where), ACPI_ERR_FIELD);
    assert_int_equal(s5_of(method, sizeof(method), 0, &sleep, &where), ACPI_ERR_NOT_FOUND);
    assert_int_equal(s5_of(one, 0, 64, &sleep, &where), ACPI_ERR_NOT_FOUND);
    assert_int_equal(where.offset, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_madt_every_entry_type),
            cmocka_unit_test(test_madt_malformed_entries),
            cmocka_unit_test(test_madt_truncated_arrays),
            cmocka_unit_test(test_hpet),
            cmocka_unit_test(test_fadt_acpi_1),
            cmocka_unit_test(test_fadt_acpi_2),
            cmocka_unit_test(test_fadt_refusals),
            cmocka_unit_test(test_s5_forms),
            cmocka_unit_test(test_s5_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
