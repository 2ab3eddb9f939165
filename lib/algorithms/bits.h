/* Private bit helpers for the algorithms library (not installed).
 * Compiler builtins that expand inline on x86-64; must never pull in libgcc helpers
 * (no popcount builtin: without -mpopcnt it becomes a library call). */
#ifndef ALGORITHMS_BITS_H
#define ALGORITHMS_BITS_H

#include <stdint.h>

/* Index of the lowest set bit; `word` must be non-zero. */
static inline unsigned bits_lowest(uint64_t word)
{
    return (unsigned)__builtin_ctzll(word);
}

/* Index of the highest set bit; `word` must be non-zero. */
static inline unsigned bits_highest(uint64_t word)
{
    return 63u - (unsigned)__builtin_clzll(word);
}

/* Mask with the low `n` bits set, for 0 <= n <= 64. */
static inline uint64_t bits_low_mask(unsigned n)
{
    return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
}

static inline int bits_is_power_of_two(uint64_t value)
{
    return value != 0 && (value & (value - 1)) == 0;
}

#endif
