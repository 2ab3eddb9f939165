/*
 * Sorting (heapsort: O(n log n), no recursion, no allocation) and percentiles of samples.
 */
#include "stats.h"

static void sift_down(uint64_t *a, size_t start, size_t n)
{
    size_t root = start;

    while (2 * root + 1 < n) {
        size_t child = 2 * root + 1;
        if (child + 1 < n && a[child] < a[child + 1]) {
            child++;
        }
        if (a[root] >= a[child]) {
            return;
        }
        uint64_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

static void sort_samples(uint64_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;) {
        sift_down(a, i, n);
    }
    for (size_t end = n; end-- > 1;) {
        uint64_t t = a[0];
        a[0] = a[end];
        a[end] = t;
        sift_down(a, 0, end);
    }
}

static uint64_t percentile(const uint64_t *sorted, size_t n, size_t percent)
{
    return sorted[(n - 1) * percent / 100];
}

void stats_compute(uint64_t *samples, uint64_t *scratch, size_t n, sample_stats_t *stats)
{
    sort_samples(samples, n);
    stats->min = samples[0];
    stats->p10 = percentile(samples, n, 10);
    stats->median = percentile(samples, n, 50);
    stats->p90 = percentile(samples, n, 90);
    for (size_t i = 0; i < n; i++) {
        scratch[i] = samples[i] > stats->median ? samples[i] - stats->median
                                                : stats->median - samples[i];
    }
    sort_samples(scratch, n);
    stats->mad = percentile(scratch, n, 50);
}
