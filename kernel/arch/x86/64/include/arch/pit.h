/*
 * The 8254 programmable interval timer, channel 2 only: a gateable one-shot used to calibrate the
 * TSC. Channel 0 (the old system tick) is left alone; its IRQ stays masked.
 */
#ifndef ARCH_PIT_H
#define ARCH_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_FREQUENCY_HZ 1193182u

/*
 * Start channel 2 counting down `ticks` input clocks in mode 0 (interrupt on terminal count), with
 * the speaker disconnected. Its output, readable through pit_channel2_expired(), goes high when
 * the count reaches zero.
 */
void pit_channel2_start(uint16_t ticks);

/* The current count of channel 2 (latched, so both bytes belong to the same instant). */
uint16_t pit_channel2_count(void);

/* True once the count started by pit_channel2_start() has run out (port 0x61 bit 5). */
bool pit_channel2_expired(void);

#endif
