/*
 * ACPI tables, read in place through the identity map. Every table is checksummed before its
 * contents are trusted; a bad one is as good as absent.
 */
#include "acpi.h"

#include "string.h"

#define RSDP_SIGNATURE    "RSD PTR "
#define RSDP_V1_LENGTH    20
#define SDT_HEADER_LENGTH 36

#define MADT_FLAGS_OFFSET           40
#define MADT_ENTRIES_OFFSET         44
#define MADT_LOCAL_APIC             0
#define MADT_IO_APIC                1
#define MADT_SOURCE_OVERRIDE        2
#define MADT_LAPIC_ADDRESS_OVERRIDE 5
#define MADT_LAPIC_ENABLED          1u

static const uint8_t *at(uint64_t paddr)
{
    return (const uint8_t *)(uintptr_t)paddr;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

bool acpi_checksum_ok(uint64_t paddr, uint32_t length)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + at(paddr)[i]);
    }
    return sum == 0;
}

static bool rsdp_at(uint64_t paddr)
{
    return memcmp(at(paddr), RSDP_SIGNATURE, 8) == 0 && acpi_checksum_ok(paddr, RSDP_V1_LENGTH);
}

static uint64_t scan(uint64_t from, uint64_t to)
{
    for (uint64_t p = from; p + RSDP_V1_LENGTH <= to; p += 16) {
        if (rsdp_at(p)) {
            return p;
        }
    }
    return 0;
}

uint64_t acpi_find_rsdp(const boot_info_t *info)
{
    if (info->rsdp_from_loader != 0 && rsdp_at(info->rsdp_from_loader)) {
        return info->rsdp_from_loader;
    }
    uint64_t found = 0;
    if (info->ebda_base >= 0x80000 && info->ebda_base < 0xa0000) {
        found = scan(info->ebda_base, info->ebda_base + 1024);
    }
    if (found == 0) {
        found = scan(0xe0000, 0x100000);
    }
    return found;
}

static bool table_ok(uint64_t paddr)
{
    if (paddr == 0 || paddr >= (4ull << 30)) {
        return false;
    }
    uint32_t length = le32(at(paddr) + 4);
    return length >= SDT_HEADER_LENGTH && acpi_checksum_ok(paddr, length);
}

uint64_t acpi_find_table(uint64_t rsdp, const char signature[4])
{
    const uint8_t *r = at(rsdp);
    uint64_t root = 0;
    unsigned entry_size = 4;
    if (r[15] >= 2 && le32(r + 20) >= 36 && acpi_checksum_ok(rsdp, le32(r + 20)) &&
        le64(r + 24) != 0) {
        root = le64(r + 24);
        entry_size = 8;
    } else {
        root = le32(r + 16);
    }
    if (!table_ok(root)) {
        return 0;
    }
    uint32_t length = le32(at(root) + 4);
    for (uint32_t offset = SDT_HEADER_LENGTH; offset + entry_size <= length; offset += entry_size) {
        const uint8_t *slot = at(root) + offset;
        uint64_t table = entry_size == 8 ? le64(slot) : le32(slot);
        if (table_ok(table) && memcmp(at(table), signature, 4) == 0) {
            return table;
        }
    }
    return 0;
}

bool acpi_parse_madt(uint64_t madt, acpi_madt_info_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!table_ok(madt)) {
        return false;
    }
    const uint8_t *t = at(madt);
    uint32_t length = le32(t + 4);
    out->lapic_address = le32(t + 36);
    for (unsigned irq = 0; irq < 16; irq++) {
        out->isa_gsi[irq] = irq;
    }
    for (uint32_t offset = MADT_ENTRIES_OFFSET; offset + 2 <= length;) {
        uint8_t type = t[offset];
        uint8_t entry_length = t[offset + 1];
        if (entry_length < 2 || offset + entry_length > length) {
            return false;
        }
        const uint8_t *e = t + offset;
        if (type == MADT_LOCAL_APIC && entry_length >= 8 && (le32(e + 4) & MADT_LAPIC_ENABLED)) {
            out->processor_count++;
        } else if (type == MADT_IO_APIC && entry_length >= 12) {
            if (out->ioapic_count == 0) {
                out->ioapic_address = le32(e + 4);
                out->ioapic_gsi_base = le32(e + 8);
            }
            out->ioapic_count++;
        } else if (type == MADT_SOURCE_OVERRIDE && entry_length >= 10 && e[2] == 0 && e[3] < 16) {
            out->isa_gsi[e[3]] = le32(e + 4);
            out->isa_flags[e[3]] = (uint16_t)(e[8] | e[9] << 8);
            out->isa_overridden[e[3]] = true;
        } else if (type == MADT_LAPIC_ADDRESS_OVERRIDE && entry_length >= 12) {
            out->lapic_address = le64(e + 4);
        }
        offset += entry_length;
    }
    return true;
}
