/*
 * The VM's figures in the boot page for init's `vm stats` (stats.c): exits by kind in a
 * hardware mode, faults and what became of them in PV mode, interrupts injected, RAM, the virtio
 * devices' requests.
 */
#ifndef VMM_STATS_H
#define VMM_STATS_H

#include "vmm.h"

/* Where the figures go (the boot page init shares), before the guest runs. */
void stats_attach(vmm_t *vmm, vmm_stats_t *stats);

/* Rewrites the figures now. */
void stats_publish(vmm_t *vmm);

/* When they are next due by time (guest time): clock.c asks the time service for a signal then. */
uint64_t stats_due(const vmm_t *vmm);

/* Rewrites them once in a while: call at every exit or fault (cheap when it does nothing). */
void stats_tick(vmm_t *vmm);

#endif
