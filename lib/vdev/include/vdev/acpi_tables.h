/*
 * ACPI tables for a guest, per the ACPI 6.5 layouts: RSDP (revision 2), RSDT and XSDT (both name
 * the FADT and the MADT), FADT (revision 6, 276 bytes), FACS, MADT and a DSDT whose AML declares
 * \_S5 only. They are built into a guest-physical area through the caller's write callback
 * (the VMM's checked guest-memory accessor), and the RSDP is written a second time at a 16-byte
 * boundary of the BIOS area 0xe0000-0xfffff for guests that scan for it (a PVH guest gets the
 * first copy's address in its start info).
 *
 * The FADT describes what lib/vdev emulates: PM1a event block at pm_base, control block at
 * pm_base + 4, PM timer (24 bits) at pm_base + 8, the RTC's century register, the reset register
 * (0xcf9, value 0x06) when asked, SCI on sci_irq, no SMI command port (always in ACPI mode),
 * HW_REDUCED_ACPI clear, no fixed power or sleep button, C2 and C3 unsupported. The MADT has
 * one Processor Local APIC entry per CPU (UIDs 0.., APIC IDs first_apic_id..), the I/O APIC,
 * the interrupt source overrides IRQ 0 -> GSI 2 (conforming) and SCI -> GSI sci_irq (level,
 * active high), and a Local APIC NMI entry for every processor on LINT1; PCAT_COMPAT is set.
 * The DSDT also describes the virtio-mmio devices the config lists (acpi_virtio.h).
 */
#ifndef VDEV_ACPI_TABLES_H
#define VDEV_ACPI_TABLES_H

#include <vdev/acpi_virtio.h>
#include <vdev/vdev.h>

#define VDEV_ACPI_LEGACY_FIRST 0xe0000ull
#define VDEV_ACPI_LEGACY_LAST  0xfffffull
#define VDEV_ACPI_RSDP_LENGTH  36u
#define VDEV_ACPI_FADT_LENGTH  276u
#define VDEV_ACPI_FACS_LENGTH  64u
#define VDEV_ACPI_MAX_CPUS     32u

/* Copies length bytes to guest-physical gpa; false when the range is not guest RAM. */
typedef bool (*vdev_acpi_write_fn)(void *context, uint64_t gpa, const void *bytes, size_t length);

typedef struct vdev_acpi_config {
    uint64_t area; /* where the tables go (ends below 4 GiB: the 32-bit fields hold it) */
    uint64_t area_size;
    uint64_t legacy_rsdp; /* the RSDP's copy: 16-byte aligned in 0xe0000-0xfffff, or 0 */
    unsigned cpus;        /* 1..VDEV_ACPI_MAX_CPUS */
    uint32_t first_apic_id;
    uint32_t lapic_address;
    uint8_t ioapic_id;
    uint32_t ioapic_address;
    uint32_t ioapic_gsi_base;
    uint8_t sci_irq;
    uint16_t pm_base;
    uint8_t century_index;
    bool reset_register; /* declare the reset register at 0xcf9 */
    uint8_t s5_sleep_type;
    char oem_id[6]; /* padded with spaces when shorter (NUL ends it) */
    char oem_table_id[8];
    const vdev_acpi_virtio_t *virtio; /* virtio-mmio devices for the DSDT (acpi_virtio.h) */
    unsigned virtio_count;            /* 0..VDEV_ACPI_VIRTIO_MAX */
} vdev_acpi_config_t;

/* Where each table went. */
typedef struct vdev_acpi_layout {
    uint64_t rsdp;
    uint64_t facs;
    uint64_t dsdt;
    uint64_t fadt;
    uint64_t madt;
    uint64_t rsdt;
    uint64_t xsdt;
    uint64_t end; /* the first byte after the last table */
} vdev_acpi_layout_t;

typedef enum {
    VDEV_ACPI_OK = 0,
    VDEV_ACPI_ERR_ARGUMENT, /* no callback, cpus out of range, a misplaced legacy RSDP */
    VDEV_ACPI_ERR_SPACE,    /* the area is too small, wraps, or reaches above 4 GiB */
    VDEV_ACPI_ERR_WRITE,    /* the callback refused a write */
} vdev_acpi_error_t;

/* Fills in the platform's defaults (one CPU, the addresses and ports of lib/vdev's devices). */
void vdev_acpi_default_config(vdev_acpi_config_t *config, uint64_t area, uint64_t area_size);

vdev_acpi_error_t vdev_acpi_build(const vdev_acpi_config_t *config, vdev_acpi_write_fn write,
                                  void *context, vdev_acpi_layout_t *layout);

/* The DSDT's AML body (after the 36-byte header): a copy into out, its length returned. */
size_t vdev_acpi_dsdt_aml(uint8_t s5_sleep_type, uint8_t *out, size_t capacity);

#endif
