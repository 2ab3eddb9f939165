/*
 * Reading the time-stamp counter for timeouts and measurements.
 */
#ifndef RUNTIME_TSC_H
#define RUNTIME_TSC_H

#include <stdint.h>

/* The TSC, ordered after the instructions before it (LFENCE; RDTSC). */
static inline uint64_t tsc_read(void)
{
    uint32_t low;
    uint32_t high;
    __asm__ volatile("lfence\n\trdtsc" : "=a"(low), "=d"(high) : : "memory");
    return ((uint64_t)high << 32) | low;
}

#endif
