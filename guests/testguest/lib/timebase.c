/*
 * The TSC as a clock for timeouts, calibrated against PIT channel 2. Calibration happens on
 * first use and is kept: a run that never needs a timeout never touches the PIT.
 */
#include "timebase.h"

#include "cpu.h"
#include "pit.h"

#define CALIBRATION_MS 50
#define PIT_TICKS      (PIT_HZ * CALIBRATION_MS / 1000)

static uint64_t calibrated_hz;

uint64_t tsc_hz(void)
{
    if (calibrated_hz == 0) {
        pit_channel2_start((uint16_t)PIT_TICKS);
        uint64_t start = rdtsc();
        uint64_t spins = 0;
        /* Bounded, so a PIT that never ends cannot hang the guest: 2^32 polls is minutes. */
        while (!pit_channel2_done() && spins < (1ull << 32)) {
            spins++;
        }
        uint64_t ticks = rdtsc() - start;
        calibrated_hz = ticks * 1000 / CALIBRATION_MS;
        if (calibrated_hz == 0) {
            calibrated_hz = 1;
        }
    }
    return calibrated_hz;
}

uint64_t tsc_after_ms(uint64_t ms)
{
    return rdtsc() + tsc_hz() / 1000 * ms;
}

bool tsc_passed(uint64_t deadline)
{
    return (int64_t)(rdtsc() - deadline) >= 0;
}

bool wait_for_count(volatile const uint64_t *counter, uint64_t target, uint64_t ms)
{
    uint64_t deadline = tsc_after_ms(ms);
    while (*counter < target) {
        if (tsc_passed(deadline)) {
            return *counter >= target;
        }
        cpu_relax();
    }
    return true;
}
