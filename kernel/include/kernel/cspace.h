/*
 * Capability lookup: resolving a capability address through a tree of guarded CNodes. Pure
 * reads of the CSpace; never changes a slot.
 */
#ifndef KERNEL_CSPACE_H
#define KERNEL_CSPACE_H

#include <kernel/cte.h>
#include <kernel/lookup_fault.h>

struct tcb;

/*
 * Resolve the top `depth` bits of cptr starting at the CNode capability root: each level takes
 * the CNode's guard, then radix bits. Stops early at a slot that does not hold a CNode; then
 * *bits_remaining says how many bits were left. On failure fills *fault and returns false.
 */
bool cspace_resolve(cap_t root, cptr_t cptr, word_t depth, cte_t **slot, word_t *bits_remaining,
                    lookup_fault_t *fault);

/* The slot at cptr in the thread's CSpace (all 64 bits, early stop allowed). */
bool cspace_lookup_slot(struct tcb *thread, cptr_t cptr, cte_t **slot, lookup_fault_t *fault);

/* The capability at cptr in the thread's CSpace (the null cap when the lookup fails). */
bool cspace_lookup_cap(struct tcb *thread, cptr_t cptr, cap_t *cap, lookup_fault_t *fault);

/*
 * The slot addressed by (index, depth) relative to the CNode capability root, as CNode
 * operations use it: depth must be 1..64 (seL4_RangeError) and must be resolved exactly
 * (seL4_FailedLookup with a depth mismatch). Records the error (is_source says which side of a
 * two-slot operation failed).
 */
seL4_Error cspace_lookup_slot_for_op(bool is_source, cap_t root, cptr_t index, word_t depth,
                                     cte_t **slot);

/*
 * The destination slot of an invocation that creates a capability: looked up as above (the
 * destination side), then it must be empty (seL4_DeleteFirst otherwise).
 */
seL4_Error cspace_lookup_empty_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot);

#endif
