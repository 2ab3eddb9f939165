/*
 * Address-space identifiers: a table of eight ASID pools, each a 4 KiB object holding the
 * physical addresses of 512 VSpaces (PML4s) or guest-physical roots (EPT PML4s, marked by bit 0
 * of the entry so that neither kind is ever taken for the other). ASID 0 is never assigned. A
 * VSpace or root is live while its ASID maps to it; every mapping operation checks that first.
 */
#ifndef ARCH_OBJECT_ASID_H
#define ARCH_OBJECT_ASID_H

#include <arch/object/arch_cap.h>
#include <kernel/invocation_context.h>
#include <sel4/types.h>

#define ASID_POOL_COUNT   (1u << seL4_NumASIDPoolsBits)
#define ASID_POOL_ENTRIES (1u << seL4_ASIDPoolIndexBits)

typedef struct asid_pool {
    paddr_t vspace[ASID_POOL_ENTRIES];
} asid_pool_t;

_Static_assert(sizeof(asid_pool_t) == (1u << seL4_ASIDPoolBits), "an ASID pool is one page");

/* The PML4 the ASID names, or 0 (also when the ASID names a guest-physical root). */
paddr_t asid_find_vspace(asid_t asid);

/* The guest-physical root (EPT PML4) the ASID names, or 0. */
paddr_t asid_find_guest_root(asid_t asid);

/* Install a pool (boot: the root task's pool). */
void asid_pool_install(unsigned index, asid_pool_t *pool);

/* Assign an ASID (boot: the root task's VSpace). */
void asid_assign(asid_pool_t *pool, asid_t asid, paddr_t pml4);

/* Final deletion of a VSpace or pool: forget it, leave the CPU off it. */
void asid_delete_vspace(asid_t asid, paddr_t pml4);
void asid_delete_guest_root(asid_t asid, paddr_t root);
void asid_delete_pool(asid_t base, asid_pool_t *pool);

seL4_Error asid_control_decode(invocation_t *inv, cte_t *slot);
seL4_Error asid_pool_decode(invocation_t *inv, cap_t cap);

#endif
