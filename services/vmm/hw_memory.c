/*
 * Guest-physical memory of the hardware modes: the root init gave (an EPT PML4 or, on AMD-V,
 * the nested page tables' root, with its ASID), one PDPT, a PD per GiB and a PT per 2 MiB of
 * RAM, and a copy of every RAM frame's capability mapped at its guest-physical address. What
 * is not RAM stays unmapped: a guest access there exits, and the devices answer it (MMIO).
 */
#include "hw.h"
#include "memory.h"
#include <runtime/start.h>

#define PAGE_BYTES (1ull << seL4_PageBits)
#define PT_SPAN    (1ull << 21)
#define PD_SPAN    (1ull << 30)

static seL4_Error table_map(seL4_Word type, seL4_CPtr slot, seL4_CPtr root, seL4_Word address)
{
    seL4_Error error = memory_retype_at(type, 0, slot);

    if (error != seL4_NoError) {
        return error;
    }
    switch (type) {
    case seL4_X86_EPTPDPTObject:
        return seL4_X86_EPTPDPT_Map(slot, root, address, seL4_X86_Default_VMAttributes);
    case seL4_X86_EPTPDObject:
        return seL4_X86_EPTPD_Map(slot, root, address, seL4_X86_Default_VMAttributes);
    default:
        return seL4_X86_EPTPT_Map(slot, root, address, seL4_X86_Default_VMAttributes);
    }
}

static seL4_Error tables_make(vmm_t *vmm, seL4_CPtr root)
{
    uint64_t size = vmm->ram.size;
    seL4_Word pds = (seL4_Word)((size + PD_SPAN - 1) / PD_SPAN);
    seL4_Word pts = (seL4_Word)((size + PT_SPAN - 1) / PT_SPAN);
    seL4_CPtr first = vmm_slots(vmm, 1 + pds + pts);
    seL4_Error error;

    if (first == 0) {
        return seL4_NotEnoughMemory;
    }
    error = table_map(seL4_X86_EPTPDPTObject, first, root, 0);
    for (seL4_Word i = 0; error == seL4_NoError && i < pds; i++) {
        error = table_map(seL4_X86_EPTPDObject, first + 1 + i, root, i * PD_SPAN);
    }
    for (seL4_Word i = 0; error == seL4_NoError && i < pts; i++) {
        error = table_map(seL4_X86_EPTPTObject, first + 1 + pds + i, root, i * PT_SPAN);
    }
    return error;
}

static seL4_Error frames_map(vmm_t *vmm, seL4_CPtr root)
{
    seL4_CPtr copies = vmm_slots(vmm, vmm->ram_pages);
    seL4_Error error = copies != 0 ? seL4_NoError : seL4_NotEnoughMemory;

    for (seL4_Word page = 0; error == seL4_NoError && page < vmm->ram_pages; page++) {
        error = seL4_CNode_Copy(SERVICE_SLOT_CNODE, copies + page, seL4_WordBits,
                                SERVICE_SLOT_CNODE, vmm->ram_frames + page, seL4_WordBits,
                                seL4_AllRights);
        if (error == seL4_NoError) {
            error = seL4_X86_Page_MapEPT(copies + page, root, page * PAGE_BYTES, seL4_AllRights,
                                         seL4_X86_Default_VMAttributes);
        }
    }
    return error;
}

seL4_Error hw_memory_setup(vmm_t *vmm)
{
    seL4_CPtr root = runtime_service->caps[VMM_CAP_GUEST_ROOT];
    seL4_Error error;

    if (root == 0) {
        return seL4_InvalidCapability;
    }
    vmm->hw.root = root;
    error = tables_make(vmm, root);
    return error == seL4_NoError ? frames_map(vmm, root) : error;
}
