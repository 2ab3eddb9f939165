/*
 * The time-stamp counter: reading it, and knowing its frequency. The frequency comes from CPUID
 * leaf 0x15 (with 0x16 for a missing crystal frequency) when the CPU reports it completely,
 * otherwise from calibration against PIT channel 2 (several rounds, median). It is exported to
 * user space as the seL4 boot info extra "X86_TSC_Freq".
 */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <arch/platform_error.h>
#include <stdint.h>

typedef enum {
    TSC_SOURCE_NONE = 0,
    TSC_SOURCE_CPUID_15,    /* crystal Hz and TSC/crystal ratio from leaf 0x15 */
    TSC_SOURCE_CPUID_15_16, /* ratio from 0x15, crystal derived from the 0x16 base frequency */
    TSC_SOURCE_PIT,         /* measured against PIT channel 2 */
} tsc_source_t;

/* Rounds and length of one PIT calibration round. */
#define TSC_CALIBRATION_ROUNDS    5
#define TSC_CALIBRATION_PERIOD_US 5000

static inline uint64_t tsc_read(void)
{
    uint32_t low;
    uint32_t high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

/*
 * Determine the TSC frequency. The PIT must be programmable (it is on every PC; the 8259s may be
 * masked). Errors: PLATFORM_ERROR_TIMEOUT when the PIT never signals and CPUID gives nothing.
 */
platform_error_t tsc_init(void);

/* Ticks per second (0 before tsc_init succeeded). */
uint64_t tsc_hz(void);

/* Where the frequency came from. */
tsc_source_t tsc_source(void);

/* The individual PIT rounds of the last calibration, in Hz (for the summary and tests). */
const uint64_t *tsc_calibration_rounds(void);

/* Lower-case source name: "cpuid-15h", "cpuid-15h+16h", "pit", "none". */
const char *tsc_source_name(tsc_source_t source);

/* Convert between TSC ticks and nanoseconds with tsc_hz() (128-bit intermediate, no overflow). */
uint64_t tsc_ticks_to_ns(uint64_t ticks);
uint64_t tsc_ns_to_ticks(uint64_t ns);

/* Busy-wait at least ns nanoseconds (needs tsc_init()). */
void tsc_delay_ns(uint64_t ns);

#endif
