/*
 * Untyped_Retype: carving new objects (or smaller untypeds) out of untyped memory at its
 * watermark, with seL4's checks (type, size, destination window, memory left, device rules).
 * An untyped without children is reset first: its whole memory is free again.
 */
#include <kernel/cspace.h>
#include <kernel/object_decode.h>
#include <kernel/objecttype.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

typedef struct {
    word_t type;
    word_t user_size;
    word_t size_bits;
    cte_t *dest_slots; /* the first destination slot */
    word_t count;
    word_t free_offset; /* where the first object goes, relative to the untyped */
} retype_t;

static void invoke_untyped_retype(cte_t *untyped_slot, const retype_t *retype)
{
    cap_untyped_t *untyped = &untyped_slot->cap.u.untyped;
    paddr_t paddr = untyped->paddr + retype->free_offset;

    untyped->free_offset = retype->free_offset + (retype->count << retype->size_bits);
    for (word_t i = 0; i < retype->count; i++) {
        cap_t cap = object_create(retype->type, paddr, retype->user_size, untyped->is_device);
        cte_insert_new(cap, untyped_slot, &retype->dest_slots[i]);
        paddr += BIT(retype->size_bits);
    }
}

static seL4_Error decode_retype_type(invocation_t *inv, bool is_device, retype_t *retype)
{
    retype->type = inv_arg(inv, 0);
    retype->user_size = inv_arg(inv, 1);
    if (retype->type >= seL4_ObjectTypeCount || !object_type_valid(retype->type)) {
        return error_invalid_argument(0);
    }
    retype->size_bits = seL4_ObjectSizeBits(retype->type, retype->user_size);
    if (retype->user_size >= seL4_WordBits || retype->size_bits > seL4_MaxUntypedBits) {
        return error_range(0, seL4_MaxUntypedBits);
    }
    if (retype->type == seL4_CapTableObject && retype->user_size == 0) {
        return error_invalid_argument(1);
    }
    if (retype->type == seL4_UntypedObject && retype->user_size < seL4_MinUntypedBits) {
        return error_invalid_argument(1);
    }
    if (is_device && !object_type_is_frame(retype->type) && retype->type != seL4_UntypedObject) {
        return error_invalid_argument(1);
    }
    return seL4_NoError;
}

static seL4_Error decode_retype_destination(invocation_t *inv, retype_t *retype)
{
    cap_t root = inv_extra_cap(inv, 0);
    word_t node_index = inv_arg(inv, 2);
    word_t node_depth = inv_arg(inv, 3);
    word_t node_offset = inv_arg(inv, 4);
    word_t count = inv_arg(inv, 5);
    cap_t node = root;
    word_t node_size;
    seL4_Error error;

    if (node_depth != 0) {
        cte_t *slot;
        error = cspace_lookup_slot_for_op(false, root, node_index, node_depth, &slot);
        if (error != seL4_NoError) {
            return error;
        }
        node = slot->cap;
    }
    if (node.type != CAP_CNODE) {
        return error_failed_lookup(false, lookup_fault_missing_capability(node_depth));
    }
    node_size = BIT(node.u.cnode.radix);
    if (node_offset > node_size - 1) {
        return error_range(0, node_size - 1);
    }
    if (count < 1 || count > RETYPE_FAN_OUT_LIMIT) {
        return error_range(1, RETYPE_FAN_OUT_LIMIT);
    }
    if (count > node_size - node_offset) {
        return error_range(1, node_size - node_offset);
    }
    for (word_t i = 0; i < count; i++) {
        error = cte_ensure_empty(&node.u.cnode.slots[node_offset + i]);
        if (error != seL4_NoError) {
            return error;
        }
    }
    cte_t *slots = node.u.cnode.slots;
    retype->dest_slots = &slots[node_offset];
    retype->count = count;
    return seL4_NoError;
}

seL4_Error untyped_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    const cap_untyped_t *untyped = &cap.u.untyped;
    retype_t retype = {0};
    word_t free_offset;
    word_t free_bytes;
    seL4_Error error;

    if (inv->label != UntypedRetype) {
        return error_simple(seL4_IllegalOperation);
    }
    if (inv->length < 6 || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    error = decode_retype_type(inv, untyped->is_device, &retype);
    if (error == seL4_NoError) {
        error = decode_retype_destination(inv, &retype);
    }
    if (error != seL4_NoError) {
        return error;
    }
    free_offset = cte_has_children(slot) ? untyped->free_offset : 0;
    free_bytes = BIT(untyped->size_bits) - free_offset;
    if (retype.size_bits >= seL4_WordBits || (free_bytes >> retype.size_bits) < retype.count) {
        return error_not_enough_memory(free_bytes);
    }
    retype.free_offset = ALIGN_UP(free_offset, retype.size_bits);
    invoke_untyped_retype(slot, &retype);
    return seL4_NoError;
}
