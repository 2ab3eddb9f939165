/*
 * The patch points of the loaded guest kernel (lib/pv's scanner, pv/patch.h): found once at load
 * time from the kernel's boot entry and function symbols, written into guest RAM, kept sorted for
 * the traps, and the kernel's fast-path list filled from them.
 */
#ifndef VMM_PATCH_H
#define VMM_PATCH_H

#include "vmm.h"

/* Scans and patches the loaded kernel; ends the VM when its image cannot be patched safely. */
void patch_guest(vmm_t *vmm, const pv_cpu_config_t *config);

#endif
