/*
 * Private to lib/acpi: little-endian loads (any alignment), reads through the callback with the
 * range checked first, checksums by chunks, and error reports. Every load's caller has checked
 * that its bytes are inside the buffer it loads from.
 */
#ifndef ACPI_INTERNAL_H
#define ACPI_INTERNAL_H

#include <acpi/acpi.h>

#define HEADER_LENGTH_AT 4u
#define HEADER_REVISION  8u
#define HEADER_OEM_ID    10u
#define HEADER_TABLE_ID  16u

static inline uint16_t acpi_load16(const uint8_t *at)
{
    return (uint16_t)(at[0] | at[1] << 8);
}

static inline uint32_t acpi_load32(const uint8_t *at)
{
    return (uint32_t)at[0] | (uint32_t)at[1] << 8 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 24;
}

static inline uint64_t acpi_load64(const uint8_t *at)
{
    return (uint64_t)acpi_load32(at) | (uint64_t)acpi_load32(at + 4) << 32;
}

/* memory.c */
acpi_error_t acpi_read(const acpi_memory_t *memory, uint64_t paddr, void *out, size_t len);
/* The sum of [paddr, paddr + len) modulo 256, read in chunks; ACPI_ERR_READ on a failed read. */
acpi_error_t acpi_sum(const acpi_memory_t *memory, uint64_t paddr, uint64_t len, uint8_t *sum);
uint8_t acpi_sum_bytes(const uint8_t *bytes, size_t len);
/* Fill *where (when not NULL) and return error. */
acpi_error_t acpi_fail(acpi_where_t *where, acpi_error_t error, uint64_t address,
                       const char *signature, uint32_t offset);
bool acpi_signature_is(const uint8_t *bytes, const char *signature);
bool acpi_signature_valid(const char *signature); /* four bytes, none NUL, then a NUL */
void acpi_copy_text(char *to, const uint8_t *from, size_t length); /* to[length] = NUL */
/* [a, a + a_len) and [b, b + b_len) share a byte (lengths > 0, no wraparound). */
bool acpi_ranges_overlap(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len);

#endif
