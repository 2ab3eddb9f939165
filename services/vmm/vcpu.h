/*
 * The vCPU's thread (vcpu.c): made once, started at the guest's entry, moved between the guest's
 * kernel and user views as its privilege level changes.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include "vmm.h"

/* The thread, its CSpace and its PV page (the views must be set up). Ends the VM on failure. */
void vcpu_setup(vmm_t *vmm);

/* The boot registers of the loaded kernel's protocol, and the thread runs. */
void vcpu_boot(vmm_t *vmm, const pv_cpu_config_t *config);

/* Runs the thread in the kernel's or the user's view from now on. */
seL4_Error vcpu_set_view(vmm_t *vmm, pv_view_t view);

/* Writes the vCPU state's registers and code segment into the (stopped) thread and resumes it. */
seL4_Error vcpu_write_and_resume(vmm_t *vmm);

#endif
