/*
 * The local APIC's core: reset state, IA32_APIC_BASE and its mode transitions, acceptance of
 * interrupt messages, priority arbitration, INTA and EOI, the LINT pins and destination
 * matching. Register decoding lives in lapic_regs.c, the timer in lapic_timer.c. Nothing here
 * knows about other APICs: IPIs and level EOIs leave through the owner's callbacks.
 */
#include "lapic_internal.h"

#define BASE_ADDRESS_LOW 12u
#define BASE_RESERVED    0x2ffull /* bits 0-7 and 9 */

int vdev_lapic_highest(const uint32_t *set)
{
    for (int word = 7; word >= 0; word--) {
        if (set[word] != 0) {
            return word * 32 + (31 - __builtin_clz(set[word]));
        }
    }
    return -1;
}

static uint32_t x2apic_ldr(uint32_t id)
{
    return ((id >> 4) << 16) | (1u << (id & 0xfu));
}

void vdev_lapic_reset_registers(vdev_lapic_t *lapic, bool virtual_wire)
{
    lapic->xapic_id = (lapic->config.id & 0xffu) << 24;
    lapic->tpr = 0;
    lapic->ldr = lapic->mode == VDEV_LAPIC_X2APIC ? x2apic_ldr(lapic->config.id) : 0;
    lapic->dfr = UINT32_MAX;
    lapic->svr = 0xff;
    lapic->esr = 0;
    lapic->esr_pending = 0;
    lapic->icr_low = 0;
    lapic->icr_high = 0;
    for (unsigned i = 0; i < VDEV_LVT_COUNT; i++) {
        lapic->lvt[i] = VDEV_LVT_MASKED;
    }
    if (virtual_wire) {
        lapic->lvt[VDEV_LVT_LINT0_INDEX] = VDEV_APIC_EXTINT << 8;
    }
    for (unsigned i = 0; i < 8; i++) {
        lapic->isr[i] = 0;
        lapic->tmr[i] = 0;
        lapic->irr[i] = 0;
    }
    lapic->timer_initial = 0;
    lapic->timer_divide = 0;
    lapic->tsc_deadline = 0;
    vdev_lapic_timer_stop(lapic);
    lapic->nmi_pending = false;
}

void vdev_lapic_init(vdev_lapic_t *lapic, const vdev_lapic_config_t *config,
                     const vdev_lapic_owner_t *owner)
{
    *lapic = (vdev_lapic_t){0};
    lapic->config = *config;
    if (lapic->config.phys_addr_bits < 36 || lapic->config.phys_addr_bits > 52) {
        lapic->config.phys_addr_bits = 36;
    }
    if (owner != NULL) {
        lapic->owner = *owner;
    }
    lapic->mode = VDEV_LAPIC_XAPIC;
    lapic->apic_base = VDEV_LAPIC_DEFAULT_BASE | VDEV_APIC_BASE_ENABLE |
                       (config->bsp ? VDEV_APIC_BASE_BSP : 0);
    vdev_lapic_reset_registers(lapic, config->lint0_virtual_wire && config->bsp);
}

void vdev_lapic_set_tsc(vdev_lapic_t *lapic, uint64_t tsc_at_zero, uint64_t tsc_hz, uint64_t now)
{
    vdev_lapic_advance(lapic, now);
    lapic->config.tsc_at_zero = tsc_at_zero;
    lapic->config.tsc_hz = tsc_hz;
    vdev_lapic_advance(lapic, now);
}

uint64_t vdev_lapic_base(const vdev_lapic_t *lapic)
{
    return lapic->apic_base;
}

uint64_t vdev_lapic_mmio_base(const vdev_lapic_t *lapic)
{
    uint64_t top = (1ull << lapic->config.phys_addr_bits) - 1;

    return lapic->apic_base & top & ~((1ull << BASE_ADDRESS_LOW) - 1);
}

static vdev_lapic_mode_t mode_of(uint64_t base)
{
    if (!(base & VDEV_APIC_BASE_ENABLE)) {
        return VDEV_LAPIC_DISABLED;
    }
    return (base & VDEV_APIC_BASE_EXTD) ? VDEV_LAPIC_X2APIC : VDEV_LAPIC_XAPIC;
}

bool vdev_lapic_write_base(vdev_lapic_t *lapic, uint64_t value, uint64_t now)
{
    uint64_t reserved = BASE_RESERVED | ~((1ull << lapic->config.phys_addr_bits) - 1);
    vdev_lapic_mode_t from = lapic->mode;
    vdev_lapic_mode_t to = mode_of(value);

    if (!lapic->config.x2apic) {
        reserved |= VDEV_APIC_BASE_EXTD;
    }
    /* Check: reserved bits, the invalid state EN=0 EXTD=1, and the two forbidden edges. */
    if ((value & reserved & ~VDEV_APIC_BASE_BSP) != 0 ||
        ((value & VDEV_APIC_BASE_EXTD) && !(value & VDEV_APIC_BASE_ENABLE)) ||
        (from == VDEV_LAPIC_X2APIC && to == VDEV_LAPIC_XAPIC) ||
        (from == VDEV_LAPIC_DISABLED && to == VDEV_LAPIC_X2APIC)) {
        return false;
    }
    /* Act. */
    vdev_lapic_advance(lapic, now);
    lapic->apic_base = (value & ~VDEV_APIC_BASE_BSP) | (lapic->apic_base & VDEV_APIC_BASE_BSP);
    lapic->mode = to;
    if (to == VDEV_LAPIC_DISABLED || from == VDEV_LAPIC_DISABLED) {
        /* Leaving or entering the disabled state: everything but the IDs starts afresh. */
        vdev_lapic_reset_registers(lapic, false);
    } else if (from == VDEV_LAPIC_XAPIC && to == VDEV_LAPIC_X2APIC) {
        lapic->ldr = x2apic_ldr(lapic->config.id);
    }
    return true;
}

static void eoi_level(vdev_lapic_t *lapic, uint8_t vector)
{
    /* A LINT pin in level mode waits for this EOI before it can deliver again. */
    for (unsigned pin = 0; pin < 2; pin++) {
        uint32_t *lvt = &lapic->lvt[VDEV_LVT_LINT0_INDEX + pin];

        if ((*lvt & VDEV_LVT_REMOTE_IRR) && (uint8_t)(*lvt & VDEV_LVT_VECTOR) == vector) {
            *lvt &= ~VDEV_LVT_REMOTE_IRR;
            vdev_lapic_set_lint(lapic, pin, lapic->lint_level[pin]);
        }
    }
    if (lapic->owner.eoi != NULL) {
        lapic->owner.eoi(lapic->owner.context, vector);
    }
}

void vdev_lapic_eoi(vdev_lapic_t *lapic)
{
    int vector = vdev_lapic_highest(lapic->isr);

    if (vector < 0) {
        return;
    }
    lapic_bit_clear(lapic->isr, (uint8_t)vector);
    if (lapic_bit_test(lapic->tmr, (uint8_t)vector)) {
        eoi_level(lapic, (uint8_t)vector);
    }
}

void vdev_lapic_signal_error(vdev_lapic_t *lapic, uint32_t bits)
{
    uint32_t fresh = bits & ~lapic->esr_pending;

    lapic->esr_pending |= bits;
    if (fresh != 0 && !lapic_lvt_masked(lapic, VDEV_LVT_ERROR_INDEX)) {
        vdev_lapic_local_interrupt(lapic, (uint8_t)lapic->lvt[VDEV_LVT_ERROR_INDEX], false);
    }
}

static void take_fixed(vdev_lapic_t *lapic, uint8_t vector, bool level_triggered)
{
    lapic_bit_set(lapic->irr, vector);
    if (level_triggered) {
        lapic_bit_set(lapic->tmr, vector);
    } else {
        lapic_bit_clear(lapic->tmr, vector);
    }
    lapic->accepted++;
}

void vdev_lapic_local_interrupt(vdev_lapic_t *lapic, uint8_t vector, bool level_triggered)
{
    if (vector < 16) {
        vdev_lapic_signal_error(lapic, VDEV_ESR_RECEIVE_ILLEGAL);
        return;
    }
    take_fixed(lapic, vector, level_triggered);
}

bool vdev_lapic_accept(vdev_lapic_t *lapic, unsigned delivery, uint8_t vector, bool level_triggered)
{
    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        return false;
    }
    switch (delivery) {
    case VDEV_APIC_FIXED:
    case VDEV_APIC_LOWEST:
        if (!lapic_software_enabled(lapic)) {
            return false;
        }
        if (vector < 16) {
            vdev_lapic_signal_error(lapic, VDEV_ESR_RECEIVE_ILLEGAL);
            return false;
        }
        take_fixed(lapic, vector, level_triggered);
        return true;
    case VDEV_APIC_NMI:
        lapic->nmi_pending = true;
        return true;
    case VDEV_APIC_INIT:
        lapic->init_pending = true;
        return true;
    case VDEV_APIC_STARTUP:
        lapic->sipi_pending = true;
        lapic->sipi_vector = vector;
        return true;
    default:
        return false;
    }
}

bool vdev_lapic_matches(const vdev_lapic_t *lapic, const vdev_apic_msg_t *msg)
{
    uint32_t dest = msg->destination;

    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        return false;
    }
    if (lapic->mode == VDEV_LAPIC_X2APIC) {
        uint32_t broadcast = msg->wide ? UINT32_MAX : 0xffu;

        if (dest == broadcast) {
            return true;
        }
        if (!msg->logical) {
            return dest == lapic->config.id;
        }
        return (dest >> 16) == (lapic->ldr >> 16) && (dest & lapic->ldr & 0xffffu) != 0;
    }
    dest &= 0xffu;
    if (dest == 0xffu) {
        return true;
    }
    if (!msg->logical) {
        return dest == lapic->xapic_id >> 24;
    }
    uint32_t logical = lapic->ldr >> 24;
    if ((lapic->dfr >> 28) == 0xfu) { /* flat model */
        return (dest & logical) != 0;
    }
    /* cluster model: cluster in the high nibble (15 reaches every cluster), members below */
    return ((dest >> 4) == 0xfu || (dest >> 4) == (logical >> 4)) && (dest & logical & 0xfu) != 0;
}

void vdev_lapic_set_lint(vdev_lapic_t *lapic, unsigned pin, bool level)
{
    uint32_t *lvt;
    bool was;
    bool active;
    unsigned delivery;

    if (pin > 1) {
        return;
    }
    was = lapic->lint_level[pin];
    lapic->lint_level[pin] = level;
    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        /* Without the APIC, LINT1 is the NMI pin (LINT0 is INTR: vdev_lapic_takes_extint). */
        if (pin == 1 && level && !was) {
            lapic->nmi_pending = true;
        }
        return;
    }
    lvt = &lapic->lvt[VDEV_LVT_LINT0_INDEX + pin];
    if (lapic_lvt_masked(lapic, VDEV_LVT_LINT0_INDEX + pin)) {
        return;
    }
    delivery = (*lvt & VDEV_LVT_DELIVERY) >> 8;
    active = level != ((*lvt & VDEV_LVT_ACTIVE_LOW) != 0);
    bool was_active = was != ((*lvt & VDEV_LVT_ACTIVE_LOW) != 0);
    if (delivery == VDEV_APIC_NMI) {
        if (active && !was_active) {
            lapic->nmi_pending = true;
        }
    } else if (delivery == VDEV_APIC_FIXED) {
        if (*lvt & VDEV_LVT_LEVEL) {
            if (active && !(*lvt & VDEV_LVT_REMOTE_IRR)) {
                *lvt |= VDEV_LVT_REMOTE_IRR;
                vdev_lapic_local_interrupt(lapic, (uint8_t)*lvt, true);
            }
        } else if (active && !was_active) {
            vdev_lapic_local_interrupt(lapic, (uint8_t)*lvt, false);
        }
    }
    /* ExtINT: nothing is latched; the CPU asks the 8259 when it takes the interrupt. */
}

uint8_t vdev_lapic_ppr(const vdev_lapic_t *lapic)
{
    int isrv = vdev_lapic_highest(lapic->isr);
    uint32_t tpr = lapic->tpr & 0xffu;
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;

    return (uint8_t)((tpr & 0xf0u) >= isr_class ? tpr : isr_class);
}

int vdev_lapic_pending_vector(const vdev_lapic_t *lapic)
{
    int irrv;

    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        return -1;
    }
    irrv = vdev_lapic_highest(lapic->irr);
    if (irrv < 0 || ((uint32_t)irrv & 0xf0u) <= (vdev_lapic_ppr(lapic) & 0xf0u)) {
        return -1;
    }
    return irrv;
}

uint8_t vdev_lapic_cr8(const vdev_lapic_t *lapic)
{
    return (uint8_t)((lapic->tpr >> 4) & 0xfu);
}

void vdev_lapic_write_cr8(vdev_lapic_t *lapic, uint8_t priority_class)
{
    lapic->tpr = (uint32_t)(priority_class & 0xfu) << 4;
}

uint8_t vdev_lapic_ack(vdev_lapic_t *lapic)
{
    int vector = vdev_lapic_pending_vector(lapic);

    if (vector < 0) {
        return (uint8_t)(lapic->svr & 0xffu);
    }
    lapic_bit_clear(lapic->irr, (uint8_t)vector);
    lapic_bit_set(lapic->isr, (uint8_t)vector);
    return (uint8_t)vector;
}

bool vdev_lapic_takes_extint(const vdev_lapic_t *lapic)
{
    uint32_t lint0 = lapic->lvt[VDEV_LVT_LINT0_INDEX];

    if (lapic->mode == VDEV_LAPIC_DISABLED) {
        return true;
    }
    return !(lint0 & VDEV_LVT_MASKED) && ((lint0 & VDEV_LVT_DELIVERY) >> 8) == VDEV_APIC_EXTINT;
}
