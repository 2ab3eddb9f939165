/*
 * CNode invocations: copying, minting, moving, mutating, deleting and revoking capabilities,
 * and saving the reply capability. Slots are index/depth pairs relative to a CNode capability.
 */
#ifndef SEL4_CLIENT_CNODE_H
#define SEL4_CLIENT_CNODE_H

#include <sel4/client_invoke.h>

static inline seL4_Error seL4_X64_CNodeSlotOp(seL4_CNode service, seL4_Word label, seL4_Word index,
                                              seL4_Uint8 depth)
{
    seL4_Word mr[4] = {index, depth, 0, 0};
    return seL4_X64_Invoke(service, label, 0, 2, mr);
}

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return seL4_X64_CNodeSlotOp(service, CNodeRevoke, index, depth);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    return seL4_X64_CNodeSlotOp(service, CNodeDelete, index, depth);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode service, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    return seL4_X64_CNodeSlotOp(service, CNodeCancelBadgedSends, index, depth);
}

static inline seL4_Error seL4_CNode_SaveCaller(seL4_CNode service, seL4_Word index,
                                               seL4_Uint8 depth)
{
    return seL4_X64_CNodeSlotOp(service, CNodeSaveCaller, index, depth);
}

static inline seL4_Error seL4_CNode_Copy(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    seL4_Word mr[5] = {dest_index, dest_depth, src_index, src_depth, rights.words[0]};

    seL4_SetCap(0, src_root);
    return seL4_X64_Invoke(service, CNodeCopy, 1, 5, mr);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_Word mr[6] = {dest_index, dest_depth, src_index, src_depth, rights.words[0], badge};

    seL4_SetCap(0, src_root);
    return seL4_X64_Invoke(service, CNodeMint, 1, 6, mr);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_Word mr[4] = {dest_index, dest_depth, src_index, src_depth};

    seL4_SetCap(0, src_root);
    return seL4_X64_Invoke(service, CNodeMove, 1, 4, mr);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    seL4_Word mr[5] = {dest_index, dest_depth, src_index, src_depth, badge};

    seL4_SetCap(0, src_root);
    return seL4_X64_Invoke(service, CNodeMutate, 1, 5, mr);
}

/*
 * Moves the pivot to dest and src to the pivot's slot in one step, setting their cap data
 * (guard; see Mutate) on the way. The layout is seL4's: MR0 dest_index, MR1 dest_depth, MR2 pivot_badge,
 * MR3 pivot_index, MR4 pivot_depth, MR5 src_badge, MR6 src_index, MR7 src_depth; C0 pivot_root,
 * C1 src_root.
 */
static inline seL4_Error seL4_CNode_Rotate(seL4_CNode service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_CNode pivot_root,
                                           seL4_Word pivot_index, seL4_Uint8 pivot_depth,
                                           seL4_Word pivot_badge, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word src_badge)
{
    seL4_Word mr[8] = {dest_index,  dest_depth, pivot_badge, pivot_index,
                       pivot_depth, src_badge,  src_index,   src_depth};

    seL4_SetCap(0, pivot_root);
    seL4_SetCap(1, src_root);
    return seL4_X64_Invoke(service, CNodeRotate, 2, 8, mr);
}

#endif
