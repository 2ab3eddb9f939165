/*
 * What a PC's firmware leaves in the first MiB before a kernel starts, as far as guests look:
 * the BIOS data area's pointer to the EBDA, and the ACPI tables (lib/vdev's builder: RSDP, RSDT,
 * XSDT, FADT, FACS, MADT and a DSDT whose \_S5 lets ACPI power-off end the VM), with the RSDP
 * copied into 0xE0000-0xFFFFF for guests that scan for it. Pure: tested on the host.
 */
#ifndef VMM_FIRMWARE_H
#define VMM_FIRMWARE_H

#include <pv/memory.h>
#include <vdev/acpi_tables.h>

/* Writes both; the RSDP's guest-physical address (for PVH's start info) in *rsdp. */
vdev_acpi_error_t firmware_write(const pv_memory_t *memory, unsigned vcpus, uint64_t *rsdp);

/* The same with virtio-mmio devices described in the DSDT (count 0: none). */
vdev_acpi_error_t firmware_write_devices(const pv_memory_t *memory, unsigned vcpus,
                                         const vdev_acpi_virtio_t *virtio, unsigned count,
                                         uint64_t *rsdp);

#endif
