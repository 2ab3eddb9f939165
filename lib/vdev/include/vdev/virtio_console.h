/*
 * A virtio-console device (virtio 1.2 section 5.3) with one port and no optional feature:
 * queue 0 receives (the device writes the console's input into the driver's buffers), queue 1
 * transmits (the device reads the guest's output and hands each byte to a callback, as COM1's
 * transmit callback). A transmit buffer the device must write, or a receive buffer it must
 * read, breaks the device.
 */
#ifndef VDEV_VIRTIO_CONSOLE_H
#define VDEV_VIRTIO_CONSOLE_H

#include <vdev/uart.h>
#include <vdev/virtio_mmio.h>

#define VDEV_VIRTIO_ID_CONSOLE  3u
#define VDEV_CONSOLE_QUEUE_SIZE 64u
#define VDEV_CONSOLE_RECEIVEQ   0u
#define VDEV_CONSOLE_TRANSMITQ  1u

typedef struct vdev_virtio_console_config {
    const pv_memory_t *memory;
    vdev_line_t irq;
    vdev_uart_transmit_fn transmit; /* each byte the guest writes */
    void *transmit_context;
} vdev_virtio_console_config_t;

typedef struct vdev_virtio_console {
    vdev_virtio_mmio_t transport;
    vdev_virtio_console_config_t config;
    vdev_virtq_chain_t chain;
    uint64_t transmitted;
    uint64_t received;
    uint64_t requests; /* chains used: transmit and receive buffers */
} vdev_virtio_console_t;

void vdev_virtio_console_init(vdev_virtio_console_t *dev,
                              const vdev_virtio_console_config_t *config);

/* Console input: the number of bytes taken into the driver's receive buffers (0 when it has
 * given none, or the device is not live); the caller keeps the rest for later. */
size_t vdev_virtio_console_input(vdev_virtio_console_t *dev, const uint8_t *bytes, size_t length);

#endif
