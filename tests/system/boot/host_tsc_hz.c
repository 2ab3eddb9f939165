/*
 * Reference for the boot tests: the host's TSC frequency, measured against CLOCK_MONOTONIC over
 * 200 ms. Under QEMU TCG the guest's TSC is the host's, so the kernel's figure must match this.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
}

int main(void)
{
    const struct timespec pause = {.tv_sec = 0, .tv_nsec = 200000000};
    uint64_t ns_start = monotonic_ns();
    uint64_t tsc_start = __rdtsc();
    nanosleep(&pause, NULL);
    uint64_t tsc_end = __rdtsc();
    uint64_t ns_end = monotonic_ns();

    printf("%llu\n",
           (unsigned long long)((double)(tsc_end - tsc_start) * 1e9 / (double)(ns_end - ns_start)));
    return 0;
}
