/*
 * x86-64 VSpaces: finding entries in a live VSpace, the rule for user addresses (any canonical
 * address outside the kernel's PML4 slot), TLB maintenance, and the paging-object invocations.
 */
#ifndef ARCH_OBJECT_VSPACE_H
#define ARCH_OBJECT_VSPACE_H

#include <arch/object/paging.h>
#include <kernel/invocation_context.h>
#include <kernel/tcb.h>

/* True when [vaddr, vaddr + size) is canonical, does not wrap and avoids the kernel slot. */
bool vspace_user_range_valid(vaddr_t vaddr, word_t size);

/*
 * The entry that translates vaddr at the level whose entries cover 2^shift bytes (39: PML4E,
 * 30: PDPTE, 21: PDE, 12: PTE), or NULL when a table on the way is missing; then *bits_left
 * says at which level the walk stopped (for the lookup failure).
 */
pte_t *vspace_lookup_entry(paddr_t pml4, vaddr_t vaddr, unsigned shift, word_t *bits_left);

/*
 * Read length bytes of user memory at vaddr through the VSpace's own tables (user-accessible
 * mappings only, never a fault); false when any byte is not mapped so.
 */
bool vspace_read_user(paddr_t pml4, vaddr_t vaddr, uint8_t *bytes, unsigned length);

/* The same for a write, which every level must allow too; all bytes or none are written. */
bool vspace_write_user(paddr_t pml4, vaddr_t vaddr, const uint8_t *bytes, unsigned length);

/* A kernel pointer to user memory [vaddr, vaddr + length) when it lies in one page that user
 * mode may read (and write, when write) through the VSpace's tables; NULL otherwise. For the
 * hot paths that touch one word; valid until the VSpace changes. */
void *vspace_user_pointer(paddr_t pml4, vaddr_t vaddr, unsigned length, bool write);

/* Validate the VSpace capability of a map call: an assigned PML4 whose ASID is still live. */
seL4_Error vspace_decode_root(cap_t vspace, unsigned cap_index, paddr_t *pml4, asid_t *asid);

/* The entry a map call writes (vspace_lookup_entry at `shift`); a missing table on the way is a
 * FailedLookup that says at which level the walk stopped. */
seL4_Error vspace_decode_entry(paddr_t pml4, vaddr_t vaddr, unsigned shift, pte_t **entry);

/* TLB maintenance after changing a live VSpace (only the loaded one has TLB entries). */
void vspace_flush_page(paddr_t pml4, vaddr_t vaddr);
void vspace_flush_all(paddr_t pml4);

/* Leave the CPU off a VSpace that is going away. */
void vspace_forget(paddr_t pml4);

/* Load the thread's VSpace (or the kernel's own when it has no valid one). */
void vspace_activate(tcb_t *tcb);

/* Unmap what the capability maps (stale mappings are ignored); used by delete and unmap. */
void frame_unmap(cap_t *cap);
void table_unmap(cap_t *cap);

/* Physical address of the kernel's PML4 (kernel-only contexts, threads without a VSpace). */
paddr_t vspace_kernel_pml4(void);

/* Initialise a new PML4: empty user half, the kernel slot copied. */
void vspace_init_pml4(paddr_t pml4);

seL4_Error frame_decode(invocation_t *inv, cap_t cap, cte_t *slot);
seL4_Error table_decode(invocation_t *inv, cap_t cap, cte_t *slot);

/* Page-table entry bits for a frame mapping with the given rights and seL4 attributes. */
pte_t frame_pte_bits(unsigned rights, word_t attributes, bool large);

#endif
