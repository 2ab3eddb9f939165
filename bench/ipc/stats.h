/*
 * Order statistics of cycle samples: median, minimum, 10th/90th percentiles and the median
 * absolute deviation. Sorts the samples in place.
 */
#ifndef BENCH_IPC_STATS_H
#define BENCH_IPC_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct sample_stats {
    uint64_t min;
    uint64_t p10;
    uint64_t median;
    uint64_t p90;
    uint64_t mad; /* median of |sample - median| */
} sample_stats_t;

/* Sorts samples[0..n) in place and fills *stats; scratch (n words) is overwritten. n must be
 * at least 1. Percentiles are nearest-rank below: index (n - 1) * p / 100 of the sorted
 * samples (the lower median for an even n). */
void stats_compute(uint64_t *samples, uint64_t *scratch, size_t n, sample_stats_t *stats);

#endif
