/*
 * Reading physical memory through the caller's callback: ranges that wrap are refused before
 * the callback sees them, checksums are computed in small chunks on the stack. Also the buffer
 * callback for callers that hold the memory in one buffer.
 */
#include "internal.h"

#define SUM_CHUNK 64u

acpi_error_t acpi_read(const acpi_memory_t *memory, uint64_t paddr, void *out, size_t len)
{
    if (len == 0) {
        return ACPI_OK;
    }
    if (paddr + len - 1 < paddr) {
        return ACPI_ERR_READ;
    }
    return memory->read(memory->ctx, paddr, out, len) == 0 ? ACPI_OK : ACPI_ERR_READ;
}

uint8_t acpi_sum_bytes(const uint8_t *bytes, size_t len)
{
    uint8_t sum = 0;

    for (size_t i = 0; i < len; i++) {
        sum = (uint8_t)(sum + bytes[i]);
    }
    return sum;
}

acpi_error_t acpi_sum(const acpi_memory_t *memory, uint64_t paddr, uint64_t len, uint8_t *sum)
{
    uint8_t chunk[SUM_CHUNK];

    *sum = 0;
    for (uint64_t done = 0; done < len;) {
        size_t step = len - done < SUM_CHUNK ? (size_t)(len - done) : SUM_CHUNK;
        if (acpi_read(memory, paddr + done, chunk, step) != ACPI_OK) {
            return ACPI_ERR_READ;
        }
        *sum = (uint8_t)(*sum + acpi_sum_bytes(chunk, step));
        done += step;
    }
    return ACPI_OK;
}

acpi_error_t acpi_fail(acpi_where_t *where, acpi_error_t error, uint64_t address,
                       const char *signature, uint32_t offset)
{
    if (where != NULL) {
        where->address = address;
        where->offset = offset;
        size_t i = 0;
        for (; signature != NULL && i < 4 && signature[i] != '\0'; i++) {
            where->signature[i] = signature[i];
        }
        where->signature[i] = '\0';
    }
    return error;
}

bool acpi_signature_is(const uint8_t *bytes, const char *signature)
{
    for (size_t i = 0; i < 4; i++) {
        if (bytes[i] != (uint8_t)signature[i]) {
            return false;
        }
    }
    return true;
}

bool acpi_signature_valid(const char *signature)
{
    for (size_t i = 0; i < 4; i++) {
        if (signature[i] == '\0') {
            return false;
        }
    }
    return signature[4] == '\0';
}

void acpi_copy_text(char *to, const uint8_t *from, size_t length)
{
    for (size_t i = 0; i < length; i++) {
        to[i] = (char)from[i];
    }
    to[length] = '\0';
}

bool acpi_ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len)
{
    return a - b < b_len || b - a < a_len;
}

int acpi_buffer_read(void *ctx, uint64_t paddr, void *out, size_t len)
{
    const acpi_buffer_t *buffer = ctx;
    uint8_t *to = out;

    if (buffer == NULL || paddr < buffer->base || paddr - buffer->base > buffer->size ||
        len > buffer->size - (paddr - buffer->base)) {
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        to[i] = buffer->bytes[paddr - buffer->base + i];
    }
    return 0;
}
