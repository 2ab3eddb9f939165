/*
 * The time-stamp counter: reading it, and knowing its frequency. The frequency comes from CPUID
 * leaf 0x15 (with 0x16 for a missing crystal frequency) when the CPU reports it completely, else
 * from the hypervisor (CPUID 0x40000010, KVM's pvclock), either accepted only when one short PIT
 * round agrees; otherwise from calibration against PIT channel 2 (several short rounds, median).
 * It is exported to user space as the seL4 boot info extra "X86_TSC_Freq".
 */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <arch/platform_error.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    TSC_SOURCE_NONE = 0,
    TSC_SOURCE_CPUID_15,        /* crystal Hz and TSC/crystal ratio from leaf 0x15 */
    TSC_SOURCE_CPUID_15_16,     /* ratio from 0x15, crystal derived from the 0x16 base frequency */
    TSC_SOURCE_PIT,             /* measured against PIT channel 2 */
    TSC_SOURCE_HYPERVISOR_LEAF, /* CPUID 0x40000010 EAX (kHz) */
    TSC_SOURCE_KVMCLOCK,        /* KVM's pvclock scale */
} tsc_source_t;

/*
 * Rounds and length of one PIT calibration round. A round's error is the jitter of pairing a PIT
 * count with the TSC (well under 10 us even where each port access traps) plus one PIT tick
 * (838 ns), so 1 ms rounds stay within 1%; the median discards a disturbed round.
 */
#define TSC_CALIBRATION_ROUNDS    5
#define TSC_CALIBRATION_PERIOD_US 1000

static inline uint64_t tsc_read(void)
{
    uint32_t low;
    uint32_t high;
    __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
    return ((uint64_t)high << 32) | low;
}

/*
 * Determine the TSC frequency; with trust_stated false, ignore what CPUID and the hypervisor
 * state and calibrate against the PIT (PLATFORM_OPTION_TSC_PIT, for tests). The PIT must be
 * programmable (it is on every PC; the 8259s may be masked); a missing or stuck one costs a
 * bounded time (~80 ms at 2.6 GHz) and leaves a stated frequency unchecked. Errors:
 * PLATFORM_ERROR_TIMEOUT when the PIT does not count and nothing states a frequency.
 */
platform_error_t tsc_init(bool trust_stated);

/* Ticks per second (0 before tsc_init succeeded). */
uint64_t tsc_hz(void);

/* Where the frequency came from. */
tsc_source_t tsc_source(void);

/*
 * The individual PIT rounds of the last calibration, in Hz (for the summary and tests): all of
 * them for TSC_SOURCE_PIT, else the checking round in [0] (0 when the PIT did not count).
 */
const uint64_t *tsc_calibration_rounds(void);

/*
 * Lower-case source name: "cpuid-15h", "cpuid-15h+16h", "cpuid-40000010h", "kvmclock", "pit",
 * "none".
 */
const char *tsc_source_name(tsc_source_t source);

/* Convert between TSC ticks and nanoseconds with tsc_hz() (128-bit intermediate, no overflow). */
uint64_t tsc_ticks_to_ns(uint64_t ticks);
uint64_t tsc_ns_to_ticks(uint64_t ns);

/* Busy-wait at least ns nanoseconds (needs tsc_init()). */
void tsc_delay_ns(uint64_t ns);

#endif
