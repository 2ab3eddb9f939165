/*
 * The I/O APIC, at the address the ACPI MADT gives: indirect register access and the
 * redirection table.
 */
#ifndef TESTGUEST_IOAPIC_H
#define TESTGUEST_IOAPIC_H

#include <stdint.h>

#define IOAPIC_REG_ID      0x00
#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDIR   0x10

#define IOAPIC_REDIR_MASKED     (1ull << 16)
#define IOAPIC_REDIR_LEVEL      (1ull << 15)
#define IOAPIC_REDIR_ACTIVE_LOW (1ull << 13)

uint32_t ioapic_read(uint64_t base, uint32_t reg);
void ioapic_write(uint64_t base, uint32_t reg, uint32_t value);
unsigned ioapic_pin_count(uint64_t base);
void ioapic_route(uint64_t base, unsigned pin, uint64_t entry);
void ioapic_mask_all(uint64_t base);

#endif
