/*
 * Invocation dispatch by capability type, and the invocation's access to its arguments and
 * reply registers. Sending on endpoints and notifications and replying through reply caps are
 * invocations too (seL4_Send/Call on such a capability).
 */
#include <kernel/arch_object.h>
#include <kernel/endpoint.h>
#include <kernel/interrupt.h>
#include <kernel/invocation_context.h>
#include <kernel/ipc.h>
#include <kernel/notification.h>
#include <kernel/object_decode.h>
#include <kernel/syscall_error.h>
#include <kernel/tcb_object.h>
#include <kernel/thread.h>

word_t inv_arg(const invocation_t *inv, unsigned i)
{
    return thread_get_mr(inv->thread, inv->buffer, i);
}

cte_t *inv_extra_slot(const invocation_t *inv, unsigned i)
{
    return i < inv->extra_cap_count ? inv->extra_caps[i] : NULL;
}

cap_t inv_extra_cap(const invocation_t *inv, unsigned i)
{
    cte_t *slot = inv_extra_slot(inv, i);
    return slot != NULL ? slot->cap : cap_null();
}

void inv_reply(invocation_t *inv, unsigned i, word_t value)
{
    if (inv->is_call && thread_set_mr(inv->thread, inv->reply_buffer, i, value) &&
        i + 1 > inv->reply_length) {
        inv->reply_length = i + 1;
    }
}

seL4_Error invocation_decode(invocation_t *inv, cap_t cap, cte_t *slot)
{
    switch (cap.type) {
    case CAP_NULL:
    case CAP_ZOMBIE:
        return error_invalid_capability(0);
    case CAP_ENDPOINT:
        if ((cap.u.endpoint.rights & CAP_RIGHT_WRITE) == 0) {
            return error_invalid_capability(0);
        }
        endpoint_send(inv->thread, cap.u.endpoint.ep, cap.u.endpoint.badge,
                      (cap.u.endpoint.rights & CAP_RIGHT_GRANT) != 0,
                      (cap.u.endpoint.rights & CAP_RIGHT_GRANT_REPLY) != 0, inv->is_blocking,
                      inv->is_call);
        return seL4_NoError;
    case CAP_NOTIFICATION:
        if ((cap.u.notification.rights & CAP_RIGHT_WRITE) == 0) {
            return error_invalid_capability(0);
        }
        notification_signal(cap.u.notification.ntfn, cap.u.notification.badge);
        return seL4_NoError;
    case CAP_REPLY:
        if (cap.u.reply.master) {
            return error_invalid_capability(0);
        }
        ipc_reply_transfer(inv->thread, cap.u.reply.tcb, slot, cap.u.reply.can_grant);
        return seL4_NoError;
    case CAP_THREAD:
        return tcb_decode(inv, cap, slot);
    case CAP_DOMAIN:
        return domain_decode(inv);
    case CAP_CNODE:
        return cnode_decode(inv, cap);
    case CAP_UNTYPED:
        return untyped_decode(inv, cap, slot);
    case CAP_IRQ_CONTROL:
        return arch_irq_control_decode(inv, slot);
    case CAP_IRQ_HANDLER:
        return irq_handler_decode(inv, cap);
    default:
        return arch_decode_invocation(inv, cap, slot);
    }
}
