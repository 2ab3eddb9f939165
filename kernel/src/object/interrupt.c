/*
 * IRQ handler capabilities: the per-IRQ notification slot (a kernel-owned slot holding a copy
 * of the notification capability), delivery of an interrupt as a signal, and the IRQHandler
 * invocations (Ack, SetNotification, Clear). An IRQ stays masked from its arrival until Ack:
 * level-triggered lines in the interrupt controller; edge-triggered lines and MSIs in software
 * (an edge that arrives unacknowledged is held and signalled at Ack), because a masked IOAPIC
 * entry may drop edges (KVM's does) and an MSI cannot be masked there at all.
 */
#include <kernel/arch_irq.h>
#include <kernel/interrupt.h>
#include <kernel/notification.h>
#include <kernel/printf.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

static irq_state_t irq_states[IRQ_COUNT];
static cte_t irq_slots[IRQ_COUNT];
static bool irq_acked[IRQ_COUNT];   /* the handler is ready for the next interrupt */
static bool irq_pending[IRQ_COUNT]; /* an edge arrived before that */

bool irq_is_active(word_t irq)
{
    return irq < IRQ_COUNT && irq_states[irq] == IRQ_ACTIVE;
}

void irq_set_active(word_t irq)
{
    irq_states[irq] = IRQ_ACTIVE;
    irq_acked[irq] = false;
    irq_pending[irq] = false;
}

static void irq_signal(word_t irq)
{
    cap_t cap = irq_slots[irq].cap;

    if (cap.type == CAP_NOTIFICATION && (cap.u.notification.rights & CAP_RIGHT_WRITE)) {
        notification_signal(cap.u.notification.ntfn, cap.u.notification.badge);
    }
}

void irq_handler_deleting(word_t irq)
{
    arch_irq_mask(irq);
    cte_delete(&irq_slots[irq]);
    arch_irq_release(irq);
    irq_states[irq] = IRQ_INACTIVE;
    irq_acked[irq] = false;
    irq_pending[irq] = false;
}

void irq_deliver(word_t irq)
{
    if (irq >= IRQ_COUNT || irq_states[irq] != IRQ_ACTIVE) {
        arch_irq_mask(irq);
        kprintf("beaml4: interrupt for IRQ %lu without a handler, masked\n", irq);
        return;
    }
    if (arch_irq_is_level(irq)) {
        arch_irq_mask(irq);
    }
    if (!irq_acked[irq]) {
        irq_pending[irq] = true;
        return;
    }
    irq_acked[irq] = false;
    irq_signal(irq);
}

static void invoke_irq_ack(word_t irq)
{
    if (irq_pending[irq]) {
        irq_pending[irq] = false;
        irq_signal(irq);
    } else {
        irq_acked[irq] = true;
    }
    arch_irq_unmask(irq);
}

static void invoke_irq_set_notification(word_t irq, cap_t cap, cte_t *source)
{
    cte_delete(&irq_slots[irq]);
    cte_insert(cap, source, &irq_slots[irq]);
}

seL4_Error irq_handler_decode(invocation_t *inv, cap_t cap)
{
    word_t irq = cap.u.irq_handler.irq;

    switch (inv->label) {
    case IRQAckIRQ:
        invoke_irq_ack(irq);
        return seL4_NoError;
    case IRQSetIRQHandler: {
        cap_t ntfn = inv_extra_cap(inv, 0);
        if (inv->extra_cap_count < 1) {
            return error_simple(seL4_TruncatedMessage);
        }
        if (ntfn.type != CAP_NOTIFICATION || (ntfn.u.notification.rights & CAP_RIGHT_WRITE) == 0) {
            return error_invalid_capability(1);
        }
        invoke_irq_set_notification(irq, ntfn, inv_extra_slot(inv, 0));
        return seL4_NoError;
    }
    case IRQClearIRQHandler:
        cte_delete(&irq_slots[irq]);
        return seL4_NoError;
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
