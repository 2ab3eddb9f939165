/*
 * ACPI, read-only: find the RSDP (from the loader, or by scanning the EBDA and 0xE0000-0xFFFFF),
 * find a table by signature through the XSDT or RSDT, and summarise the MADT.
 */
#ifndef TESTGUEST_ACPI_H
#define TESTGUEST_ACPI_H

#include <stdbool.h>
#include <stdint.h>

#include "bootinfo.h"

typedef struct acpi_madt_info {
    uint64_t lapic_address;
    unsigned processor_count; /* enabled local APICs */
    unsigned ioapic_count;
    uint64_t ioapic_address; /* the first I/O APIC */
    uint32_t ioapic_gsi_base;
    uint32_t isa_gsi[16];   /* ISA IRQ -> GSI after interrupt source overrides */
    uint16_t isa_flags[16]; /* MPS INTI flags of the override, 0 when none */
    bool isa_overridden[16];
} acpi_madt_info_t;

/* The RSDP's physical address, or 0; scanning reads only the BIOS areas. */
uint64_t acpi_find_rsdp(const boot_info_t *info);
bool acpi_checksum_ok(uint64_t paddr, uint32_t length);
/* The physical address of the first table with this signature, or 0. */
uint64_t acpi_find_table(uint64_t rsdp, const char signature[4]);
bool acpi_parse_madt(uint64_t madt, acpi_madt_info_t *out);

#endif
