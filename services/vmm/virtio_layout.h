/*
 * Where a VM's virtio-mmio devices are (virtio_layout.c): fixed windows below the I/O APIC and
 * free ISA lines, the same for every VM, a function of the declaration only, so that the ACPI
 * tables and the Linux command line (written before the devices exist) agree with them. Pure:
 * tested on the host.
 */
#ifndef VMM_VIRTIO_LAYOUT_H
#define VMM_VIRTIO_LAYOUT_H

#include <vdev/acpi_virtio.h>

#define VMM_VIRTIO_BASE    0xfeb00000u /* window n at BASE + n * WINDOW */
#define VMM_VIRTIO_WINDOW  0x200u
#define VMM_VIRTIO_DEVICES 3u

typedef enum {
    VMM_VIRTIO_CONSOLE, /* every VM: window 0, IRQ 5 */
    VMM_VIRTIO_RNG,     /* every VM: window 1, IRQ 10 */
    VMM_VIRTIO_BLOCK,   /* a VM with disk=: window 2, IRQ 11 */
} vmm_virtio_kind_t;

typedef struct vmm_virtio_layout {
    unsigned count;
    vmm_virtio_kind_t kind[VMM_VIRTIO_DEVICES];
    vdev_acpi_virtio_t device[VMM_VIRTIO_DEVICES]; /* window and interrupt, as the DSDT says */
} vmm_virtio_layout_t;

void virtio_layout_make(bool disk, vmm_virtio_layout_t *layout);

/* "virtio_mmio.device=512@0xfeb00000:5 ..." for Linux, NUL-terminated; its length, or 0 when it
 * does not fit in capacity bytes. */
size_t virtio_layout_cmdline(const vmm_virtio_layout_t *layout, char *out, size_t capacity);

#endif
