/*
 * A virtio entropy device (virtio 1.2 section 5.4): one request queue whose device-writable
 * buffers the device fills with bytes from the VMM's callback. A device-readable buffer breaks
 * the device; at most VDEV_RNG_CHAIN_BYTES are given per chain (the used length says how many).
 */
#ifndef VDEV_VIRTIO_RNG_H
#define VDEV_VIRTIO_RNG_H

#include <vdev/virtio_mmio.h>

#define VDEV_VIRTIO_ID_RNG   4u
#define VDEV_RNG_QUEUE_SIZE  64u
#define VDEV_RNG_CHAIN_BYTES 4096u

/* Fills `length` bytes with entropy. */
typedef void (*vdev_rng_fill_fn)(void *context, uint8_t *out, size_t length);

typedef struct vdev_virtio_rng_config {
    const pv_memory_t *memory;
    vdev_line_t irq;
    vdev_rng_fill_fn fill;
    void *fill_context;
} vdev_virtio_rng_config_t;

typedef struct vdev_virtio_rng {
    vdev_virtio_mmio_t transport;
    vdev_virtio_rng_config_t config;
    vdev_virtq_chain_t chain;
    uint64_t bytes_given;
    uint64_t requests; /* chains filled */
} vdev_virtio_rng_t;

void vdev_virtio_rng_init(vdev_virtio_rng_t *dev, const vdev_virtio_rng_config_t *config);

#endif
