/*
 * TCB_Configure, TCB_SetSpace, TCB_SetIPCBuffer, TCB_SetPVPage and TCB_SetEPTRoot: a thread's
 * CSpace root, VSpace root, fault endpoint, IPC buffer, PV page and guest-physical root. The new capabilities are derived copies inserted into the TCB's own
 * slots; seL4's rule applies that they go in only if their sources survived the deletion of
 * the old ones.
 */
#include <kernel/arch_vspace.h>
#include <kernel/cpu.h>
#include <kernel/derive.h>
#include <kernel/scheduler.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb_invoke.h>
#include <sel4/ipc_buffer.h>

typedef struct {
    cap_t cap;
    cte_t *src; /* NULL: leave the TCB's slot empty */
} tcb_new_cap_t;

typedef struct {
    bool update_space;
    cptr_t fault_handler;
    tcb_new_cap_t cspace;
    tcb_new_cap_t vspace;
    bool update_buffer;
    vaddr_t buffer_address;
    tcb_new_cap_t buffer;
} tcb_control_t;

static void tcb_replace_slot(cap_t tcb_cap, cte_t *tcb_cap_slot, cte_t *dest,
                             const tcb_new_cap_t *new_cap)
{
    cte_delete(dest);
    if (new_cap->src != NULL && cap_same_object_as(new_cap->cap, new_cap->src->cap) &&
        cap_same_object_as(tcb_cap, tcb_cap_slot->cap)) {
        cte_insert(new_cap->cap, new_cap->src, dest);
    }
}

static void invoke_tcb_control(cap_t cap, cte_t *slot, const tcb_control_t *control)
{
    tcb_t *tcb = cap.u.thread.tcb;

    if (control->update_space) {
        tcb->fault_handler = control->fault_handler;
        tcb_replace_slot(cap, slot, tcb_slot(tcb, TCB_SLOT_CTABLE), &control->cspace);
        tcb_replace_slot(cap, slot, tcb_slot(tcb, TCB_SLOT_VTABLE), &control->vspace);
    }
    if (control->update_buffer) {
        tcb->ipc_buffer = control->buffer_address;
        tcb_replace_slot(cap, slot, tcb_slot(tcb, TCB_SLOT_BUFFER), &control->buffer);
    }
}

static seL4_Error decode_ipc_buffer(word_t address, cte_t *frame_slot, tcb_control_t *control)
{
    seL4_Error error;
    cap_t derived;

    control->update_buffer = true;
    control->buffer_address = address;
    control->buffer.src = NULL;
    if (address == 0 || frame_slot == NULL || frame_slot->cap.type == CAP_NULL) {
        return seL4_NoError;
    }
    error = cap_derive(frame_slot, frame_slot->cap, &derived);
    if (error != seL4_NoError) {
        return error;
    }
    if (derived.type != CAP_FRAME || derived.u.frame.is_device) {
        return error_simple(seL4_IllegalOperation);
    }
    if (!IS_ALIGNED(address, seL4_IPCBufferSizeBits)) {
        return error_simple(seL4_AlignmentError);
    }
    control->buffer.cap = derived;
    control->buffer.src = frame_slot;
    return seL4_NoError;
}

static seL4_Error decode_space(cptr_t fault_handler, word_t cspace_data, cte_t *cspace_slot,
                               word_t vspace_data, cte_t *vspace_slot, tcb_control_t *control)
{
    cap_t cspace = cspace_slot->cap;
    cap_t vspace = vspace_slot->cap;
    seL4_Error error;

    control->update_space = true;
    control->fault_handler = fault_handler;
    if (cspace_data != 0) {
        cspace = cap_update_data(false, cspace_data, cspace);
    }
    error = cap_derive(cspace_slot, cspace, &control->cspace.cap);
    if (error != seL4_NoError) {
        return error;
    }
    if (control->cspace.cap.type != CAP_CNODE) {
        return error_simple(seL4_IllegalOperation);
    }
    (void)vspace_data; /* a PML4 capability has no data to update */
    error = cap_derive(vspace_slot, vspace, &control->vspace.cap);
    if (error != seL4_NoError) {
        return error;
    }
    if (!arch_is_valid_vspace_root(control->vspace.cap)) {
        return error_simple(seL4_IllegalOperation);
    }
    control->cspace.src = cspace_slot;
    control->vspace.src = vspace_slot;
    return seL4_NoError;
}

/* The parts of a thread an invocation sets. */
typedef enum {
    TCB_CONTROL_SPACE = 1 << 0,
    TCB_CONTROL_BUFFER = 1 << 1,
} tcb_control_parts_t;

/* One layout for all three invocations: the space part first (MR0 fault endpoint, MR1 CSpace
 * root data, MR2 VSpace root data; C0 CSpace root, C1 VSpace root), then the buffer part (the
 * next MR the buffer address, the next extra cap its frame). The buffer is checked first. */
static seL4_Error decode_tcb_control(invocation_t *inv, cap_t cap, cte_t *slot,
                                     tcb_control_parts_t parts)
{
    unsigned space_args = (parts & TCB_CONTROL_SPACE) ? 3 : 0;
    unsigned space_caps = (parts & TCB_CONTROL_SPACE) ? 2 : 0;
    unsigned buffer_words = (parts & TCB_CONTROL_BUFFER) ? 1 : 0;
    tcb_control_t control = {0};
    seL4_Error error = seL4_NoError;

    if (inv->length < space_args + buffer_words ||
        inv->extra_cap_count < space_caps + buffer_words) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (parts & TCB_CONTROL_BUFFER) {
        error = decode_ipc_buffer(inv_arg(inv, space_args), inv_extra_slot(inv, space_caps),
                                  &control);
    }
    if (error == seL4_NoError && (parts & TCB_CONTROL_SPACE)) {
        error = decode_space(inv_arg(inv, 0), inv_arg(inv, 1), inv_extra_slot(inv, 0),
                             inv_arg(inv, 2), inv_extra_slot(inv, 1), &control);
    }
    if (error != seL4_NoError) {
        return error;
    }
    invoke_tcb_control(cap, slot, &control);
    return seL4_NoError;
}

seL4_Error tcb_decode_configure(invocation_t *inv, cap_t cap, cte_t *slot)
{
    return decode_tcb_control(inv, cap, slot, TCB_CONTROL_SPACE | TCB_CONTROL_BUFFER);
}

seL4_Error tcb_decode_set_space(invocation_t *inv, cap_t cap, cte_t *slot)
{
    return decode_tcb_control(inv, cap, slot, TCB_CONTROL_SPACE);
}

seL4_Error tcb_decode_set_ipc_buffer(invocation_t *inv, cap_t cap, cte_t *slot)
{
    return decode_tcb_control(inv, cap, slot, TCB_CONTROL_BUFFER);
}

/*
 * TCBSetPVPage: C0 a 4 KiB RAM frame with read and write rights (the kernel writes the page as the
 * thread runs), or a null capability, which removes the page.
 */
seL4_Error tcb_decode_set_pv_page(invocation_t *inv, cap_t cap, cte_t *slot)
{
    tcb_new_cap_t page = {.src = NULL};
    cte_t *frame_slot;

    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    frame_slot = inv_extra_slot(inv, 0);
    if (frame_slot->cap.type != CAP_NULL) {
        seL4_Error error = cap_derive(frame_slot, frame_slot->cap, &page.cap);
        if (error != seL4_NoError) {
            return error;
        }
        if (page.cap.type != CAP_FRAME || page.cap.u.frame.is_device ||
            page.cap.u.frame.size_bits != seL4_PageBits ||
            (page.cap.u.frame.rights & (CAP_RIGHT_READ | CAP_RIGHT_WRITE)) !=
                    (CAP_RIGHT_READ | CAP_RIGHT_WRITE)) {
            return error_invalid_capability(0);
        }
        page.src = frame_slot;
    }
    tcb_replace_slot(cap, slot, tcb_slot(cap.u.thread.tcb, TCB_SLOT_PV), &page);
    return seL4_NoError;
}

/* TCBSetEPTRoot: C0 a guest-physical root (an EPT PML4 with an ASID). */
seL4_Error tcb_decode_set_ept_root(invocation_t *inv, cap_t cap, cte_t *slot)
{
    tcb_new_cap_t root;
    seL4_Error error;

    if (inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    root.src = inv_extra_slot(inv, 0);
    error = cap_derive(root.src, root.src->cap, &root.cap);
    if (error != seL4_NoError) {
        return error;
    }
    if (!arch_is_valid_guest_root(root.cap)) {
        return error_invalid_capability(1);
    }
    tcb_replace_slot(cap, slot, tcb_slot(cap.u.thread.tcb, TCB_SLOT_EPT_ROOT), &root);
    return seL4_NoError;
}
