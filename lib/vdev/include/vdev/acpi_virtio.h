/*
 * The DSDT's description of virtio-mmio devices, as QEMU's microvm gives it: under \_SB one
 * Device per window with _HID "LNRO0005" (the ID Linux's virtio-mmio driver matches), _UID its
 * index, and _CRS a fixed 32-bit memory range and one extended interrupt (edge, active high,
 * exclusive: an ISA line as the MADT leaves it). The AML is assembled by hand (ACPI 6.5
 * sections 19.2 and 20.2; resource descriptors 6.4).
 */
#ifndef VDEV_ACPI_VIRTIO_H
#define VDEV_ACPI_VIRTIO_H

#include <vdev/vdev.h>

#define VDEV_ACPI_VIRTIO_MAX 8u

typedef struct vdev_acpi_virtio {
    uint32_t base;
    uint32_t size;
    uint32_t irq;
} vdev_acpi_virtio_t;

/* The largest AML vdev_acpi_virtio_aml makes for `count` devices. */
size_t vdev_acpi_virtio_aml_bytes(unsigned count);

/* Scope(\_SB) with one Device per entry into out; its length, or 0 when count is 0 or above
 * VDEV_ACPI_VIRTIO_MAX or the AML does not fit. */
size_t vdev_acpi_virtio_aml(const vdev_acpi_virtio_t *devices, unsigned count, uint8_t *out,
                            size_t capacity);

#endif
