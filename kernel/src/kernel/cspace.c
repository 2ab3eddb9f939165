/*
 * Capability address resolution through guarded CNodes (seL4 semantics): per level, the guard
 * bits must match, then radix bits index the CNode. Read-only over the CSpace.
 */
#include <kernel/cspace.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb.h>

bool cspace_resolve(cap_t root, cptr_t cptr, word_t depth, cte_t **slot, word_t *bits_remaining,
                    lookup_fault_t *fault)
{
    cap_t node = root;
    word_t bits = depth;

    if (node.type != CAP_CNODE) {
        *fault = lookup_fault_invalid_root();
        return false;
    }
    for (;;) {
        word_t radix = node.u.cnode.radix;
        word_t guard_size = node.u.cnode.guard_size;
        word_t level = radix + guard_size;
        word_t guard;

        if (guard_size > bits) {
            *fault = lookup_fault_guard_mismatch(bits, node.u.cnode.guard, guard_size);
            return false;
        }
        guard = guard_size == 0 ? 0 : (cptr >> (bits - guard_size)) & MASK(guard_size);
        if (guard != node.u.cnode.guard) {
            *fault = lookup_fault_guard_mismatch(bits, node.u.cnode.guard, guard_size);
            return false;
        }
        if (level > bits || level == 0) {
            *fault = lookup_fault_depth_mismatch(bits, level);
            return false;
        }
        cte_t *next = &node.u.cnode.slots[(cptr >> (bits - level)) & MASK(radix)];
        bits -= level;
        if (bits == 0 || next->cap.type != CAP_CNODE) {
            *slot = next;
            *bits_remaining = bits;
            return true;
        }
        node = next->cap;
    }
}

bool cspace_lookup_slot(tcb_t *thread, cptr_t cptr, cte_t **slot, lookup_fault_t *fault)
{
    word_t remaining;
    return cspace_resolve(tcb_slot(thread, TCB_SLOT_CTABLE)->cap, cptr, seL4_WordBits, slot,
                          &remaining, fault);
}

bool cspace_lookup_cap(tcb_t *thread, cptr_t cptr, cap_t *cap, lookup_fault_t *fault)
{
    cte_t *slot;

    if (!cspace_lookup_slot(thread, cptr, &slot, fault)) {
        *cap = cap_null();
        return false;
    }
    *cap = slot->cap;
    return true;
}

seL4_Error cspace_lookup_slot_for_op(bool is_source, cap_t root, cptr_t index, word_t depth,
                                     cte_t **slot)
{
    lookup_fault_t fault;
    word_t remaining;

    if (root.type != CAP_CNODE) {
        return error_failed_lookup(is_source, lookup_fault_invalid_root());
    }
    if (depth < 1 || depth > seL4_WordBits) {
        return error_range(1, seL4_WordBits);
    }
    if (!cspace_resolve(root, index, depth, slot, &remaining, &fault)) {
        return error_failed_lookup(is_source, fault);
    }
    if (remaining != 0) {
        return error_failed_lookup(is_source, lookup_fault_depth_mismatch(0, remaining));
    }
    return seL4_NoError;
}

seL4_Error cspace_lookup_empty_slot(cap_t root, cptr_t index, word_t depth, cte_t **slot)
{
    seL4_Error error = cspace_lookup_slot_for_op(false, root, index, depth, slot);

    return error != seL4_NoError ? error : cte_ensure_empty(*slot);
}
