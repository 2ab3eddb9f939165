/*
 * Host tests of the ACPI table builder. The tables are built into a buffer standing for guest
 * memory and read back with lib/acpi (the project's parser of firmware tables): RSDP (both
 * copies), RSDT and XSDT, MADT, FADT and the DSDT's \_S5. What lib/acpi does not report is
 * checked here at the byte offsets of the ACPI 6.5 layouts: every checksum, the FADT's century
 * index, flags, minor version, latencies and hypervisor identity, the FACS, the DSDT's AML byte
 * by byte. Then the refusals (space, addresses, a failing write callback) and, when the acpica
 * tools are installed, iasl's own disassembly of every table.
 */
#include "vdev_test.h"

#include <acpi/acpi.h>
#include <vdev/acpi_tables.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#define MEMORY_SIZE (2u << 20)
#define AREA        0x100000u
#define AREA_SIZE   0x2000u

typedef struct guest_memory {
    uint8_t bytes[MEMORY_SIZE];
    unsigned writes;
    unsigned fail_at; /* the write (1: the first) that fails; 0: none */
} guest_memory_t;

static bool guest_write(void *context, uint64_t gpa, const void *bytes, size_t length)
{
    guest_memory_t *m = context;

    m->writes++;
    if (m->writes == m->fail_at || gpa > MEMORY_SIZE || length > MEMORY_SIZE - gpa) {
        return false;
    }
    memcpy(m->bytes + gpa, bytes, length);
    return true;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const uint8_t *p)
{
    return le32(p) | (uint64_t)le32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t length)
{
    uint8_t s = 0;

    for (size_t i = 0; i < length; i++) {
        s = (uint8_t)(s + p[i]);
    }
    return s;
}

static guest_memory_t *build(vdev_acpi_config_t *config, vdev_acpi_layout_t *layout)
{
    guest_memory_t *m = calloc(1, sizeof(*m));

    assert_non_null(m);
    assert_int_equal(vdev_acpi_build(config, guest_write, m, layout), VDEV_ACPI_OK);
    return m;
}

static void tables_read_by_lib_acpi(void **state)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    guest_memory_t *m;
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    acpi_madt_t madt;
    acpi_fadt_t fadt;
    acpi_sleep_type_t s5;
    uint64_t address;

    (void)state;
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    m = build(&config, &layout);
    acpi_buffer_t buffer = {.bytes = m->bytes, .size = MEMORY_SIZE, .base = 0};
    acpi_memory_t memory = {.read = acpi_buffer_read, .ctx = &buffer};
    /* Both RSDP copies, byte for byte the same. */
    assert_int_equal(acpi_rsdp_read(&memory, layout.rsdp, &rsdp, NULL), ACPI_OK);
    assert_memory_equal(m->bytes + layout.rsdp, m->bytes + 0xe0000, VDEV_ACPI_RSDP_LENGTH);
    assert_int_equal(acpi_rsdp_read(&memory, 0xe0000, &rsdp, NULL), ACPI_OK);
    assert_int_equal(rsdp.revision, 2);
    assert_string_equal(rsdp.oem_id, "BEAML4");
    assert_int_equal(rsdp.length, 36);
    assert_int_equal(rsdp.xsdt_address, layout.xsdt);
    assert_int_equal(rsdp.rsdt_address, layout.rsdt);
    /* XSDT and RSDT list the FADT and the MADT. */
    for (int wide = 0; wide < 2; wide++) {
        uint64_t at = wide ? layout.xsdt : layout.rsdt;

        assert_int_equal(acpi_root_read_at(&memory, at, wide, &root, NULL), ACPI_OK);
        assert_int_equal(root.count, 2);
        assert_false(root.truncated);
        assert_int_equal(root.tables[0].status, ACPI_OK);
        assert_int_equal(root.tables[1].status, ACPI_OK);
        assert_int_equal(acpi_find_table(&root, "FACP", 0, &address), ACPI_OK);
        assert_int_equal(address, layout.fadt);
        assert_int_equal(acpi_find_table(&root, "APIC", 0, &address), ACPI_OK);
        assert_int_equal(address, layout.madt);
        assert_string_equal(root.tables[0].header.oem_table_id, "BEAML4VM");
    }
    assert_int_equal(acpi_root_read(&memory, &rsdp, &root, NULL), ACPI_OK);
    assert_true(root.xsdt);
    /* MADT. */
    assert_int_equal(acpi_madt_read(&memory, layout.madt, &madt, NULL), ACPI_OK);
    assert_int_equal(madt.lapic_address, 0xfee00000);
    assert_false(madt.lapic_address_overridden);
    assert_true(madt.pcat_compat);
    assert_int_equal(madt.lapic_count, 1);
    assert_int_equal(madt.lapics[0].uid, 0);
    assert_int_equal(madt.lapics[0].apic_id, 0);
    assert_true(madt.lapics[0].enabled);
    assert_int_equal(madt.ioapic_count, 1);
    assert_int_equal(madt.ioapics[0].id, 0);
    assert_int_equal(madt.ioapics[0].address, 0xfec00000);
    assert_int_equal(madt.ioapics[0].gsi_base, 0);
    assert_int_equal(madt.override_count, 2);
    assert_int_equal(madt.overrides[0].bus, 0);
    assert_int_equal(madt.overrides[0].source, 0);
    assert_int_equal(madt.overrides[0].gsi, 2);
    assert_int_equal(madt.overrides[0].polarity, ACPI_POLARITY_BUS);
    assert_int_equal(madt.overrides[0].trigger, ACPI_TRIGGER_BUS);
    assert_int_equal(madt.overrides[1].source, 9);
    assert_int_equal(madt.overrides[1].gsi, 9);
    assert_int_equal(madt.overrides[1].polarity, ACPI_POLARITY_HIGH);
    assert_int_equal(madt.overrides[1].trigger, ACPI_TRIGGER_LEVEL);
    assert_int_equal(madt.lapic_nmi_count, 1);
    assert_int_equal(madt.lapic_nmis[0].uid, ACPI_UID_ALL);
    assert_int_equal(madt.lapic_nmis[0].lint, 1);
    assert_int_equal(madt.unknown_entries, 0);
    assert_int_equal(madt.nmi_source_count, 0);
    /* FADT. */
    assert_int_equal(acpi_fadt_read(&memory, layout.fadt, &fadt, NULL), ACPI_OK);
    assert_int_equal(fadt.revision, 6);
    assert_int_equal(fadt.length, 276);
    assert_int_equal(fadt.dsdt, layout.dsdt);
    assert_int_equal(fadt.facs, layout.facs);
    assert_int_equal(fadt.sci_interrupt, 9);
    assert_int_equal(fadt.smi_command, 0);
    assert_int_equal(fadt.pm1a_event.space, ACPI_SPACE_IO);
    assert_int_equal(fadt.pm1a_event.address, 0x600);
    assert_int_equal(fadt.pm1a_event.bit_width, 32);
    assert_int_equal(fadt.pm1a_control.address, 0x604);
    assert_int_equal(fadt.pm1a_control.bit_width, 16);
    assert_int_equal(fadt.pm_timer.address, 0x608);
    assert_int_equal(fadt.pm_timer.bit_width, 32);
    assert_int_equal(fadt.pm1b_event.address, 0);
    assert_int_equal(fadt.pm1b_control.address, 0);
    assert_int_equal(fadt.pm1_event_length, 4);
    assert_int_equal(fadt.pm1_control_length, 2);
    assert_int_equal(fadt.pm_timer_length, 4);
    assert_false(fadt.pm_timer_32bit);
    assert_false(fadt.hardware_reduced);
    assert_true(fadt.reset_supported);
    assert_int_equal(fadt.reset_register.space, ACPI_SPACE_IO);
    assert_int_equal(fadt.reset_register.address, 0xcf9);
    assert_int_equal(fadt.reset_register.bit_width, 8);
    assert_int_equal(fadt.reset_value, 6);
    assert_int_equal(fadt.boot_architecture, 0x0005);
    /* \_S5 in the DSDT: SLP_TYP 5, what the PM1a control block powers off with. */
    assert_int_equal(acpi_sleep_type_s5(&memory, layout.dsdt, &s5, NULL), ACPI_OK);
    assert_int_equal(s5.type_a, 5);
    assert_int_equal(s5.type_b, 5);
    free(m);
}

static void bytes_lib_acpi_does_not_report(void **state)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    guest_memory_t *m;
    const uint8_t *fadt, *facs, *dsdt, *madt;
    uint8_t aml[32];
    size_t aml_length;

    (void)state;
    vdev_acpi_default_config(&config, AREA + 3, AREA_SIZE); /* an unaligned area */
    m = build(&config, &layout);
    /* Placement: inside the area, aligned, in order, not overlapping. */
    assert_true(layout.rsdp >= AREA + 3 && layout.end <= AREA + 3 + AREA_SIZE);
    assert_int_equal(layout.rsdp % 16, 0);
    assert_int_equal(layout.facs % 64, 0);
    assert_int_equal(layout.dsdt % 16, 0);
    assert_int_equal(layout.fadt % 16, 0);
    assert_int_equal(layout.madt % 16, 0);
    assert_true(layout.rsdp + 36 <= layout.facs && layout.facs + 64 <= layout.dsdt);
    fadt = m->bytes + layout.fadt;
    facs = m->bytes + layout.facs;
    dsdt = m->bytes + layout.dsdt;
    madt = m->bytes + layout.madt;
    /* Checksums: every table, and both RSDP sums. */
    assert_int_equal(sum(m->bytes + layout.rsdp, 20), 0);
    assert_int_equal(sum(m->bytes + layout.rsdp, 36), 0);
    assert_int_equal(sum(fadt, le32(fadt + 4)), 0);
    assert_int_equal(sum(dsdt, le32(dsdt + 4)), 0);
    assert_int_equal(sum(madt, le32(madt + 4)), 0);
    assert_int_equal(sum(m->bytes + layout.xsdt, le32(m->bytes + layout.xsdt + 4)), 0);
    assert_int_equal(sum(m->bytes + layout.rsdt, le32(m->bytes + layout.rsdt + 4)), 0);
    /* FADT fields at their ACPI 6.5 offsets. */
    assert_memory_equal(fadt, "FACP", 4);
    assert_int_equal(le32(fadt + 36), layout.facs);  /* FIRMWARE_CTRL */
    assert_int_equal(le32(fadt + 40), layout.dsdt);  /* DSDT */
    assert_int_equal(le32(fadt + 48), 0);            /* SMI_CMD */
    assert_int_equal(le16(fadt + 96), 101);          /* P_LVL2_LAT: no C2 */
    assert_int_equal(le16(fadt + 98), 1001);         /* P_LVL3_LAT: no C3 */
    assert_int_equal(fadt[108], 0x32);               /* CENTURY */
    assert_int_equal(le32(fadt + 112), 0x475);       /* flags */
    assert_false(le32(fadt + 112) & (1u << 20));     /* not hardware-reduced */
    assert_int_equal(fadt[131], 5);                  /* minor version */
    assert_int_equal(le64(fadt + 132), 0);           /* X_FIRMWARE_CTRL unused below 4 GiB */
    assert_int_equal(le64(fadt + 140), layout.dsdt); /* X_DSDT */
    assert_int_equal(fadt[148 + 3], 2);              /* X_PM1a_EVT_BLK: word access */
    assert_int_equal(fadt[208 + 3], 3);              /* X_PM_TMR_BLK: dword access */
    assert_int_equal(le64(fadt + 244), 0);           /* no sleep control register */
    assert_memory_equal(fadt + 268, "beaml4  ", 8);  /* hypervisor vendor identity */
    /* FACS: signature, length, version; no checksum by definition. */
    assert_memory_equal(facs, "FACS", 4);
    assert_int_equal(le32(facs + 4), 64);
    assert_int_equal(facs[32], 2);
    assert_int_equal(le32(facs + 12), 0); /* no waking vector */
    /* DSDT: revision 2 (64-bit integers), then exactly the AML of \_S5. */
    assert_memory_equal(dsdt, "DSDT", 4);
    assert_int_equal(dsdt[8], 2);
    aml_length = vdev_acpi_dsdt_aml(5, aml, sizeof(aml));
    assert_int_equal(le32(dsdt + 4), 36 + aml_length);
    {
        const uint8_t expected[] = {0x08, 0x5c, '_',  'S',  '5',  '_',  0x12, 0x08,
                                    0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
        assert_int_equal(aml_length, sizeof(expected));
        assert_memory_equal(dsdt + 36, expected, sizeof(expected));
        /* The package's PkgLength counts itself and what follows to the package's end. */
        assert_int_equal(36 + 7 + expected[7], le32(dsdt + 4));
    }
    assert_int_equal(vdev_acpi_dsdt_aml(5, aml, 4), 0);
    /* MADT revision and creator. */
    assert_int_equal(madt[8], 5);
    assert_memory_equal(madt + 28, "BML4", 4);
    free(m);
}

static void several_cpus(void **state)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    guest_memory_t *m;
    acpi_madt_t madt;

    (void)state;
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    config.cpus = 4;
    config.first_apic_id = 8;
    config.sci_irq = 0; /* no SCI override */
    config.reset_register = false;
    m = build(&config, &layout);
    acpi_buffer_t buffer = {.bytes = m->bytes, .size = MEMORY_SIZE, .base = 0};
    acpi_memory_t memory = {.read = acpi_buffer_read, .ctx = &buffer};
    assert_int_equal(acpi_madt_read(&memory, layout.madt, &madt, NULL), ACPI_OK);
    assert_int_equal(madt.lapic_count, 4);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(madt.lapics[i].uid, i);
        assert_int_equal(madt.lapics[i].apic_id, 8 + i);
    }
    assert_int_equal(madt.override_count, 1);
    assert_int_equal(le32(m->bytes + layout.fadt + 112) & (1u << 10), 0);
    free(m);
}

static void refusals(void **state)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    guest_memory_t *m = calloc(1, sizeof(*m));

    (void)state;
    assert_non_null(m);
    vdev_acpi_default_config(&config, AREA, 0x200);
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_SPACE);
    assert_int_equal(m->writes, 0); /* checked before anything is written */
    vdev_acpi_default_config(&config, 0xfffff000u, 0x2000);
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_SPACE);
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    config.legacy_rsdp = 0xe0008;
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.legacy_rsdp = 0xd0000;
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.legacy_rsdp = 0xffff0;
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.legacy_rsdp = 0xfffd0;
    config.cpus = 0;
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.cpus = VDEV_ACPI_MAX_CPUS + 1;
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.cpus = VDEV_ACPI_MAX_CPUS;
    assert_int_equal(vdev_acpi_build(&config, NULL, m, &layout), VDEV_ACPI_ERR_ARGUMENT);
    assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_OK);
    for (unsigned fail = 1; fail <= 8; fail++) { /* FACS, DSDT, FADT, MADT, RSDT, XSDT, 2 RSDPs */
        m->writes = 0;
        m->fail_at = fail;
        assert_int_equal(vdev_acpi_build(&config, guest_write, m, &layout), VDEV_ACPI_ERR_WRITE);
    }
    free(m);
}

/* iasl's disassembler, when installed, reads each table and must find what we meant. */
static bool iasl_says(const char *path, const char *text)
{
    char command[512];

    snprintf(command, sizeof(command), "iasl -d %s >/dev/null 2>&1 && grep -qF '%s' %.*s.dsl", path,
             text, (int)(strlen(path) - 4), path);
    return system(command) == 0;
}

static void dump(const char *path, const uint8_t *table)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(table, 1, le32(table + 4), f), le32(table + 4));
    fclose(f);
}

static void iasl_disassembly(void **state)
{
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    guest_memory_t *m;
    char dir[] = "/tmp/vdev-acpi-XXXXXX";
    char path[128];

    (void)state;
    if (system("command -v iasl >/dev/null 2>&1") != 0) {
        printf("skipped: iasl (acpica-tools) not installed\n");
        return;
    }
    assert_non_null(mkdtemp(dir));
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    m = build(&config, &layout);
    snprintf(path, sizeof(path), "%s/dsdt.dat", dir);
    dump(path, m->bytes + layout.dsdt);
    assert_true(iasl_says(path, "Name (\\_S5, Package (0x04)"));
    snprintf(path, sizeof(path), "%s/facp.dat", dir);
    dump(path, m->bytes + layout.fadt);
    assert_true(iasl_says(path, "PM1A Control Block Address : 00000604"));
    assert_true(iasl_says(path, "RTC Century Index : 32"));
    assert_true(iasl_says(path, "Reset Register Supported (V2) : 1"));
    assert_true(iasl_says(path, "Hardware Reduced (V5) : 0"));
    assert_true(iasl_says(path, "Value to cause reset : 06"));
    snprintf(path, sizeof(path), "%s/apic.dat", dir);
    dump(path, m->bytes + layout.madt);
    assert_true(iasl_says(path, "PC-AT Compatibility : 1"));
    assert_true(iasl_says(path, "Interrupt : 00000002"));
    assert_true(iasl_says(path, "Interrupt Input LINT : 01"));
    snprintf(path, sizeof(path), "%s/xsdt.dat", dir);
    dump(path, m->bytes + layout.xsdt);
    assert_true(iasl_says(path, "ACPI Table Address   1 : "));
    printf("iasl (acpica-tools) disassembled the DSDT, FADT, MADT and XSDT as intended\n");
    snprintf(path, sizeof(path), "rm -rf %s", dir);
    assert_int_equal(system(path), 0);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(tables_read_by_lib_acpi),
            cmocka_unit_test(bytes_lib_acpi_does_not_report),
            cmocka_unit_test(several_cpus),
            cmocka_unit_test(refusals),
            cmocka_unit_test(iasl_disassembly),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
