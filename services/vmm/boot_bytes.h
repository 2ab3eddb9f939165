/*
 * Little-endian stores into a structure being built in a byte buffer: the boot protocols' layouts
 * are written field by field at their documented offsets, never through a C struct.
 */
#ifndef VMM_BOOT_BYTES_H
#define VMM_BOOT_BYTES_H

#include <stddef.h>
#include <stdint.h>

static inline void put32(uint8_t *buffer, size_t offset, uint32_t value)
{
    for (unsigned i = 0; i < 4; i++) {
        buffer[offset + i] = (uint8_t)(value >> (8 * i));
    }
}

static inline void put64(uint8_t *buffer, size_t offset, uint64_t value)
{
    put32(buffer, offset, (uint32_t)value);
    put32(buffer, offset + 4, (uint32_t)(value >> 32));
}

#endif
