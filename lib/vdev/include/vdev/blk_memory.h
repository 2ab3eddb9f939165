/*
 * A block backend over a disk image held in host memory (a boot module mapped read-only, or a
 * copy in RAM): it moves each request's data between the image and guest RAM and completes the
 * request at once. For tests and for a VMM's first disks; a backend of the machine's own disks
 * takes its place behind the same vdev_blk_backend_t.
 */
#ifndef VDEV_BLK_MEMORY_H
#define VDEV_BLK_MEMORY_H

#include <vdev/virtio_blk.h>

typedef struct vdev_blk_memory {
    const uint8_t *image;
    uint8_t *writable; /* the same bytes when the disk may be written, else NULL */
    uint64_t size;     /* bytes; the disk is size / 512 whole sectors */
    const pv_memory_t *memory;
    vdev_virtio_blk_t *device;
    uint64_t requests;
} vdev_blk_memory_t;

/* `writable` is NULL for a read-only image, or equal to `image`. */
void vdev_blk_memory_init(vdev_blk_memory_t *backend, const uint8_t *image, uint8_t *writable,
                          uint64_t size, const pv_memory_t *memory);

/* Attaches a device: its capacity, read-only flag and backend follow from the image. */
void vdev_blk_memory_attach(vdev_blk_memory_t *backend, vdev_virtio_blk_t *device);

/* The backend for vdev_virtio_blk_config_t, and the capacity in sectors. */
vdev_blk_backend_t vdev_blk_memory_backend(vdev_blk_memory_t *backend);
uint64_t vdev_blk_memory_capacity(const vdev_blk_memory_t *backend);

#endif
