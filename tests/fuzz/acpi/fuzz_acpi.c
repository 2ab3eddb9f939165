/*
 * libFuzzer target for lib/acpi. The input after its first byte is the whole physical memory,
 * from address 0, in a buffer of exactly its size (read through acpi_buffer_read, so a read
 * past it fails, and ASan would catch one that did not). The RSDP is at address 0. Bit 0 of the
 * first byte makes the harness fix the checksums along the chain (RSDP, root table, each listed
 * table, the DSDT) so that the fuzzer reaches the parsers behind them; bit 1 also runs every
 * parser at the address given by the next two bytes (of the memory), and bit 2 fixes the
 * checksum of a table there first. Results must stay within their limits;
 * a violation aborts with its reason.
 */
#include <acpi/acpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEMORY_MAX 16384

static void violation(const char *why)
{
    fprintf(stderr, "lib/acpi broke its contract: %s\n", why);
    abort();
}

static uint32_t load32(const uint8_t *memory, size_t size, uint64_t at)
{
    uint32_t value = 0;

    for (unsigned i = 0; i < 4; i++) {
        value |= (at + i < size ? (uint32_t)memory[at + i] : 0u) << (8 * i);
    }
    return value;
}

/* Make the bytes [at, at + length) sum to 0 through the byte at `checksum`, if all in memory. */
static void fix_sum(uint8_t *memory, size_t size, uint64_t at, uint64_t length, uint64_t checksum)
{
    uint8_t sum = 0;

    if (at >= size || length > size - at || checksum >= size) {
        return;
    }
    memory[checksum] = 0;
    for (uint64_t i = 0; i < length; i++) {
        sum = (uint8_t)(sum + memory[at + i]);
    }
    memory[checksum] = (uint8_t)(0x100 - sum);
}

static void fix_table(uint8_t *memory, size_t size, uint64_t at)
{
    fix_sum(memory, size, at, load32(memory, size, at + 4), at + 9);
}

static void fix_chain(uint8_t *memory, size_t size)
{
    if (size < 36) {
        return;
    }
    fix_sum(memory, size, 0, 20, 8);
    fix_sum(memory, size, 0, 36, 32);
    uint64_t root = load32(memory, size, 16);
    bool xsdt = memory[15] >= 2 && load32(memory, size, 24) != 0;
    if (xsdt) {
        root = load32(memory, size, 24);
    }
    uint32_t length = load32(memory, size, root + 4);
    for (uint64_t at = root + 36; at + 4 <= root + length && at + 4 <= size; at += xsdt ? 8 : 4) {
        uint64_t table = load32(memory, size, at);
        if (table + 4 <= size && memcmp(memory + table, "FACP", 4) == 0) {
            fix_table(memory, size, load32(memory, size, table + 40));
        }
        fix_table(memory, size, table);
    }
    fix_table(memory, size, root);
}

static void check_madt(const acpi_madt_t *madt)
{
    if (madt->lapic_count > ACPI_LAPICS_MAX || madt->ioapic_count > ACPI_IOAPICS_MAX ||
        madt->override_count > ACPI_OVERRIDES_MAX ||
        madt->nmi_source_count > ACPI_NMI_SOURCES_MAX ||
        madt->lapic_nmi_count > ACPI_LAPIC_NMIS_MAX ||
        (madt->lapics_truncated && madt->lapic_count != ACPI_LAPICS_MAX) ||
        (madt->ioapics_truncated && madt->ioapic_count != ACPI_IOAPICS_MAX)) {
        violation("MADT counts out of range");
    }
    for (size_t i = 0; i < madt->override_count; i++) {
        if (madt->overrides[i].polarity != (madt->overrides[i].flags & 3)) {
            violation("override polarity does not match its flags");
        }
    }
}

static void parse_at(const acpi_memory_t *memory, uint64_t address, const char *signature)
{
    acpi_madt_t madt;
    acpi_hpet_t hpet;
    acpi_fadt_t fadt;
    acpi_sleep_type_t sleep;
    acpi_where_t where;

    if (signature == NULL || strcmp(signature, "APIC") == 0) {
        if (acpi_madt_read(memory, address, &madt, &where) == ACPI_OK) {
            check_madt(&madt);
        }
    }
    if ((signature == NULL || strcmp(signature, "HPET") == 0) &&
        acpi_hpet_read(memory, address, &hpet, &where) == ACPI_OK &&
        (hpet.comparators < 1 || hpet.comparators > 32 || hpet.base_address == 0)) {
        violation("HPET out of range");
    }
    if ((signature == NULL || strcmp(signature, "FACP") == 0) &&
        acpi_fadt_read(memory, address, &fadt, &where) == ACPI_OK) {
        if (fadt.dsdt == 0 || fadt.length < 116) {
            violation("FADT accepted without a DSDT or too short");
        }
        if (acpi_sleep_type_s5(memory, fadt.dsdt, &sleep, &where) == ACPI_OK &&
            (sleep.type_a > 7 || sleep.type_b > 7)) {
            violation("sleep type above 7");
        }
    }
    if (signature == NULL && acpi_sleep_type_s5(memory, address, &sleep, &where) == ACPI_OK &&
        (sleep.type_a > 7 || sleep.type_b > 7)) {
        violation("sleep type above 7");
    }
}

static void walk(const acpi_memory_t *memory)
{
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    acpi_where_t where;

    if (acpi_rsdp_read(memory, 0, &rsdp, &where) != ACPI_OK ||
        acpi_root_read(memory, &rsdp, &root, &where) != ACPI_OK) {
        return;
    }
    if (root.count > ACPI_TABLES_MAX || root.count > root.entries ||
        root.truncated != (root.entries > ACPI_TABLES_MAX)) {
        violation("root table counts out of range");
    }
    for (size_t i = 0; i < root.count; i++) {
        const acpi_table_entry_t *entry = &root.tables[i];
        if (entry->status >= ACPI_ERROR_COUNT) {
            violation("entry status out of range");
        }
        if (entry->status == ACPI_OK) {
            parse_at(memory, entry->header.address, entry->header.signature);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > MEMORY_MAX) {
        return 0;
    }
    uint8_t mode = data[0];
    size_t memory_size = size - 1;
    uint8_t *bytes = malloc(memory_size > 0 ? memory_size : 1);
    if (bytes == NULL) {
        abort();
    }
    memcpy(bytes, data + 1, memory_size);
    if (mode & 1) {
        fix_chain(bytes, memory_size);
    }
    uint64_t direct = size >= 3 ? (uint64_t)(data[1] | data[2] << 8) : 0;
    if (mode & 4) {
        fix_table(bytes, memory_size, direct);
    }
    acpi_buffer_t buffer = {.bytes = bytes, .size = memory_size, .base = 0};
    acpi_memory_t memory = {.read = acpi_buffer_read, .ctx = &buffer};
    walk(&memory);
    if ((mode & 2) && size >= 3) {
        parse_at(&memory, direct, NULL);
    }
    acpi_rsdp_t rsdp;
    (void)acpi_rsdp_parse(bytes, memory_size, &rsdp, NULL);
    free(bytes);
    return 0;
}
