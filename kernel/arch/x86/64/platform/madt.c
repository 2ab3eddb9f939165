/*
 * MADT ("APIC" table) parser: walks the variable-length entries after the fixed part, checks
 * each entry's length against its type before reading it. Pure logic over a byte buffer.
 */
#include "bytes.h"
#include <arch/acpi.h>
#include <arch/boot_section.h>

#define MADT_LAPIC_ADDRESS 36
#define MADT_FLAGS         40
#define MADT_ENTRIES       44

#define ENTRY_LAPIC         0
#define ENTRY_IOAPIC        1
#define ENTRY_OVERRIDE      2
#define ENTRY_NMI_SOURCE    3
#define ENTRY_LAPIC_NMI     4
#define ENTRY_LAPIC_ADDRESS 5
#define ENTRY_X2APIC        9
#define ENTRY_X2APIC_NMI    10

#define LAPIC_FLAG_ENABLED        0x1
#define LAPIC_FLAG_ONLINE_CAPABLE 0x2

/* Minimum entry length per type (0: type not parsed here). */
static unsigned entry_minimum(uint8_t type)
{
    switch (type) {
    case ENTRY_LAPIC:
        return 8;
    case ENTRY_IOAPIC:
        return 12;
    case ENTRY_OVERRIDE:
        return 10;
    case ENTRY_NMI_SOURCE:
        return 8;
    case ENTRY_LAPIC_NMI:
        return 6;
    case ENTRY_LAPIC_ADDRESS:
        return 12;
    case ENTRY_X2APIC:
        return 16;
    case ENTRY_X2APIC_NMI:
        return 12;
    default:
        return 0;
    }
}

BOOT_CODE static platform_error_t add_processor(madt_info_t *madt, uint32_t uid, uint32_t apic_id,
                                                uint32_t flags, bool x2apic)
{
    if (madt->processor_count == MADT_PROCESSORS_MAX) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    madt_processor_t *processor = &madt->processors[madt->processor_count++];
    processor->acpi_uid = uid;
    processor->apic_id = apic_id;
    processor->enabled = (flags & LAPIC_FLAG_ENABLED) != 0;
    processor->online_capable = (flags & LAPIC_FLAG_ONLINE_CAPABLE) != 0;
    processor->x2apic_entry = x2apic;
    return PLATFORM_OK;
}

BOOT_CODE static platform_error_t add_nmi(madt_info_t *madt, madt_nmi_kind_t kind, uint16_t flags,
                                          uint32_t gsi, uint32_t uid, uint8_t lint)
{
    if (madt->nmi_count == MADT_NMIS_MAX) {
        return PLATFORM_ERROR_TOO_MANY;
    }
    madt_nmi_t *nmi = &madt->nmis[madt->nmi_count++];
    nmi->kind = kind;
    nmi->flags = flags;
    nmi->gsi = gsi;
    nmi->acpi_uid = uid;
    nmi->lint = lint;
    return PLATFORM_OK;
}

BOOT_CODE static platform_error_t madt_entry(madt_info_t *madt, const uint8_t *entry)
{
    switch (entry[0]) {
    case ENTRY_LAPIC:
        return add_processor(madt, entry[2], entry[3], load_u32(entry + 4), false);
    case ENTRY_X2APIC:
        return add_processor(madt, load_u32(entry + 12), load_u32(entry + 4), load_u32(entry + 8),
                             true);
    case ENTRY_IOAPIC:
        if (madt->ioapic_count == MADT_IOAPICS_MAX) {
            return PLATFORM_ERROR_TOO_MANY;
        }
        madt->ioapics[madt->ioapic_count].id = entry[2];
        madt->ioapics[madt->ioapic_count].address = load_u32(entry + 4);
        madt->ioapics[madt->ioapic_count].gsi_base = load_u32(entry + 8);
        madt->ioapic_count++;
        return PLATFORM_OK;
    case ENTRY_OVERRIDE:
        if (madt->override_count == MADT_OVERRIDES_MAX) {
            return PLATFORM_ERROR_TOO_MANY;
        }
        madt->overrides[madt->override_count].bus = entry[2];
        madt->overrides[madt->override_count].source = entry[3];
        madt->overrides[madt->override_count].gsi = load_u32(entry + 4);
        madt->overrides[madt->override_count].flags = load_u16(entry + 8);
        madt->override_count++;
        return PLATFORM_OK;
    case ENTRY_NMI_SOURCE:
        return add_nmi(madt, MADT_NMI_SOURCE, load_u16(entry + 2), load_u32(entry + 4), 0, 0);
    case ENTRY_LAPIC_NMI:
        return add_nmi(madt, MADT_NMI_LAPIC, load_u16(entry + 3), 0,
                       entry[2] == 0xff ? 0xffffffffu : entry[2], entry[5]);
    case ENTRY_X2APIC_NMI:
        return add_nmi(madt, MADT_NMI_X2APIC, load_u16(entry + 2), 0, load_u32(entry + 4),
                       entry[8]);
    case ENTRY_LAPIC_ADDRESS:
        madt->lapic_address = load_u64(entry + 4);
        return PLATFORM_OK;
    default:
        madt->unknown_entries++;
        return PLATFORM_OK;
    }
}

BOOT_CODE platform_error_t madt_parse(const uint8_t *table, size_t length, madt_info_t *madt)
{
    madt->processor_count = 0;
    madt->ioapic_count = 0;
    madt->override_count = 0;
    madt->nmi_count = 0;
    madt->unknown_entries = 0;
    if (length < MADT_ENTRIES || load_u32(table + 4) != length) {
        return PLATFORM_ERROR_MALFORMED;
    }
    madt->lapic_address = load_u32(table + MADT_LAPIC_ADDRESS);
    madt->flags = load_u32(table + MADT_FLAGS);

    for (size_t offset = MADT_ENTRIES; offset < length;) {
        if (length - offset < 2) {
            return PLATFORM_ERROR_MALFORMED;
        }
        const uint8_t *entry = table + offset;
        uint8_t entry_length = entry[1];
        unsigned minimum = entry_minimum(entry[0]);
        if (entry_length < 2 || entry_length > length - offset ||
            (minimum != 0 && entry_length < minimum)) {
            return PLATFORM_ERROR_MALFORMED;
        }
        platform_error_t error = madt_entry(madt, entry);
        if (error != PLATFORM_OK) {
            return error;
        }
        offset += entry_length;
    }
    return PLATFORM_OK;
}
