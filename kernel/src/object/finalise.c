/*
 * What deleting a capability does to its object: endpoints and notifications release their
 * waiters, TCBs stop, IRQ handlers mask their line, architecture objects drop their mappings.
 * CNode and TCB slots are emptied by the caller (delete.c) through the zombie returned here.
 */
#include <kernel/arch_object.h>
#include <kernel/endpoint.h>
#include <kernel/finalise.h>
#include <kernel/interrupt.h>
#include <kernel/notification.h>
#include <kernel/tcb_object.h>

/* The zombie counts every slot of the largest CNode an untyped can hold. */
_Static_assert(seL4_MaxUntypedBits - seL4_SlotBits + ZOMBIE_SIZE_BITS < seL4_WordBits,
               "a zombie counts the slots of any CNode");

static cap_t zombie_new(cte_t *slots, word_t count, word_t size_bits)
{
    cap_t cap = {.type = CAP_ZOMBIE};
    cap.u.zombie.slots = slots;
    cap.u.zombie.parent = NULL;
    cap.u.zombie.size_and_remaining = size_bits;
    zombie_set_remaining(&cap.u.zombie, count);
    return cap;
}

cap_t cap_finalise(cap_t cap, bool final)
{
    switch (cap.type) {
    case CAP_ENDPOINT:
        if (final) {
            endpoint_cancel_all(cap.u.endpoint.ep);
        }
        break;
    case CAP_NOTIFICATION:
        if (final) {
            notification_unbind(cap.u.notification.ntfn);
            notification_cancel_all(cap.u.notification.ntfn);
        }
        break;
    case CAP_CNODE:
        if (final) {
            return zombie_new(cap.u.cnode.slots, BIT(cap.u.cnode.radix),
                              cap.u.cnode.radix + seL4_SlotBits);
        }
        break;
    case CAP_THREAD:
        if (final) {
            tcb_finalise(cap.u.thread.tcb);
            return zombie_new(cap.u.thread.tcb->slots, TCB_SLOT_COUNT, seL4_TCBBits);
        }
        break;
    case CAP_IRQ_HANDLER:
        if (final) {
            irq_handler_deleting(cap.u.irq_handler.irq);
        }
        break;
    default:
        if (cap_is_arch(cap)) {
            arch_finalise_cap(cap, final);
        }
        break;
    }
    return cap_null();
}
