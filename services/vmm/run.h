/*
 * The VMM's loop (run.c): one thread serves the vCPU's faults, the devices' deadline and the
 * interrupts the guest is due, on the VMM's endpoint and its bound notification.
 */
#ifndef VMM_RUN_H
#define VMM_RUN_H

#include "vmm.h"

/* Serves the VM until it ends (vmm_end never returns). */
/* A device asked to end the VM (ACPI power-off, the debug-exit port, the reset register): ends
 * it (no return then). Both modes call it after every device access. */
void run_exit_check(vmm_t *vmm);

void run_vm(vmm_t *vmm) __attribute__((noreturn));

#endif
