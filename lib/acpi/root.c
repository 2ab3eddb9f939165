/*
 * The RSDT or XSDT: the number of entries from the length, every entry's table checked on its
 * own, entries that point into the root table, to a root table or to a table listed before
 * marked as such. The root table's own problems end the walk; an entry's only mark it.
 */
#include "internal.h"

static acpi_error_t entry_status(const acpi_memory_t *memory, const acpi_root_t *root, size_t index,
                                 uint64_t address, acpi_header_t *header)
{
    header->address = address;
    header->signature[0] = '\0';
    if (address == 0) {
        return ACPI_ERR_NULL_ADDRESS;
    }
    if (acpi_ranges_overlap(address, ACPI_HEADER_LENGTH, root->header.address,
                            root->header.length)) {
        return ACPI_ERR_LOOP;
    }
    for (size_t i = 0; i < index; i++) {
        if (root->tables[i].header.address == address) {
            return ACPI_ERR_DUPLICATE;
        }
    }
    acpi_error_t error = acpi_table_header(memory, address, NULL, header, NULL);
    if (error == ACPI_OK && (acpi_signature_is((const uint8_t *)header->signature, "RSDT") ||
                             acpi_signature_is((const uint8_t *)header->signature, "XSDT"))) {
        return ACPI_ERR_LOOP;
    }
    return error;
}

acpi_error_t acpi_root_read_at(const acpi_memory_t *memory, uint64_t paddr, bool xsdt,
                               acpi_root_t *out, acpi_where_t *where)
{
    const char *signature = xsdt ? "XSDT" : "RSDT";
    size_t entry_size = xsdt ? 8 : 4;
    acpi_error_t error;

    if (out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, signature, 0);
    }
    out->xsdt = xsdt;
    out->count = 0;
    out->entries = 0;
    out->truncated = false;
    error = acpi_table_header(memory, paddr, signature, &out->header, where);
    if (error != ACPI_OK) {
        return error;
    }
    if ((out->header.length - ACPI_HEADER_LENGTH) % entry_size != 0) {
        return acpi_fail(where, ACPI_ERR_ENTRY_SIZE, paddr, signature, HEADER_LENGTH_AT);
    }
    out->entries = (out->header.length - ACPI_HEADER_LENGTH) / entry_size;
    out->truncated = out->entries > ACPI_TABLES_MAX;
    for (size_t i = 0; i < out->entries && i < ACPI_TABLES_MAX; i++) {
        uint8_t bytes[8] = {0};
        uint32_t offset = (uint32_t)(ACPI_HEADER_LENGTH + i * entry_size);
        if (acpi_read(memory, paddr + offset, bytes, entry_size) != ACPI_OK) {
            return acpi_fail(where, ACPI_ERR_READ, paddr, signature, offset);
        }
        uint64_t address = xsdt ? acpi_load64(bytes) : acpi_load32(bytes);
        acpi_table_entry_t *entry = &out->tables[i];
        entry->status = entry_status(memory, out, i, address, &entry->header);
        out->count++;
    }
    return ACPI_OK;
}

acpi_error_t acpi_root_read(const acpi_memory_t *memory, const acpi_rsdp_t *rsdp, acpi_root_t *out,
                            acpi_where_t *where)
{
    if (rsdp == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, 0, "RSDP", 0);
    }
    if (rsdp->revision >= 2 && rsdp->xsdt_address != 0) {
        return acpi_root_read_at(memory, rsdp->xsdt_address, true, out, where);
    }
    return acpi_root_read_at(memory, rsdp->rsdt_address, false, out, where);
}

acpi_error_t acpi_find_table(const acpi_root_t *root, const char *signature, size_t nth,
                             uint64_t *address)
{
    if (root == NULL || signature == NULL || address == NULL || !acpi_signature_valid(signature)) {
        return ACPI_ERR_ARGUMENT;
    }
    for (size_t i = 0; i < root->count && i < ACPI_TABLES_MAX; i++) {
        const acpi_table_entry_t *entry = &root->tables[i];
        if (entry->status == ACPI_OK &&
            acpi_signature_is((const uint8_t *)entry->header.signature, signature) && nth-- == 0) {
            *address = entry->header.address;
            return ACPI_OK;
        }
    }
    return ACPI_ERR_NOT_FOUND;
}
