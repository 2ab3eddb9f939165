/*
 * Sorting and percentiles of samples.h.
 */
#include "samples.h"

static void sift_down(uint64_t *values, size_t root, size_t count)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= count) {
            return;
        }
        if (child + 1 < count && values[child + 1] > values[child]) {
            child++;
        }
        if (values[root] >= values[child]) {
            return;
        }
        uint64_t swap = values[root];
        values[root] = values[child];
        values[child] = swap;
        root = child;
    }
}

void samples_sort(uint64_t *values, size_t count)
{
    for (size_t i = count / 2; i-- > 0;) {
        sift_down(values, i, count);
    }
    for (size_t end = count; end > 1; end--) {
        uint64_t swap = values[0];
        values[0] = values[end - 1];
        values[end - 1] = swap;
        sift_down(values, 0, end - 1);
    }
}

uint64_t samples_percentile(const uint64_t *sorted, size_t count, unsigned percent)
{
    if (count == 0) {
        return 0;
    }
    size_t rank = (count * percent + 99) / 100;
    return sorted[rank == 0 ? 0 : rank - 1];
}

uint64_t samples_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}
