/*
 * The RSDP, from bytes or from physical memory: signature, both checksums, the length of an
 * ACPI 2.0+ structure. Reads only the bytes its revision says it has.
 */
#include "internal.h"

#define RSDP_OEM_ID    9u
#define RSDP_REVISION  15u
#define RSDP_RSDT      16u
#define RSDP_LENGTH    20u
#define RSDP_XSDT      24u
#define RSDP_SIGNATURE "RSD PTR "
#define RSDP_NAME      "RSDP"

static bool signature_ok(const uint8_t *bytes)
{
    for (size_t i = 0; i < 8; i++) {
        if (bytes[i] != (uint8_t)RSDP_SIGNATURE[i]) {
            return false;
        }
    }
    return true;
}

/* The first 20 bytes: signature and checksum; the fields of an ACPI 1.0 RSDP. */
static acpi_error_t parse_v1(const uint8_t *bytes, uint64_t address, acpi_rsdp_t *out,
                             acpi_where_t *where)
{
    if (!signature_ok(bytes)) {
        return acpi_fail(where, ACPI_ERR_SIGNATURE, address, RSDP_NAME, 0);
    }
    if (acpi_sum_bytes(bytes, ACPI_RSDP_V1_LENGTH) != 0) {
        return acpi_fail(where, ACPI_ERR_CHECKSUM, address, RSDP_NAME, 8);
    }
    out->revision = bytes[RSDP_REVISION];
    acpi_copy_text(out->oem_id, bytes + RSDP_OEM_ID, 6);
    out->rsdt_address = acpi_load32(bytes + RSDP_RSDT);
    out->xsdt_address = 0;
    out->length = ACPI_RSDP_V1_LENGTH;
    return ACPI_OK;
}

/* The ACPI 2.0+ part: bytes holds at least the length field's claim (checked by the caller). */
static acpi_error_t parse_v2(const uint8_t *bytes, uint32_t length, uint64_t address,
                             acpi_rsdp_t *out, acpi_where_t *where)
{
    if (acpi_sum_bytes(bytes, length) != 0) {
        return acpi_fail(where, ACPI_ERR_CHECKSUM, address, RSDP_NAME, 32);
    }
    out->length = length;
    out->xsdt_address = acpi_load64(bytes + RSDP_XSDT);
    return ACPI_OK;
}

static bool length_valid(uint32_t length)
{
    return length >= ACPI_RSDP_V2_LENGTH && length <= ACPI_RSDP_LENGTH_MAX;
}

acpi_error_t acpi_rsdp_parse(const uint8_t *bytes, size_t size, acpi_rsdp_t *out,
                             acpi_where_t *where)
{
    acpi_error_t error;

    if (bytes == NULL || out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, 0, RSDP_NAME, 0);
    }
    if (size < ACPI_RSDP_V1_LENGTH) {
        return acpi_fail(where, ACPI_ERR_LENGTH, 0, RSDP_NAME, 0);
    }
    error = parse_v1(bytes, 0, out, where);
    if (error != ACPI_OK || out->revision < 2) {
        return error;
    }
    if (size < ACPI_RSDP_V2_LENGTH) {
        return acpi_fail(where, ACPI_ERR_LENGTH, 0, RSDP_NAME, 0);
    }
    uint32_t length = acpi_load32(bytes + RSDP_LENGTH);
    if (!length_valid(length) || length > size) {
        return acpi_fail(where, ACPI_ERR_LENGTH, 0, RSDP_NAME, RSDP_LENGTH);
    }
    return parse_v2(bytes, length, 0, out, where);
}

acpi_error_t acpi_rsdp_read(const acpi_memory_t *memory, uint64_t paddr, acpi_rsdp_t *out,
                            acpi_where_t *where)
{
    uint8_t bytes[ACPI_RSDP_LENGTH_MAX];
    acpi_error_t error;

    if (memory == NULL || memory->read == NULL || out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, RSDP_NAME, 0);
    }
    if (acpi_read(memory, paddr, bytes, ACPI_RSDP_V1_LENGTH) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, RSDP_NAME, 0);
    }
    error = parse_v1(bytes, paddr, out, where);
    if (error != ACPI_OK || out->revision < 2) {
        return error;
    }
    if (acpi_read(memory, paddr + ACPI_RSDP_V1_LENGTH, bytes + ACPI_RSDP_V1_LENGTH,
                  ACPI_RSDP_V2_LENGTH - ACPI_RSDP_V1_LENGTH) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, RSDP_NAME, ACPI_RSDP_V1_LENGTH);
    }
    uint32_t length = acpi_load32(bytes + RSDP_LENGTH);
    if (!length_valid(length)) {
        return acpi_fail(where, ACPI_ERR_LENGTH, paddr, RSDP_NAME, RSDP_LENGTH);
    }
    if (acpi_read(memory, paddr + ACPI_RSDP_V2_LENGTH, bytes + ACPI_RSDP_V2_LENGTH,
                  length - ACPI_RSDP_V2_LENGTH) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, RSDP_NAME, ACPI_RSDP_V2_LENGTH);
    }
    return parse_v2(bytes, length, paddr, out, where);
}
