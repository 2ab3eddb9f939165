/*
 * The clock arithmetic of clock.h.
 */
#include "clock.h"

uint32_t clock_pit_ticks(uint64_t cycles, uint64_t tsc_hz)
{
    if (tsc_hz == 0 || cycles >= clock_pit_cycles(CLOCK_PIT_TICKS_MAX, tsc_hz)) {
        return CLOCK_PIT_TICKS_MAX;
    }
    uint64_t ticks = (cycles * CLOCK_PIT_HZ + tsc_hz - 1) / tsc_hz;
    return ticks == 0 ? 1 : (uint32_t)ticks;
}

uint64_t clock_pit_cycles(uint32_t ticks, uint64_t tsc_hz)
{
    return (uint64_t)ticks * tsc_hz / CLOCK_PIT_HZ;
}

uint64_t clock_hz_measured(uint64_t cycles, uint32_t ticks)
{
    return ticks == 0 ? 0 : cycles * CLOCK_PIT_HZ / ticks;
}

int64_t clock_ppm(uint64_t measured, uint64_t stated)
{
    if (stated == 0) {
        return 0;
    }
    int64_t difference = (int64_t)measured - (int64_t)stated;
    int64_t half = (int64_t)(stated / 2);
    int64_t scaled = difference * 1000000;
    return (scaled >= 0 ? scaled + half : scaled - half) / (int64_t)stated;
}
