/*
 * ACPI as far as the kernel needs it: find and validate the RSDP (from the loader, else the EBDA
 * and 0xE0000-0xFFFFF), list the tables of the RSDT/XSDT with their checksums checked, and parse
 * the MADT (LAPIC address, processors, IOAPICs, interrupt source overrides, NMI sources). Every
 * table is read only where the memory map says memory is (no MMIO), through phys_map(). The
 * root task parses whatever else it wants from the RSDP address passed in the boot info.
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <arch/boot_params.h>
#include <arch/platform_error.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_RSDP_V1_SIZE   20
#define ACPI_RSDP_V2_SIZE   36
#define ACPI_HEADER_SIZE    36
#define ACPI_TABLES_MAX     48
#define MADT_PROCESSORS_MAX 256
#define MADT_IOAPICS_MAX    8
#define MADT_OVERRIDES_MAX  24
#define MADT_NMIS_MAX       16

/* MPS INTI flags of overrides and NMI entries. */
#define MADT_POLARITY_MASK    0x3
#define MADT_POLARITY_CONFORM 0x0
#define MADT_POLARITY_HIGH    0x1
#define MADT_POLARITY_LOW     0x3
#define MADT_TRIGGER_MASK     0xc
#define MADT_TRIGGER_CONFORM  0x0
#define MADT_TRIGGER_EDGE     0x4
#define MADT_TRIGGER_LEVEL    0xc

/* MADT flags: PC-AT compatible dual 8259 present. */
#define MADT_FLAG_PCAT_COMPAT 0x1

typedef struct {
    uint32_t acpi_uid;
    uint32_t apic_id;
    bool enabled;        /* usable now */
    bool online_capable; /* may be enabled later */
    bool x2apic_entry;   /* came from an x2APIC (type 9) entry */
} madt_processor_t;

typedef struct {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
} madt_ioapic_t;

typedef struct {
    uint8_t bus;    /* 0: ISA */
    uint8_t source; /* ISA IRQ */
    uint32_t gsi;
    uint16_t flags; /* MADT_POLARITY_* | MADT_TRIGGER_* */
} madt_override_t;

typedef enum {
    MADT_NMI_SOURCE = 3,  /* a GSI that is an NMI */
    MADT_NMI_LAPIC = 4,   /* a LAPIC LINT pin that is an NMI */
    MADT_NMI_X2APIC = 10, /* the same for an x2APIC UID */
} madt_nmi_kind_t;

typedef struct {
    madt_nmi_kind_t kind;
    uint16_t flags;
    uint32_t gsi;      /* MADT_NMI_SOURCE */
    uint32_t acpi_uid; /* LAPIC entries: processor UID, 0xff / 0xffffffff = all */
    uint8_t lint;      /* LAPIC entries: 0 or 1 */
} madt_nmi_t;

typedef struct madt_info {
    uint64_t lapic_address; /* 32-bit field, or the type 5 override */
    uint32_t flags;
    madt_processor_t processors[MADT_PROCESSORS_MAX];
    size_t processor_count;
    madt_ioapic_t ioapics[MADT_IOAPICS_MAX];
    size_t ioapic_count;
    madt_override_t overrides[MADT_OVERRIDES_MAX];
    size_t override_count;
    madt_nmi_t nmis[MADT_NMIS_MAX];
    size_t nmi_count;
    size_t unknown_entries; /* entry types this parser skips (GIC, SAPIC...) */
} madt_info_t;

typedef struct {
    char signature[5];
    uint64_t phys;
    uint32_t length;
    uint8_t revision;
} acpi_table_t;

typedef struct {
    uint64_t rsdp_phys;
    uint8_t rsdp_revision;
    uint8_t rsdp[ACPI_RSDP_V2_SIZE]; /* copy; a revision 0 RSDP fills the first 20 bytes */
    char oem_id[7];
    bool using_xsdt;
    acpi_table_t tables[ACPI_TABLES_MAX];
    size_t table_count;
    size_t bad_tables; /* root entries skipped: unmapped, short, or failing their checksum */
    bool madt_found;
    madt_info_t madt;
    uint16_t pm_timer_port; /* FADT PM_TMR_BLK (I/O space), 0 when absent */
    bool pm_timer_32bit;    /* FADT flag TMR_VAL_EXT: 32 counter bits instead of 24 */
} acpi_info_t;

/*
 * Find the RSDP (params->rsdp_phys, else the copy the loader gave, else the BIOS areas), walk the
 * XSDT (revision >= 2) or RSDT, record every valid table, parse the MADT; with with_dsdt, also
 * check and record the DSDT the FADT points at (the kernel never reads it, and its checksum, over
 * kilobytes, is paid only when the full boot summary lists it). Memory is read only
 * inside params->memory_map regions or below 1 MiB. Errors: PLATFORM_ERROR_NOT_FOUND without an
 * RSDP or MADT; PLATFORM_ERROR_CHECKSUM / _MALFORMED / _UNMAPPED for a broken RSDP or root table;
 * PLATFORM_ERROR_MALFORMED for a MADT that madt_parse() refuses or that puts an IOAPIC's
 * registers in usable RAM.
 */
platform_error_t acpi_init(const boot_params_t *params, acpi_info_t *info, bool with_dsdt);

/*
 * Every table acpi_init() found, for the root task's copy: the root table, each recorded table,
 * and the DSDT the FADT points at, in that order. Each is mapped only where the memory map says
 * there is memory, with a sane length; its checksum is the reader's to check (it was checked for
 * the recorded tables, and the DSDT's over kilobytes is not paid at every boot). Boot-only.
 */
typedef void (*acpi_table_visit_t)(void *context, uint64_t phys, uint32_t length,
                                   const uint8_t *bytes);
void acpi_for_each_table(const boot_params_t *params, acpi_table_visit_t visit, void *context);

/* The result of acpi_init() (valid after it returned PLATFORM_OK). */
const acpi_info_t *acpi_info(void);

/* True when the bytes sum to zero modulo 256 (the ACPI checksum rule). */
bool acpi_checksum_ok(const uint8_t *bytes, size_t length);

/*
 * Check an RSDP candidate at bytes (at least 20 readable, 36 when available > 20): signature,
 * the ACPI 1.0 checksum and, for revision >= 2, the length field and extended checksum.
 * Returns its size (20 or 36) or 0 when invalid.
 */
size_t acpi_rsdp_validate(const uint8_t *bytes, size_t available);

/*
 * Parse a complete MADT (header included, length bytes, checksum already checked).
 * Errors: PLATFORM_ERROR_MALFORMED for a short table or an entry whose length is below its
 * type's minimum or runs past the end; PLATFORM_ERROR_TOO_MANY past the *_MAX limits above.
 */
platform_error_t madt_parse(const uint8_t *table, size_t length, madt_info_t *madt);

#endif
