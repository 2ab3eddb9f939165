/*
 * The I/O APIC: redirection entries, edge and level delivery with remote IRR, and its register
 * window. It sends messages through the owner's deliver callback and never calls into a local
 * APIC itself.
 */
#include <vdev/ioapic.h>

#define REG_ID          0x00u
#define REG_VERSION     0x01u
#define REG_ARBITRATION 0x02u
#define REG_REDIR_BASE  0x10u
#define ID_MASK         0x0f000000u
#define LOW_WRITABLE                                                                               \
    (VDEV_IOAPIC_VECTOR | VDEV_IOAPIC_DELIVERY | VDEV_IOAPIC_LOGICAL | VDEV_IOAPIC_ACTIVE_LOW |    \
     VDEV_IOAPIC_LEVEL | VDEV_IOAPIC_MASKED)
#define HIGH_WRITABLE (0xffull << VDEV_IOAPIC_DEST_SHIFT)

#define OFFSET_SELECT 0x00u
#define OFFSET_WINDOW 0x10u
#define OFFSET_EOI    0x40u

void vdev_ioapic_init(vdev_ioapic_t *ioapic, uint8_t id, uint32_t idle_levels,
                      vdev_ioapic_deliver_fn deliver, void *context)
{
    *ioapic = (vdev_ioapic_t){0};
    ioapic->id = ((uint32_t)id << 24) & ID_MASK;
    for (unsigned pin = 0; pin < VDEV_IOAPIC_PINS; pin++) {
        ioapic->entry[pin] = VDEV_IOAPIC_MASKED;
    }
    ioapic->levels = idle_levels & ((1u << VDEV_IOAPIC_PINS) - 1u);
    ioapic->deliver = deliver;
    ioapic->context = context;
}

static bool asserted(const vdev_ioapic_t *ioapic, unsigned pin)
{
    bool level = (ioapic->levels >> pin) & 1u;
    bool active_low = (ioapic->entry[pin] & VDEV_IOAPIC_ACTIVE_LOW) != 0;

    return level != active_low;
}

/* Sends the pin's message; for level pins, remote IRR records an accepted message. */
static void send(vdev_ioapic_t *ioapic, unsigned pin)
{
    uint64_t e = ioapic->entry[pin];
    unsigned delivery = (unsigned)((e & VDEV_IOAPIC_DELIVERY) >> 8);
    vdev_apic_msg_t msg = {
            .destination = (uint32_t)(e >> VDEV_IOAPIC_DEST_SHIFT),
            .vector = (uint8_t)(e & VDEV_IOAPIC_VECTOR),
            .delivery = (uint8_t)delivery,
            .shorthand = VDEV_APIC_DEST_FIELD,
            .logical = (e & VDEV_IOAPIC_LOGICAL) != 0,
            .level_triggered = (e & VDEV_IOAPIC_LEVEL) != 0,
            .assert = true,
    };

    if ((delivery != VDEV_APIC_FIXED && delivery != VDEV_APIC_LOWEST &&
         delivery != VDEV_APIC_NMI) ||
        ioapic->deliver == NULL || !ioapic->deliver(ioapic->context, &msg)) {
        ioapic->dropped++;
        return;
    }
    ioapic->delivered++;
    if (msg.level_triggered) {
        ioapic->entry[pin] |= VDEV_IOAPIC_REMOTE_IRR;
    }
}

/* Level pins: deliver while asserted, unmasked and not waiting for an EOI. */
static void level_check(vdev_ioapic_t *ioapic, unsigned pin)
{
    uint64_t e = ioapic->entry[pin];

    if ((e & VDEV_IOAPIC_LEVEL) && !(e & (VDEV_IOAPIC_MASKED | VDEV_IOAPIC_REMOTE_IRR)) &&
        asserted(ioapic, pin)) {
        send(ioapic, pin);
    }
}

/* After a change of level or polarity: an edge pin delivers on a new assertion. */
static void pin_changed(vdev_ioapic_t *ioapic, unsigned pin, bool was_asserted)
{
    uint64_t e = ioapic->entry[pin];

    if (e & VDEV_IOAPIC_LEVEL) {
        level_check(ioapic, pin);
    } else if (!was_asserted && asserted(ioapic, pin) && !(e & VDEV_IOAPIC_MASKED)) {
        send(ioapic, pin);
    }
}

void vdev_ioapic_set_pin(vdev_ioapic_t *ioapic, unsigned pin, bool level)
{
    bool was;

    if (pin >= VDEV_IOAPIC_PINS) {
        return;
    }
    was = asserted(ioapic, pin);
    if (level) {
        ioapic->levels |= 1u << pin;
    } else {
        ioapic->levels &= ~(1u << pin);
    }
    pin_changed(ioapic, pin, was);
}

void vdev_ioapic_eoi(vdev_ioapic_t *ioapic, uint8_t vector)
{
    for (unsigned pin = 0; pin < VDEV_IOAPIC_PINS; pin++) {
        uint64_t e = ioapic->entry[pin];

        if ((e & VDEV_IOAPIC_REMOTE_IRR) && (uint8_t)(e & VDEV_IOAPIC_VECTOR) == vector) {
            ioapic->entry[pin] &= ~VDEV_IOAPIC_REMOTE_IRR;
            level_check(ioapic, pin);
        }
    }
}

uint32_t vdev_ioapic_read_register(const vdev_ioapic_t *ioapic, uint32_t index)
{
    uint32_t pin;

    switch (index) {
    case REG_ID:
        return ioapic->id;
    case REG_VERSION:
        return ((uint32_t)(VDEV_IOAPIC_PINS - 1) << 16) | VDEV_IOAPIC_VERSION;
    case REG_ARBITRATION:
        return ioapic->id;
    default:
        break;
    }
    if (index < REG_REDIR_BASE || index >= REG_REDIR_BASE + 2u * VDEV_IOAPIC_PINS) {
        return 0;
    }
    pin = (index - REG_REDIR_BASE) / 2u;
    if ((index - REG_REDIR_BASE) % 2u) {
        return (uint32_t)(ioapic->entry[pin] >> 32);
    }
    return (uint32_t)ioapic->entry[pin];
}

void vdev_ioapic_write_register(vdev_ioapic_t *ioapic, uint32_t index, uint32_t value)
{
    uint32_t pin;
    uint64_t e;
    bool was;

    if (index == REG_ID) {
        ioapic->id = value & ID_MASK;
        return;
    }
    if (index < REG_REDIR_BASE || index >= REG_REDIR_BASE + 2u * VDEV_IOAPIC_PINS) {
        return; /* version, arbitration and the rest are read-only or absent */
    }
    pin = (index - REG_REDIR_BASE) / 2u;
    e = ioapic->entry[pin];
    if ((index - REG_REDIR_BASE) % 2u) {
        ioapic->entry[pin] = (e & ~HIGH_WRITABLE) | (((uint64_t)value << 32) & HIGH_WRITABLE);
        return;
    }
    was = asserted(ioapic, pin);
    e = (e & ~LOW_WRITABLE) | ((uint64_t)value & LOW_WRITABLE);
    if (!(e & VDEV_IOAPIC_LEVEL)) {
        e &= ~VDEV_IOAPIC_REMOTE_IRR;
    }
    ioapic->entry[pin] = e;
    pin_changed(ioapic, pin, was);
}

uint64_t vdev_ioapic_mmio_read(vdev_ioapic_t *ioapic, uint64_t offset, unsigned size)
{
    uint64_t aligned = offset & ~3ull;
    unsigned shift = (unsigned)(offset & 3u) * 8u;
    uint32_t value;

    if (shift / 8u + size > 4u) {
        ioapic->bad_accesses++;
        return UINT64_MAX;
    }
    if (aligned == OFFSET_SELECT) {
        value = ioapic->select;
    } else if (aligned == OFFSET_WINDOW) {
        value = vdev_ioapic_read_register(ioapic, ioapic->select);
    } else {
        value = 0;
    }
    value >>= shift;
    return size >= 4 ? value : value & ((1u << (8 * size)) - 1);
}

void vdev_ioapic_mmio_write(vdev_ioapic_t *ioapic, uint64_t offset, unsigned size, uint64_t value)
{
    if (offset == OFFSET_SELECT && size <= 4u) {
        ioapic->select = (uint32_t)value & 0xffu;
    } else if (offset == OFFSET_WINDOW && size == 4u) {
        vdev_ioapic_write_register(ioapic, ioapic->select, (uint32_t)value);
    } else if (offset == OFFSET_EOI && size == 4u) {
        vdev_ioapic_eoi(ioapic, (uint8_t)value);
    } else {
        ioapic->bad_accesses++;
    }
}
