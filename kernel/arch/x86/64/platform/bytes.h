/*
 * Little-endian loads from byte buffers handed over by loaders and firmware, at any alignment:
 * x86 reads unaligned words, and the aligned(1) types tell the compiler so (one load, where
 * assembling bytes costs a dozen instructions, which matters where a hypervisor emulates each).
 * Private to the platform code.
 */
#ifndef PLATFORM_BYTES_H
#define PLATFORM_BYTES_H

#include <stdint.h>

typedef uint16_t __attribute__((aligned(1), may_alias)) unaligned_u16_t;
typedef uint32_t __attribute__((aligned(1), may_alias)) unaligned_u32_t;
typedef uint64_t __attribute__((aligned(1), may_alias)) unaligned_u64_t;

static inline uint16_t load_u16(const uint8_t *p)
{
    return *(const unaligned_u16_t *)p;
}

static inline uint32_t load_u32(const uint8_t *p)
{
    return *(const unaligned_u32_t *)p;
}

static inline uint64_t load_u64(const uint8_t *p)
{
    return *(const unaligned_u64_t *)p;
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
