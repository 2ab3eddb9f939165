/*
 * The HPET description table: the timer block's identity, its base address (system memory,
 * not 0) and the minimum periodic tick.
 */
#include "internal.h"

#define HPET_LENGTH       56u
#define HPET_BLOCK_ID     36u
#define HPET_BASE         40u /* a generic address structure */
#define HPET_BASE_ADDRESS 44u
#define HPET_NUMBER       52u
#define HPET_MINIMUM_TICK 53u
#define HPET_PROTECTION   55u

acpi_error_t acpi_hpet_read(const acpi_memory_t *memory, uint64_t paddr, acpi_hpet_t *out,
                            acpi_where_t *where)
{
    acpi_header_t header;
    uint8_t bytes[HPET_LENGTH];
    acpi_error_t error;

    if (out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, "HPET", 0);
    }
    error = acpi_table_header(memory, paddr, "HPET", &header, where);
    if (error != ACPI_OK) {
        return error;
    }
    if (header.length < HPET_LENGTH) {
        return acpi_fail(where, ACPI_ERR_LENGTH, paddr, "HPET", HEADER_LENGTH_AT);
    }
    if (acpi_read(memory, paddr, bytes, sizeof(bytes)) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, "HPET", 0);
    }
    uint32_t id = acpi_load32(bytes + HPET_BLOCK_ID);
    *out = (acpi_hpet_t){
            .base_address = acpi_load64(bytes + HPET_BASE_ADDRESS),
            .hardware_revision = (uint8_t)id,
            .comparators = (uint8_t)(((id >> 8) & 0x1f) + 1),
            .counter_64bit = (id & (1u << 13)) != 0,
            .legacy_replacement = (id & (1u << 15)) != 0,
            .vendor_id = (uint16_t)(id >> 16),
            .number = bytes[HPET_NUMBER],
            .minimum_tick = acpi_load16(bytes + HPET_MINIMUM_TICK),
            .page_protection = bytes[HPET_PROTECTION],
    };
    if (bytes[HPET_BASE] != ACPI_SPACE_MEMORY) {
        return acpi_fail(where, ACPI_ERR_FIELD, paddr, "HPET", HPET_BASE);
    }
    if (out->base_address == 0) {
        return acpi_fail(where, ACPI_ERR_FIELD, paddr, "HPET", HPET_BASE_ADDRESS);
    }
    return ACPI_OK;
}
