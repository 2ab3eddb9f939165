/*
 * IRQControl on x86-64: issuing IRQ handlers for ISA IRQs and GSIs (through the IOAPIC,
 * ISA overrides from the MADT honoured), for an explicit IOAPIC pin, or for an MSI vector.
 * IRQ n is delivered on vector VECTOR_IRQ_BASE + n. Lines stay masked in the IOAPIC until the
 * handler's first Ack; after that only level-triggered lines are masked in hardware between an
 * interrupt and its Ack (kernel/src/object/interrupt.c holds edges and MSIs in software).
 */
#include <arch/ioapic.h>
#include <arch/lapic.h>
#include <arch/vectors.h>
#include <kernel/arch_irq.h>
#include <kernel/cspace.h>
#include <kernel/interrupt.h>
#include <kernel/object_decode.h>
#include <kernel/syscall_error.h>
#include <sel4/invocation.h>

_Static_assert(IRQ_COUNT == VECTOR_IRQ_COUNT, "one vector per IRQ number");

#define ISA_IRQ_COUNT 16
#define PCI_BUS_MAX   255
#define PCI_DEV_MAX   31
#define PCI_FUNC_MAX  7

typedef enum {
    IRQ_ROUTE_NONE = 0,
    IRQ_ROUTE_IOAPIC,
    IRQ_ROUTE_MSI,
} irq_route_kind_t;

typedef struct {
    irq_route_kind_t kind;
    uint32_t gsi;
    ioapic_trigger_t trigger;
    ioapic_polarity_t polarity;
} irq_route_t;

static irq_route_t irq_routes[IRQ_COUNT];

void arch_irq_mask(word_t irq)
{
    if (irq < IRQ_COUNT && irq_routes[irq].kind == IRQ_ROUTE_IOAPIC) {
        (void)ioapic_mask_gsi(irq_routes[irq].gsi);
    }
}

void arch_irq_unmask(word_t irq)
{
    if (irq < IRQ_COUNT && irq_routes[irq].kind == IRQ_ROUTE_IOAPIC) {
        (void)ioapic_unmask_gsi(irq_routes[irq].gsi);
    }
}

bool arch_irq_is_level(word_t irq)
{
    return irq < IRQ_COUNT && irq_routes[irq].kind == IRQ_ROUTE_IOAPIC &&
           irq_routes[irq].trigger == IOAPIC_TRIGGER_LEVEL;
}

void arch_irq_release(word_t irq)
{
    if (irq < IRQ_COUNT) {
        irq_routes[irq].kind = IRQ_ROUTE_NONE;
    }
}

static bool gsi_in_use(uint32_t gsi)
{
    for (word_t irq = 0; irq < IRQ_COUNT; irq++) {
        if (irq_routes[irq].kind == IRQ_ROUTE_IOAPIC && irq_routes[irq].gsi == gsi) {
            return true;
        }
    }
    return false;
}

static void invoke_issue_handler(cte_t *control, cte_t *dest, word_t irq, const irq_route_t *route)
{
    cap_t cap = {.type = CAP_IRQ_HANDLER};

    irq_routes[irq] = *route;
    if (route->kind == IRQ_ROUTE_IOAPIC) {
        /* Checked in decode: the GSI exists and the vector is a device vector. */
        (void)ioapic_route_gsi(route->gsi, (uint8_t)(VECTOR_IRQ_BASE + irq), route->trigger,
                               route->polarity, lapic_id());
    }
    irq_set_active(irq);
    cap.u.irq_handler.irq = irq;
    cte_insert(cap, control, dest);
}

/* What every IRQ-issue invocation checks first: `length` message words and the root cap, then
 * a free IRQ number. */
static seL4_Error decode_issue_start(const invocation_t *inv, word_t length, word_t irq)
{
    if (inv->length < length || inv->extra_cap_count < 1) {
        return error_simple(seL4_TruncatedMessage);
    }
    if (irq > seL4_MaxIRQ) {
        return error_range(0, seL4_MaxIRQ);
    }
    if (irq_is_active(irq)) {
        return error_simple(seL4_RevokeFirst);
    }
    return seL4_NoError;
}

static seL4_Error decode_route_gsi(uint32_t gsi)
{
    if (gsi >= ioapic_gsi_limit()) {
        return error_range(0, ioapic_gsi_limit() > 0 ? ioapic_gsi_limit() - 1 : 0);
    }
    if (gsi_in_use(gsi)) {
        return error_simple(seL4_RevokeFirst);
    }
    return seL4_NoError;
}

/* What every IRQ-issue invocation checks last, once its route is known: an IOAPIC route needs
 * a GSI that exists and is free; the destination (MR index_arg index, MR index_arg+1 depth,
 * C0 root) must be an empty slot. Then the handler is issued. */
static seL4_Error decode_issue_finish(invocation_t *inv, cte_t *control, unsigned index_arg,
                                      word_t irq, const irq_route_t *route)
{
    seL4_Error error = seL4_NoError;
    cte_t *dest;

    if (route->kind == IRQ_ROUTE_IOAPIC) {
        error = decode_route_gsi(route->gsi);
    }
    if (error == seL4_NoError) {
        error = cspace_lookup_empty_slot(inv_extra_cap(inv, 0), inv_arg(inv, index_arg),
                                         inv_arg(inv, index_arg + 1), &dest);
    }
    if (error != seL4_NoError) {
        return error;
    }
    invoke_issue_handler(control, dest, irq, route);
    return seL4_NoError;
}

/* IRQIssueIRQHandler: MR0 irq, MR1 index, MR2 depth; C0 root. */
static seL4_Error decode_issue_irq(invocation_t *inv, cte_t *control)
{
    word_t irq = inv_arg(inv, 0);
    irq_route_t route = {.kind = IRQ_ROUTE_IOAPIC};
    seL4_Error error = decode_issue_start(inv, 3, irq);

    if (error != seL4_NoError) {
        return error;
    }
    if (irq < ISA_IRQ_COUNT) {
        (void)ioapic_isa_irq_to_gsi((uint8_t)irq, &route.gsi, &route.trigger, &route.polarity);
    } else {
        route.gsi = (uint32_t)irq;
        route.trigger = IOAPIC_TRIGGER_LEVEL;
        route.polarity = IOAPIC_POLARITY_LOW;
    }
    return decode_issue_finish(inv, control, 1, irq, &route);
}

/* X86IRQIssueIRQHandlerIOAPIC: MR0 index, MR1 depth, MR2 ioapic, MR3 pin, MR4 level,
 * MR5 polarity, MR6 vector (the IRQ number); C0 root. */
static seL4_Error decode_issue_ioapic(invocation_t *inv, cte_t *control)
{
    word_t ioapic = inv_arg(inv, 2);
    word_t pin = inv_arg(inv, 3);
    word_t level = inv_arg(inv, 4);
    word_t polarity = inv_arg(inv, 5);
    word_t irq = inv_arg(inv, 6);
    irq_route_t route = {.kind = IRQ_ROUTE_IOAPIC};
    const ioapic_info_t *info;
    seL4_Error error = decode_issue_start(inv, 7, irq);

    if (error != seL4_NoError) {
        return error;
    }
    if (ioapic >= ioapic_count()) {
        return error_range(0, ioapic_count() > 0 ? ioapic_count() - 1 : 0);
    }
    info = ioapic_get((unsigned)ioapic);
    if (pin >= info->gsi_count) {
        return error_range(0, info->gsi_count - 1);
    }
    if (level > 1) {
        return error_range(0, 1);
    }
    if (polarity > 1) {
        return error_range(0, 1);
    }
    route.gsi = info->gsi_base + (uint32_t)pin;
    route.trigger = level ? IOAPIC_TRIGGER_LEVEL : IOAPIC_TRIGGER_EDGE;
    route.polarity = polarity ? IOAPIC_POLARITY_LOW : IOAPIC_POLARITY_HIGH;
    return decode_issue_finish(inv, control, 0, irq, &route);
}

/* X86IRQIssueIRQHandlerMSI: MR0 index, MR1 depth, MR2 bus, MR3 dev, MR4 func, MR5 handle,
 * MR6 vector (the IRQ number); C0 root. */
static seL4_Error decode_issue_msi(invocation_t *inv, cte_t *control)
{
    word_t irq = inv_arg(inv, 6);
    irq_route_t route = {.kind = IRQ_ROUTE_MSI};
    seL4_Error error = decode_issue_start(inv, 7, irq);

    if (error != seL4_NoError) {
        return error;
    }
    if (inv_arg(inv, 2) > PCI_BUS_MAX) {
        return error_range(0, PCI_BUS_MAX);
    }
    if (inv_arg(inv, 3) > PCI_DEV_MAX) {
        return error_range(0, PCI_DEV_MAX);
    }
    if (inv_arg(inv, 4) > PCI_FUNC_MAX) {
        return error_range(0, PCI_FUNC_MAX);
    }
    return decode_issue_finish(inv, control, 0, irq, &route);
}

seL4_Error arch_irq_control_decode(invocation_t *inv, cte_t *slot)
{
    switch (inv->label) {
    case IRQIssueIRQHandler:
        return decode_issue_irq(inv, slot);
    case X86IRQIssueIRQHandlerIOAPIC:
        return decode_issue_ioapic(inv, slot);
    case X86IRQIssueIRQHandlerMSI:
        return decode_issue_msi(inv, slot);
    default:
        return error_simple(seL4_IllegalOperation);
    }
}
