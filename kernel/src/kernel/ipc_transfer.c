/*
 * Message transfer between two threads: message registers (the first four in CPU registers,
 * the rest between IPC buffers), capability transfer into the receiver's receive slot (an
 * endpoint capability to the very endpoint used arrives unwrapped, as its badge), fault
 * messages, and the one-shot reply capability of a Call.
 */
#include <kernel/cspace.h>
#include <kernel/derive.h>
#include <kernel/faulthandler.h>
#include <kernel/ipc.h>
#include <kernel/scheduler.h>
#include <kernel/thread.h>

_Static_assert(sizeof(seL4_IPCBuffer) == (1 << seL4_IPCBufferSizeBits),
               "the IPC buffer fills its 2^seL4_IPCBufferSizeBits bytes");

static word_t msg_info_word(word_t label, word_t unwrapped, word_t extra_caps, word_t length)
{
    return seL4_MessageInfo_new(label, unwrapped, extra_caps, length).words[0];
}

static unsigned copy_mrs(tcb_t *sender, const word_t *send_buffer, tcb_t *receiver,
                         word_t *receive_buffer, unsigned length)
{
    unsigned i;

    for (i = 0; i < length && i < ARCH_MSG_REGISTER_COUNT; i++) {
        thread_set_mr(receiver, NULL, i, thread_get_mr(sender, NULL, i));
    }
    if (send_buffer == NULL || receive_buffer == NULL) {
        return i;
    }
    for (; i < length; i++) {
        receive_buffer[IPC_BUFFER_MSG + i] = send_buffer[IPC_BUFFER_MSG + i];
    }
    return i;
}

/* The empty slot the receiver named in its IPC buffer, or NULL. */
static cte_t *receive_slot(tcb_t *receiver, const word_t *buffer)
{
    cap_t cnode;
    cte_t *slot;
    lookup_fault_t fault;

    if (!cspace_lookup_cap(receiver, buffer[IPC_BUFFER_RECEIVE_CNODE], &cnode, &fault)) {
        return NULL;
    }
    if (cspace_lookup_slot_for_op(false, cnode, buffer[IPC_BUFFER_RECEIVE_INDEX],
                                  buffer[IPC_BUFFER_RECEIVE_DEPTH], &slot) != seL4_NoError) {
        return NULL;
    }
    return slot->cap.type == CAP_NULL ? slot : NULL;
}

/* Look up the sender's extra capabilities; any failure transfers none. */
static unsigned lookup_extra_caps(tcb_t *sender, const word_t *buffer, unsigned count,
                                  cte_t **slots)
{
    lookup_fault_t fault;

    for (unsigned i = 0; i < count; i++) {
        if (!cspace_lookup_slot(sender, buffer[IPC_BUFFER_CAPS_OR_BADGES + i], &slots[i], &fault)) {
            return 0;
        }
    }
    return count;
}

/* Transfer the capabilities; returns the receiver's extraCaps/capsUnwrapped fields. */
static void transfer_caps(cte_t **slots, unsigned count, const endpoint_t *ep, tcb_t *receiver,
                          word_t *receive_buffer, word_t *extra_caps, word_t *unwrapped)
{
    cte_t *dest;
    unsigned i;

    *extra_caps = 0;
    *unwrapped = 0;
    if (count == 0 || receive_buffer == NULL) {
        return;
    }
    dest = receive_slot(receiver, receive_buffer);
    for (i = 0; i < count; i++) {
        cte_t *slot = slots[i];
        cap_t cap = slot->cap;
        if (cap.type == CAP_ENDPOINT && cap.u.endpoint.ep == ep) {
            receive_buffer[IPC_BUFFER_CAPS_OR_BADGES + i] = cap.u.endpoint.badge;
            *unwrapped |= BIT(i);
        } else {
            cap_t derived;
            if (dest == NULL || cap_derive(slot, cap, &derived) != seL4_NoError ||
                derived.type == CAP_NULL) {
                break;
            }
            cte_insert(derived, slot, dest);
            dest = NULL;
        }
    }
    *extra_caps = i;
}

static void normal_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant,
                            tcb_t *receiver, word_t *receive_buffer)
{
    word_t *send_buffer = thread_ipc_buffer(sender, false);
    seL4_MessageInfo_t info = {{thread_get_msg_info(sender)}};
    unsigned length = (unsigned)MIN(seL4_MessageInfo_get_length(info), seL4_MsgMaxLength);
    cte_t *slots[seL4_MsgMaxExtraCaps];
    unsigned cap_count = 0;
    word_t extra_caps;
    word_t unwrapped;
    unsigned sent;

    if (can_grant && send_buffer != NULL) {
        cap_count = lookup_extra_caps(sender, send_buffer,
                                      (unsigned)seL4_MessageInfo_get_extraCaps(info), slots);
    }
    sent = copy_mrs(sender, send_buffer, receiver, receive_buffer, length);
    transfer_caps(slots, cap_count, ep, receiver, receive_buffer, &extra_caps, &unwrapped);
    thread_set_msg_info(
            receiver, msg_info_word(seL4_MessageInfo_get_label(info), unwrapped, extra_caps, sent));
    thread_set_badge(receiver, badge);
}

void ipc_transfer(tcb_t *sender, endpoint_t *ep, word_t badge, bool can_grant, tcb_t *receiver)
{
    word_t *receive_buffer = thread_ipc_buffer(receiver, true);

    if (sender->fault.type == seL4_Fault_NullFault) {
        normal_transfer(sender, ep, badge, can_grant, receiver, receive_buffer);
        return;
    }
    unsigned length = fault_write_message(sender, receiver, receive_buffer);
    thread_set_msg_info(receiver, msg_info_word(sender->fault.type, 0, 0, length));
    thread_set_badge(receiver, badge);
}

void ipc_delete_caller_cap(tcb_t *receiver)
{
    cte_delete(tcb_slot(receiver, TCB_SLOT_CALLER));
}

void ipc_setup_caller(tcb_t *sender, tcb_t *receiver, bool reply_can_grant)
{
    cte_t *master = tcb_slot(sender, TCB_SLOT_REPLY);
    cte_t *caller = tcb_slot(receiver, TCB_SLOT_CALLER);
    cap_t reply = {.type = CAP_REPLY};

    thread_set_state(sender, THREAD_BLOCKED_ON_REPLY);
    reply.u.reply.tcb = sender;
    reply.u.reply.master = false;
    reply.u.reply.can_grant = reply_can_grant;
    cte_delete(caller);
    cte_insert(reply, master, caller);
}

void ipc_reply_transfer(tcb_t *sender, tcb_t *receiver, cte_t *slot, bool can_grant)
{
    if (receiver->fault.type == seL4_Fault_NullFault) {
        ipc_transfer(sender, NULL, 0, can_grant, receiver);
        cte_delete(slot);
        thread_set_state(receiver, THREAD_RUNNING);
        sched_possible_switch_to(receiver);
        return;
    }
    cte_delete(slot);
    bool resume = fault_handle_reply(receiver, sender);
    receiver->fault.type = seL4_Fault_NullFault;
    if (resume) {
        thread_set_state(receiver, THREAD_RUNNING);
        sched_possible_switch_to(receiver);
    } else {
        thread_set_state(receiver, THREAD_INACTIVE);
    }
}
