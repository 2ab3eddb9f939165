/*
 * An interrupt message between APICs: what an I/O APIC redirection entry, an MSI, or a local
 * APIC's ICR sends, and what a local APIC accepts. Shared by ioapic, lapic and intc.
 */
#ifndef VDEV_APIC_MSG_H
#define VDEV_APIC_MSG_H

#include <vdev/vdev.h>

/* Delivery modes (bits 10:8 of redirection entries, LVT entries, the ICR, MSI data). */
#define VDEV_APIC_FIXED   0u
#define VDEV_APIC_LOWEST  1u
#define VDEV_APIC_SMI     2u
#define VDEV_APIC_NMI     4u
#define VDEV_APIC_INIT    5u
#define VDEV_APIC_STARTUP 6u
#define VDEV_APIC_EXTINT  7u

/* Destination shorthands (ICR bits 19:18). */
#define VDEV_APIC_DEST_FIELD     0u
#define VDEV_APIC_DEST_SELF      1u
#define VDEV_APIC_DEST_ALL       2u
#define VDEV_APIC_DEST_ALL_OTHER 3u

typedef struct vdev_apic_msg {
    uint32_t destination; /* an APIC ID (physical) or a logical mask, as the mode says */
    uint8_t vector;
    uint8_t delivery;  /* VDEV_APIC_* */
    uint8_t shorthand; /* VDEV_APIC_DEST_*: only IPIs use anything but FIELD */
    bool logical;
    bool level_triggered;
    bool assert; /* the level bit of an IPI (an INIT de-assert has it clear) */
    bool wide;   /* a 32-bit x2APIC destination (IPIs in x2APIC mode); else 8 bits */
} vdev_apic_msg_t;

#endif
