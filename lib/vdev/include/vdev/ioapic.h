/*
 * An I/O APIC (82093AA-like, version 0x20: 24 pins and the EOI register), as a PC board wires it:
 * ISA IRQ n on pin n except IRQ 0 on pin 2 (vdev_intc does that routing), PCI lines on 16-23.
 * MMIO: IOREGSEL at +0x00, IOWIN at +0x10, EOI at +0x40, in a 4 KiB window.
 *
 * Implemented: ID (bits 27:24, read/write), version (0x00170020), arbitration ID (the ID),
 * 24 redirection entries (vector, delivery mode fixed/lowest-priority/NMI, physical and logical
 * destinations, polarity, edge and level trigger, mask, remote IRR, read-only delivery status
 * always idle since delivery is immediate), EOI from the local APIC (vdev_ioapic_eoi) and through
 * the EOI register. Edges that arrive on a masked pin are lost, as on the chip; a level that is
 * asserted when the pin is unmasked is delivered then. Writing edge trigger clears remote IRR
 * (what Linux relies on for old I/O APICs). SMI, INIT and ExtINT entries deliver nothing: no
 * pin is wired to the 8259's output here (the 8259 reaches the CPU through LINT0).
 *
 * Register access: 32-bit, aligned. A narrower read gives the bytes of the 32-bit register it
 * falls in; a narrower write is dropped, except 1- and 2-byte writes to IOREGSEL (its low byte).
 */
#ifndef VDEV_IOAPIC_H
#define VDEV_IOAPIC_H

#include <vdev/apic_msg.h>

#define VDEV_IOAPIC_PINS         24
#define VDEV_IOAPIC_VERSION      0x20u
#define VDEV_IOAPIC_DEFAULT_BASE 0xfec00000ull
#define VDEV_IOAPIC_WINDOW       0x1000u

/* Redirection entry bits. */
#define VDEV_IOAPIC_VECTOR     0xffull
#define VDEV_IOAPIC_DELIVERY   (7ull << 8)
#define VDEV_IOAPIC_LOGICAL    (1ull << 11)
#define VDEV_IOAPIC_PENDING    (1ull << 12)
#define VDEV_IOAPIC_ACTIVE_LOW (1ull << 13)
#define VDEV_IOAPIC_REMOTE_IRR (1ull << 14)
#define VDEV_IOAPIC_LEVEL      (1ull << 15)
#define VDEV_IOAPIC_MASKED     (1ull << 16)
#define VDEV_IOAPIC_DEST_SHIFT 56

/* Delivers a message; true when some local APIC accepted it. */
typedef bool (*vdev_ioapic_deliver_fn)(void *context, const vdev_apic_msg_t *msg);

typedef struct vdev_ioapic {
    uint32_t id; /* bits 27:24 as the register shows them */
    uint32_t select;
    uint64_t entry[VDEV_IOAPIC_PINS];
    uint32_t levels; /* electrical level of each pin as last driven */
    vdev_ioapic_deliver_fn deliver;
    void *context;
    uint64_t delivered; /* messages accepted by a local APIC */
    uint64_t dropped;   /* messages nobody accepted, or with a delivery mode not modelled */
    uint64_t bad_accesses;
} vdev_ioapic_t;

/* Reset state: every entry masked, edge, active high, vector 0; pins idle at `idle_levels`. */
void vdev_ioapic_init(vdev_ioapic_t *ioapic, uint8_t id, uint32_t idle_levels,
                      vdev_ioapic_deliver_fn deliver, void *context);

/* Drives a pin's electrical level; the entry's polarity says whether that is asserted. */
void vdev_ioapic_set_pin(vdev_ioapic_t *ioapic, unsigned pin, bool level);

/* A local APIC's EOI for a level-triggered vector: clears remote IRR, redelivers if asserted. */
void vdev_ioapic_eoi(vdev_ioapic_t *ioapic, uint8_t vector);

/* Register window access (offset within the 4 KiB window). */
uint64_t vdev_ioapic_mmio_read(vdev_ioapic_t *ioapic, uint64_t offset, unsigned size);
void vdev_ioapic_mmio_write(vdev_ioapic_t *ioapic, uint64_t offset, unsigned size, uint64_t value);

/* Register access by index (IOREGSEL value), as IOWIN would see it. */
uint32_t vdev_ioapic_read_register(const vdev_ioapic_t *ioapic, uint32_t index);
void vdev_ioapic_write_register(vdev_ioapic_t *ioapic, uint32_t index, uint32_t value);

#endif
