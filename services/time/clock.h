/*
 * Arithmetic between the two clocks the time service reads: TSC cycles and ticks of the PIT's
 * 1.193182 MHz input. Pure functions (tested on the host); every product stays below 2^64 for
 * TSC frequencies below 18 GHz and intervals of one PIT count (at most 55 ms).
 */
#ifndef TIME_CLOCK_H
#define TIME_CLOCK_H

#include <stdint.h>

#define CLOCK_PIT_HZ        1193182ull
#define CLOCK_PIT_TICKS_MAX 0xffffu /* the largest count a channel takes: 54.9 ms */

/* The PIT ticks that cover cycles at tsc_hz: rounded up, at least 1, at most the maximum. */
uint32_t clock_pit_ticks(uint64_t cycles, uint64_t tsc_hz);

/* The TSC cycles that ticks PIT ticks last at tsc_hz (rounded down). */
uint64_t clock_pit_cycles(uint32_t ticks, uint64_t tsc_hz);

/* The TSC frequency of cycles counted while the PIT counted ticks (0 when ticks is 0). */
uint64_t clock_hz_measured(uint64_t cycles, uint32_t ticks);

/* How far measured is from stated, in parts per million of stated, rounded to the nearest. */
int64_t clock_ppm(uint64_t measured, uint64_t stated);

#endif
