/*
 * What a VM in a hardware mode (VT-x or AMD-V) needs of init beyond what a PV VM has: a mode
 * this machine can run, resolved against the kernel's virtualization chunk, and a guest-physical
 * root (an EPT/NPT PML4 with an ASID), which the VMM cannot make itself for want of an ASID pool.
 */
#ifndef INIT_VM_HARDWARE_H
#define INIT_VM_HARDWARE_H

#include "vm_run.h"

/* vm_mode_resolve (vm_mode.h) against this machine. */
bool vm_hardware_resolve(vmdecl_mode_t requested, vmdecl_mode_t *resolved, char *message,
                         size_t capacity);

/* A fresh root in run->guest_root, from a page of init's RAM of its own; false (nothing made)
 * when there is no memory or slot for it. */
bool vm_hardware_root_make(vm_run_t *run);

/* The root and everything derived from it go (the VMM's copy too), its page and ASID return.
 * Nothing happens when there is none. */
void vm_hardware_root_free(vm_run_t *run);

#endif
