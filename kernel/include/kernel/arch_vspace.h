/*
 * Address spaces as the generic code sees them.
 */
#ifndef KERNEL_ARCH_VSPACE_H
#define KERNEL_ARCH_VSPACE_H

#include <kernel/cap.h>

/* A capability a TCB may use as its VSpace root (an x86-64 PML4 with an ASID). */
bool arch_is_valid_vspace_root(cap_t cap);

/* A capability a TCB may use as its guest-physical root (an EPT PML4 with an ASID). */
bool arch_is_valid_guest_root(cap_t cap);

#endif
