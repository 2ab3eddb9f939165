/*
 * A table's header: its length within [36, ACPI_TABLE_LENGTH_MAX], its checksum over the whole
 * table, optionally its signature. The only way the other parsers start on a table.
 */
#include "internal.h"

acpi_error_t acpi_table_header(const acpi_memory_t *memory, uint64_t paddr, const char *signature,
                               acpi_header_t *out, acpi_where_t *where)
{
    uint8_t bytes[ACPI_HEADER_LENGTH];
    uint8_t sum;

    if (memory == NULL || memory->read == NULL || out == NULL ||
        (signature != NULL && !acpi_signature_valid(signature))) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, NULL, 0);
    }
    out->address = paddr;
    out->signature[0] = '\0';
    if (paddr == 0) {
        return acpi_fail(where, ACPI_ERR_NULL_ADDRESS, paddr, signature, 0);
    }
    if (acpi_read(memory, paddr, bytes, sizeof(bytes)) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, signature, 0);
    }
    acpi_copy_text(out->signature, bytes, 4);
    out->length = acpi_load32(bytes + HEADER_LENGTH_AT);
    out->revision = bytes[HEADER_REVISION];
    acpi_copy_text(out->oem_id, bytes + HEADER_OEM_ID, 6);
    acpi_copy_text(out->oem_table_id, bytes + HEADER_TABLE_ID, 8);
    if (signature != NULL && !acpi_signature_is(bytes, signature)) {
        return acpi_fail(where, ACPI_ERR_SIGNATURE, paddr, signature, 0);
    }
    if (out->length < ACPI_HEADER_LENGTH || out->length > ACPI_TABLE_LENGTH_MAX) {
        return acpi_fail(where, ACPI_ERR_LENGTH, paddr, out->signature, HEADER_LENGTH_AT);
    }
    if (acpi_sum(memory, paddr, out->length, &sum) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, out->signature, 0);
    }
    if (sum != 0) {
        return acpi_fail(where, ACPI_ERR_CHECKSUM, paddr, out->signature, 9);
    }
    return ACPI_OK;
}
