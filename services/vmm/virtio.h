/*
 * The VM's virtio-mmio devices (virtio.c): virtio-console and virtio-rng for every VM, and
 * virtio-blk over the disk= module or the machine's disk (disk=dev:N, machine_disk.h), on the platform's bus at virtio_layout.h's windows. The
 * guest's QueueNotify is served inside its MMIO write; nothing runs between exits.
 */
#ifndef VMM_VIRTIO_H
#define VMM_VIRTIO_H

#include "machine_disk.h"
#include "virtio_layout.h"
#include <vdev/blk_memory.h>
#include <vdev/virtio_console.h>
#include <vdev/virtio_rng.h>

typedef struct vmm vmm_t;

typedef struct vmm_virtio {
    vmm_virtio_layout_t layout;
    vdev_virtio_console_t console;
    vdev_virtio_rng_t rng;
    vdev_virtio_blk_t blk;
    vdev_blk_memory_t disk;
    machine_disk_t machine; /* disk=dev:N */
    bool rdrand;
    uint64_t seed;
} vmm_virtio_t;

/* The layout for this VM's declaration (before the firmware tables are written). */
void virtio_plan(vmm_t *vmm);

/* The devices on the platform (after vdev_platform_init); ends the VM on a bad disk=. */
void virtio_setup(vmm_t *vmm);

#endif
