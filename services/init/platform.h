/*
 * What init learns about the machine at boot: the ACPI tables the kernel copied into the boot
 * info (processors, interrupt controllers, interrupt overrides, HPET, the power-off sleep type)
 * and the PCI devices behind the configuration ports. init prints one line per fact, so that an
 * operator sees what beaml4 found, and keeps the survey for the services that need it.
 *
 * The tables and configuration space are firmware and device input: lib/acpi and lib/pci check
 * every field, and a table or device that fails is reported by name and left out, never trusted.
 */
#ifndef INIT_PLATFORM_H
#define INIT_PLATFORM_H

#include <acpi/acpi.h>
#include <pci/pci.h>
#include <sel4/functions.h>
#include <stdbool.h>

#define PLATFORM_PCI_MAX 64

typedef struct {
    bool acpi;               /* the root table was read */
    acpi_error_t acpi_error; /* why not, when it was not */
    acpi_rsdp_t rsdp;
    acpi_root_t root;
    seL4_Word tables_copied;   /* tables in the kernel's copy */
    seL4_Word tables_left_out; /* tables the kernel had no room for */
    bool madt;
    acpi_madt_t madt_info;
    bool hpet;
    acpi_hpet_t hpet_info;
    bool fadt;
    acpi_fadt_t fadt_info;
    bool s5;
    acpi_sleep_type_t s5_type;
    bool pci; /* the configuration ports were ours */
    pci_scan_t pci_scan;
    pci_function_t pci_functions[PLATFORM_PCI_MAX];
} platform_t;

/* Reads the ACPI copies in the boot info and scans PCI; never fails (what is missing is said). */
void platform_survey(const seL4_BootInfo *bootinfo, platform_t *out);

/* One line per fact, each starting "init: ACPI" or "init: PCI". */
void platform_print(const platform_t *platform);

/* A dword of a function's configuration space (offset a multiple of 4 below 256), through the
 * ports the survey used; all ones (reads) or nothing (writes) when they could not be had. */
uint32_t platform_config_read32(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset);
void platform_config_write32(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                             uint32_t value);

/* The survey init made at boot (platform_survey into a static). */
const platform_t *platform_get(void);
void platform_init(const seL4_BootInfo *bootinfo);

#endif
