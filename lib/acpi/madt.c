/*
 * The MADT: its fixed part, then entries read one at a time, each checked against the table's
 * end and the length its type needs before any field is read. Unknown types are skipped by their
 * length; lengths 0 and 1 are refused (they would never advance).
 */
#include "internal.h"

#define MADT_LAPIC_ADDRESS 36u
#define MADT_FLAGS         40u
#define MADT_ENTRIES       44u
#define MADT_PCAT_COMPAT   0x1u
#define ENTRY_MAX          255u

enum {
    ENTRY_LAPIC = 0,
    ENTRY_IOAPIC = 1,
    ENTRY_OVERRIDE = 2,
    ENTRY_NMI_SOURCE = 3,
    ENTRY_LAPIC_NMI = 4,
    ENTRY_LAPIC_ADDRESS = 5,
    ENTRY_X2APIC = 9,
    ENTRY_X2APIC_NMI = 10,
};

/* The length each parsed type needs (longer entries of later revisions are fine); 2: unknown. */
static unsigned entry_minimum(uint8_t type)
{
    switch (type) {
    case ENTRY_LAPIC:
    case ENTRY_NMI_SOURCE:
        return 8;
    case ENTRY_IOAPIC:
    case ENTRY_LAPIC_ADDRESS:
    case ENTRY_X2APIC_NMI:
        return 12;
    case ENTRY_OVERRIDE:
        return 10;
    case ENTRY_LAPIC_NMI:
        return 6;
    case ENTRY_X2APIC:
        return 16;
    default:
        return 2;
    }
}

static acpi_polarity_t polarity_of(uint16_t flags)
{
    return (acpi_polarity_t)(flags & 0x3);
}

static acpi_trigger_t trigger_of(uint16_t flags)
{
    return (acpi_trigger_t)((flags >> 2) & 0x3);
}

static void add_lapic(acpi_madt_t *madt, uint32_t uid, uint32_t apic_id, uint32_t flags,
                      bool x2apic)
{
    if (madt->lapic_count == ACPI_LAPICS_MAX) {
        madt->lapics_truncated = true;
        return;
    }
    madt->lapics[madt->lapic_count++] = (acpi_lapic_t){
            .uid = uid,
            .apic_id = apic_id,
            .enabled = (flags & 0x1) != 0,
            .online_capable = (flags & 0x2) != 0,
            .x2apic = x2apic,
    };
}

static void add_lapic_nmi(acpi_madt_t *madt, uint32_t uid, uint8_t lint, uint16_t flags,
                          bool x2apic)
{
    if (madt->lapic_nmi_count == ACPI_LAPIC_NMIS_MAX) {
        madt->lapic_nmis_truncated = true;
        return;
    }
    madt->lapic_nmis[madt->lapic_nmi_count++] = (acpi_lapic_nmi_t){
            .uid = uid,
            .lint = lint,
            .flags = flags,
            .polarity = polarity_of(flags),
            .trigger = trigger_of(flags),
            .x2apic = x2apic,
    };
}

static void add_ioapic(acpi_madt_t *madt, const uint8_t *entry)
{
    if (madt->ioapic_count == ACPI_IOAPICS_MAX) {
        madt->ioapics_truncated = true;
        return;
    }
    madt->ioapics[madt->ioapic_count++] = (acpi_ioapic_t){
            .id = entry[2], .address = acpi_load32(entry + 4), .gsi_base = acpi_load32(entry + 8)};
}

static void add_override(acpi_madt_t *madt, const uint8_t *entry)
{
    uint16_t flags = acpi_load16(entry + 8);

    if (madt->override_count == ACPI_OVERRIDES_MAX) {
        madt->overrides_truncated = true;
        return;
    }
    madt->overrides[madt->override_count++] = (acpi_override_t){
            .bus = entry[2],
            .source = entry[3],
            .gsi = acpi_load32(entry + 4),
            .flags = flags,
            .polarity = polarity_of(flags),
            .trigger = trigger_of(flags),
    };
}

static void add_nmi_source(acpi_madt_t *madt, const uint8_t *entry)
{
    uint16_t flags = acpi_load16(entry + 2);

    if (madt->nmi_source_count == ACPI_NMI_SOURCES_MAX) {
        madt->nmi_sources_truncated = true;
        return;
    }
    madt->nmi_sources[madt->nmi_source_count++] = (acpi_nmi_source_t){
            .gsi = acpi_load32(entry + 4),
            .flags = flags,
            .polarity = polarity_of(flags),
            .trigger = trigger_of(flags),
    };
}

/* One entry whose length was checked; false for a second LAPIC address override. */
static bool madt_entry(acpi_madt_t *madt, const uint8_t *entry)
{
    switch (entry[0]) {
    case ENTRY_LAPIC:
        add_lapic(madt, entry[2], entry[3], acpi_load32(entry + 4), false);
        return true;
    case ENTRY_X2APIC:
        add_lapic(madt, acpi_load32(entry + 12), acpi_load32(entry + 4), acpi_load32(entry + 8),
                  true);
        return true;
    case ENTRY_IOAPIC:
        add_ioapic(madt, entry);
        return true;
    case ENTRY_OVERRIDE:
        add_override(madt, entry);
        return true;
    case ENTRY_NMI_SOURCE:
        add_nmi_source(madt, entry);
        return true;
    case ENTRY_LAPIC_NMI:
        add_lapic_nmi(madt, entry[2] == 0xff ? ACPI_UID_ALL : entry[2], entry[5],
                      acpi_load16(entry + 3), false);
        return true;
    case ENTRY_X2APIC_NMI:
        add_lapic_nmi(madt, acpi_load32(entry + 4), entry[8], acpi_load16(entry + 2), true);
        return true;
    case ENTRY_LAPIC_ADDRESS:
        if (madt->lapic_address_overridden) {
            return false;
        }
        madt->lapic_address = acpi_load64(entry + 4);
        madt->lapic_address_overridden = true;
        return true;
    default:
        madt->unknown_entries++;
        return true;
    }
}

static void madt_clear(acpi_madt_t *madt)
{
    madt->lapic_count = madt->ioapic_count = madt->override_count = 0;
    madt->nmi_source_count = madt->lapic_nmi_count = madt->unknown_entries = 0;
    madt->lapics_truncated = madt->ioapics_truncated = madt->overrides_truncated = false;
    madt->nmi_sources_truncated = madt->lapic_nmis_truncated = false;
    madt->lapic_address_overridden = false;
}

acpi_error_t acpi_madt_read(const acpi_memory_t *memory, uint64_t paddr, acpi_madt_t *out,
                            acpi_where_t *where)
{
    acpi_header_t header;
    uint8_t fixed[MADT_ENTRIES - MADT_LAPIC_ADDRESS];
    acpi_error_t error;

    if (out == NULL) {
        return acpi_fail(where, ACPI_ERR_ARGUMENT, paddr, "APIC", 0);
    }
    madt_clear(out);
    error = acpi_table_header(memory, paddr, "APIC", &header, where);
    if (error != ACPI_OK) {
        return error;
    }
    if (header.length < MADT_ENTRIES) {
        return acpi_fail(where, ACPI_ERR_LENGTH, paddr, "APIC", HEADER_LENGTH_AT);
    }
    if (acpi_read(memory, paddr + MADT_LAPIC_ADDRESS, fixed, sizeof(fixed)) != ACPI_OK) {
        return acpi_fail(where, ACPI_ERR_READ, paddr, "APIC", MADT_LAPIC_ADDRESS);
    }
    out->lapic_address = acpi_load32(fixed);
    out->flags = acpi_load32(fixed + (MADT_FLAGS - MADT_LAPIC_ADDRESS));
    out->pcat_compat = (out->flags & MADT_PCAT_COMPAT) != 0;
    for (uint32_t at = MADT_ENTRIES; at < header.length;) {
        uint8_t entry[ENTRY_MAX];
        uint32_t left = header.length - at;
        if (left < 2) {
            return acpi_fail(where, ACPI_ERR_ENTRY_OUTSIDE, paddr, "APIC", at);
        }
        if (acpi_read(memory, paddr + at, entry, 2) != ACPI_OK) {
            return acpi_fail(where, ACPI_ERR_READ, paddr, "APIC", at);
        }
        if (entry[1] > left) {
            return acpi_fail(where, ACPI_ERR_ENTRY_OUTSIDE, paddr, "APIC", at);
        }
        if (entry[1] < entry_minimum(entry[0])) {
            return acpi_fail(where, ACPI_ERR_ENTRY_SIZE, paddr, "APIC", at + 1);
        }
        if (acpi_read(memory, paddr + at + 2, entry + 2, entry[1] - 2u) != ACPI_OK) {
            return acpi_fail(where, ACPI_ERR_READ, paddr, "APIC", at);
        }
        if (!madt_entry(out, entry)) {
            return acpi_fail(where, ACPI_ERR_DUPLICATE, paddr, "APIC", at);
        }
        at += entry[1];
    }
    return ACPI_OK;
}
