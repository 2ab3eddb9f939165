/*
 * Capability slots and the capability derivation tree (MDB). Every slot is linked into one
 * list in derivation order: a capability's descendants follow it, and whether a following slot
 * is a descendant is computed from the two capabilities (seL4's isMDBParentOf). These functions
 * are the only code that links, unlinks or overwrites slots.
 */
#ifndef KERNEL_CTE_H
#define KERNEL_CTE_H

#include <kernel/cap.h>
#include <sel4/errors.h>
#include <sel4/types.h>

typedef struct cte {
    cap_t cap;
    struct cte *mdb_prev;
    struct cte *mdb_next;
    bool revocable;    /* may have children (original caps, badged mints, untypeds, ...) */
    bool first_badged; /* the first capability carrying its badge (its badged copies follow) */
    uint8_t reserved[14];
} cte_t;

_Static_assert(sizeof(cte_t) == (1u << seL4_SlotBits), "a slot is 2^seL4_SlotBits bytes");

/* True when child (following parent in the list) descends from parent. */
bool mdb_is_parent_of(const cte_t *parent, const cte_t *child);

/* Derive: put new_cap into the empty dest right after src, as its child when revocable. */
void cte_insert(cap_t new_cap, cte_t *src, cte_t *dest);

/* A freshly created object's capability: a revocable child of parent (the untyped). */
void cte_insert_new(cap_t new_cap, cte_t *parent, cte_t *dest);

/* A boot-time original capability with no parent. */
void cte_insert_root(cap_t new_cap, cte_t *dest);

/* Move src's capability (replaced by new_cap) into the empty dest; src becomes empty. */
void cte_move(cap_t new_cap, cte_t *src, cte_t *dest);

/* Exchange two slots' capabilities and tree positions (Rotate). */
void cte_swap(cap_t cap1, cte_t *slot1, cap_t cap2, cte_t *slot2);

/* True when no other capability names the same object (deleting this one finalises it). */
bool cte_is_final(const cte_t *slot);

/* True when the slot's capability has descendants. */
bool cte_has_children(const cte_t *slot);

/* seL4_RevokeFirst (with the error recorded) when the slot has children, else seL4_NoError. */
seL4_Error cte_ensure_no_children(const cte_t *slot);

/* seL4_DeleteFirst (with the error recorded) when the slot is occupied, else seL4_NoError. */
seL4_Error cte_ensure_empty(const cte_t *slot);

/*
 * Delete the slot's capability; deleting the last capability to an object finalises it. CNodes
 * and TCBs whose last capability goes are emptied first, iteratively, through zombie
 * capabilities (bounded kernel stack, cycles of CNodes handled). Cannot fail.
 */
void cte_delete(cte_t *slot);

/* Delete every descendant of the slot's capability. Cannot fail. */
void cte_revoke(cte_t *slot);

/* Unlink the slot from the tree and make it empty, without any finalisation. */
void cte_empty(cte_t *slot);

#endif
