/*
 * The sentence for each acpi_error_t. Static strings only.
 */
#include <acpi/acpi.h>

static const char *const acpi_error_strings[ACPI_ERROR_COUNT] = {
        [ACPI_OK] = "no error",
        [ACPI_ERR_ARGUMENT] = "invalid argument",
        [ACPI_ERR_READ] = "memory cannot be read",
        [ACPI_ERR_SIGNATURE] = "wrong signature",
        [ACPI_ERR_CHECKSUM] = "bad checksum",
        [ACPI_ERR_LENGTH] = "bad length",
        [ACPI_ERR_ENTRY_SIZE] = "bad entry size",
        [ACPI_ERR_ENTRY_OUTSIDE] = "entry runs past the end of its table",
        [ACPI_ERR_LOOP] = "table points into itself or to a root table",
        [ACPI_ERR_NULL_ADDRESS] = "null table address",
        [ACPI_ERR_DUPLICATE] = "listed twice",
        [ACPI_ERR_FIELD] = "field with an impossible value",
        [ACPI_ERR_NOT_FOUND] = "not found",
};

const char *acpi_error_string(acpi_error_t error)
{
    if ((unsigned)error >= ACPI_ERROR_COUNT) {
        return "unknown error";
    }
    return acpi_error_strings[error];
}
