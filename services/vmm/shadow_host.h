/*
 * The software TLB's host side over seL4 (shadow_host.c).
 */
#ifndef VMM_SHADOW_HOST_H
#define VMM_SHADOW_HOST_H

#include "vmm.h"

/* The pools' slots, the views and the software TLB itself; false when they cannot be had. */
bool shadow_host_setup(vmm_t *vmm);

#endif
