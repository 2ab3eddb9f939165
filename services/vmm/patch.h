/*
 * The patch points of the loaded guest kernel (lib/pv's scanner, pv/patch.h): found at load time
 * from the kernel's boot entry and function symbols, and later from the code the guest enters at
 * run time (a system-call entry it sets, a handler it is delivered to, its user mode's entry
 * points), written into guest RAM, kept sorted for the traps, and the kernel's fast-path list
 * filled from them.
 */
#ifndef VMM_PATCH_H
#define VMM_PATCH_H

#include "vmm.h"

/* Scans and patches the loaded kernel; ends the VM when its image cannot be patched safely. */
void patch_guest(vmm_t *vmm, const pv_cpu_config_t *config);

/* An entry into the kernel the guest set at run time (WRMSR of LSTAR or CSTAR): its code may be
 * reached from nothing the load-time scan followed. Noted now, scanned by patch_late_entries. */
void patch_note_entry(uint64_t address);

/* An address the guest was seen to run an instruction at (a fault's RIP, in 64-bit code or
 * not): code that no scan reached when only an indirect branch leads there (guest user code
 * called through a pointer, say). Noted now when no scan reached it, scanned by
 * patch_late_entries. */
void patch_note_running(uint64_t address, bool long_mode);

/* The kernel's fast path for the CLI/STI/PUSHF/POPF sites on (the PV page lists them) or off
 * (it lists none: each traps to the VMM, the plain path), for measurements (PROFILE). */
void patch_fast_path(vmm_t *vmm, bool on);

/* After each event, before the vCPU runs again: notes where the event sent the guest when that
 * is a handler it delivered to or its user mode's first instruction and no scan reached it, and
 * scans the code of every entry noted (only the new code), patching what it finds. */
void patch_late_entries(vmm_t *vmm);

#endif
