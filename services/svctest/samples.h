/*
 * Sorted samples for the time group's tolerances and the benchmarks' figures: an in-place heap
 * sort (no allocation, no recursion) and percentiles of the sorted values.
 */
#ifndef SVCTEST_SAMPLES_H
#define SVCTEST_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

void samples_sort(uint64_t *values, size_t count);

/* The value below which percent of the sorted values lie (nearest rank; 0 when count is 0). */
uint64_t samples_percentile(const uint64_t *sorted, size_t count, unsigned percent);

/* A seeded xorshift64 generator: the same seed, the same run. */
uint64_t samples_random(uint64_t *state);

#endif
