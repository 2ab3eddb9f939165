/*
 * The VM's devices and the environment lib/pv's vCPU works in (devices.c).
 */
#ifndef VMM_DEVICES_H
#define VMM_DEVICES_H

#include "vmm.h"

/* The CPUID policy and the platform; returns the vCPU's configuration, which follows the CPUID
 * the guest sees. */
pv_cpu_config_t devices_setup(vmm_t *vmm);

/* The callbacks of pv/env.h over this VMM (its PV page must be mapped already). */
void devices_env(vmm_t *vmm, pv_env_t *env);

#endif
