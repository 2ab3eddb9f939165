/*
 * The 8254 PIT as the time service drives it: channel 0 as a one-shot (mode 0) that raises IRQ 0
 * when its count reaches zero, programmed for the next deadline only; channel 2 (gated through
 * port 0x61, speaker off) to measure the TSC's frequency at start. Every port access is a system
 * call on the capabilities init gave; nothing here waits on anything but the TSC.
 */
#ifndef TIME_PIT_H
#define TIME_PIT_H

#include <sel4/functions.h>
#include <stdbool.h>
#include <stdint.h>

/* ports: 0x40-0x43; port_b: 0x61. */
void pit_init(seL4_CPtr ports, seL4_CPtr port_b);

/* Channel 0 counts ticks (1..CLOCK_PIT_TICKS_MAX) from now, then raises IRQ 0 once. */
void pit_oneshot(uint32_t ticks);

/*
 * Measures the TSC against channel 2 over about interval_cycles (at most 45 ms at stated_hz):
 * *measured_hz is the frequency the TSC ran at. False when the PIT did not count as expected
 * (no PIT, or the stated frequency so wrong that the count ran out).
 */
bool pit_measure_tsc(uint64_t stated_hz, uint64_t interval_cycles, uint64_t *measured_hz);

#endif
