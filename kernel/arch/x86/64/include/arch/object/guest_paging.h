/*
 * Guest-physical page-table entries in the CPU's format (EPT on VMX, nested paging on SVM) and
 * the walk through a guest-physical root; used by the EPT object invocations (object/ept.c).
 */
#ifndef ARCH_OBJECT_GUEST_PAGING_H
#define ARCH_OBJECT_GUEST_PAGING_H

#include <arch/object/ept.h>

/* Whether an entry maps or points to anything. */
bool guest_entry_present(pte_t entry);

/* The entry that points to a next-level table. */
pte_t guest_table_entry(paddr_t table);

/* A frame's leaf entry: rights (CAP_RIGHT_READ, CAP_RIGHT_WRITE; read is required), seL4
 * memory attributes (the cache type, ExecuteNever), 2 MiB or 4 KiB. */
pte_t guest_page_entry(paddr_t frame, unsigned rights, word_t attributes, bool large);

/* Whether a present entry at the level whose entries cover 2^shift bytes maps a page. */
bool guest_entry_is_page(pte_t entry, unsigned shift);

/* The entry translating gpa at level `shift` in root, or NULL when a table on the way is
 * missing (then *bits_left says where the walk stopped). */
pte_t *guest_lookup_entry(paddr_t root, word_t gpa, unsigned shift, word_t *bits_left);

/* Validate the root capability of a map call: an EPT PML4 with a live ASID. */
seL4_Error guest_decode_root(cap_t root, unsigned cap_index, paddr_t *paddr, asid_t *asid);

#endif
