/*
 * The 8254 PIT: channel 0 as a periodic interrupt source (ISA IRQ 0), channel 2 gated through
 * port 0x61 as a one-shot stopwatch for calibrating the TSC.
 */
#ifndef TESTGUEST_PIT_H
#define TESTGUEST_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182u

void pit_channel0_periodic(uint32_t hz);
void pit_channel0_stop(void);

/* Starts channel 2 counting ticks down (mode 0); pit_channel2_done() tells when OUT went high. */
void pit_channel2_start(uint16_t ticks);
bool pit_channel2_done(void);

#endif
