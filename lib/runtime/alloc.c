/*
 * Slot and object allocation for the caller's own root CNode. It only ever calls
 * Untyped_Retype; it never deletes or revokes anything (callers reclaim in bulk).
 */
#include <runtime/alloc.h>

void alloc_init(alloc_t *alloc, seL4_CPtr cnode, seL4_Word first, seL4_Word end)
{
    alloc->cnode = cnode;
    alloc->slot_next = first;
    alloc->slot_end = end;
    alloc->untyped_count = 0;
}

seL4_Error alloc_add_untyped(alloc_t *alloc, seL4_CPtr cap, seL4_Uint8 size_bits)
{
    if (alloc->untyped_count >= ALLOC_MAX_UNTYPED) {
        return seL4_RangeError;
    }
    alloc->untyped[alloc->untyped_count].cap = cap;
    alloc->untyped[alloc->untyped_count].size_bits = size_bits;
    alloc->untyped[alloc->untyped_count].failed_bits = seL4_WordBits;
    alloc->untyped_count++;
    return seL4_NoError;
}

seL4_Error alloc_add_boot_untypeds(alloc_t *alloc, const seL4_BootInfo *bootinfo,
                                   seL4_Uint8 min_bits)
{
    seL4_Word count = bootinfo->untyped.end - bootinfo->untyped.start;

    for (seL4_Word i = 0; i < count && i < seL4_MaxBootInfoUntypedCaps; i++) {
        const seL4_UntypedDesc *desc = &bootinfo->untypedList[i];
        if (desc->isDevice || desc->sizeBits < min_bits) {
            continue;
        }
        seL4_Error error = alloc_add_untyped(alloc, bootinfo->untyped.start + i, desc->sizeBits);
        if (error != seL4_NoError) {
            return error;
        }
    }
    return seL4_NoError;
}

seL4_Error alloc_slot(alloc_t *alloc, seL4_CPtr *slot)
{
    if (alloc->slot_next >= alloc->slot_end) {
        return seL4_RangeError;
    }
    *slot = alloc->slot_next++;
    return seL4_NoError;
}

seL4_Error alloc_object(alloc_t *alloc, seL4_Word type, seL4_Word size_bits, seL4_CPtr *cap)
{
    seL4_Word bits = seL4_ObjectSizeBits(type, size_bits);
    seL4_CPtr slot;
    seL4_Error error = alloc_slot(alloc, &slot);

    if (error != seL4_NoError) {
        return error;
    }
    for (size_t i = 0; i < alloc->untyped_count; i++) {
        alloc_untyped_t *untyped = &alloc->untyped[i];
        if (untyped->size_bits < bits || untyped->failed_bits <= bits) {
            continue;
        }
        error = seL4_Untyped_Retype(untyped->cap, type, size_bits, alloc->cnode, 0, 0, slot, 1);
        if (error == seL4_NoError) {
            *cap = slot;
            return seL4_NoError;
        }
        if (error != seL4_NotEnoughMemory) {
            alloc->slot_next = slot; /* the slot is still empty: hand it out again */
            return error;
        }
        untyped->failed_bits = (seL4_Uint8)bits;
    }
    alloc->slot_next = slot;
    return seL4_NotEnoughMemory;
}
