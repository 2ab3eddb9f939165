/*
 * The board's interrupt wiring and the injection interface: ISA lines to the 8259 and the I/O
 * APIC, APIC messages to local APICs, the 8259's INTR to LINT0, and pending/ack for the VMM.
 * It owns no policy of its own: each controller decides what it accepts.
 */
#include <vdev/intc.h>

#define PIT_IRQ          0u
#define PIT_GSI          2u
#define MSI_ADDRESS_MASK 0xfff00000ull
#define MSI_ADDRESS      0xfee00000ull
#define MSI_LOGICAL      (1u << 2)
#define MSI_LEVEL        (1u << 15)

static void update_intr(vdev_intc_t *intc)
{
    bool intr = vdev_pic_output(&intc->pic);

    if (intr == intc->intr) {
        return;
    }
    intc->intr = intr;
    for (unsigned i = 0; i < intc->vcpus; i++) {
        vdev_lapic_set_lint(&intc->lapic[i], 0, intr);
    }
}

/* Delivers a message to the APICs it names; `from` (an IPI's sender) or NULL. */
static bool route(vdev_intc_t *intc, const vdev_lapic_t *from, const vdev_apic_msg_t *msg)
{
    bool accepted = false;
    int lowest = -1;

    for (unsigned i = 0; i < intc->vcpus; i++) {
        vdev_lapic_t *l = &intc->lapic[i];
        bool named;

        switch (msg->shorthand) {
        case VDEV_APIC_DEST_SELF:
            named = l == from;
            break;
        case VDEV_APIC_DEST_ALL:
            named = true;
            break;
        case VDEV_APIC_DEST_ALL_OTHER:
            named = l != from;
            break;
        default:
            named = vdev_lapic_matches(l, msg);
            break;
        }
        if (!named) {
            continue;
        }
        if (msg->delivery == VDEV_APIC_LOWEST) {
            if (lowest < 0 || (l->tpr & 0xf0u) < (intc->lapic[lowest].tpr & 0xf0u)) {
                lowest = (int)i;
            }
            continue;
        }
        accepted |= vdev_lapic_accept(l, msg->delivery, msg->vector, msg->level_triggered);
    }
    if (lowest >= 0) {
        accepted = vdev_lapic_accept(&intc->lapic[lowest], msg->delivery, msg->vector,
                                     msg->level_triggered);
    }
    return accepted;
}

static bool ioapic_deliver(void *context, const vdev_apic_msg_t *msg)
{
    return route(context, NULL, msg);
}

static void lapic_ipi(void *context, vdev_lapic_t *from, const vdev_apic_msg_t *msg)
{
    route(context, from, msg);
}

static void lapic_eoi(void *context, uint8_t vector)
{
    vdev_intc_t *intc = context;

    vdev_ioapic_eoi(&intc->ioapic, vector);
}

void vdev_intc_init(vdev_intc_t *intc, const vdev_intc_config_t *config)
{
    vdev_lapic_owner_t owner = {.ipi = lapic_ipi, .eoi = lapic_eoi, .context = intc};
    unsigned vcpus = config->vcpus;

    *intc = (vdev_intc_t){0};
    if (vcpus == 0 || vcpus > VDEV_VCPUS_MAX) {
        vcpus = 1;
    }
    intc->vcpus = vcpus;
    vdev_pic_init(&intc->pic);
    /* ISA pins idle low; PCI pins (active low) idle high. */
    vdev_ioapic_init(&intc->ioapic, config->ioapic_id, 0xffu << VDEV_PCI_GSI_FIRST, ioapic_deliver,
                     intc);
    for (unsigned i = 0; i < vcpus; i++) {
        vdev_lapic_config_t lapic = config->lapic;

        lapic.id = config->lapic.id + i;
        lapic.bsp = i == 0;
        vdev_lapic_init(&intc->lapic[i], &lapic, &owner);
    }
}

void vdev_intc_set_isa_irq(vdev_intc_t *intc, unsigned irq, bool level)
{
    if (irq >= VDEV_ISA_IRQS) {
        return;
    }
    vdev_pic_set_irq(&intc->pic, irq, level);
    if (irq == PIT_IRQ) {
        vdev_ioapic_set_pin(&intc->ioapic, PIT_GSI, level);
    } else if (irq != VDEV_PIC_CASCADE_IRQ) {
        vdev_ioapic_set_pin(&intc->ioapic, irq, level);
    }
    update_intr(intc);
}

static void isa_line_set(void *context, unsigned number, bool level)
{
    vdev_intc_set_isa_irq(context, number, level);
}

vdev_line_t vdev_intc_isa_line(vdev_intc_t *intc, unsigned irq)
{
    return (vdev_line_t){.set = isa_line_set, .context = intc, .number = irq};
}

void vdev_intc_set_gsi(vdev_intc_t *intc, unsigned gsi, bool asserted)
{
    if (gsi < VDEV_PCI_GSI_FIRST || gsi >= VDEV_IOAPIC_PINS) {
        return;
    }
    vdev_ioapic_set_pin(&intc->ioapic, gsi, !asserted);
}

bool vdev_intc_msi(vdev_intc_t *intc, uint64_t address, uint32_t data)
{
    vdev_apic_msg_t msg = {
            .destination = (uint32_t)(address >> 12) & 0xffu,
            .vector = (uint8_t)data,
            .delivery = (uint8_t)((data >> 8) & 7u),
            .shorthand = VDEV_APIC_DEST_FIELD,
            .logical = (address & MSI_LOGICAL) != 0,
            .level_triggered = (data & MSI_LEVEL) != 0,
            .assert = true,
    };

    if ((address & MSI_ADDRESS_MASK) != MSI_ADDRESS ||
        (msg.delivery != VDEV_APIC_FIXED && msg.delivery != VDEV_APIC_LOWEST &&
         msg.delivery != VDEV_APIC_NMI) ||
        !route(intc, NULL, &msg)) {
        intc->msi_dropped++;
        return false;
    }
    return true;
}

void vdev_intc_nmi(vdev_intc_t *intc)
{
    for (unsigned i = 0; i < intc->vcpus; i++) {
        vdev_lapic_set_lint(&intc->lapic[i], 1, true);
        vdev_lapic_set_lint(&intc->lapic[i], 1, false);
    }
}

void vdev_intc_pending(const vdev_intc_t *intc, unsigned vcpu,
                       const vdev_cpu_interruptibility_t *cpu, vdev_intr_t *out)
{
    const vdev_lapic_t *l;
    bool extint;
    int fixed;

    *out = (vdev_intr_t){.kind = VDEV_INTR_NONE};
    if (vcpu >= intc->vcpus) {
        return;
    }
    l = &intc->lapic[vcpu];
    extint = vdev_lapic_takes_extint(l) && vdev_pic_output(&intc->pic);
    fixed = vdev_lapic_pending_vector(l);
    if (l->nmi_pending) {
        if (!cpu->nmi_blocked && !cpu->interrupt_shadow) {
            out->kind = VDEV_INTR_NMI;
            out->vector = VDEV_NMI_VECTOR;
        } else {
            out->nmi_window = true;
        }
    }
    if (!extint && fixed < 0) {
        return;
    }
    if (out->kind != VDEV_INTR_NONE || !cpu->interrupts_enabled || cpu->interrupt_shadow) {
        out->irq_window = true;
    } else if (extint) {
        out->kind = VDEV_INTR_EXTINT;
        out->vector = vdev_pic_peek_vector(&intc->pic);
    } else {
        out->kind = VDEV_INTR_FIXED;
        out->vector = (uint8_t)fixed;
    }
}

uint8_t vdev_intc_ack(vdev_intc_t *intc, unsigned vcpu, vdev_intr_kind_t kind)
{
    vdev_lapic_t *l;
    uint8_t vector;

    if (vcpu >= intc->vcpus || kind == VDEV_INTR_NONE || kind >= VDEV_INTR_KINDS) {
        return 0;
    }
    l = &intc->lapic[vcpu];
    intc->injected[kind]++;
    switch (kind) {
    case VDEV_INTR_NMI:
        l->nmi_pending = false;
        return VDEV_NMI_VECTOR;
    case VDEV_INTR_EXTINT:
        vector = vdev_pic_ack(&intc->pic);
        update_intr(intc);
        return vector;
    default:
        return vdev_lapic_ack(l);
    }
}

uint8_t vdev_intc_pic_read(vdev_intc_t *intc, unsigned chip, unsigned offset)
{
    uint8_t value = vdev_pic_read(&intc->pic, chip, offset);

    update_intr(intc); /* a poll acknowledges */
    return value;
}

void vdev_intc_pic_write(vdev_intc_t *intc, unsigned chip, unsigned offset, uint8_t value)
{
    vdev_pic_write(&intc->pic, chip, offset, value);
    update_intr(intc);
}

uint8_t vdev_intc_elcr_read(vdev_intc_t *intc, unsigned chip)
{
    return vdev_pic_elcr_read(&intc->pic, chip);
}

void vdev_intc_elcr_write(vdev_intc_t *intc, unsigned chip, uint8_t value)
{
    vdev_pic_elcr_write(&intc->pic, chip, value);
    update_intr(intc);
}

uint64_t vdev_intc_next_deadline(const vdev_intc_t *intc, uint64_t now)
{
    uint64_t deadline = VDEV_NO_DEADLINE;

    for (unsigned i = 0; i < intc->vcpus; i++) {
        deadline = vdev_min_deadline(deadline, vdev_lapic_next_deadline(&intc->lapic[i], now));
    }
    return deadline;
}

void vdev_intc_advance(vdev_intc_t *intc, uint64_t now)
{
    for (unsigned i = 0; i < intc->vcpus; i++) {
        vdev_lapic_advance(&intc->lapic[i], now);
    }
}
