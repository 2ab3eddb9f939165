/*
 * init's memory (memory.h): unialloc over the boot untypeds, idalloc over the empty slots, and
 * the pool for init's own objects. The capability operations unialloc asks for are plain CNode
 * and Untyped invocations on the root CNode.
 */
#include "memory.h"
#include <algorithms/idalloc.h>
#include <runtime/print.h>

#define NODES_MAX 4096
#define POOL_BITS 24 /* 16 MiB for init's own objects: about 0.5 MiB per VMM image */
#define SLOTS_MAX 8192

static unialloc_t untypeds;
static unialloc_node_t nodes[NODES_MAX];
static idalloc_range_t slots;
static uint64_t slot_storage[256];
static alloc_t pool;
static vspace_t vspace;

static int slot_alloc_op(void *context, uint64_t *slot)
{
    (void)context;
    *slot = memory_slot();
    return *slot == 0;
}

static void slot_free_op(void *context, uint64_t slot)
{
    (void)context;
    idalloc_range_free(&slots, slot);
}

static int split_op(void *context, uint64_t parent, unsigned child_bits, uint64_t low,
                    uint64_t high)
{
    (void)context;
    /* Retype places the two halves in consecutive slots: use the lower slot's window when the
     * slots happen to be consecutive, else one at a time (the second retype takes the upper
     * half, the watermark having moved past the first). */
    if (seL4_Untyped_Retype(parent, seL4_UntypedObject, child_bits, seL4_CapInitThreadCNode, 0, 0,
                            low, 1) != seL4_NoError) {
        return 1;
    }
    if (seL4_Untyped_Retype(parent, seL4_UntypedObject, child_bits, seL4_CapInitThreadCNode, 0, 0,
                            high, 1) != seL4_NoError) {
        seL4_CNode_Revoke(seL4_CapInitThreadCNode, parent, seL4_WordBits);
        return 1;
    }
    return 0;
}

static int revoke_op(void *context, uint64_t cap)
{
    (void)context;
    return seL4_CNode_Revoke(seL4_CapInitThreadCNode, cap, seL4_WordBits) != seL4_NoError;
}

static const unialloc_ops_t ops = {
        .slot_alloc = slot_alloc_op,
        .slot_free = slot_free_op,
        .split = split_op,
        .revoke = revoke_op,
};

seL4_CPtr memory_slot(void)
{
    uint64_t slot = 0;

    return idalloc_range_alloc(&slots, &slot) == ALG_OK ? slot : 0;
}

void memory_slot_free(seL4_CPtr slot)
{
    seL4_CNode_Delete(seL4_CapInitThreadCNode, slot, seL4_WordBits);
    idalloc_range_free(&slots, slot);
}

seL4_Error memory_untyped(unsigned bits, unialloc_untyped_t *out)
{
    alg_error_t error = unialloc_alloc(&untypeds, bits, out);

    return error == ALG_OK ? seL4_NoError : seL4_NotEnoughMemory;
}

seL4_Error memory_device(seL4_Word paddr, unsigned bits, unialloc_untyped_t *out)
{
    alg_error_t error = unialloc_alloc_at(&untypeds, UNIALLOC_DEVICE, paddr, bits, out);

    return error == ALG_OK ? seL4_NoError : seL4_RangeError;
}

void memory_untyped_free(const unialloc_untyped_t *untyped)
{
    unialloc_free(&untypeds, untyped->kind, untyped->paddr, untyped->size_bits);
}

alloc_t *memory_pool(void)
{
    return &pool;
}

vspace_t *memory_vspace(void)
{
    return &vspace;
}

/* The pool's slots come from the slot allocator too: a range of 512 handed to it at once. */
#define POOL_SLOTS 4096

bool memory_init(const seL4_BootInfo *bootinfo)
{
    seL4_Word first = bootinfo->empty.start;
    seL4_Word count = bootinfo->empty.end - bootinfo->empty.start;
    /* Fewer when the root CNode has few empty slots (an image that fills it): a quarter stays
     * for the splits that carve the pool's untyped out of the boot untypeds. */
    seL4_Word pool_slots = count / 4 * 3 < POOL_SLOTS ? count / 4 * 3 : POOL_SLOTS;
    unialloc_untyped_t pool_untyped;

    if (count > SLOTS_MAX || idalloc_range_storage_bytes(count) > sizeof(slot_storage) ||
        idalloc_range_init(&slots, first, count, slot_storage, sizeof(slot_storage)) != ALG_OK ||
        unialloc_init(&untypeds, &ops, NULL, nodes, NODES_MAX, seL4_PageBits) != ALG_OK) {
        printf("init: memory: cannot set up the allocators (%lu empty slots)\n",
               (unsigned long)count);
        return false;
    }
    /* The pool's own slot range first, so that its bump allocator has consecutive slots. */
    for (seL4_Word slot = first; slot < first + pool_slots; slot++) {
        idalloc_range_alloc_at(&slots, slot);
    }
    for (seL4_Word i = 0; i < bootinfo->untyped.end - bootinfo->untyped.start; i++) {
        const seL4_UntypedDesc *desc = &bootinfo->untypedList[i];
        if (desc->sizeBits < seL4_PageBits) {
            continue; /* too small for anything init makes */
        }
        if (unialloc_add(&untypeds, desc->isDevice ? UNIALLOC_DEVICE : UNIALLOC_NORMAL,
                         bootinfo->untyped.start + i, desc->paddr, desc->sizeBits) != ALG_OK) {
            printf("init: memory: untyped %#lx of 2^%u bytes refused\n", (unsigned long)desc->paddr,
                   desc->sizeBits);
        }
    }
    if (memory_untyped(POOL_BITS, &pool_untyped) != seL4_NoError) {
        printf("init: memory: no %u KiB for init's own objects\n", (1u << POOL_BITS) >> 10);
        return false;
    }
    alloc_init(&pool, seL4_CapInitThreadCNode, first, first + pool_slots);
    alloc_add_untyped(&pool, pool_untyped.cap, POOL_BITS);
    vspace_init(&vspace, seL4_CapInitThreadVSpace, &pool, VSPACE_RESERVE_START, VSPACE_RESERVE_END);
    return true;
}

void memory_stats(memory_stats_t *stats)
{
    stats->ram_total = unialloc_total_bytes(&untypeds, UNIALLOC_NORMAL);
    stats->ram_free = unialloc_free_bytes(&untypeds, UNIALLOC_NORMAL);
    stats->device_total = unialloc_total_bytes(&untypeds, UNIALLOC_DEVICE);
    stats->device_free = unialloc_free_bytes(&untypeds, UNIALLOC_DEVICE);
    stats->slots_used = idalloc_used(&slots.ids);
    stats->slots_total = idalloc_count(&slots.ids);
}
