/*
 * The I/O APICs listed in the MADT: routing a global system interrupt (GSI) to a vector on a
 * CPU, masking and unmasking it, and translating ISA IRQs to GSIs through the MADT's interrupt
 * source overrides. The kernel's IRQControl and IRQHandler objects call these; every GSI and
 * vector is checked here too, so a bad argument is an error and never reaches the hardware.
 */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <arch/platform_error.h>
#include <stdbool.h>
#include <stdint.h>

struct madt_info;

#define IOAPIC_MAX 8

typedef enum {
    IOAPIC_TRIGGER_EDGE = 0,
    IOAPIC_TRIGGER_LEVEL = 1,
} ioapic_trigger_t;

typedef enum {
    IOAPIC_POLARITY_HIGH = 0,
    IOAPIC_POLARITY_LOW = 1,
} ioapic_polarity_t;

typedef struct {
    uint8_t id;         /* the IOAPIC's ID from the MADT */
    uint64_t phys;      /* register page */
    uint32_t gsi_base;  /* first GSI it serves */
    uint32_t gsi_count; /* maximum redirection entry + 1, from its version register */
    uint32_t version;
} ioapic_info_t;

/*
 * Take over every IOAPIC the MADT lists: read its version, mask all its entries.
 * Errors: PLATFORM_ERROR_NOT_FOUND when the MADT lists none; PLATFORM_ERROR_UNMAPPED when a
 * register page is outside the kernel window; PLATFORM_ERROR_MALFORMED when two IOAPICs claim
 * the same GSI or a version register reads as all ones (no device there).
 */
platform_error_t ioapic_init(const struct madt_info *madt);

/* Number of IOAPICs in use and their descriptions. */
unsigned ioapic_count(void);
const ioapic_info_t *ioapic_get(unsigned index);

/* One past the highest GSI any IOAPIC serves. */
uint32_t ioapic_gsi_limit(void);

/*
 * Program the GSI's redirection entry: fixed delivery of vector (VECTOR_IRQ_BASE..LAST) to the
 * CPU with APIC ID destination (physical mode, at most 255), with the given trigger and
 * polarity, left masked. Errors: PLATFORM_ERROR_RANGE for an unknown GSI, a vector outside the
 * device range or a destination above 255.
 */
platform_error_t ioapic_route_gsi(uint32_t gsi, uint8_t vector, ioapic_trigger_t trigger,
                                  ioapic_polarity_t polarity, uint32_t destination);

/* Mask or unmask the GSI's entry. Errors: PLATFORM_ERROR_RANGE for an unknown GSI. */
platform_error_t ioapic_mask_gsi(uint32_t gsi);
platform_error_t ioapic_unmask_gsi(uint32_t gsi);

/* Read back an entry (64 bits: low word | high word << 32), for tests and diagnostics. */
platform_error_t ioapic_read_entry(uint32_t gsi, uint64_t *entry);

/*
 * The GSI, trigger and polarity of ISA IRQ irq (0-15): the MADT's override for it if there is
 * one (with "conforms to bus" meaning ISA's edge/active-high), else GSI = irq, edge, high.
 * Errors: PLATFORM_ERROR_RANGE for irq > 15.
 */
platform_error_t ioapic_isa_irq_to_gsi(uint8_t irq, uint32_t *gsi, ioapic_trigger_t *trigger,
                                       ioapic_polarity_t *polarity);

#endif
