/*
 * init's memory: every boot untyped, RAM and device, in the unified allocator (lib/algorithms
 * unialloc: best fit, allocation at an address, buddy merging on free), and the root CNode's
 * empty slots in a slot allocator (idalloc). init's own small objects (endpoints, TCBs, CNodes,
 * paging structures) come from one pool untyped through a bump allocator; what a service gets
 * is a whole untyped of its own, revoked on restart and freed when it goes away.
 */
#ifndef INIT_MEMORY_H
#define INIT_MEMORY_H

#include <algorithms/unialloc.h>
#include <runtime/alloc.h>
#include <runtime/vspace.h>
#include <stdbool.h>

/* Sets everything up from the boot info; false (with a message) when it cannot. */
bool memory_init(const seL4_BootInfo *bootinfo);

/* A free slot of the root CNode, or 0 when none is left. */
seL4_CPtr memory_slot(void);

/* Empties (deletes) and gives back a slot. */
void memory_slot_free(seL4_CPtr slot);

/* An untyped of 2^bits bytes of RAM; its capability is in out->cap. */
seL4_Error memory_untyped(unsigned bits, unialloc_untyped_t *out);

/* The device untyped of 2^bits bytes at paddr (MMIO a service drives). */
seL4_Error memory_device(seL4_Word paddr, unsigned bits, unialloc_untyped_t *out);

/* Gives back an untyped from memory_untyped or memory_device (everything made from it goes). */
void memory_untyped_free(const unialloc_untyped_t *untyped);

/* init's own allocator and address space (objects, frames, mappings that live for ever). */
alloc_t *memory_pool(void);
vspace_t *memory_vspace(void);

typedef struct {
    seL4_Uint64 ram_total;
    seL4_Uint64 ram_free;
    seL4_Uint64 device_total;
    seL4_Uint64 device_free;
    seL4_Uint64 slots_used;
    seL4_Uint64 slots_total;
} memory_stats_t;

void memory_stats(memory_stats_t *stats);

#endif
