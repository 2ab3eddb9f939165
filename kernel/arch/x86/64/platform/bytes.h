/*
 * Little-endian loads from byte buffers handed over by loaders and firmware. Byte by byte, so
 * that no alignment is assumed and no memcpy is needed. Private to the platform code.
 */
#ifndef PLATFORM_BYTES_H
#define PLATFORM_BYTES_H

#include <stdint.h>

static inline uint16_t load_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline uint32_t load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t load_u64(const uint8_t *p)
{
    return (uint64_t)load_u32(p) | ((uint64_t)load_u32(p + 4) << 32);
}

/* a * b / c without intermediate overflow; UINT64_MAX when c is 0 or the quotient overflows. */
static inline uint64_t mul_div_u64(uint64_t a, uint64_t b, uint64_t c)
{
    uint64_t low;
    uint64_t high;
    uint64_t quotient;
    uint64_t remainder;

    if (c == 0) {
        return UINT64_MAX;
    }
    __asm__("mulq %3" : "=a"(low), "=d"(high) : "a"(a), "rm"(b));
    if (high >= c) {
        return UINT64_MAX;
    }
    __asm__("divq %4" : "=a"(quotient), "=d"(remainder) : "a"(low), "d"(high), "rm"(c));
    (void)remainder;
    return quotient;
}

#endif
