/*
 * The FADT (signature "FACP"): the DSDT and FACS addresses, the power-management blocks (64-bit
 * X_ forms preferred when the table has them), the SCI, the reset register. Fields past the
 * table's length are treated as absent, never read.
 */
#include "internal.h"

#define FADT_LENGTH_V1   116u /* ACPI 1.0 */
#define FADT_LENGTH_MAX  276u /* ACPI 6.x; later bytes are not read */
#define FADT_FACS        36u
#define FADT_DSDT        40u
#define FADT_SCI         46u
#define FADT_SMI_COMMAND 48u
#define FADT_ENABLE      52u
#define FADT_DISABLE     53u
#define FADT_PM1A_EVENT  56u
#define FADT_PM1B_EVENT  60u
#define FADT_PM1A_CTRL   64u
#define FADT_PM1B_CTRL   68u
#define FADT_PM_TIMER    76u
#define FADT_PM1_EVT_LEN 88u
#define FADT_PM1_CNT_LEN 89u
#define FADT_PM_TMR_LEN  91u
#define FADT_BOOT_ARCH   109u
#define FADT_FLAGS       112u
#define FADT_RESET_REG   116u
#define FADT_RESET_VALUE 128u
#define FADT_X_FACS      132u
#define FADT_X_DSDT      140u
#define FADT_X_PM1A_EVT  148u
#define FADT_X_PM1B_EVT  160u
#define FADT_X_PM1A_CTRL 172u
#define FADT_X_PM1B_CTRL 184u
#define FADT_X_PM_TIMER  208u
#define GAS_LENGTH       12u
#define GAS_ADDRESS      4u

#define FLAG_TMR_VAL_EXT   (1u << 8)
#define FLAG_RESET_REG_SUP (1u << 10)
#define FLAG_HW_REDUCED    (1u << 20)

typedef struct {
    uint8_t bytes[FADT_LENGTH_MAX]; /* zero past the table's length (the caller clears it) */
    uint32_t length;
    uint64_t address;
} fadt_bytes_t;

static acpi_gas_t gas_at(const uint8_t *at)
{
    return (acpi_gas_t){
            .space = at[0],
            .bit_width = at[1],
            .bit_offset = at[2],
            .access_size = at[3],
            .address = acpi_load64(at + GAS_ADDRESS),
    };
}

/* A block: its X_ form when the table holds it and it is not 0, else the 32-bit I/O port. */
static acpi_gas_t block(const fadt_bytes_t *fadt, uint32_t legacy, uint32_t extended,
                        uint8_t length)
{
    if (fadt->length >= extended + GAS_LENGTH &&
        acpi_load64(fadt->bytes + extended + GAS_ADDRESS) != 0) {
        return gas_at(fadt->bytes + extended);
    }
    uint32_t port = acpi_load32(fadt->bytes + legacy);
    return (acpi_gas_t){
            .space = ACPI_SPACE_IO,
            .bit_width = port != 0 ? (uint8_t)(length * 8u) : 0,
            .address = port,
    };
}

/* A 64-bit address field when the table holds it and it is not 0, else the 32-bit one. */
static uint64_t address(const fadt_bytes_t *fadt, uint32_t legacy, uint32_t extended,
                        uint32_t *used)
{
    if (fadt->length >= extended + 8 && acpi_load64(fadt->bytes + extended) != 0) {
        *used = extended;
        return acpi_load64(fadt->bytes + extended);
    }
    *used = legacy;
    return acpi_load32(fadt->bytes + legacy);
}

static void decode(const fadt_bytes_t *fadt, acpi_fadt_t *out)
{
    const uint8_t *bytes = fadt->bytes;

    out->sci_interrupt = acpi_load16(bytes + FADT_SCI);
    out->smi_command = acpi_load32(bytes + FADT_SMI_COMMAND);
    out->acpi_enable = bytes[FADT_ENABLE];
    out->acpi_disable = bytes[FADT_DISABLE];
    out->pm1_event_length = bytes[FADT_PM1_EVT_LEN];
    out->pm1_control_length = bytes[FADT_PM1_CNT_LEN];
    out->pm_timer_length = bytes[FADT_PM_TMR_LEN];
    out->pm1a_event = block(fadt, FADT_PM1A_EVENT, FADT_X_PM1A_EVT, out->pm1_event_length);
    out->pm1b_event = block(fadt, FADT_PM1B_EVENT, FADT_X_PM1B_EVT, out->pm1_event_length);
    out->pm1a_control = block(fadt, FADT_PM1A_CTRL, FADT_X_PM1A_CTRL, out->pm1_control_length);
    out->pm1b_control = block(fadt, FADT_PM1B_CTRL, FADT_X_PM1B_CTRL, out->pm1_control_length);
    out->pm_timer = block(fadt, FADT_PM_TIMER, FADT_X_PM_TIMER, out->pm_timer_length);
    out->flags = acpi_load32(bytes + FADT_FLAGS);
    out->pm_timer_32bit = (out->flags & FLAG_TMR_VAL_EXT) != 0;
    out->hardware_reduced = (out->flags & FLAG_HW_REDUCED) != 0;
    out->boot_architecture = out->revision >= 2 ? acpi_load16(bytes + FADT_BOOT_ARCH) : 0;
    out->reset_supported =
            (out->flags & FLAG_RESET_REG_SUP) != 0 && fadt->length > FADT_RESET_VALUE;
    out->reset_register = out->reset_supported ? gas_at(bytes + FADT_RESET_REG) : (acpi_gas_t){0};
    out->reset_value = out->reset_supported ? bytes[FADT_RESET_VALUE] : 0;
}

/* The checks on decoded fields; 0 when all hold, else the offset of the field at fault. */
static uint32_t field_problem(const acpi_fadt_t *fadt)
{
    if (fadt->pm1a_event.address != 0 && fadt->pm1_event_length < 4) {
        return FADT_PM1_EVT_LEN;
    }
    if (fadt->pm1a_control.address != 0 && fadt->pm1_control_length < 2) {
        return FADT_PM1_CNT_LEN;
    }
    if (fadt->pm_timer.address != 0 && fadt->pm_timer_length != 4) {
        return FADT_PM_TMR_LEN;
    }
    if (!fadt->hardware_reduced && fadt->pm1a_control.address == 0) {
        return FADT_PM1A_CTRL;
    }
    if (fadt->reset_supported && fadt->reset_register.space > ACPI_SPACE_PCI) {
        return FADT_RESET_REG;
    }
    if (fadt->reset_supported && fadt->reset_register.address == 0) {
        return FADT_RESET_REG + GAS_ADDRESS;
    }
    return 0;
}

static acpi_error_t read_fadt(const acpi_memory_t *memory, uint64_t paddr, fadt_bytes_t *fadt,
                              acpi_fadt_t *out, acpi_where_t *where)
{
    acpi_header_t header;
    acpi_error_t error = acpi_table_header(memory, paddr, "FACP", &header, where);
    if (error != ACPI_OK) {
        return error;
    }
    if (header.length < FADT_LENGTH_V1) {
        return acpi_fail(where, ACPI_ERR_LENGTH, paddr, "FACP", HEADER_LENGTH_AT);
    }
    fadt->address = paddr;
    fadt->length = header.length < FADT_LENGTH_MAX ? header.length : FADT_LENGTH_MAX;
    if (acpi_read(memory, paddr, fadt->bytes, fadt->length) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, "FACP", 0);
    }
    out->revision = header.revision;
    out->length = header.length;
    return ACPI_OK;
}

acpi_error_t acpi_fadt_read(const acpi_memory_t *memory, uint64_t paddr, acpi_fadt_t *out,
                            acpi_where_t *where)
{
    fadt_bytes_t fadt = {.length = 0}; /* all zero: fields past the table read as absent */
    uint32_t dsdt_field;
    uint32_t facs_field;

    if (out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, "FACP", 0);
    }
    acpi_error_t error = read_fadt(memory, paddr, &fadt, out, where);
    if (error != ACPI_OK) {
        return error;
    }
    out->dsdt = address(&fadt, FADT_DSDT, FADT_X_DSDT, &dsdt_field);
    out->facs = address(&fadt, FADT_FACS, FADT_X_FACS, &facs_field);
    if (out->dsdt == 0) {
        return acpi_fail(where, ACPI_ERR_NULL_ADDRESS, paddr, "FACP", dsdt_field);
    }
    if (acpi_ranges_overlap(out->dsdt, ACPI_HEADER_LENGTH, paddr, out->length)) {
        return acpi_fail(where, ACPI_ERR_LOOP, paddr, "FACP", dsdt_field);
    }
    if (out->facs != 0 && acpi_ranges_overlap(out->facs, 64, paddr, out->length)) {
        return acpi_fail(where, ACPI_ERR_LOOP, paddr, "FACP", facs_field);
    }
    decode(&fadt, out);
    uint32_t field = field_problem(out);
    if (field != 0) {
        return acpi_fail(where, ACPI_ERR_FIELD, paddr, "FACP", field);
    }
    return ACPI_OK;
}
