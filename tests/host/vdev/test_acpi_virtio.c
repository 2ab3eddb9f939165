/*
 * Host tests of the DSDT's virtio-mmio devices: the tables built with three devices pass
 * lib/acpi's checks (checksums, lengths) and keep \_S5; the AML is read back by a decoder
 * written here from the ACPI specification's grammar (PkgLength, NameOp, DeviceOp, Buffer,
 * the Memory32Fixed and Extended Interrupt descriptors), each device's _HID, _UID, base, size
 * and interrupt compared with what was asked; refusals of too many devices and of no room.
 * With VDEV_DUMP_DSDT=FILE the DSDT is written there (for `iasl -d`).
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
#include <cmocka.h>

#define AREA      0xe0000u
#define AREA_SIZE 0x10000u

static uint8_t memory[0x100000];

static bool write_memory(void *context, uint64_t gpa, const void *bytes, size_t length)
{
    (void)context;
    if (gpa > sizeof(memory) || length > sizeof(memory) - gpa) {
        return false;
    }
    memcpy(memory + gpa, bytes, length);
    return true;
}

static int read_memory(void *context, uint64_t paddr, void *out, size_t length)
{
    (void)context;
    if (paddr > sizeof(memory) || length > sizeof(memory) - paddr) {
        return -1;
    }
    memcpy(out, memory + paddr, length);
    return 0;
}

static uint32_t le32(const uint8_t *b)
{
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* PkgLength (ACPI 6.5 20.2.4): its value and how many bytes it took. */
static size_t pkg_length(const uint8_t *b, size_t *bytes)
{
    size_t follow = b[0] >> 6;
    size_t value = follow == 0 ? (b[0] & 0x3fu) : (b[0] & 0x0fu);

    for (size_t i = 0; i < follow; i++) {
        value |= (size_t)b[1 + i] << (4 + 8 * i);
    }
    *bytes = 1 + follow;
    return value;
}

typedef struct found {
    char hid[9];
    unsigned uid;
    uint32_t base, size, irq;
    uint8_t irq_flags;
} found_t;

/* Reads one Device(VRnn) at b as the grammar says; its total length. */
static size_t read_device(const uint8_t *b, found_t *f)
{
    size_t pl_bytes, length, at;

    assert_int_equal(b[0], 0x5b);
    assert_int_equal(b[1], 0x82);
    length = pkg_length(b + 2, &pl_bytes);
    at = 2 + pl_bytes;
    assert_memory_equal(b + at, "VR", 2);
    at += 4;
    while (at < 2 + length) {
        assert_int_equal(b[at], 0x08); /* NameOp */
        if (memcmp(b + at + 1, "_HID", 4) == 0) {
            assert_int_equal(b[at + 5], 0x0d); /* StringPrefix */
            memcpy(f->hid, b + at + 6, 9);
            at += 6 + strlen((const char *)b + at + 6) + 1;
        } else if (memcmp(b + at + 1, "_UID", 4) == 0) {
            assert_int_equal(b[at + 5], 0x0a); /* BytePrefix */
            f->uid = b[at + 6];
            at += 7;
        } else if (memcmp(b + at + 1, "_CRS", 4) == 0) {
            size_t bl_bytes, buffer_length = pkg_length(b + at + 6, &bl_bytes);
            const uint8_t *r = b + at + 6 + bl_bytes;

            assert_int_equal(b[at + 5], 0x11); /* BufferOp */
            assert_int_equal(r[0], 0x0a);
            assert_int_equal(r[1], buffer_length - bl_bytes - 2);
            r += 2;
            assert_int_equal(r[0], 0x86); /* Memory32Fixed */
            assert_int_equal(r[1] | r[2] << 8, 9);
            assert_int_equal(r[3] & 1, 1); /* writable */
            f->base = le32(r + 4);
            f->size = le32(r + 8);
            r += 12;
            assert_int_equal(r[0], 0x89); /* Extended Interrupt */
            assert_int_equal(r[1] | r[2] << 8, 6);
            f->irq_flags = r[3];
            assert_int_equal(r[4], 1);
            f->irq = le32(r + 5);
            r += 9;
            assert_int_equal(r[0], 0x79); /* End Tag */
            at += 6 + buffer_length;
        } else {
            fail_msg("unexpected name in a device");
        }
    }
    assert_int_equal(at, 2 + length);
    return at;
}

static void three_devices_in_the_dsdt(void **state)
{
    const vdev_acpi_virtio_t devices[3] = {
            {0xfeb00000u, 0x200, 5}, {0xfeb00200u, 0x200, 10}, {0xfeb00400u, 0x200, 11}};
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    acpi_memory_t reader = {.read = read_memory};
    acpi_sleep_type_t s5;
    acpi_header_t header;
    const uint8_t *dsdt, *aml;
    size_t length, at, pl_bytes, scope;
    const char *dump = getenv("VDEV_DUMP_DSDT");

    (void)state;
    memset(memory, 0, sizeof(memory));
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    config.legacy_rsdp = 0;
    config.virtio = devices;
    config.virtio_count = 3;
    assert_int_equal(vdev_acpi_build(&config, write_memory, NULL, &layout), VDEV_ACPI_OK);
    assert_int_equal(acpi_table_header(&reader, layout.dsdt, "DSDT", &header, NULL), ACPI_OK);
    assert_int_equal(acpi_table_header(&reader, layout.fadt, "FACP", &header, NULL), ACPI_OK);
    assert_int_equal(acpi_sleep_type_s5(&reader, layout.dsdt, &s5, NULL), ACPI_OK);
    dsdt = memory + layout.dsdt;
    length = le32(dsdt + 4);
    assert_true(layout.dsdt + length <= layout.fadt); /* the plan left room for it */
    if (dump != NULL) {
        FILE *f = fopen(dump, "wb");

        assert_non_null(f);
        fwrite(dsdt, 1, length, f);
        fclose(f);
    }
    aml = dsdt + 36 + 15;           /* after \_S5 */
    assert_int_equal(aml[0], 0x10); /* ScopeOp */
    scope = pkg_length(aml + 1, &pl_bytes);
    assert_int_equal(1 + scope, length - 36 - 15);
    assert_memory_equal(aml + 1 + pl_bytes, "\\_SB_", 5);
    at = 1 + pl_bytes + 5;
    for (unsigned i = 0; i < 3; i++) {
        found_t f = {0};

        at += read_device(aml + at, &f);
        assert_string_equal(f.hid, "LNRO0005");
        assert_int_equal(f.uid, i);
        assert_int_equal(f.base, devices[i].base);
        assert_int_equal(f.size, devices[i].size);
        assert_int_equal(f.irq, devices[i].irq);
        assert_int_equal(f.irq_flags, 0x03); /* consumer, edge, active high, exclusive */
    }
    assert_int_equal(at, 1 + scope);
}

static void refusals(void **state)
{
    vdev_acpi_virtio_t devices[VDEV_ACPI_VIRTIO_MAX + 1] = {{0}};
    vdev_acpi_config_t config;
    vdev_acpi_layout_t layout;
    uint8_t out[1024];

    (void)state;
    vdev_acpi_default_config(&config, AREA, AREA_SIZE);
    config.virtio = devices;
    config.virtio_count = VDEV_ACPI_VIRTIO_MAX + 1;
    assert_int_equal(vdev_acpi_build(&config, write_memory, NULL, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.virtio = NULL;
    config.virtio_count = 1;
    assert_int_equal(vdev_acpi_build(&config, write_memory, NULL, &layout), VDEV_ACPI_ERR_ARGUMENT);
    config.virtio = devices;
    config.virtio_count = VDEV_ACPI_VIRTIO_MAX; /* the most fits */
    assert_int_equal(vdev_acpi_build(&config, write_memory, NULL, &layout), VDEV_ACPI_OK);
    assert_int_equal(vdev_acpi_virtio_aml(devices, 0, out, sizeof(out)), 0);
    assert_int_equal(vdev_acpi_virtio_aml(devices, 2, out, vdev_acpi_virtio_aml_bytes(2) - 1), 0);
    assert_int_equal(vdev_acpi_virtio_aml(devices, 2, out, vdev_acpi_virtio_aml_bytes(2)),
                     vdev_acpi_virtio_aml_bytes(2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
            cmocka_unit_test(three_devices_in_the_dsdt),
            cmocka_unit_test(refusals),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
