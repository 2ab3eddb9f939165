/*
 * The \_S5 package in the DSDT, found by scanning its AML bytes for a NameOp of _S5_ (not by
 * interpreting AML): enough to power off through PM1a/PM1b_CNT. Reads the table in chunks, never
 * past its checked length.
 */
#include "internal.h"

#define SCAN_CHUNK     256u
#define NAME_BYTES     4u
#define WINDOW         32u
#define AML_NAME_OP    0x08u
#define AML_ROOT       0x5cu
#define AML_PACKAGE    0x12u
#define AML_ZERO       0x00u
#define AML_ONE        0x01u
#define AML_BYTE       0x0au
#define AML_WORD       0x0bu
#define AML_DWORD      0x0cu
#define AML_QWORD      0x0eu
#define AML_ONES       0xffu
#define SLEEP_TYPE_MAX 7u

typedef enum {
    S5_FOUND,
    S5_NOT_HERE, /* "_S5_" bytes that are not a Name(_S5_, Package ...) */
    S5_BAD,      /* a Name(_S5_, Package ...) with values that cannot be sleep types */
} s5_result_t;

/* One integer constant at window[*at]; false if there is none. */
static bool read_integer(const uint8_t *window, size_t size, size_t *at, uint64_t *value)
{
    static const uint8_t widths[] = {
            [AML_BYTE] = 1, [AML_WORD] = 2, [AML_DWORD] = 4, [AML_QWORD] = 8};
    uint8_t op;

    if (*at >= size) {
        return false;
    }
    op = window[(*at)++];
    if (op == AML_ZERO || op == AML_ONE || op == AML_ONES) {
        *value = op == AML_ONES ? UINT64_MAX : op;
        return true;
    }
    if (op >= sizeof(widths) || widths[op] == 0 || size - *at < widths[op]) {
        return false;
    }
    *value = 0;
    for (unsigned i = widths[op]; i-- > 0;) {
        *value = *value << 8 | window[*at + i];
    }
    *at += widths[op];
    return true;
}

/* window[0, size) starts at a PackageOp; left is how many table bytes follow the PackageOp. */
static s5_result_t read_package(const uint8_t *window, size_t size, uint64_t left,
                                acpi_sleep_type_t *out)
{
    size_t at = 1;
    uint64_t values[2];

    if (size < 3) {
        return S5_BAD;
    }
    unsigned extra = window[at] >> 6; /* PkgLength: 1 to 4 bytes */
    uint64_t length = extra == 0 ? (window[at] & 0x3fu) : (window[at] & 0x0fu);
    if (size - at < 1u + extra) {
        return S5_BAD;
    }
    for (unsigned i = 1; i <= extra; i++) {
        length |= (uint64_t)window[at + i] << (4 + 8 * (i - 1));
    }
    at += 1 + extra;
    if (length > left || length < 1u + extra + 1u || window[at] < 2) {
        return S5_BAD; /* past the table, shorter than its own header, or under two elements */
    }
    size_t end = length + 1 < size ? (size_t)length + 1 : size; /* the package, in the window */
    at++;
    for (int i = 0; i < 2; i++) {
        if (!read_integer(window, end, &at, &values[i]) || values[i] > SLEEP_TYPE_MAX) {
            return S5_BAD;
        }
    }
    out->type_a = (uint8_t)values[0];
    out->type_b = (uint8_t)values[1];
    return S5_FOUND;
}

/* "_S5_" at table offset name: is it Name(_S5_, Package ...)? */
static s5_result_t try_name(const acpi_memory_t *memory, uint64_t paddr, uint32_t length,
                            uint32_t name, acpi_sleep_type_t *out, acpi_error_t *error)
{
    uint8_t before[2];
    uint8_t window[WINDOW];
    uint32_t start = name - 2; /* the scan starts past the header: name >= 36 */

    if (acpi_read(memory, paddr + start, before, 2) != ACPI_OK) {
        *error = ACPI_ERR_READ;
        return S5_BAD;
    }
    if (before[1] != AML_NAME_OP && !(before[1] == AML_ROOT && before[0] == AML_NAME_OP)) {
        return S5_NOT_HERE;
    }
    uint32_t package = name + NAME_BYTES;
    if (package >= length) {
        return S5_NOT_HERE;
    }
    size_t size = length - package < WINDOW ? length - package : WINDOW;
    if (acpi_read(memory, paddr + package, window, size) != ACPI_OK) {
        *error = ACPI_ERR_READ;
        return S5_BAD;
    }
    if (window[0] != AML_PACKAGE) {
        return S5_NOT_HERE;
    }
    *error = ACPI_ERR_FIELD;
    return read_package(window, size, length - package - 1u, out);
}

static bool is_s5(const uint8_t *bytes)
{
    return bytes[0] == '_' && bytes[1] == 'S' && bytes[2] == '5' && bytes[3] == '_';
}

acpi_error_t acpi_sleep_type_s5(const acpi_memory_t *memory, uint64_t paddr, acpi_sleep_type_t *out,
                                acpi_where_t *where)
{
    acpi_header_t header;
    uint8_t chunk[SCAN_CHUNK];

    if (out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, "DSDT", 0);
    }
    acpi_error_t error = acpi_table_header(memory, paddr, "DSDT", &header, where);
    if (error != ACPI_OK) {
        return error;
    }
    for (uint32_t at = ACPI_HEADER_LENGTH; at + NAME_BYTES <= header.length;
         at += SCAN_CHUNK - (NAME_BYTES - 1)) {
        size_t size = header.length - at < SCAN_CHUNK ? header.length - at : SCAN_CHUNK;
        if (acpi_read(memory, paddr + at, chunk, size) != ACPI_OK) {
            return acpi_fail(where, ACPI_ERR_READ, paddr, "DSDT", at);
        }
        for (size_t i = 0; i + NAME_BYTES <= size; i++) {
            if (!is_s5(chunk + i)) {
                continue;
            }
            uint32_t name = at + (uint32_t)i;
            s5_result_t result = try_name(memory, paddr, header.length, name, out, &error);
            if (result == S5_FOUND) {
                return ACPI_OK;
            }
            if (result == S5_BAD) {
                return acpi_fail(where, error, paddr, "DSDT", name + NAME_BYTES);
            }
        }
    }
    return acpi_fail(where, ACPI_ERR_NOT_FOUND, paddr, "DSDT", 0);
}
