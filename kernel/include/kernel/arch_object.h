/*
 * What the generic object code asks of the architecture: the rules of the architecture's own
 * capability types, their objects, their finalisation and their invocations.
 */
#ifndef KERNEL_ARCH_OBJECT_H
#define KERNEL_ARCH_OBJECT_H

#include <kernel/cte.h>
#include <kernel/invocation_context.h>

bool arch_same_region_as(cap_t a, cap_t b);
bool arch_same_object_as(cap_t a, cap_t b);
bool arch_physical_region(cap_t cap, paddr_t *base, word_t *size);
cap_t arch_mask_rights(unsigned rights, cap_t cap);
bool arch_is_revocable(cap_t derived, cap_t src);

/* Derive for architecture caps: copies of frames are unmapped; unmapped tables refuse. */
seL4_Error arch_derive_cap(cte_t *slot, cap_t cap, cap_t *derived);

/* Release what the capability holds (mappings, ASIDs, port ranges); final says it is the last. */
void arch_finalise_cap(cap_t cap, bool final);

/* Object types beyond the generic ones. */
bool arch_object_type_valid(word_t type);
bool arch_object_type_is_frame(word_t type);
cap_t arch_create_object(word_t type, paddr_t paddr, bool is_device);

seL4_Error arch_decode_invocation(invocation_t *inv, cap_t cap, cte_t *slot);

#endif
