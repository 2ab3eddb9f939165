/*
 * The guest's time and the one host deadline: the guest's clock is the TSC from the VM's start
 * (lib/vdev's `now`, in nanoseconds); the earliest thing any device does by itself (or the next
 * rewrite of the VM's figures, stats.h) is asked of the time service as one timer, moved whenever
 * that deadline moves.
 */
#ifndef VMM_CLOCK_H
#define VMM_CLOCK_H

#include "vmm.h"

/* The time service's token of the devices' deadline. */
#define CLOCK_TOKEN 2

/* Asks the time service for a signal at the devices' next deadline (or cancels it). */
void clock_arm(vmm_t *vmm);

/* The signal came: every device is brought up to now. */
void clock_fired(vmm_t *vmm);

#endif
