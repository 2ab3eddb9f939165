/*
 * The median of a few calibration rounds, shared by the TSC and LAPIC timer calibrations.
 * Private to the platform code; never changes the values it is given.
 */
#ifndef PLATFORM_MEDIAN_H
#define PLATFORM_MEDIAN_H

#include <stddef.h>
#include <stdint.h>

#define MEDIAN_COUNT_MAX 8

/*
 * The median of values[0..count), count from 1 to MEDIAN_COUNT_MAX (for an even count, the upper
 * of the middle two). An insertion sort of a copy: the counts are a handful.
 */
static inline uint64_t median_u64(const uint64_t *values, size_t count)
{
    uint64_t sorted[MEDIAN_COUNT_MAX] = {0};

    for (size_t i = 0; i < count; i++) {
        size_t j = i;
        while (j > 0 && sorted[j - 1] > values[i]) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = values[i];
    }
    return sorted[count / 2];
}

#endif
