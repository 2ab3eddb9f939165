/*
 * boot: what the loader handed over. The image arrived whole (initialised data intact, .bss
 * zeroed: both loaders' duty), the memory map describes RAM around the image, and ACPI's RSDP
 * and MADT are where the platform says, with valid checksums.
 */
#include "acpi.h"
#include "bootinfo.h"
#include "check.h"
#include "memory.h"
#include "programs.h"

#define MIB             (1ull << 20)
#define BSS_PROBE_BYTES 65536

/* Initialised data the loader must copy: a pattern no zeroed or shifted copy can match. */
static volatile uint32_t data_pattern[8] = {0x01234567, 0x89abcdef, 0xdeadbeef, 0x0badf00d,
                                            0x76543210, 0xfedcba98, 0x13579bdf, 0x2468ace0};
static volatile uint8_t bss_probe[BSS_PROBE_BYTES];

static void check_image(void)
{
    uint32_t folded = 0;
    for (unsigned i = 0; i < 8; i++) {
        folded = (folded << 3 | folded >> 29) ^ data_pattern[i];
    }
    check_eq(folded, 0x3ab7c9e0, "initialised data arrived intact");
    bool zero = true;
    for (unsigned i = 0; i < BSS_PROBE_BYTES; i++) {
        zero = zero && bss_probe[i] == 0;
    }
    check(zero, ".bss arrived zeroed");
}

static void check_memory_map(void)
{
    bool image_in_ram = false;
    uint64_t image_end = image_phys_end();
    for (unsigned i = 0; i < boot_info.ram_count; i++) {
        const boot_region_t *r = &boot_info.ram[i];
        if (r->base <= MIB && r->base + r->length >= image_end) {
            image_in_ram = true;
        }
    }
    check(image_in_ram, "the memory map has RAM from 1 MiB to past the image");
    check(memory_usable_bytes() >= 64 * MIB, "usable RAM at least 64 MiB");
    check(memory_pool_bytes() >= 32 * MIB, "at least 32 MiB above the image for page tables");
}

static void check_acpi(void)
{
    uint64_t rsdp = acpi_find_rsdp(&boot_info);
    if (!check(rsdp != 0, "ACPI RSDP found, checksum valid")) {
        return;
    }
    uint64_t madt = acpi_find_table(rsdp, "APIC");
    check(acpi_find_table(rsdp, "FACP") != 0, "FADT found, checksum valid");
    acpi_madt_info_t info = {0};
    if (!check(madt != 0 && acpi_parse_madt(madt, &info), "MADT found, checksum valid")) {
        return;
    }
    say("MADT: %u enabled processor(s), %u I/O APIC(s)", info.processor_count, info.ioapic_count);
    check(info.processor_count >= 1, "MADT lists at least one processor");
    check(info.ioapic_count >= 1, "MADT lists at least one I/O APIC");
    check_eq(info.lapic_address, 0xfee00000, "MADT local APIC address is the default");
}

void program_boot(void)
{
    check_image();
    check_memory_map();
    check_acpi();
}
