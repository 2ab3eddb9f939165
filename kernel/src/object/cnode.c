/*
 * CNode invocations: Copy, Mint, Move, Mutate, Rotate, Delete, Revoke, SaveCaller and
 * CancelBadgedSends, with seL4's checks. decode_* validates everything and changes nothing;
 * invoke_* performs the operation and cannot fail.
 */
#include <kernel/cpu.h>
#include <kernel/cspace.h>
#include <kernel/derive.h>
#include <kernel/endpoint.h>
#include <kernel/object_decode.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

static void invoke_cnode_insert(cap_t cap, cte_t *src, cte_t *dest)
{
    cte_insert(cap, src, dest);
}

static void invoke_cnode_move(cap_t cap, cte_t *src, cte_t *dest)
{
    cte_move(cap, src, dest);
}

static void invoke_cnode_rotate(cap_t src_cap, cap_t pivot_cap, cte_t *src, cte_t *pivot,
                                cte_t *dest)
{
    if (src == dest) {
        cte_swap(src_cap, src, pivot_cap, pivot);
    } else {
        cte_move(pivot_cap, pivot, dest);
        cte_move(src_cap, src, pivot);
    }
}

static void invoke_cnode_save_caller(cte_t *dest)
{
    cte_t *caller = tcb_slot(current_thread(), TCB_SLOT_CALLER);

    if (caller->cap.type == CAP_REPLY && !caller->cap.u.reply.master) {
        cte_move(caller->cap, caller, dest);
    }
}

static void invoke_cnode_cancel_badged_sends(cap_t cap)
{
    if (cap.u.endpoint.badge != 0) {
        endpoint_cancel_badged_sends(cap.u.endpoint.ep, cap.u.endpoint.badge);
    }
}

/* The source slot of a two-slot operation: it must hold a capability. */
static seL4_Error lookup_source(cap_t root, word_t index, word_t depth, cte_t **slot)
{
    seL4_Error error = cspace_lookup_slot_for_op(true, root, index, depth, slot);

    if (error == seL4_NoError && (*slot)->cap.type == CAP_NULL) {
        return error_failed_lookup(true, lookup_fault_missing_capability(depth));
    }
    return error;
}

/* Copy, Mint, Move, Mutate: MR2 src_index, MR3 src_depth, C0 src_root. */
static seL4_Error decode_cnode_transfer(invocation_t *inv, cte_t *dest)
{
    cte_t *src;
    cap_t new_cap;
    seL4_Error error;

    if (inv->length < 4 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    error = cte_ensure_empty(dest);
    if (error == seL4_NoError) {
        error = lookup_source(inv_extra_cap(inv, 0), inv_arg(inv, 2), inv_arg(inv, 3), &src);
    }
    if (error != seL4_NoError) {
        return error;
    }
    switch (inv->label) {
    case CNodeCopy:
    case CNodeMint: {
        bool mint = inv->label == CNodeMint;
        cap_t masked;
        if (inv->length < (mint ? 6u : 5u)) {
            return error_simple(seL4_TruncatedMessage);
        }
        masked = cap_mask_rights((unsigned)inv_arg(inv, 4), src->cap);
        if (mint) {
            masked = cap_update_data(false, inv_arg(inv, 5), masked);
        }
        error = cap_derive(src, masked, &new_cap);
        if (error != seL4_NoError) {
            return error;
        }
        if (new_cap.type == CAP_NULL) {
            return error_simple(seL4_IllegalOperation);
        }
        invoke_cnode_insert(new_cap, src, dest);
        return seL4_NoError;
    }
    case CNodeMove:
        invoke_cnode_move(src->cap, src, dest);
        return seL4_NoError;
    default: /* CNodeMutate */
        if (inv->length < 5) {
            return error_simple(seL4_TruncatedMessage);
        }
        new_cap = cap_update_data(true, inv_arg(inv, 4), src->cap);
        if (new_cap.type == CAP_NULL) {
            return error_simple(seL4_IllegalOperation);
        }
        invoke_cnode_move(new_cap, src, dest);
        return seL4_NoError;
    }
}

/* Rotate: MR2 pivot data, MR3 pivot index, MR4 pivot depth, MR5 src data, MR6 src index,
 * MR7 src depth; C0 pivot root, C1 src root. */
static seL4_Error decode_cnode_rotate(invocation_t *inv, cte_t *dest)
{
    cte_t *src;
    cte_t *pivot;
    cap_t new_src;
    cap_t new_pivot;
    seL4_Error error;

    if (inv->length < 8 || inv->extra_cap_count < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    error = lookup_source(inv_extra_cap(inv, 1), inv_arg(inv, 6), inv_arg(inv, 7), &src);
    if (error == seL4_NoError) {
        error = lookup_source(inv_extra_cap(inv, 0), inv_arg(inv, 3), inv_arg(inv, 4), &pivot);
    }
    if (error != seL4_NoError) {
        return error;
    }
    if (pivot == src || pivot == dest) {
        return error_simple(seL4_IllegalOperation);
    }
    if (src != dest) {
        error = cte_ensure_empty(dest);
        if (error != seL4_NoError) {
            return error;
        }
    }
    new_src = cap_update_data(true, inv_arg(inv, 5), src->cap);
    new_pivot = cap_update_data(true, inv_arg(inv, 2), pivot->cap);
    if (new_src.type == CAP_NULL || new_pivot.type == CAP_NULL) {
        return error_simple(seL4_IllegalOperation);
    }
    invoke_cnode_rotate(new_src, new_pivot, src, pivot, dest);
    return seL4_NoError;
}

seL4_Error cnode_decode(invocation_t *inv, cap_t cap)
{
    cte_t *dest;
    seL4_Error error;

    if (inv->label < CNodeRevoke || inv->label > CNodeSaveCaller) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->length < 2) {
        return error_simple(seL4_TruncatedMessage);
    }
    error = cspace_lookup_slot_for_op(false, cap, inv_arg(inv, 0), inv_arg(inv, 1), &dest);
    if (error != seL4_NoError) {
        return error;
    }
    switch (inv->label) {
    case CNodeCopy:
    case CNodeMint:
    case CNodeMove:
    case CNodeMutate:
        return decode_cnode_transfer(inv, dest);
    case CNodeRotate:
        return decode_cnode_rotate(inv, dest);
    case CNodeRevoke:
        cte_revoke(dest);
        return seL4_NoError;
    case CNodeDelete:
        cte_delete(dest);
        return seL4_NoError;
    case CNodeSaveCaller:
        error = cte_ensure_empty(dest);
        if (error == seL4_NoError) {
            invoke_cnode_save_caller(dest);
        }
        return error;
    default: /* CNodeCancelBadgedSends */
        if (!cap_has_cancel_send_rights(dest->cap)) {
            return error_simple(seL4_IllegalOperation);
        }
        invoke_cnode_cancel_badged_sends(dest->cap);
        return seL4_NoError;
    }
}
