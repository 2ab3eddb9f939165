/*
 * Time for timeouts: the TSC, calibrated once against PIT channel 2. Only bounds are derived
 * from it ("within 2 s"); no test prints a time.
 */
#ifndef TESTGUEST_TIMEBASE_H
#define TESTGUEST_TIMEBASE_H

#include <stdbool.h>
#include <stdint.h>

/* TSC ticks per second (calibrated on first use, over 50 ms). */
uint64_t tsc_hz(void);
uint64_t tsc_after_ms(uint64_t ms);
bool tsc_passed(uint64_t deadline);

/* Spins until *counter >= target or ms milliseconds pass; true when the target was reached. */
bool wait_for_count(volatile const uint64_t *counter, uint64_t target, uint64_t ms);

#endif
