/*
 * TSC frequency: CPUID leaves 0x15/0x16 when complete, else what a hypervisor states, either
 * cross-checked by one short PIT round; else the median of several short PIT channel 2 rounds,
 * all in one countdown, each end the TSC and PIT count sampled together (robust to a host
 * preempting a virtual CPU). Also tick/ns conversion and busy waiting.
 */
#include "bytes.h"
#include "median.h"
#include <arch/boot_section.h>
#include <arch/cpu.h>
#include <arch/hypervisor_clock.h>
#include <arch/io.h>
#include <arch/pit.h>
#include <arch/tsc.h>
#include <stdbool.h>

#define NS_PER_SECOND 1000000000ull
/* Polls of the PIT before a countdown is given up (each poll is I/O accesses, >= 100 ns each). */
#define PIT_POLL_LIMIT 20000000u
/*
 * The same waits bounded in TSC ticks, as the polls alone are not: where each port access traps
 * to a hypervisor (~10 us), PIT_POLL_LIMIT polls take ten minutes, and a machine without a PIT
 * (a VM that offers none) would spend them on every countdown. The count runs within 15 PIT
 * ticks (13 us) of being loaded, and a whole countdown lasts 55 ms; 2^26 and 2^30 ticks are at
 * least 6.7 ms and 107 ms on any TSC up to 10 GHz, and cost an absent PIT ~80 ms (three
 * countdowns that never start) at the 2.6 GHz here.
 */
#define PIT_START_TSC_LIMIT     (1ull << 26)
#define PIT_COUNTDOWN_TSC_LIMIT (1ull << 30)
/* Reads per (TSC, PIT count) sample; the tightest is kept. */
#define PIT_SAMPLE_TRIES 3
/* The count the PIT must have passed below before the first sample: it is loaded and running. */
#define PIT_RUNNING_BELOW 0xfff0u
/* Countdowns tried before the PIT counts as broken. */
#define PIT_ATTEMPTS 3
/* A stated frequency is trusted when one PIT round agrees within this many parts per thousand. */
#define STATED_AGREEMENT_PERMILLE 20

_Static_assert(TSC_CALIBRATION_ROUNDS <= MEDIAN_COUNT_MAX, "the median takes every round");
_Static_assert((uint64_t)PIT_FREQUENCY_HZ *TSC_CALIBRATION_PERIOD_US / 1000000 *
                               TSC_CALIBRATION_ROUNDS <
                       PIT_RUNNING_BELOW - 0x100,
               "all calibration rounds fit one countdown of PIT channel 2");

static uint64_t frequency_hz;
static tsc_source_t frequency_source;
static uint64_t rounds_hz[TSC_CALIBRATION_ROUNDS];

/* A PIT count and the TSC at the same instant. */
typedef struct {
    uint64_t tsc;
    uint16_t count;
} pit_sample_t;

/*
 * Read the count between two TSC reads, several times, and keep the tightest bracket: a virtual
 * CPU preempted by its host between the reads would otherwise pair a count with a late TSC.
 * Preemption between two samples does no harm, as both clocks run in real time meanwhile. The
 * midpoint is off from the latch instant by about the same amount in every sample, so the
 * offset cancels in a difference of two samples.
 */
BOOT_CODE static pit_sample_t pit_sample(void)
{
    pit_sample_t best = {0};
    uint64_t best_width = UINT64_MAX;

    for (int i = 0; i < PIT_SAMPLE_TRIES; i++) {
        uint64_t before = tsc_read();
        uint16_t count = pit_channel2_count();
        uint64_t after = tsc_read();
        if (after - before < best_width) {
            best_width = after - before;
            best.tsc = before + best_width / 2;
            best.count = count;
        }
    }
    return best;
}

/*
 * One countdown of channel 2 split into `rounds` consecutive rounds of at least
 * TSC_CALIBRATION_PERIOD_US of PIT time each: TSC ticks per second of each into hz[]. Returns
 * false when the PIT does not count or ran out (preemptions adding up to its 55 ms range).
 */
BOOT_CODE static bool pit_countdown(uint64_t *hz, int rounds)
{
    const uint16_t ticks =
            (uint16_t)((uint64_t)PIT_FREQUENCY_HZ * TSC_CALIBRATION_PERIOD_US / 1000000);
    pit_sample_t previous;
    uint32_t polls = 0;
    uint64_t start;

    pit_channel2_start(0xffff);
    start = tsc_read();
    /* The count is loaded on the first input clock after it is written: wait for it to run. */
    while (pit_channel2_count() > PIT_RUNNING_BELOW) {
        if (++polls == PIT_POLL_LIMIT || tsc_read() - start > PIT_START_TSC_LIMIT) {
            return false;
        }
    }
    previous = pit_sample();
    for (int round = 0; round < rounds; round++) {
        pit_sample_t next;
        /* Each round spans its full length even when a preemption stretched the one before. */
        while ((uint16_t)(previous.count - pit_channel2_count()) < ticks) {
            if (++polls == PIT_POLL_LIMIT || tsc_read() - start > PIT_COUNTDOWN_TSC_LIMIT ||
                pit_channel2_expired()) {
                return false;
            }
        }
        next = pit_sample();
        if (pit_channel2_expired() || next.count >= previous.count) {
            return false;
        }
        hz[round] =
                mul_div_u64(next.tsc - previous.tsc, PIT_FREQUENCY_HZ, previous.count - next.count);
        if (hz[round] == 0 || hz[round] == UINT64_MAX) {
            return false;
        }
        previous = next;
    }
    return true;
}

/* Rounds of one good countdown (a failed one is retried), in hz[]; false when none succeeded. */
BOOT_CODE static bool pit_measure(uint64_t *hz, int rounds)
{
    for (int attempt = 0; attempt < PIT_ATTEMPTS; attempt++) {
        if (pit_countdown(hz, rounds)) {
            return true;
        }
    }
    return false;
}

/* The median of TSC_CALIBRATION_ROUNDS PIT rounds, or 0 when the PIT does not work. */
BOOT_CODE static uint64_t pit_calibrate(void)
{
    if (!pit_measure(rounds_hz, TSC_CALIBRATION_ROUNDS)) {
        return 0;
    }
    return median_u64(rounds_hz, TSC_CALIBRATION_ROUNDS);
}

/* The frequency CPUID states, or 0 when it does not state one completely. */
BOOT_CODE static uint64_t cpuid_frequency(tsc_source_t *source)
{
    const cpu_features_t *cpu = cpu_features();
    uint32_t denominator;
    uint32_t numerator;
    uint32_t crystal_hz;
    uint32_t unused;

    if (cpu->max_basic_leaf < 0x15) {
        return 0;
    }
    cpuid_query(0x15, 0, &denominator, &numerator, &crystal_hz, &unused);
    if (denominator == 0 || numerator == 0) {
        return 0;
    }
    if (crystal_hz != 0) {
        *source = TSC_SOURCE_CPUID_15;
        return mul_div_u64(crystal_hz, numerator, denominator);
    }
    if (cpu->max_basic_leaf >= 0x16) {
        uint32_t base_mhz;
        cpuid_query(0x16, 0, &base_mhz, &unused, &unused, &unused);
        if (base_mhz != 0) {
            /* crystal = base * denominator / numerator, so TSC = crystal * ratio = base. */
            *source = TSC_SOURCE_CPUID_15_16;
            return (uint64_t)base_mhz * 1000000;
        }
    }
    return 0;
}

/* The frequency the CPU or a hypervisor states, or 0. */
BOOT_CODE static uint64_t stated_frequency(tsc_source_t *source)
{
    hypervisor_clock_t hypervisor;
    uint64_t hz = cpuid_frequency(source);

    if (hz != 0 && hz != UINT64_MAX) {
        return hz;
    }
    hz = hypervisor_tsc_hz(&hypervisor);
    if (hypervisor == HYPERVISOR_CLOCK_TIMING_LEAF) {
        *source = TSC_SOURCE_HYPERVISOR_LEAF;
    } else if (hypervisor == HYPERVISOR_CLOCK_KVMCLOCK) {
        *source = TSC_SOURCE_KVMCLOCK;
    } else {
        hz = 0;
    }
    return hz;
}

BOOT_CODE platform_error_t tsc_init(bool trust_stated)
{
    tsc_source_t source = TSC_SOURCE_NONE;
    uint64_t stated = trust_stated ? stated_frequency(&source) : 0;

    for (int i = 0; i < TSC_CALIBRATION_ROUNDS; i++) {
        rounds_hz[i] = 0;
    }
    if (stated != 0) {
        uint64_t measured = 0;
        bool counted = pit_measure(&measured, 1);
        uint64_t difference = measured > stated ? measured - stated : stated - measured;
        /* Without a working PIT there is nothing better to check the stated figure with. */
        if (!counted || difference <= stated / 1000 * STATED_AGREEMENT_PERMILLE) {
            rounds_hz[0] = measured;
            frequency_hz = stated;
            frequency_source = source;
            return PLATFORM_OK;
        }
    }
    frequency_hz = pit_calibrate();
    if (frequency_hz == 0) {
        frequency_source = TSC_SOURCE_NONE;
        return PLATFORM_ERROR_TIMEOUT;
    }
    frequency_source = TSC_SOURCE_PIT;
    return PLATFORM_OK;
}

uint64_t tsc_hz(void)
{
    return frequency_hz;
}

tsc_source_t tsc_source(void)
{
    return frequency_source;
}

const uint64_t *tsc_calibration_rounds(void)
{
    return rounds_hz;
}

const char *tsc_source_name(tsc_source_t source)
{
    switch (source) {
    case TSC_SOURCE_CPUID_15:
        return "cpuid-15h";
    case TSC_SOURCE_CPUID_15_16:
        return "cpuid-15h+16h";
    case TSC_SOURCE_HYPERVISOR_LEAF:
        return "cpuid-40000010h";
    case TSC_SOURCE_KVMCLOCK:
        return "kvmclock";
    case TSC_SOURCE_PIT:
        return "pit";
    case TSC_SOURCE_NONE:
        break;
    }
    return "none";
}

uint64_t tsc_ticks_to_ns(uint64_t ticks)
{
    return mul_div_u64(ticks, NS_PER_SECOND, frequency_hz);
}

uint64_t tsc_ns_to_ticks(uint64_t ns)
{
    return mul_div_u64(ns, frequency_hz, NS_PER_SECOND);
}

void tsc_delay_ns(uint64_t ns)
{
    uint64_t start = tsc_read();
    uint64_t ticks = tsc_ns_to_ticks(ns);
    while (tsc_read() - start < ticks) {
        cpu_pause();
    }
}
