/*
 * A simple allocator of capability slots and kernel objects for a task that owns its root
 * CNode: slots come from a range of that CNode (a slot's index is its capability address), and
 * objects are retyped from a pool of untyped capabilities. Nothing is ever given back here;
 * callers reclaim in bulk by revoking an untyped and reusing its slot range.
 *
 * Errors: seL4_RangeError when the slot range is exhausted, seL4_NotEnoughMemory when no untyped
 * in the pool has room, any other seL4_Error as the kernel returned it.
 */
#ifndef RUNTIME_ALLOC_H
#define RUNTIME_ALLOC_H

#include <sel4/functions.h>
#include <stddef.h>

#define ALLOC_MAX_UNTYPED 64

typedef struct alloc_untyped {
    seL4_CPtr cap;
    seL4_Uint8 size_bits;
    seL4_Uint8 failed_bits; /* smallest object size the kernel refused for lack of room */
} alloc_untyped_t;

typedef struct alloc {
    seL4_CPtr cnode; /* the caller's root CNode: slots are addressed with depth seL4_WordBits */
    seL4_Word slot_next;
    seL4_Word slot_end;
    alloc_untyped_t untyped[ALLOC_MAX_UNTYPED];
    size_t untyped_count;
} alloc_t;

/* Slots [first, end) of the root CNode cnode; no untypeds yet. */
void alloc_init(alloc_t *alloc, seL4_CPtr cnode, seL4_Word first, seL4_Word end);

/* Adds an untyped to the pool; seL4_RangeError when the pool is full. */
seL4_Error alloc_add_untyped(alloc_t *alloc, seL4_CPtr cap, seL4_Uint8 size_bits);

/* Adds every non-device untyped of the boot info of at least min_bits bytes (log2). */
seL4_Error alloc_add_boot_untypeds(alloc_t *alloc, const seL4_BootInfo *bootinfo,
                                   seL4_Uint8 min_bits);

seL4_Error alloc_slot(alloc_t *alloc, seL4_CPtr *slot);

/* One object of type (size_bits for untyped and CNode objects) in a fresh slot. */
seL4_Error alloc_object(alloc_t *alloc, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap);

#endif
