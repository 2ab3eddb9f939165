/*
 * The local APIC's registers as the guest reaches them: the xAPIC page and the x2APIC MSRs.
 * One decoder serves both; `x2apic` selects the x2APIC rules (reserved addresses, RsvdZ bits,
 * read-only and write-only registers raise #GP instead of being ignored). Each register write
 * is checked completely before anything changes.
 */
#include "lapic_internal.h"

#define ICR_WRITABLE      0x000ccfffu /* vector, delivery, destination mode, level, trigger, shorthand */
#define ICR_LOGICAL       (1u << 11)
#define ICR_ASSERT        (1u << 14)
#define ICR_LEVEL         (1u << 15)
#define SVR_WRITABLE      0x3ffu
#define DIVIDE_WRITABLE   0xbu
#define ID_XAPIC_MASK     0xff000000u
#define DFR_RESERVED_ONES 0x0fffffffu

static bool in_set(uint32_t offset, uint32_t first)
{
    return offset >= first && offset < first + 0x80u;
}

static uint32_t lvt_writable(const vdev_lapic_t *lapic, unsigned index)
{
    switch (index) {
    case VDEV_LVT_TIMER_INDEX:
        return VDEV_LVT_VECTOR | VDEV_LVT_MASKED | VDEV_LVT_TIMER_PERIODIC |
               (lapic->config.tsc_deadline ? VDEV_LVT_TIMER_TSC_DEADLINE : 0u);
    case VDEV_LVT_LINT0_INDEX:
    case VDEV_LVT_LINT1_INDEX:
        return VDEV_LVT_VECTOR | VDEV_LVT_DELIVERY | VDEV_LVT_ACTIVE_LOW | VDEV_LVT_LEVEL |
               VDEV_LVT_MASKED;
    case VDEV_LVT_ERROR_INDEX:
        return VDEV_LVT_VECTOR | VDEV_LVT_MASKED;
    default: /* thermal, performance counters */
        return VDEV_LVT_VECTOR | VDEV_LVT_DELIVERY | VDEV_LVT_MASKED;
    }
}

/* Read-only LVT bits: delivery status everywhere, remote IRR on the LINT entries. */
static uint32_t lvt_read_only(unsigned index)
{
    if (index == VDEV_LVT_LINT0_INDEX || index == VDEV_LVT_LINT1_INDEX) {
        return VDEV_LVT_PENDING | VDEV_LVT_REMOTE_IRR;
    }
    return VDEV_LVT_PENDING;
}

static uint8_t apr(const vdev_lapic_t *lapic)
{
    int irrv = vdev_lapic_highest(lapic->irr);
    int isrv = vdev_lapic_highest(lapic->isr);
    uint32_t tpr_class = lapic->tpr & 0xf0u;
    uint32_t irr_class = irrv < 0 ? 0 : (uint32_t)irrv & 0xf0u;
    uint32_t isr_class = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0u;

    if (tpr_class >= irr_class && tpr_class > isr_class) {
        return (uint8_t)lapic->tpr;
    }
    return (uint8_t)(irr_class > isr_class ? (irr_class > tpr_class ? irr_class : tpr_class)
                                           : (isr_class > tpr_class ? isr_class : tpr_class));
}

static bool read_xapic_only(const vdev_lapic_t *lapic, uint32_t offset, uint64_t *value)
{
    switch (offset) {
    case VDEV_LAPIC_APR:
        *value = apr(lapic);
        return true;
    case VDEV_LAPIC_EOI:
    case VDEV_LAPIC_RRD:
        *value = 0;
        return true;
    case VDEV_LAPIC_DFR:
        *value = lapic->dfr | DFR_RESERVED_ONES;
        return true;
    case VDEV_LAPIC_ICR_HIGH:
        *value = lapic->icr_high;
        return true;
    default:
        return false;
    }
}

bool vdev_lapic_register_read(vdev_lapic_t *lapic, uint32_t offset, bool x2apic, uint64_t *value,
                              uint64_t now)
{
    *value = 0;
    if (in_set(offset, VDEV_LAPIC_ISR) || in_set(offset, VDEV_LAPIC_TMR) ||
        in_set(offset, VDEV_LAPIC_IRR)) {
        const uint32_t *set = in_set(offset, VDEV_LAPIC_ISR)   ? lapic->isr
                              : in_set(offset, VDEV_LAPIC_TMR) ? lapic->tmr
                                                               : lapic->irr;
        *value = set[(offset & 0x7fu) >> 4];
        return true;
    }
    if (offset >= VDEV_LAPIC_LVT_TIMER && offset <= VDEV_LAPIC_LVT_ERROR) {
        *value = lapic->lvt[(offset - VDEV_LAPIC_LVT_TIMER) >> 4];
        return true;
    }
    switch (offset) {
    case VDEV_LAPIC_ID:
        *value = x2apic ? lapic->config.id : lapic->xapic_id;
        return true;
    case VDEV_LAPIC_VER:
        *value = VDEV_LAPIC_VERSION;
        return true;
    case VDEV_LAPIC_TPR:
        *value = lapic->tpr;
        return true;
    case VDEV_LAPIC_PPR:
        *value = vdev_lapic_ppr(lapic);
        return true;
    case VDEV_LAPIC_LDR:
        *value = lapic->ldr;
        return true;
    case VDEV_LAPIC_SVR:
        *value = lapic->svr;
        return true;
    case VDEV_LAPIC_ESR:
        *value = lapic->esr;
        return true;
    case VDEV_LAPIC_ICR_LOW:
        *value = lapic->icr_low | (x2apic ? (uint64_t)lapic->icr_high << 32 : 0);
        return true;
    case VDEV_LAPIC_TIMER_INITIAL:
        *value = lapic->timer_initial;
        return true;
    case VDEV_LAPIC_TIMER_CURRENT:
        *value = vdev_lapic_timer_current(lapic, now);
        return true;
    case VDEV_LAPIC_TIMER_DIVIDE:
        *value = lapic->timer_divide;
        return true;
    default:
        break;
    }
    if (!x2apic && read_xapic_only(lapic, offset, value)) {
        return true;
    }
    if (!x2apic) {
        vdev_lapic_signal_error(lapic, VDEV_ESR_ILLEGAL_REGISTER);
    }
    return false; /* x2APIC: #GP; xAPIC: reads 0 */
}

/* Sends what the ICR describes. */
static void send_ipi(vdev_lapic_t *lapic, uint32_t low, uint32_t destination, bool wide)
{
    vdev_apic_msg_t msg = {
            .destination = destination,
            .vector = (uint8_t)low,
            .delivery = (uint8_t)((low >> 8) & 7u),
            .shorthand = (uint8_t)((low >> 18) & 3u),
            .logical = (low & ICR_LOGICAL) != 0,
            .level_triggered = (low & ICR_LEVEL) != 0,
            .assert = (low & ICR_ASSERT) != 0,
            .wide = wide,
    };

    if ((msg.delivery == VDEV_APIC_FIXED || msg.delivery == VDEV_APIC_LOWEST) && msg.vector < 16) {
        vdev_lapic_signal_error(lapic, VDEV_ESR_SEND_ILLEGAL);
        return;
    }
    if (msg.delivery == VDEV_APIC_INIT && !msg.assert && msg.level_triggered) {
        return; /* INIT level de-assert: a bus synchronisation, nothing to deliver */
    }
    if (msg.shorthand == VDEV_APIC_DEST_SELF) {
        if (msg.delivery == VDEV_APIC_FIXED) {
            vdev_lapic_accept(lapic, VDEV_APIC_FIXED, msg.vector, false);
        }
        return; /* self with another delivery mode is invalid: nothing happens */
    }
    if (lapic->owner.ipi != NULL) {
        lapic->owner.ipi(lapic->owner.context, lapic, &msg);
    } else if (msg.shorthand == VDEV_APIC_DEST_ALL ||
               (msg.shorthand == VDEV_APIC_DEST_FIELD && vdev_lapic_matches(lapic, &msg))) {
        vdev_lapic_accept(lapic, msg.delivery, msg.vector, msg.level_triggered);
    }
}

static void write_svr(vdev_lapic_t *lapic, uint32_t value)
{
    lapic->svr = value & SVR_WRITABLE;
    if (!lapic_software_enabled(lapic)) {
        for (unsigned i = 0; i < VDEV_LVT_COUNT; i++) {
            lapic->lvt[i] |= VDEV_LVT_MASKED;
        }
    }
}

static void write_lvt(vdev_lapic_t *lapic, unsigned index, uint32_t value, uint64_t now)
{
    uint32_t writable = lvt_writable(lapic, index);
    uint32_t next = (lapic->lvt[index] & lvt_read_only(index)) | (value & writable);

    if (!lapic_software_enabled(lapic)) {
        next |= VDEV_LVT_MASKED;
    }
    if (index == VDEV_LVT_TIMER_INDEX) {
        vdev_lapic_timer_write_lvt(lapic, next, now);
        return;
    }
    if ((index == VDEV_LVT_LINT0_INDEX || index == VDEV_LVT_LINT1_INDEX) &&
        !(next & VDEV_LVT_LEVEL)) {
        next &= ~VDEV_LVT_REMOTE_IRR;
    }
    lapic->lvt[index] = next;
    if (index == VDEV_LVT_LINT0_INDEX || index == VDEV_LVT_LINT1_INDEX) {
        unsigned pin = index - VDEV_LVT_LINT0_INDEX;
        vdev_lapic_set_lint(lapic, pin, lapic->lint_level[pin]); /* a held level counts now */
    }
}

/* The x2APIC check: false (#GP) for writes the x2APIC rules refuse. No state changes. */
static bool x2apic_write_allowed(const vdev_lapic_t *lapic, uint32_t offset, uint64_t value)
{
    uint64_t allowed;

    if (offset >= VDEV_LAPIC_LVT_TIMER && offset <= VDEV_LAPIC_LVT_ERROR) {
        unsigned index = (offset - VDEV_LAPIC_LVT_TIMER) >> 4;
        allowed = lvt_writable(lapic, index) | lvt_read_only(index);
        return (value & ~allowed) == 0;
    }
    switch (offset) {
    case VDEV_LAPIC_TPR:
        allowed = 0xffu;
        break;
    case VDEV_LAPIC_EOI:
    case VDEV_LAPIC_ESR:
        allowed = 0;
        break;
    case VDEV_LAPIC_SVR:
        allowed = SVR_WRITABLE;
        break;
    case VDEV_LAPIC_ICR_LOW:
        allowed = 0xffffffff00000000ull | ICR_WRITABLE;
        break;
    case VDEV_LAPIC_TIMER_INITIAL:
        allowed = UINT32_MAX;
        break;
    case VDEV_LAPIC_TIMER_DIVIDE:
        allowed = DIVIDE_WRITABLE;
        break;
    case VDEV_LAPIC_SELF_IPI:
        allowed = 0xffu;
        break;
    default:
        return false; /* read-only, reserved, or absent in x2APIC mode */
    }
    return (value & ~allowed) == 0;
}

static bool write_xapic_only(vdev_lapic_t *lapic, uint32_t offset, uint32_t value)
{
    switch (offset) {
    case VDEV_LAPIC_ID:
        lapic->xapic_id = value & ID_XAPIC_MASK;
        return true;
    case VDEV_LAPIC_LDR:
        lapic->ldr = value & ID_XAPIC_MASK;
        return true;
    case VDEV_LAPIC_DFR:
        lapic->dfr = value | DFR_RESERVED_ONES;
        return true;
    case VDEV_LAPIC_ICR_HIGH:
        lapic->icr_high = value & ID_XAPIC_MASK;
        return true;
    case VDEV_LAPIC_VER:
    case VDEV_LAPIC_APR:
    case VDEV_LAPIC_PPR:
    case VDEV_LAPIC_RRD:
    case VDEV_LAPIC_TIMER_CURRENT:
        return true; /* read-only: the write is ignored */
    default:
        if (in_set(offset, VDEV_LAPIC_ISR) || in_set(offset, VDEV_LAPIC_TMR) ||
            in_set(offset, VDEV_LAPIC_IRR)) {
            return true;
        }
        return false;
    }
}

bool vdev_lapic_register_write(vdev_lapic_t *lapic, uint32_t offset, bool x2apic, uint64_t value,
                               uint64_t now)
{
    uint32_t low = (uint32_t)value;

    if (x2apic && !x2apic_write_allowed(lapic, offset, value)) {
        return false;
    }
    if (offset >= VDEV_LAPIC_LVT_TIMER && offset <= VDEV_LAPIC_LVT_ERROR) {
        write_lvt(lapic, (offset - VDEV_LAPIC_LVT_TIMER) >> 4, low, now);
        return true;
    }
    switch (offset) {
    case VDEV_LAPIC_TPR:
        lapic->tpr = low & 0xffu;
        return true;
    case VDEV_LAPIC_EOI:
        vdev_lapic_eoi(lapic);
        return true;
    case VDEV_LAPIC_SVR:
        write_svr(lapic, low);
        return true;
    case VDEV_LAPIC_ESR:
        lapic->esr = lapic->esr_pending;
        lapic->esr_pending = 0;
        return true;
    case VDEV_LAPIC_ICR_LOW:
        lapic->icr_low = low & ICR_WRITABLE;
        if (x2apic) {
            lapic->icr_high = (uint32_t)(value >> 32);
            send_ipi(lapic, lapic->icr_low, lapic->icr_high, true);
        } else {
            send_ipi(lapic, lapic->icr_low, lapic->icr_high >> 24, false);
        }
        return true;
    case VDEV_LAPIC_TIMER_INITIAL:
        vdev_lapic_timer_write_initial(lapic, low, now);
        return true;
    case VDEV_LAPIC_TIMER_DIVIDE:
        vdev_lapic_timer_write_divide(lapic, low, now);
        return true;
    case VDEV_LAPIC_SELF_IPI:
        if (!x2apic) {
            break; /* no such register in xAPIC mode */
        }
        vdev_lapic_accept(lapic, VDEV_APIC_FIXED, (uint8_t)low, false);
        return true;
    default:
        break;
    }
    if (!x2apic) {
        if (write_xapic_only(lapic, offset, low)) {
            return true;
        }
        vdev_lapic_signal_error(lapic, VDEV_ESR_ILLEGAL_REGISTER);
    }
    return false;
}

uint64_t vdev_lapic_mmio_read(vdev_lapic_t *lapic, uint64_t offset, unsigned size, uint64_t now)
{
    uint64_t within = offset & 0xfu;
    uint64_t value;

    if (lapic->mode != VDEV_LAPIC_XAPIC || offset >= VDEV_LAPIC_PAGE) {
        return UINT64_MAX;
    }
    if (within >= 4) {
        return 0;
    }
    vdev_lapic_register_read(lapic, (uint32_t)(offset - within), false, &value, now);
    value = (value & UINT32_MAX) >> (8 * within); /* bytes past the dword read as 0 */
    return size >= 4 ? value : value & ((1ull << (8 * size)) - 1);
}

void vdev_lapic_mmio_write(vdev_lapic_t *lapic, uint64_t offset, unsigned size, uint64_t value,
                           uint64_t now)
{
    if (lapic->mode != VDEV_LAPIC_XAPIC || offset >= VDEV_LAPIC_PAGE) {
        return;
    }
    if (size != 4 || (offset & 0xfu) != 0) {
        lapic->bad_accesses++;
        return;
    }
    vdev_lapic_register_write(lapic, (uint32_t)offset, false, value & UINT32_MAX, now);
}

bool vdev_lapic_msr_read(vdev_lapic_t *lapic, uint32_t msr, uint64_t *value, uint64_t now)
{
    *value = 0;
    if (msr == VDEV_TSC_DEADLINE_MSR) {
        if (!lapic->config.tsc_deadline) {
            return false;
        }
        *value = vdev_lapic_tsc_deadline_read(lapic, now);
        return true;
    }
    if (msr < VDEV_X2APIC_MSR_FIRST || msr > VDEV_X2APIC_MSR_LAST ||
        lapic->mode != VDEV_LAPIC_X2APIC) {
        return false;
    }
    return vdev_lapic_register_read(lapic, (msr - VDEV_X2APIC_MSR_FIRST) << 4, true, value, now);
}

bool vdev_lapic_msr_write(vdev_lapic_t *lapic, uint32_t msr, uint64_t value, uint64_t now)
{
    if (msr == VDEV_TSC_DEADLINE_MSR) {
        if (!lapic->config.tsc_deadline) {
            return false;
        }
        vdev_lapic_tsc_deadline_write(lapic, value, now);
        return true;
    }
    if (msr < VDEV_X2APIC_MSR_FIRST || msr > VDEV_X2APIC_MSR_LAST ||
        lapic->mode != VDEV_LAPIC_X2APIC) {
        return false;
    }
    return vdev_lapic_register_write(lapic, (msr - VDEV_X2APIC_MSR_FIRST) << 4, true, value, now);
}

uint32_t vdev_lapic_read_register(vdev_lapic_t *lapic, uint32_t offset, uint64_t now)
{
    uint64_t value = 0;

    vdev_lapic_register_read(lapic, offset, lapic->mode == VDEV_LAPIC_X2APIC, &value, now);
    return (uint32_t)value;
}
