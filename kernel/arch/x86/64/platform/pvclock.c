/*
 * The arithmetic of a pvclock scale: which TSC frequency a (multiplier, shift) pair stands for.
 * Pure; the reading of the scale itself is in hypervisor_clock.c.
 */
#include "bytes.h"
#include <arch/hypervisor_clock.h>

#define NS_PER_SECOND       1000000000ull
#define PVCLOCK_SHIFT_LIMIT 31

uint64_t pvclock_scale_to_hz(uint32_t mul, int8_t shift)
{
    uint64_t hz;

    if (mul == 0 || shift > PVCLOCK_SHIFT_LIMIT || shift < -PVCLOCK_SHIFT_LIMIT) {
        return 0;
    }
    /* ns per tick = mul * 2^shift / 2^32, so ticks per second = 10^9 * 2^32 / (mul * 2^shift). */
    if (shift >= 0) {
        hz = mul_div_u64(NS_PER_SECOND, 1ull << 32, (uint64_t)mul << shift);
    } else {
        hz = mul_div_u64(NS_PER_SECOND, 1ull << (32 - shift), mul);
    }
    return hz == UINT64_MAX ? 0 : hz;
}
